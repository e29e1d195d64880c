#pragma once
// kind = reshard: the terminal lines of a reshard result: movement per (router, change), the
// migration and its crash trials, the vnode sweep.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeReshard(const Json& result);

}  // namespace shardlab
