#pragma once
// The console lines of a kind = migrate result (runner.cc's SummarizeResult).
#include <string>

#include "harness/json_file.h"

namespace shardlab {

std::string SummarizeSchemaMigration(const Json& metrics);

}  // namespace shardlab
