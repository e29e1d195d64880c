#pragma once
// kind = workload: the terminal lines of a workload result: shards, load, balance, probes, the mix's
// latencies, the walk and the PostgreSQL peer.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

std::string SummarizeWorkload(const Json& result);

}  // namespace shardlab
