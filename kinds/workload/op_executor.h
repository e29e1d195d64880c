#pragma once
// One thread's operation engine for kind = workload: picks keys from the distribution,
// routes them, runs get / put / scan / scatter / attach_union / walk on the real shard
// files through its own connections, and records latency. The runner drives it and so
// does the harness-overhead micro-benchmark, so both measure the same code path.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/histogram.h"
#include "kinds/workload/workload_spec.h"
#include "scenario/scenario.h"
#include "shards/fanout_pool.h"
#include "shards/shard_set.h"
#include "workloads/distribution.h"
#include "workloads/key_space.h"
#include "workloads/key_template.h"
#include "workloads/router.h"

namespace shardlab {

// What every executor of a run shares, read-only.
struct WorkloadContext {
  const Scenario* scenario = nullptr;
  const WorkloadSpec* workload = nullptr;  // the scenario's workload block
  const KeySpace* keys = nullptr;
  const Router* router = nullptr;
  const ShardSet* shards = nullptr;
  const KeyTemplate* value_format = nullptr;
  const KeyTemplate* query_param = nullptr;
  const KeyChooser* chooser = nullptr;          // cloned per executor
  // Item indices stored on each shard (walks pick one resident key per shard).
  const std::vector<std::vector<uint32_t>>* shard_items = nullptr;
};

// The statements each shard connection prepares, by index.
enum ShardStatement : size_t { kGetStmt = 0, kPutStmt, kScanStmt, kQueryStmt, kStatementCount };
std::vector<std::string> ShardStatements(const Scenario& s);

struct OpOutcome {
  uint64_t rows = 0;
  uint32_t shards_touched = 0;
  bool busy = false;  // SQLITE_BUSY/LOCKED after the busy timeout: counted, not fatal
};

// Per-operation-type tallies.
struct OpStats {
  uint64_t count = 0;
  uint64_t rows = 0;
  uint64_t busy = 0;  // SQLITE_BUSY / SQLITE_LOCKED after the busy timeout
  uint64_t shards_touched_sum = 0;
  uint32_t shards_touched_min = UINT32_MAX;
  uint32_t shards_touched_max = 0;
  LatencyHistogram latency;
  LatencyHistogram per_shard_latency;  // scatter and walk: each shard's own query
  void Merge(const OpStats& o);
};

class OpExecutor {
 public:
  // `fanout_threads` > 1 runs scatter and walk queries on a pool of that many threads.
  OpExecutor(const WorkloadContext& ctx, int fanout_threads);

  // Operations on item i (or on a query parameter rendered for item i).
  // Opens this executor's connections to every shard, on every fan-out thread.
  Status OpenAllConnections();
  StatusOr<OpOutcome> Get(uint64_t i, std::string* value_out = nullptr);
  StatusOr<OpOutcome> Put(uint64_t i);
  StatusOr<OpOutcome> Scan(uint64_t i);
  StatusOr<OpOutcome> Scatter(const std::string& param, LatencyHistogram* per_shard);
  StatusOr<OpOutcome> AttachUnion(const std::string& param);
  // Looks up one resident key on each of `k` distinct shards chosen with `rng`.
  StatusOr<OpOutcome> Walk(uint32_t k, Rng& rng, LatencyHistogram* per_shard) {
    ChooseWalk(k, rng, walk_steps_);
    return RunWalk(walk_steps_, per_shard);
  }
  // A walk's choices, separate from running it, so the same keys can be looked up
  // elsewhere (the single-file comparison). A pure function of rng's state and k.
  struct WalkStep {
    uint32_t shard;
    uint64_t item;  // kNoItem: the shard holds no rows
  };
  static constexpr uint64_t kNoItem = UINT64_MAX;
  void ChooseWalk(uint32_t k, Rng& rng, std::vector<WalkStep>& steps);
  StatusOr<OpOutcome> RunWalk(const std::vector<WalkStep>& steps, LatencyHistogram* per_shard);

  // Runs `n` operations of the scenario's mix with keys from the distribution,
  // recording into stats() when `record`. The timed phase of the runner.
  Status RunMix(uint64_t n, Rng& rng, bool record);
  const std::array<OpStats, 6>& stats() const { return stats_; }
  void ResetStats();

  // Shared building blocks for probes.
  StatusOr<OpOutcome> GetKey(const KeyRef& key, std::string* value_out);
  StatusOr<OpOutcome> ScanKey(const KeyRef& key);
  StatusOr<OpOutcome> QueryShards(const std::vector<uint32_t>& shards, const std::string& sql, const std::string& param,
                                  LatencyHistogram* per_shard);
  StatusOr<OpOutcome> AttachQuery(const std::string& where, const std::string& param);
  KeyRef& scratch() { return key_; }
  ShardSession& session() { return session_; }

 private:
  Status Check(int rc, Stmt& stmt, const char* what);
  void BindKey(Stmt& stmt, int index, const KeyRef& key);
  StatusOr<Db*> AttachConnection();

  const WorkloadContext ctx_;
  ShardSession session_;
  std::unique_ptr<KeyChooser> chooser_;
  std::unique_ptr<FanoutPool> pool_;
  KeyRef key_;
  std::string text_;   // scratch for values and column copies
  std::string param_;  // the query parameter of the current scatter / attach_union
  std::vector<uint32_t> shard_order_;  // identity permutation between walks (see ChooseWalk)
  std::vector<uint32_t> walk_picks_;
  std::vector<WalkStep> walk_steps_;
  std::optional<Db> attach_db_;
  std::string attach_where_;
  std::optional<Stmt> attach_stmt_;
  std::array<OpStats, 6> stats_;
  std::vector<std::pair<double, OpType>> cumulative_mix_;
};

}  // namespace shardlab
