#pragma once
// A scenario file, loaded and validated into typed, complete values (defaults filled).
// scenarios/README.md is the reference for every key; keep the two in step.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/json_file.h"
#include "workloads/distribution.h"
#include "workloads/key_space.h"
#include "workloads/router.h"
#include "workloads/status.h"

namespace shardlab {

struct ShardsSpec {
  uint32_t count = 0;
  std::string layout = "flat";           // flat: shard_0007.db; digits: 1/23/45678.db (seeds/001)
  std::vector<std::string> roots{"."};   // shard i lives under roots[i % roots.size()]
  int digits_width = 0;                  // digits layout: zero-pad ids to this width (0: automatic)
};

struct SqliteSpec {
  std::string journal_mode = "delete";   // SQLite's own defaults, as users run it
  std::string synchronous = "full";
  int64_t page_size = 4096;
  int64_t cache_size = -2000;
  int64_t busy_timeout_ms = 5000;
};

struct Expectation {
  std::string metric;   // dotted path into the result's metrics: "probes.v3.rows"
  std::string op;       // eq | approx | lt | le | gt | ge
  Json value;
  double tolerance = 0;  // approx: |observed - value| <= tolerance
  std::string claim;     // optional claim id from CLAIMS.md ("C1")
  std::string note;
};

enum class OpType { kGet, kPut, kScan, kScatter, kAttachUnion, kWalk };
inline constexpr OpType kAllOps[] = {OpType::kGet,     OpType::kPut,         OpType::kScan,
                                     OpType::kScatter, OpType::kAttachUnion, OpType::kWalk};
const char* OpName(OpType op);

// A query without the shard key: scatter, attach_union and probes run
// `SELECT k, v FROM kv WHERE <where>` with ?1 bound to `param` rendered for the item.
struct QuerySpec {
  std::string where = "v = ?1";
  std::string param = "value-{i}";
};

// One deterministic operation run after loading; its outcome becomes metrics.probes.<name>.
struct ProbeSpec {
  std::string name;
  OpType op = OpType::kGet;
  std::optional<std::string> key;  // get / scan: the key text (routed like any key)
  std::optional<uint64_t> index;   // or the item index whose key to use
  QuerySpec query;                  // scatter / attach_union / walk
  uint32_t walk_shards = 0;
};

struct WalkSpec {
  std::vector<int64_t> shards;          // K values: shards walked per request
  std::vector<int64_t> fanout_threads{1};
  int64_t iterations = 200;             // walks measured per (K, threads)
  bool single_file = false;             // also run the same lookups on one file holding all rows
  bool postgres = false;                // ... and on a PostgreSQL server holding them (walk_postgres.h)
};

struct WorkloadSpec {
  std::string value_format = "value-{i}";
  bool index_values = false;            // CREATE INDEX on v (non-key queries use it)
  int64_t load_batch = 1000;            // rows per load transaction per shard
  std::vector<std::pair<OpType, double>> mix;  // normalised weights, ops with weight > 0
  int64_t ops = 0;                      // timed operations per repetition (all threads)
  int64_t warmup_ops = 0;
  int64_t repetitions = 1;
  int64_t threads = 1;
  int64_t scan_length = 10;
  int64_t fanout_threads = 1;           // scatter: shards queried in parallel
  QuerySpec query;
  WalkSpec walk;
  std::vector<ProbeSpec> probes;
};

// kind = crash: the matrix of cells (strategy x journal mode x synchronous x fault model)
// and the campaign that runs trials in each; the accounts are `keys`, spread by `router`.
struct CrashSpec {
  std::vector<std::string> strategies{"naive", "attach"};
  std::vector<std::string> journal_modes{"delete", "wal"};
  std::vector<std::string> synchronous{"full"};
  std::vector<std::string> faults{"process_crash"};  // process_crash | power_loss | power_loss_torn | io_error
  std::string campaign = "enumerate";                // enumerate | random | errors
  int64_t transfers = 1;                             // transfers per trial
  int64_t initial_balance = 1000;
  int64_t trials = 100;                              // random: trials per cell
  std::vector<std::string> fail_points;              // errors: vfs/... and posix/... points
  std::string error = "EIO";                         // errors: EIO | ENOSPC
  int64_t max_k = 1000;                              // errors: calls tried per point, at most
  bool relocate = false;                             // move the shard directory before recovery
  double timeout_s = 10;                             // a trial child past it is `hung`
  int64_t workers = 0;                               // worker processes; 0: one per core
};

// kind = reshard: routers compared on growing or shrinking the shard set.
struct ReshardRouter {
  std::string name;   // unique within the scenario: "mod", "ring_100", "ring_blog", ...
  RouterSpec spec;
};
struct ReshardChangeSpec {
  std::string kind;   // add | remove_last | remove
  int64_t count = 1;  // add
  int64_t shard = 0;  // remove
};
// reshard.migrate: a real migration between shard files for one (router, change).
struct MigrateSpec {
  bool enabled = false;
  std::string router;                // a name from reshard.routers
  std::string change;                // a change name: add_1, remove_last, remove_3
  int64_t payload_bytes = 100;
  int64_t batch_rows = 1000;
  std::string synchronous = "full";
  int64_t crash_trials = 0;          // kills at random I/O events (then resume, verify)
  bool crash_every_batch = false;    // and one kill after each batch commit
  bool bare = true;                  // measure the bare INSERT ... SELECT limit
};

struct ReshardSpec {
  std::vector<ReshardRouter> routers;
  std::vector<ReshardChangeSpec> changes;
  int64_t load_samples = 1'000'000;     // requests drawn from keys.distribution for the weighted load
  bool lookup_ns = true;                // time each router's lookups (in-run, best of 3)
  std::vector<int64_t> sweep_shards;    // vnode sweep: shard counts
  std::vector<int64_t> sweep_vnodes;    // and vnode counts
  int64_t threads = 0;                  // analysis threads; 0: one per core
  MigrateSpec migrate;
};

// kind = concurrency: W writer (and R reader) threads over one file vs the shard files.
struct ConcurrencySpec {
  std::vector<int64_t> writers{1, 2, 4};
  int64_t readers = 0;
  std::vector<std::string> layouts{"one_file", "shards"};  // one_file: every thread on one file
  std::vector<std::string> journal_modes{"delete", "wal"};
  double duration_s = 1.0;   // timed phase per cell; the rows are the scenario's keys
};

// kind = ids: the same rows inserted into every shard under several id schemes.
struct IdsSpec {
  std::vector<std::string> schemes{"autoincrement", "offsets", "uuid4", "uuid7", "snowflake"};
  int64_t batch_rows = 1000;  // rows per insert transaction
};

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
  int64_t chunk_rounds = 3;         // alternating rounds without/with the chunk size
};

