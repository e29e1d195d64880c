#pragma once
// The `tenants` block of kind = tenants scenarios (claims C15, C19, C20).
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "scenario/scenario.h"
#include "workloads/distribution.h"

namespace shardlab {

// kind = tenants: one file per tenant at scale (shards.count tenants, keys.count rows
// each), served through a bounded connection cache; packings and pre-allocation compared.
struct TenantsSpec {
  DistributionSpec distribution{.type = "zipfian"};  // which tenant a request picks
  int64_t value_bytes = 100;
  int64_t provision_threads = 0;  // 0: one per core
  int64_t bare_files = 10'000;    // files in the bare open+create+close loop (0: skip)
  int64_t cache_files = 1000;     // open connections at most (LRU)
  int64_t requests = 100'000;
  double put_fraction = 0.1;      // the rest are point reads
  // Packings (C15): the same users in per-user files, minishards and shards.
  bool packings = true;
  int64_t minishards = 1024;
  int64_t packed_shards = 256;
  // Pre-allocation (C20): the same inserts with and without SQLITE_FCNTL_CHUNK_SIZE.
  bool preallocation = true;
  int64_t chunk_bytes = 1 << 20;
  int64_t chunk_files = 8;          // files grown side by side (interleaved appends)
  int64_t chunk_rows = 20'000;      // rows per file
  int64_t chunk_batch_rows = 100;   // rows per transaction
  int64_t chunk_rounds = 3;         // alternating rounds without/with the chunk size: the
                                    // repetitions preallocation.speedup is judged over
};

TenantsSpec ReadTenantsSpec(FieldReader& root);
// Checks across blocks (the shard count against the packings, the cache bound).
void CheckTenantsSpec(const Scenario& s, Problems& problems);
const std::set<std::string>& TenantsMetricRoots();
// --quick: at most 10,000 requests and 2,000 bare-loop files, at most 3 pre-allocation
// rounds (an interval for the speedup still) of at most 5,000 rows per file. The tenants
// provisioned are unchanged.
void ApplyTenantsQuickMode(Scenario& s);

}  // namespace shardlab
