#include "kinds/workload/workload_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/workload/workload_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"
#include "sqlite/sqlite_facts.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace workload_spec_check_test {
namespace {

// The workload kind's checks across blocks (CheckWorkloadSpec) and of expect[].metric
// (its metric roots and CheckWorkloadMetric): ops against the mix, the ATTACH limit,
// probes, SQL and templates checked against the real schema, the PostgreSQL peer.

constexpr char kOrigin[] = "mem/unit.json";

// A small valid workload scenario; tests change one thing at a time.
Json Base() {
  return Json::parse(R"({
    "name": "unit-base",
    "kind": "workload",
    "shards": {"count": 4},
    "keys": {"count": 400, "format": "k{i}"},
    "workload": {"value_format": "v{i % 7}", "mix": {"get": 0.9, "put": 0.1}, "ops": 5000, "threads": 2},
    "expect": [{"metric": "load.rows", "op": "eq", "value": 400}]
  })");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&WorkloadKind()});
}

// The problem lines of `j`, which must be rejected with kInvalidInput.
std::vector<std::string> ProblemLines(const Json& j, const LoadOptions& options = {}) {
  return RejectedLines(Load(j, options), j);
}

// The expected lines: each "PATH: MESSAGE" after the origin.
std::vector<std::string> Lines(std::initializer_list<std::string> lines) { return WithOrigin(kOrigin, lines); }

TEST(WorkloadSpecCheckTest, OpsAndMixGoTogether) {
  Json j = Base();
  j["workload"].erase("mix");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.mix: workload.ops is 5000 but no operation has a weight > 0"}));
  j["workload"]["mix"] = {{"get", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.mix: workload.ops is 5000 but no operation has a weight > 0"}));
  j = Base();
  j["workload"]["ops"] = 0;
  EXPECT_EQ(ProblemLines(j),
            Lines({"workload.ops: found 0 but a mix is given; expected the number of timed operations"}));
  j = Base();
  j["workload"]["ops"] = 1;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.ops: found 1; expected at least one per thread (2 threads)"}));
  j["workload"]["ops"] = 2;
  EXPECT_TRUE(Load(j).ok());
}

TEST(WorkloadSpecCheckTest, AttachUnionIsLimitedByTheLinkedLibrary) {
  const int limit = LinkedAttachLimit();
  ASSERT_GT(limit, 0);
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "all", "op": "attach_union", "where": "1"}])");
  j["shards"]["count"] = limit;
  auto at_limit = Load(j);
  EXPECT_TRUE(at_limit.ok()) << at_limit.status().message();

  j["shards"]["count"] = limit + 1;
  const std::vector<std::string> over = Lines(
      {"workload: attach_union attaches all " + std::to_string(limit + 1) +
       " shards to one connection, but the linked SQLite " + SqliteVersion() + " attaches at most " +
       std::to_string(limit) + " (SQLITE_LIMIT_ATTACHED, compile-time SQLITE_MAX_ATTACHED); use at most " +
       std::to_string(limit) + " shards or drop attach_union"});
  EXPECT_EQ(ProblemLines(j), over);

  // The same through the mix instead of a probe.
  j["workload"].erase("probes");
  j["workload"]["mix"] = {{"get", 0.5}, {"attach_union", 0.5}};
  EXPECT_EQ(ProblemLines(j), over);
}

TEST(WorkloadSpecCheckTest, ProbeNamesMustBeUniqueMetricNames) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 1},
                                            {"name": "q", "op": "get", "index": 2},
                                            {"name": "p", "op": "scan", "key": "k3"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[2].name: \"p\" is used by an earlier probe"}));
  j["workload"]["probes"][2]["name"] = "bad-name";  // it becomes a metric name
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[2].name: found \"bad-name\"; expected letters, digits and '_' "
                                    "(it is a metric name)"}));
  j["workload"]["probes"][2]["name"] = "";
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[2].name: found \"\"; expected letters, digits and '_' "
                                    "(it is a metric name)"}));
  j["workload"]["probes"][2]["name"] = "Probe_3";
  EXPECT_TRUE(Load(j).ok());
}

TEST(WorkloadSpecCheckTest, ProbeIndexMustBeBelowKeyCount) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 400}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].index: found 400; expected an item index below keys.count (400)"}));
  j["workload"]["probes"][0]["index"] = -1;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].index: found -1 (an integer); expected an integer >= 0"}));
  j["workload"]["probes"][0]["index"] = 399;
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE(s->Spec<WorkloadSpec>().probes[0].index.has_value());
  EXPECT_EQ(*s->Spec<WorkloadSpec>().probes[0].index, 399u);
  EXPECT_FALSE(s->Spec<WorkloadSpec>().probes[0].key.has_value());
}

// Both an unknown key (field check) and a bad probe index (cross-field check): only the
// first is reported, since CheckWorkloadSpec assumes well-formed values.
TEST(WorkloadSpecCheckTest, CrossFieldChecksWaitForWellFormedFields) {
  Json j = Base();
  j["bogus"] = 1;
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 400}])");
  EXPECT_EQ(ProblemLines(j), Lines({"bogus: unknown key; allowed keys here: name, kind, description, claims, seed, "
                                    "data_dir, shards, keys, router, sqlite, workload, expect"}));
}

