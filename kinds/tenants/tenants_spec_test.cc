#include "kinds/tenants/tenants_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/tenants/tenants_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace tenants_spec_test {
namespace {

// The `tenants` block (kind = tenants) through the loader: defaults (and the request
// distribution's) in the resolved copy, bad values with their JSON path, CheckTenantsSpec
// (packings against the tenant count), the metric roots, and --quick's caps.

constexpr char kOrigin[] = "mem/unit.json";

// 2000 tenants: enough for the default packings (1024 minishards, 256 shards).
Json Base() {
  return Json::parse(R"({"name": "t", "kind": "tenants", "shards": {"count": 2000, "layout": "digits"},
                         "keys": {"count": 10}})");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&TenantsKind()});
}

// The problem lines of `j`, which must be rejected with kInvalidInput.
std::vector<std::string> ProblemLines(const Json& j, const LoadOptions& options = {}) {
  return RejectedLines(Load(j, options), j);
}

// The expected lines: each "PATH: MESSAGE" after the origin.
std::vector<std::string> Lines(std::initializer_list<std::string> lines) { return WithOrigin(kOrigin, lines); }

// An `expect` array of one check on `metric`.
Json ExpectOn(const std::string& metric) {
  return Json::array({Json{{"metric", metric}, {"op", "ge"}, {"value", 0}}});
}

TEST(TenantsSpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const TenantsSpec& t = s->Spec<TenantsSpec>();
  EXPECT_EQ(t.distribution.type, "zipfian");
  EXPECT_DOUBLE_EQ(t.distribution.theta, 0.99);
  EXPECT_EQ(t.value_bytes, 100);
  EXPECT_EQ(t.provision_threads, 0);
  EXPECT_EQ(t.bare_files, 10'000);
  EXPECT_EQ(t.cache_files, 1000);
  EXPECT_EQ(t.requests, 100'000);
  EXPECT_DOUBLE_EQ(t.put_fraction, 0.1);
  EXPECT_TRUE(t.packings);
  EXPECT_EQ(t.minishards, 1024);
  EXPECT_EQ(t.packed_shards, 256);
  EXPECT_TRUE(t.preallocation);
  EXPECT_EQ(t.chunk_bytes, 1 << 20);
  EXPECT_EQ(t.chunk_files, 8);
  EXPECT_EQ(t.chunk_rows, 20'000);
  EXPECT_EQ(t.chunk_batch_rows, 100);
  EXPECT_EQ(t.chunk_rounds, 3);
  EXPECT_EQ(s->resolved["tenants"], Json::parse(R"({
    "distribution": {"type": "zipfian", "theta": 0.99}, "value_bytes": 100, "provision_threads": 0,
    "bare_files": 10000, "cache_files": 1000, "requests": 100000, "put_fraction": 0.1, "packings": true,
    "minishards": 1024, "packed_shards": 256, "preallocation": true, "chunk_bytes": 1048576, "chunk_files": 8,
    "chunk_rows": 20000, "chunk_batch_rows": 100, "chunk_rounds": 3})"));
}

// tenants.distribution is read like keys.distribution, with zipfian as its default type.
TEST(TenantsSpecTest, RequestDistribution) {
  Json j = Base();
  j["tenants"] = {{"distribution", {{"type", "hotspot"}, {"hot_data_fraction", 0.1}}}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<TenantsSpec>().distribution.type, "hotspot");
  EXPECT_DOUBLE_EQ(s->Spec<TenantsSpec>().distribution.hot_data_fraction, 0.1);
  EXPECT_EQ(s->resolved["tenants"]["distribution"],
            Json::parse(R"({"type": "hotspot", "hot_data_fraction": 0.1, "hot_op_fraction": 0.8})"));
  EXPECT_EQ(s->distribution.type, "uniform");  // keys.distribution is another thing

  j["tenants"]["distribution"] = {{"theta", 1}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.distribution.theta: found 1; expected a number > 0 other than 1 "
                                    "(YCSB's alpha = 1/(1-theta))"}));
  j["tenants"]["distribution"] = {{"type", "uniform"}, {"theta", 0.5}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.distribution.theta: unknown key; allowed keys here: type"}));
}

TEST(TenantsSpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["tenants"] = {{"cache_files", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.cache_files: found 0 (an integer); expected an integer from 1 to 1000000"}));
  j["tenants"] = {{"put_fraction", 1.5}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.put_fraction: found 1.5 (a number); expected a number >= 0 and <= 1"}));
  j["tenants"] = {{"chunk_bytes", 100}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.chunk_bytes: found 100 (an integer); expected an integer from 4096 to "
                                    "1073741824"}));
  j["tenants"] = {{"chunk_rounds", 101}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.chunk_rounds: found 101 (an integer); expected an integer from 1 to 100"}));
  j["tenants"] = {{"packings", "no"}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.packings: found \"no\" (a string); expected true or false"}));
}

TEST(TenantsSpecTest, UnknownKeyInTheBlockIsRefused) {
  Json j = Base();
  j["tenants"] = {{"cache", 10}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.cache: unknown key; allowed keys here: distribution, value_bytes, "
                                    "provision_threads, bare_files, cache_files, requests, put_fraction, packings, "
                                    "minishards, packed_shards, preallocation, chunk_bytes, chunk_files, chunk_rows, "
                                    "chunk_batch_rows, chunk_rounds"}));
}

