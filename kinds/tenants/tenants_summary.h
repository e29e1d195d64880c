#pragma once
// kind = tenants: the terminal lines of a result: provisioning, directories, requests, packings and pre-allocation.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeTenants(const Json& result);

}  // namespace shardlab
