#pragma once
// kind = concurrency: the terminal lines of a result: one line per cell (journal mode x layout x writers), then the scaling ratios.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeConcurrency(const Json& result);

}  // namespace shardlab
