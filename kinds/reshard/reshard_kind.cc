// kind = reshard: the Kind interface over this folder's spec, runner and summary.
#include "kinds/reshard/reshard_kind.h"

#include <algorithm>

#include "core/json.h"

#include "kinds/reshard/reshard_runner.h"
#include "kinds/reshard/reshard_spec.h"
#include "kinds/reshard/reshard_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// Pure analysis creates no files. A migration builds a template fleet (one file per shard
// before or after the change, and control.db), then copies it for each run (the clean
// migration, the bare limit, every killed trial); a copy is removed once it verifies, so
// at most one copy exists beside the template (plus failed trials, kept).
Footprint EstimateReshardFootprint(const Scenario& s) {
  const ReshardSpec& r = s.Spec<ReshardSpec>();
  Footprint f;
  if (!r.migrate.enabled) return f;
  uint64_t after = s.shards.count;
  for (const ReshardChangeSpec& c : r.changes) {
    if (c.kind == "add") after = std::max<uint64_t>(after, s.shards.count + static_cast<uint64_t>(c.count));
  }
  const uint64_t files = after + 1;
  const uint64_t rows = s.keys.count / s.shards.count + (s.keys.count % s.shards.count != 0);
  const uint64_t key = KeyBytes(s.keys);
  SqliteSpec sqlite = s.sqlite;
  sqlite.journal_mode = "delete";
  const uint64_t file = SqliteFileBytes(rows, key + static_cast<uint64_t>(r.migrate.payload_bytes) + kRowOverhead,
                                        key + kIndexOverhead, 1, sqlite);
  f = FlatFilesFootprint(files, file).Times(2);
  f.files_per_dir_max = files + 2;  // a batch's journal and super-journal
  f.fds = files * 2 + 16;
  return f;
}

class ReshardKindImpl final : public Kind {
 public:
  const char* name() const override { return "reshard"; }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    return ReadReshardSpec(root, s);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckReshardSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return ReshardMetricRoots(); }
  Json MetricShape(const Scenario& s) const override { return ReshardMetricShape(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateReshardFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunReshard(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeReshard(result); }
};

}  // namespace

const Kind& ReshardKind() {
  static const ReshardKindImpl kKind;
  return kKind;
}

}  // namespace shardlab
