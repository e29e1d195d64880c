#include "kinds/tenants/tenants_spec.h"

#include <algorithm>

#include "scenario/common_blocks.h"

namespace shardlab {

TenantsSpec ReadTenantsSpec(FieldReader& root) {
  FieldReader r = root.Object("tenants");
  TenantsSpec t;
  ReadDistribution(r.Object("distribution"), t.distribution, "zipfian");
  t.value_bytes = r.Int("value_bytes", t.value_bytes, 0, 1 << 20);
  t.provision_threads = r.Int("provision_threads", t.provision_threads, 0, 256);
  t.bare_files = r.Int("bare_files", t.bare_files, 0, 1'000'000);
  t.cache_files = r.Int("cache_files", t.cache_files, 1, 1'000'000);
  t.requests = r.Int("requests", t.requests, 0, 1'000'000'000);
  t.put_fraction = r.Number("put_fraction", t.put_fraction, 0, 1);
  t.packings = r.Bool("packings", t.packings);
  t.minishards = r.Int("minishards", t.minishards, 1, 1'000'000);
  t.packed_shards = r.Int("packed_shards", t.packed_shards, 1, 1'000'000);
  t.preallocation = r.Bool("preallocation", t.preallocation);
  t.chunk_bytes = r.Int("chunk_bytes", t.chunk_bytes, 4096, int64_t{1} << 30);
  t.chunk_files = r.Int("chunk_files", t.chunk_files, 1, 1024);
  t.chunk_rows = r.Int("chunk_rows", t.chunk_rows, 1, 100'000'000);
  t.chunk_batch_rows = r.Int("chunk_batch_rows", t.chunk_batch_rows, 1, 1'000'000);
  t.chunk_rounds = r.Int("chunk_rounds", t.chunk_rounds, 1, 100);
  r.Finish();
  return t;
}

void CheckTenantsSpec(const Scenario& s, Problems& problems) {
  const TenantsSpec& t = s.Spec<TenantsSpec>();
  const auto tenants = static_cast<int64_t>(s.shards.count);
  if (t.packings && t.minishards > tenants) {
    problems.Add("tenants.minishards", "found " + std::to_string(t.minishards) + "; expected at most shards.count (" +
                                           std::to_string(tenants) + " tenants): a minishard holds at least one user");
  }
  if (t.packings && t.packed_shards > tenants) {
    problems.Add("tenants.packed_shards", "found " + std::to_string(t.packed_shards) +
                                              "; expected at most shards.count (" + std::to_string(tenants) + ")");
  }
}

void ApplyTenantsQuickMode(Scenario& s) {
  TenantsSpec& t = s.MutableSpec<TenantsSpec>();
  t.requests = std::min<int64_t>(t.requests, 10'000);
  t.bare_files = std::min<int64_t>(t.bare_files, 2'000);
  t.chunk_rounds = std::min<int64_t>(t.chunk_rounds, 3);  // still an interval for the speedup
  t.chunk_rows = std::min<int64_t>(t.chunk_rows, 5'000);
  Json& r = s.resolved["tenants"];
  r["requests"] = t.requests;
  r["bare_files"] = t.bare_files;
  r["chunk_rounds"] = t.chunk_rounds;
  r["chunk_rows"] = t.chunk_rows;
}

const std::set<std::string>& TenantsMetricRoots() {
  static const std::set<std::string> kRoots = {"tenants",  "rows_per_tenant", "roots",    "provision",     "directories",
                                               "disk",     "limits",          "requests", "packings",      "preallocation",
                                               "peak_rss_bytes", "layout"};
  return kRoots;
}

}  // namespace shardlab
