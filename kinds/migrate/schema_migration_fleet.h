#pragma once
// The fleet a schema migration runs on: shards.count files in the scenario's layout and
// roots, each at schema version 1 with the scenario's keys routed to it by `router`.
// Every timed run and every crash trial gets a fresh fleet of its own, under
// "<root>/<fleet name>/", built the same way from the seed, and removes it afterwards.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

// Which keys each file holds and what its data must checksum to (schema_migration_check.h).
struct FleetRows {
  std::vector<std::vector<uint64_t>> items;  // per file: key indices, in key order
  std::vector<uint64_t> checksums;           // per file: sum of RowChecksum(k, v)
  uint64_t rows = 0;
};
StatusOr<FleetRows> RouteFleetRows(const Scenario& s);

// Row `item`'s value: 1 .. 2 x mean_bytes letters and digits, from the seed.
std::string FleetValue(uint64_t seed, uint64_t item, int64_t mean_bytes);

class Fleet {
 public:
  // Creates files 0 .. files-1 (which must not exist) in `journal_mode`, loaded with
  // synchronous=off; with `sync`, then syncfs() on each fleet directory so that a timed
  // migration does not pay for writing back the load (`seconds` includes that sync).
  // Crash trials skip it: a process crash keeps the page cache.
  static StatusOr<Fleet> Provision(const Scenario& s, const FleetRows& rows, uint32_t files, const std::string& name,
                                   const std::string& journal_mode, const std::string& data_dir, bool sync,
                                   Progress* progress);

  const std::vector<std::string>& paths() const { return paths_; }
  double seconds() const { return seconds_; }
  // Removes the fleet's files (with their journals) and the directories it made.
  void Remove() { workspace_->RemoveCreated(); }

 private:
  Fleet() : workspace_(std::make_unique<Workspace>()) {}
  std::vector<std::string> paths_;
  double seconds_ = 0;
  std::unique_ptr<Workspace> workspace_;
};

}  // namespace shardlab
