// kind = tenants: the Kind interface over this folder's spec, runner and summary.
#include "kinds/tenants/tenants_kind.h"

#include <algorithm>

#include "kinds/tenants/tenants_runner.h"
#include "kinds/tenants/tenants_spec.h"
#include "kinds/tenants/tenants_summary.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// The tenant files (layout and roots; the bare loop's files are removed before them),
// the two packings (every user's rows again, in minishards and packed_shards files), the
// pre-allocation files of every round (without the chunk size, and with it: rounded up
// to chunks); the
// connection cache bounds the descriptors (three per connection in WAL mode).
Footprint EstimateTenantsFootprint(const Scenario& s) {
  const TenantsSpec& t = s.Spec<TenantsSpec>();
  const uint64_t tenants = s.shards.count, rows = s.keys.count;
  const uint64_t key = KeyBytes(s.keys), value = static_cast<uint64_t>(t.value_bytes);
  const uint64_t row = key + value + kRowOverhead, index = key + kIndexOverhead;
  SqliteSpec sqlite = s.sqlite;
  Footprint f = ShardFilesFootprint(s.shards, tenants, SqliteFileBytes(rows, row, index, 1, sqlite), s.sqlite.journal_mode);
  f.Peak(ShardFilesFootprint(s.shards, std::min<uint64_t>(tenants, static_cast<uint64_t>(t.bare_files)),
                             SqliteFileBytes(rows, row, index, 1, sqlite), "delete"));
  if (t.packings) {
    // kv(user, k, v, PRIMARY KEY(user, k)): the user id beside every row, in both packings.
    const uint64_t packed_row = row + 9, packed_index = index + 9;
    for (int64_t files : {t.minishards, t.packed_shards}) {
      const uint64_t n = static_cast<uint64_t>(files);
      const uint64_t users = tenants / n + (tenants % n != 0);
      f.Add(FlatFilesFootprint(n, SqliteFileBytes(users * rows, packed_row, packed_index, 1, sqlite)));
    }
  }
  if (t.preallocation) {
    const uint64_t chunk = static_cast<uint64_t>(t.chunk_bytes);
    const uint64_t file = SqliteFileBytes(static_cast<uint64_t>(t.chunk_rows), value + 9 + kRowOverhead, 0, 0, sqlite);
    const uint64_t chunked = (file / chunk + 1) * chunk;
    // Every round's files stay until the run ends: without and with the chunk size.
    const uint64_t rounds = static_cast<uint64_t>(t.chunk_rounds);
    f.Add(FlatFilesFootprint(static_cast<uint64_t>(t.chunk_files), file).Times(rounds));
    f.Add(FlatFilesFootprint(static_cast<uint64_t>(t.chunk_files), chunked).Times(rounds));
  }
  const uint64_t open = std::min<uint64_t>(tenants, static_cast<uint64_t>(t.cache_files));
  const uint64_t tenant_pages = SqliteFileBytes(rows, row, index, 1, sqlite) / static_cast<uint64_t>(sqlite.page_size);
  f.bytes += open * SidecarBytes(sqlite, tenant_pages);
  f.fds = open * FdsPerConnection(s.sqlite.journal_mode) + 64;
  return f;
}

class TenantsKindImpl final : public Kind {
 public:
  const char* name() const override { return "tenants"; }
  std::any Read(FieldReader& root, const Scenario& /*s*/) const override {
    return ReadTenantsSpec(root);
  }
  void Check(const Scenario& s, Problems& problems) const override { CheckTenantsSpec(s, problems); }
  const std::set<std::string>& MetricRoots() const override { return TenantsMetricRoots(); }
  void ApplyQuick(Scenario& s) const override { ApplyTenantsQuickMode(s); }
  Footprint Estimate(const Scenario& s) const override { return EstimateTenantsFootprint(s); }
  StatusOr<Json> Run(const Scenario& s, RunContext& context) const override {
    return RunTenants(s, context.data_dir, context.workspace);
  }
  std::string Summarize(const Json& result) const override { return SummarizeTenants(result); }
};

}  // namespace

const Kind& TenantsKind() {
  static const TenantsKindImpl kKind;
  return kKind;
}

}  // namespace shardlab
