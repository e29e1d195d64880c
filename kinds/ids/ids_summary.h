#pragma once
// kind = ids: the terminal lines of an ids result: one per id scheme.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeIds(const Json& result);

}  // namespace shardlab