TEST(WorkloadSpecCheckTest, ProbeNeedsExactlyOneOfKeyOrIndex) {
  const std::vector<std::string> one =
      Lines({"workload.probes[0].key: expected exactly one of key (the key text) or index (the item whose key to use)"});
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get"}])");
  EXPECT_EQ(ProblemLines(j), one);
  j["workload"]["probes"][0]["key"] = "k1";
  j["workload"]["probes"][0]["index"] = 1;
  EXPECT_EQ(ProblemLines(j), one);
}

// A probe's key text is routed as written: not with a route_format, and an integer with integer keys.
TEST(WorkloadSpecCheckTest, ProbeKeyTextMustRouteLikeTheKeys) {
  Json j = Base();
  j["keys"]["route_format"] = "{i % 4}";
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "key": "k1"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].key: keys are routed by keys.route_format, which a key "
                                    "text cannot give; use index"}));
  j = Base();
  j["keys"] = {{"count", 400}, {"type", "integer"}};
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "key": "k1"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].key: found \"k1\"; keys.type is integer, so expected an "
                                    "integer key"}));
  j["workload"]["probes"][0]["key"] = "17";
  EXPECT_TRUE(Load(j).ok());
}

TEST(WorkloadSpecCheckTest, WalkProbeShardsAtMostShardCount) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "w", "op": "walk", "shards": 5}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].shards: found 5; at most shards.count (4)"}));
  j["workload"]["probes"][0]["shards"] = 4;
  EXPECT_TRUE(Load(j).ok());
}

TEST(WorkloadSpecCheckTest, BadWhereSqlIsReportedWithSqlitesMessage) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "s", "op": "scatter", "where": "v = = 1"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].where: preparing SELECT k, v FROM kv WHERE v = = 1: near "
                                    "\"=\": syntax error (extended code 1)"}));
  j = Base();
  j["workload"]["query"] = {{"where", "nope = ?1"}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.query.where: preparing SELECT k, v FROM kv WHERE nope = ?1: no such "
                                    "column: nope (extended code 1)"}));
}

TEST(WorkloadSpecCheckTest, BadTemplatesAreReportedWithTheColumn) {
  Json j = Base();
  j["workload"]["value_format"] = "v{i";
  // The query's param defaults to value_format, so both report the same template.
  EXPECT_EQ(ProblemLines(j), Lines({"workload.value_format: column 4: expected '}' but found the end of the template",
                                    "workload.query.param: column 4: expected '}' but found the end of the template"}));
  j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "s", "op": "scatter", "param": "{i % 0}"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].param: column 5: division by zero"}));
}

// --- expect[].metric ---------------------------------------------------------------

TEST(WorkloadSpecCheckTest, ExpectMetricMustExist) {
  Json j = Base();
  j["expect"][0]["metric"] = "latency.p50";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"latency.p50\"; a workload result has no metric "
                                    "\"latency\" (metrics: attach, balance, io_per_op, load, ops, per_shard_counts, "
                                    "postgres, probes, shards, throughput, walk)"}));
  for (const char* good : {"shards", "load.rows", "per_shard_counts[2]", "balance.max_over_mean", "throughput.ops_per_s",
                           "attach.limit", "ops.get.count"}) {
    j["expect"][0]["metric"] = good;
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"][0]["metric"] = "probes.nope.rows";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"probes.nope.rows\"; no probe is named \"nope\""}));
  j["workload"]["probes"] = Json::parse(R"([{"name": "nope", "op": "get", "index": 1}])");
  EXPECT_TRUE(Load(j).ok());

  j["expect"][0]["metric"] = "ops.scan.count";  // the mix has get and put only
  EXPECT_EQ(ProblemLines(j),
            Lines({"expect[0].metric: found \"ops.scan.count\"; operation \"scan\" is not in workload.mix"}));
  j["expect"][0]["metric"] = "ops.put.count";
  EXPECT_TRUE(Load(j).ok());
}

TEST(WorkloadSpecCheckTest, PostgresMetricsNeedThePeer) {
  Json j = Base();
  j["workload"]["walk"] = {{"shards", {2, 4}}};
  j["expect"][0]["metric"] = "walk.shards_4.postgres.walk_over_one_query_p50";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"walk.shards_4.postgres.walk_over_one_query_p50\"; "
                                    "the PostgreSQL peer's metrics need workload.walk.postgres: true"}));
  j["expect"][0]["metric"] = "postgres.rows";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"postgres.rows\"; the PostgreSQL peer's metrics need "
                                    "workload.walk.postgres: true"}));
  j["workload"]["walk"]["postgres"] = true;
  EXPECT_TRUE(Load(j).ok());
  j["expect"][0]["metric"] = "walk.shards_4.postgres.walk_over_one_query_p50";
  EXPECT_TRUE(Load(j).ok());
}

}  // namespace
}  // namespace workload_spec_check_test
}  // namespace shardlab