// CheckTenantsSpec: the packings hold the tenants, so they cannot outnumber them.
TEST(TenantsSpecTest, PackingsMustNotOutnumberTheTenants) {
  Json j = Base();
  j["shards"] = {{"count", 100}};
  EXPECT_EQ(ProblemLines(j), Lines({"tenants.minishards: found 1024; expected at most shards.count (100 tenants): a "
                                    "minishard holds at least one user",
                                    "tenants.packed_shards: found 256; expected at most shards.count (100)"}));
  j["tenants"] = {{"minishards", 100}, {"packed_shards", 10}};
  EXPECT_TRUE(Load(j).ok());
  j["tenants"] = {{"packings", false}};  // no packings: no limit
  EXPECT_TRUE(Load(j).ok());
}

TEST(TenantsSpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"tenants", "rows_per_tenant", "roots", "provision.files_per_s", "directories", "disk",
                           "limits", "requests.hit_p99_us", "packings", "preallocation", "peak_rss_bytes"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("load.rows");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"load.rows\"; a tenants result has no metric \"load\" "
                                    "(metrics: directories, disk, layout, limits, packings, peak_rss_bytes, "
                                    "preallocation, provision, requests, roots, rows_per_tenant, tenants)"}));
}

// --quick: at most 10,000 requests and 2,000 bare-loop files, at most 3 pre-allocation
// rounds of at most 5,000 rows per file; the tenants provisioned are unchanged.
TEST(TenantsSpecTest, QuickModeCapsRequestsBareFilesAndPreallocation) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["shards"] = {{"count", 3000}, {"layout", "digits"}};
  j["tenants"] = {{"requests", 50000}, {"bare_files", 3000}, {"chunk_rows", 8000}, {"minishards", 30},
                  {"packed_shards", 8}, {"chunk_rounds", 7}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const TenantsSpec& t = s->Spec<TenantsSpec>();
  EXPECT_EQ(t.requests, 10000);
  EXPECT_EQ(t.bare_files, 2000);
  EXPECT_EQ(t.chunk_rounds, 3);  // still repetitions for the speedup's interval
  EXPECT_EQ(t.chunk_rows, 5000);
  EXPECT_EQ(t.minishards, 30);  // the rest is unchanged
  EXPECT_EQ(s->resolved["tenants"]["requests"], Json(10000));
  EXPECT_EQ(s->resolved["tenants"]["bare_files"], Json(2000));
  EXPECT_EQ(s->resolved["tenants"]["chunk_rounds"], Json(3));
  EXPECT_EQ(s->resolved["tenants"]["chunk_rows"], Json(5000));
  EXPECT_EQ(s->shards.count, 3000u);  // the tenants provisioned are unchanged
  EXPECT_EQ(s->resolved["shards"]["count"], Json(3000));

  // Small values are kept (two rounds stay two).
  j["tenants"] = {{"requests", 500}, {"bare_files", 0}, {"chunk_rows", 10}, {"chunk_rounds", 2}};
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<TenantsSpec>().requests, 500);
  EXPECT_EQ(s->Spec<TenantsSpec>().bare_files, 0);
  EXPECT_EQ(s->Spec<TenantsSpec>().chunk_rows, 10);
  EXPECT_EQ(s->Spec<TenantsSpec>().chunk_rounds, 2);
  EXPECT_EQ(s->resolved["tenants"]["chunk_rounds"], Json(2));

  s = Load(j);  // without --quick nothing is capped
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<TenantsSpec>().chunk_rounds, 2);
  EXPECT_EQ(s->resolved["tenants"]["chunk_rounds"], Json(2));
}

}  // namespace
}  // namespace tenants_spec_test
}  // namespace shardlab
