#pragma once
// Creating one SQLite file per tenant (source 001 in scenarios/CLAIMS.md): the files under the scenario's roots
// and layout, each with one small table of the scenario's rows, written with
// synchronous=off and synced once per filesystem at the end. Also the bare loop the
// harness is judged against: open + create + insert + close, nothing else.
#include <cstdint>
#include <string>
#include <vector>

#include "core/workspace.h"
#include "scenario/scenario.h"
#include "workloads/key_space.h"

namespace shardlab {

// Path of tenant `id`'s file: <root>/<layout path>, relative roots under `data_dir`.
std::string TenantPath(const ShardsSpec& shards, const std::string& data_dir, uint32_t id);

// The rows every tenant starts with: keys.count keys, values "t<id>:r<i>:" padded to
// value_bytes (the row index inside lets a walk find exactly one row per tenant).
std::string TenantValue(uint64_t tenant, uint64_t row, int64_t value_bytes, uint64_t version);

// The text of each row key, in row order (keys.count of them).
std::vector<std::string> TenantRowKeys(const KeySpace& keys);

// The statements that create and fill one tenant's file (schema + rows in one
// transaction); shared by the harness and the bare loop so both do the same work.
std::string TenantSchemaSql();

struct ProvisionTiming {
  uint64_t files = 0;
  double seconds = 0;       // directories, bookkeeping and files
  double sync_seconds = 0;  // syncfs of every root afterwards
};

// Creates every tenant file (none may exist) on `threads` threads.
StatusOr<ProvisionTiming> ProvisionTenants(const Scenario& s, const KeySpace& keys, const std::string& data_dir,
                                           const std::vector<std::string>& paths, int threads, Workspace& workspace);

// The bare loop on the first `files` tenants' paths, as the set `bare-loop` in each root
// (same layout and roots), directories made untimed beforehand; the files are removed
// again before returning.
StatusOr<ProvisionTiming> BareProvisionLoop(const Scenario& s, const KeySpace& keys, const std::string& data_dir,
                                            uint32_t files, int threads);

}  // namespace shardlab
