#pragma once
// A real migration between shard files after a router change: every row whose owner
// changed is copied to its new shard and deleted from the old one, in batches.
//
// Why it is safe: each batch is ONE transaction over two files — the source shard is the
// connection's main database, the destination is ATTACHed — in rollback-journal (DELETE)
// mode, so SQLite's super-journal makes the copy and the delete commit together or not at
// all (the crash campaigns show this: 0 mixed states at every I/O event, process crash
// and power loss, at synchronous=FULL). After every commit each key is on exactly one
// shard. The plan is not a log to replay: a run (or a rerun after a crash) scans every
// shard for rows not on their owner under the target router and moves them, so a rerun
// finishes exactly what is left. control.db records the target (router, shard counts) so
// a rerun cannot migrate towards a different layout; its row is written before the first
// batch and marked finished after the last.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "shards/shards_spec.h"
#include "workloads/key_space.h"
#include "workloads/router.h"

namespace shardlab {

// Where one copy of a migration's files lives: shard s at ShardPath(shards, data_dir, s,
// set) (shards/layout.h: the scenario's layout and roots, `set` within each root), and
// control.db in the set's directory of the first root.
struct MigrationFiles {
  ShardsSpec shards;
  std::string data_dir;
  std::string set;
  std::string Shard(uint32_t shard) const;
  std::string Control() const;
};

struct MigrationPlan {
  MigrationFiles files;            // the shard files and control.db
  std::vector<uint32_t> before;    // identities holding data now
  std::vector<uint32_t> after;     // identities after the change
  const Router* target = nullptr;  // routes over `after`
  HashKind key_hash = HashKind::kXxh3;  // how keys are hashed for `target` (routed by the key itself)
  std::string router_name;         // recorded in control.db
  int64_t batch_rows = 1000;
  std::string synchronous = "full";
  const char* vfs = nullptr;       // the crash shim in crash trials
  // Called after each batch commits (crash trials kill the process here).
  std::function<void(int64_t batch)> after_batch;
};

struct MigrationStats {
  int64_t rows_moved = 0, bytes_moved = 0, batches = 0;
  double seconds = 0;
};

// Moves every misplaced row; idempotent; a rerun after a crash completes the move.
StatusOr<MigrationStats> Migrate(const MigrationPlan& plan);

// Creates the `before` shards with `keys` rows (payload `payload_bytes` of bytes from
// the seed) routed by `router`; returns each key's payload checksum, in key order.
StatusOr<std::vector<uint64_t>> CreateMigrationShards(const MigrationFiles& files, const KeySpace& keys,
                                                      const Router& router, int64_t payload_bytes, uint64_t seed);

// After a migration: every key exactly once, on its owner, with its payload unchanged.
struct MigrationCheck {
  int64_t lost = 0, duplicated = 0, misplaced = 0, changed = 0, corrupt = 0;
  bool ok() const { return lost + duplicated + misplaced + changed + corrupt == 0; }
  std::string detail;
};
MigrationCheck VerifyMigration(const MigrationFiles& files, const std::vector<uint32_t>& shards_on_disk, const KeySpace& keys,
                               const Router& target, const std::vector<uint64_t>& checksums);

// The physical limit on this machine: the same rows copied with one
// `INSERT INTO dst SELECT ... FROM attached src` per (source, destination) pair, no
// deletes, no batches. Works on its own copy of the shards (`plan.files`).
StatusOr<MigrationStats> BareCopy(const MigrationPlan& plan);

}  // namespace shardlab
