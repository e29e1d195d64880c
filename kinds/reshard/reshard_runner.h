#pragma once
// kind = reshard: for every router and change, the keys that move, where they go, the
// balance before and after (by key count and by sampled load), lookup cost and router
// memory; and the ring's balance against vnodes. Pure analysis: no shard files.
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

// Shard files (reshard.migrate only) go under `data_dir`.
StatusOr<Json> RunReshard(const Scenario& s, const std::string& data_dir, Workspace& workspace);

}  // namespace shardlab
