#pragma once
// kind = crash: the terminal lines of a crash result: one per cell of the matrix.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeCrash(const Json& result);

}  // namespace shardlab
