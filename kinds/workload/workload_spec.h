#pragma once
// kind = workload: its `workload` block (operations, mix, walk, probes), reading,
// cross-field checks, metric names `expect` may use, and --quick.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/field_reader.h"
#include "scenario/scenario.h"

namespace shardlab {

enum class OpType { kGet, kPut, kScan, kScatter, kAttachUnion, kWalk };
inline constexpr OpType kAllOps[] = {OpType::kGet,     OpType::kPut,         OpType::kScan,
                                     OpType::kScatter, OpType::kAttachUnion, OpType::kWalk};
const char* OpName(OpType op);
std::optional<OpType> ParseOp(std::string_view name);

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
  int64_t iterations = 200;             // walks measured per (K, threads) and round
  // Rounds of the same `iterations` walks per form: each round's p50 (and the ratios of
  // the rounds' p50s, paired by round) are the `samples` an expectation is judged over.
  int64_t repetitions = 1;
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

WorkloadSpec ReadWorkloadSpec(FieldReader& root);
// Checks that need other blocks or the linked SQLite: ATTACH limit, SQL of queries,
// templates, probe keys.
void CheckWorkloadSpec(const Scenario& s, Problems& problems);
const std::set<std::string>& WorkloadMetricRoots();
// A probe or operation named in an expectation's metric must exist; the PostgreSQL
// peer's metrics need walk.postgres.
void CheckWorkloadMetric(const Scenario& s, const std::string& metric, const std::string& path, Problems& problems);
// --quick: one repetition and fewer operations (walks: at most 20 per round, at most 3
// rounds); loaded data (and so exact counts) unchanged.
void ApplyWorkloadQuickMode(Scenario& s);

}  // namespace shardlab
