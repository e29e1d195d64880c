#pragma once
// kind = backup: the terminal lines of a result: per journal mode, the writers and each method's outcome counts.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeBackup(const Json& result);

}  // namespace shardlab
