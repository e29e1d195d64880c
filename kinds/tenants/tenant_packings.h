#pragma once
// The same users packed several users to a file (C15): minishards (source 000 in scenarios/CLAIMS.md: 1024 files
// of ~100 users) and shards. A user's rows keep their keys and values and gain a `user`
// column; the scenario's router places users on files by the text "user:<id>".
#include <cstdint>
#include <string>
#include <vector>

#include "core/workspace.h"
#include "kinds/tenants/tenant_requests.h"
#include "scenario/scenario.h"
#include "workloads/key_space.h"

namespace shardlab {

struct PackedLoad {
  Packing packing;
  double seconds = 0;  // creating and filling every file (synchronous=off, then synced)
  std::vector<std::string> dirs;  // `<root>/<name>` of each distinct root: where the files are
};

// Creates `files` files holding every tenant's rows as provisioning wrote them, in the
// scenario's shards layout and roots (file f where shard f of `files` shards would be),
// as the set `<name>` in each root (shards/layout.h ShardPath).
StatusOr<PackedLoad> BuildPackedFiles(const Scenario& s, const KeySpace& keys, const std::string& name,
                                      const std::string& data_dir, uint32_t files, Workspace& workspace);

}  // namespace shardlab