// kind = backup: backups of live shards taken by several methods while writer processes
// commit (claim C17); each restored and checked against what was acknowledged.
struct BackupSpec {
  std::vector<std::string> methods{"copy_db", "copy_db_wal", "backup_api", "backup_api_paged", "vacuum_into"};
  std::vector<std::string> journal_modes{"delete", "wal"};
  int64_t rounds = 5;            // backups per shard, method and journal mode
  int64_t writers = 2;           // writer processes, each committing on random shards
  int64_t updates_per_txn = 4;
  int64_t inserts_per_txn = 1;
  int64_t row_bytes = 1000;      // payload per row (sets the file size with keys.count)
  int64_t writer_pause_us = 0;   // a writer's pause between its transactions
  int64_t commits_between = 5;   // commits a shard sees between two of its backups
  int64_t jitter_ms = 5;         // seeded random wait before each backup
  int64_t step_pages = 64;       // backup_api_paged: pages per sqlite3_backup_step
  int64_t step_sleep_ms = 10;    // and the sleep between steps
  int64_t max_restarts = 20;     // and the restarts after which it gives up
  double timeout_s = 60;         // waiting for writers' commits, and busy retries of a backup
};

// kind = migrate: a schema change applied to every shard file, timed and crash-tested.
struct SchemaMigrationSpec {
  std::vector<std::string> strategies{"transactional", "separate_version"};  // and autocommit
  std::vector<std::string> journal_modes{"delete", "wal"};
  int64_t value_bytes = 32;        // mean length of each row's value (1 .. 2 x this)
  int64_t workers = 1;             // migrator threads in the timed runs
  bool floor = true;               // time a version-only commit per file (the fixed cost)
  bool bare = true;                // time the same statements as one sqlite3_exec per file
  int64_t crash_trials = 0;        // kills at random I/O events per (strategy, journal mode)
  bool crash_every_file = false;   // and one kill after each file's migration
  int64_t crash_files = 0;         // files in each crash trial's fleet; 0: shards.count
  double timeout_s = 600;          // a migrator child past it is killed
};

struct Scenario {
  std::string file;  // as given on the command line
  std::string name;
  std::string kind;
  std::string description;
  std::vector<std::string> claims;
  uint64_t seed = 1;
  std::string data_dir;  // optional; the CLI's --data wins
  ShardsSpec shards;
  RouterSpec router;
  KeySpec keys;
  DistributionSpec distribution;
  SqliteSpec sqlite;
  WorkloadSpec workload;
  CrashSpec crash;
  ReshardSpec reshard;
  ConcurrencySpec concurrency;
  IdsSpec ids;
  TenantsSpec tenants;
  BackupSpec backup;
  SchemaMigrationSpec migrate;
  std::vector<Expectation> expect;
  Json resolved;  // the scenario with defaults filled, as stored in results
};

struct LoadOptions {
  std::vector<std::pair<std::string, std::string>> overrides;  // --set path=value, in order
  std::optional<uint64_t> seed;                                  // --seed
  bool quick = false;                                            // --quick
};

// Reads, applies overrides, validates. Every problem is reported (kInvalidInput, one
// line each, "FILE: json.path: found X; expected Y"); nothing is run or written.
StatusOr<Scenario> LoadScenario(const std::string& file, const LoadOptions& options);
// The same from JSON already in memory; `origin` names it in messages (tests, benchmarks).
StatusOr<Scenario> LoadScenarioFromJson(Json raw, const std::string& origin, const LoadOptions& options);

// The scenario kinds this build can run.
const std::vector<std::string>& ScenarioKinds();

}  // namespace shardlab
