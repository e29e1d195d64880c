// kind = concurrency: the Kind interface over this folder's spec, runner and summary.
#include "kinds/concurrency/concurrency_kind.h"

#include <algorithm>

#include "kinds/concurrency/concurrency_runner.h"
#include "kinds/concurrency/concurrency_spec.h"
#include "kinds/concurrency/concurrency_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// For each journal mode and layout a file set of its own (one file, or the shard files
// in their layout), left in place until the run ends; every thread holds a connection
// to each file it touches.
Footprint EstimateConcurrencyFootprint(const Scenario& s) {
  const ConcurrencySpec& c = s.Spec<ConcurrencySpec>();
  const uint64_t rows = s.keys.count, shards = s.shards.count;
  const uint64_t key = KeyBytes(s.keys);
  // Rows start as 'initial'; the writers' updates set 64-byte values on the rows they draw.
  const uint64_t row = key + 16 + kRowOverhead, index = key + kIndexOverhead;
  int64_t writers = 0;
  for (int64_t w : c.writers) writers = std::max(writers, w);
  const uint64_t threads = static_cast<uint64_t>(writers + c.readers);
  // Writers commit one row at a time for every window: a few hundred commits a second
  // at synchronous=full, spread over the files, each an update in place of one leaf page
  // (each WAL up to its checkpoint).
  const double commits = 200.0 * c.duration_s * static_cast<double>(c.repetitions * c.writers.size());
  Footprint f;
  for (const std::string& mode : c.journal_modes) {
    SqliteSpec sqlite = s.sqlite;
    sqlite.journal_mode = mode;
    for (const std::string& layout : c.layouts) {
      Footprint part;
      if (layout == "one_file") {
        const uint64_t file = SqliteFileBytes(rows, row, index, 1, sqlite);
        const uint64_t pages = file / static_cast<uint64_t>(sqlite.page_size);
        part = FlatFilesFootprint(1, file + SidecarBytes(sqlite, pages + static_cast<uint64_t>(commits)));
        part.fds = FdsPerConnection(mode);
      } else {
        const uint64_t per_shard = rows / shards + (rows % shards != 0);
        const uint64_t file = SqliteFileBytes(per_shard, row, index, 1, sqlite);
        const uint64_t pages = file / static_cast<uint64_t>(sqlite.page_size);
        const uint64_t commit_pages = static_cast<uint64_t>(commits / static_cast<double>(shards));
        part = ShardFilesFootprint(s.shards, shards, file + SidecarBytes(sqlite, pages + commit_pages), mode);
        part.dirs += 1;
      }
      part.fds *= std::max<uint64_t>(1, threads) + 1;
      f.Add(part);
    }
  }
  return f;
}

class ConcurrencyKindImpl final : public Kind {
 public:
  const char* name() const override { return "concurrency"; }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadConcurrencySpec(root);
  }
  const std::set<std::string>& MetricRoots() const override { return ConcurrencyMetricRoots(); }
  Json MetricShape(const Scenario& s) const override { return ConcurrencyMetricShape(s); }
  void ApplyQuick(Scenario& s) const override { ApplyConcurrencyQuickMode(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateConcurrencyFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunConcurrency(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeConcurrency(result); }
};

}  // namespace

const Kind& ConcurrencyKind() {
  static const ConcurrencyKindImpl kKind;
  return kKind;
}

}  // namespace shardlab
