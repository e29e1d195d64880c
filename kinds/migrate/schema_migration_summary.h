#pragma once
// kind = migrate: the terminal lines of a result: the fleet, the floor and bare references,
// each strategy's speed and its crash campaign.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeSchemaMigration(const Json& result);

}  // namespace shardlab
