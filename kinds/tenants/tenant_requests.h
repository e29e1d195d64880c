#pragma once
// Requests against tenants packed into files: one file per user, minishards, shards.
// Every packing replays the same request stream (tenant from tenants.distribution, row
// from keys.distribution, get or put) through an LRU cache of open connections, and the
// same walk over every file (the cross-user query of C13).
#include <cstdint>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "scenario/scenario.h"
#include "workloads/key_space.h"

namespace shardlab {

struct Packing {
  std::string name;                     // per_user | minishards | shards
  std::vector<std::string> paths;       // its files
  std::vector<uint32_t> file_of_user;   // empty: user u is file u (one file per user)
  bool packed() const { return !file_of_user.empty(); }
};

struct TenantRequest {
  uint32_t user = 0;
  uint32_t row = 0;
  bool put = false;
};

// The scenario's request stream, from its seed.
StatusOr<std::vector<TenantRequest>> MakeRequestStream(const Scenario& s);

// Replays `stream` with a cache of tenants.cache_files connections using the runtime
// pragmas (s.sqlite). Metrics: latency by hit/miss and op, opens, closes, hit ratio,
// open descriptors with the cache full, resident memory growth, SQLite's heap peak.
StatusOr<Json> ReplayRequests(const Scenario& s, const KeySpace& keys, const Packing& packing,
                              const std::vector<TenantRequest>& stream);

// One walk over every file of the packing counting the rows whose value carries row
// `row` ("%:r<row>:%", one per user), through a cache of the same bound.
StatusOr<Json> WalkAllFiles(const Scenario& s, const Packing& packing, uint64_t row);

}  // namespace shardlab
