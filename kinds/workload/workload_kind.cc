// kind = workload: the Kind interface over this folder's spec, runner and summary.
#include "kinds/workload/workload_kind.h"

#include <algorithm>

#include "kinds/workload/workload_runner.h"
#include "kinds/workload/workload_spec.h"
#include "kinds/workload/workload_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// Every shard file (rows spread by the router: the total is what counts), the single
// file of the walk, a PostgreSQL server's directory; each client thread (and each fan-out
// worker) holds a connection to every shard it served.
Footprint EstimateWorkloadFootprint(const Scenario& s) {
  const WorkloadSpec& w = s.Spec<WorkloadSpec>();
  const uint64_t rows = s.keys.count, shards = s.shards.count;
  const uint64_t key = KeyBytes(s.keys), value = TemplateBytes(w.value_format, rows);
  const uint64_t row = key + value + kRowOverhead;
  const uint64_t index = (s.keys.integer_keys ? 0 : key + kIndexOverhead) + (w.index_values ? value + kIndexOverhead : 0);
  const int indexes = (s.keys.integer_keys ? 0 : 1) + (w.index_values ? 1 : 0);
  const uint64_t per_shard_rows = rows / shards + (rows % shards != 0);
  const uint64_t file = SqliteFileBytes(per_shard_rows, row, index, indexes, s.sqlite);
  // Every shard stays open through the run: in WAL mode its -wal holds the load's pages
  // and then a few pages per put, up to the checkpoint.
  double put_weight = 0;
  for (const auto& [op, weight] : w.mix) put_weight += op == OpType::kPut ? weight : 0;
  const double puts = put_weight * static_cast<double>(w.ops * w.repetitions + w.warmup_ops);
  const uint64_t pages = file / static_cast<uint64_t>(s.sqlite.page_size);
  const uint64_t put_pages = static_cast<uint64_t>(puts / static_cast<double>(shards)) * kPagesPerRowCommit;
  Footprint f = ShardFilesFootprint(s.shards, shards, file + SidecarBytes(s.sqlite, pages + put_pages),
                                    s.sqlite.journal_mode);
  int64_t walk_fanout = 1;
  for (int64_t t : w.walk.fanout_threads) walk_fanout = std::max(walk_fanout, t);
  const uint64_t sessions = 1 + static_cast<uint64_t>(w.threads) * (1 + std::max(w.fanout_threads, walk_fanout));
  f.fds *= sessions;
  if (w.walk.single_file) {
    const uint64_t single_file = SqliteFileBytes(rows, row, index, indexes, s.sqlite);
    Footprint single = FlatFilesFootprint(
        1, single_file + SidecarBytes(s.sqlite, single_file / static_cast<uint64_t>(s.sqlite.page_size)));
    single.dirs = 0;
    f.Add(single);
  }
  if (w.walk.postgres) {
    // initdb's ~40 MB and ~1000 files, the table with its primary key (and value index).
    Footprint pg;
    pg.bytes = 40'000'000 + rows * (row + index + 24) * 2;
    pg.files = 1000;
    pg.dirs = 30;
    pg.files_per_dir_max = 300;
    f.Add(pg);
  }
  return f;
}

class WorkloadKindImpl final : public Kind {
 public:
  const char* name() const override { return "workload"; }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadWorkloadSpec(root);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckWorkloadSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return WorkloadMetricRoots(); }
  void CheckMetric(const Scenario& s, const std::string& metric, const std::string& path,
                   Problems& problems) const override {
    CheckWorkloadMetric(s, metric, path, problems);
  }
  void ApplyQuick(Scenario& s) const override { ApplyWorkloadQuickMode(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateWorkloadFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunWorkload(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeWorkload(result); }
};

}  // namespace

const Kind& WorkloadKind() {
  static const WorkloadKindImpl kKind;
  return kKind;
}

}  // namespace shardlab
