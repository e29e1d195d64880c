#include "kinds/workload/workload_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/workload/workload_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace workload_spec_test {
namespace {

// Reading the `workload` block (kind = workload) through the loader: typed values and
// defaults, the resolved copy, types and ranges, unknown keys, the mix, the walk block,
// --set and --quick. The checks across blocks (probes, SQL, templates, metrics) are
// workload_spec_check_test.cc's.

constexpr char kOrigin[] = "mem/unit.json";

// A small valid workload scenario; tests change one thing at a time.
Json Base() {
  return Json::parse(R"({
    "name": "unit-base",
    "kind": "workload",
    "shards": {"count": 4},
    "keys": {"count": 400, "format": "k{i}"},
    "workload": {
      "value_format": "v{i % 7}",
      "mix": {"get": 0.9, "put": 0.1},
      "ops": 5000,
      "warmup_ops": 500,
      "repetitions": 3,
      "threads": 2
    },
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

// --- The base, its defaults and the resolved copy -------------------------------------

TEST(WorkloadSpecTest, BaseLoadsWithTypedFields) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->kind, "workload");
  const WorkloadSpec& w = s->Spec<WorkloadSpec>();
  EXPECT_EQ(w.value_format, "v{i % 7}");
  EXPECT_FALSE(w.index_values);
  EXPECT_EQ(w.load_batch, 1000);
  EXPECT_EQ(w.ops, 5000);
  EXPECT_EQ(w.warmup_ops, 500);
  EXPECT_EQ(w.repetitions, 3);
  EXPECT_EQ(w.threads, 2);
  EXPECT_EQ(w.scan_length, 10);
  EXPECT_EQ(w.fanout_threads, 1);
  EXPECT_EQ(w.query.where, "v = ?1");
  EXPECT_EQ(w.query.param, "v{i % 7}");  // defaults to value_format
  EXPECT_TRUE(w.walk.shards.empty());
  EXPECT_TRUE(w.probes.empty());
  // Weights are normalised and kept in file order.
  ASSERT_EQ(w.mix.size(), 2u);
  EXPECT_EQ(w.mix[0].first, OpType::kGet);
  EXPECT_DOUBLE_EQ(w.mix[0].second, 0.9);
  EXPECT_EQ(w.mix[1].first, OpType::kPut);
  EXPECT_DOUBLE_EQ(w.mix[1].second, 0.1);
}

TEST(WorkloadSpecTest, DefaultsAreFilledIntoResolvedInReadOrder) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  // ordered_json compares objects in order, so this also pins the key order; no walk
  // block unless one is given.
  EXPECT_EQ(s->resolved["workload"], Json::parse(R"({
    "value_format": "v{i % 7}", "index_values": false, "load_batch": 1000, "mix": {"get": 0.9, "put": 0.1},
    "ops": 5000, "warmup_ops": 500, "repetitions": 3, "threads": 2, "scan_length": 10, "fanout_threads": 1,
    "query": {"where": "v = ?1", "param": "v{i % 7}"}, "probes": []})"));
  std::vector<std::string> top;
  for (auto it = s->resolved.begin(); it != s->resolved.end(); ++it) top.push_back(it.key());
  EXPECT_EQ(top, (std::vector<std::string>{"name", "kind", "description", "claims", "seed", "data_dir", "shards",
                                           "keys", "router", "sqlite", "workload", "expect"}));

  // No block at all: every default (value-{i}, no operations).
  Json j = Base();
  j.erase("workload");
  j["expect"] = Json::array();
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 0);
  EXPECT_TRUE(s->Spec<WorkloadSpec>().mix.empty());
  EXPECT_EQ(s->resolved["workload"], Json::parse(R"({
    "value_format": "value-{i}", "index_values": false, "load_batch": 1000, "mix": {}, "ops": 0,
    "warmup_ops": 0, "repetitions": 1, "threads": 1, "scan_length": 10, "fanout_threads": 1,
    "query": {"where": "v = ?1", "param": "value-{i}"}, "probes": []})"));
}

// The mix is stored as written; the spec holds the normalised weights of ops > 0.
TEST(WorkloadSpecTest, MixWeightsAreNormalisedAndZeroWeightsDropped) {
  Json j = Base();
  j["workload"]["mix"] = {{"put", 3}, {"scan", 0}, {"get", 1}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const WorkloadSpec& w = s->Spec<WorkloadSpec>();
  ASSERT_EQ(w.mix.size(), 2u);
  EXPECT_EQ(w.mix[0].first, OpType::kPut);
  EXPECT_DOUBLE_EQ(w.mix[0].second, 0.75);
  EXPECT_EQ(w.mix[1].first, OpType::kGet);
  EXPECT_DOUBLE_EQ(w.mix[1].second, 0.25);
  EXPECT_EQ(s->resolved["workload"]["mix"], Json::parse(R"({"put": 3, "scan": 0, "get": 1})"));

  j["workload"]["mix"] = "get";
  EXPECT_EQ(ProblemLines(j), Lines({"workload.mix: found \"get\" (a string); expected an object of operation weights, "
                                    "like {\"get\": 0.9, \"put\": 0.1}"}));
  j["workload"]["mix"] = {{"get", -1}, {"put", "1"}, {"teleport", 1}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.mix.get: found -1 (an integer); expected a weight >= 0",
                                    "workload.mix.put: found \"1\" (a string); expected a weight >= 0",
                                    "workload.mix.teleport: unknown operation; expected get, put, scan, scatter, "
                                    "attach_union or walk"}));
}

// --- One test per class of bad input ------------------------------------------------------

TEST(WorkloadSpecTest, WrongType) {
  Json j = Base();
  j["workload"]["index_values"] = "yes";
  EXPECT_EQ(ProblemLines(j), Lines({"workload.index_values: found \"yes\" (a string); expected true or false"}));
  j = Base();
  j["workload"]["ops"] = 2.5;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.ops: found 2.5 (a number); expected an integer >= 0"}));
  j = Base();
  j["workload"]["query"] = "v = 1";
  EXPECT_EQ(ProblemLines(j), Lines({"workload.query: found \"v = 1\" (a string); expected an object"}));
  j = Base();
  j["workload"]["probes"] = {{"name", "p"}};
  EXPECT_EQ(ProblemLines(j),
            Lines({"workload.probes: found {\"name\":\"p\"} (an object); expected an array of objects"}));
}

TEST(WorkloadSpecTest, OutOfRange) {
  Json j = Base();
  j["workload"]["ops"] = -1;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.ops: found -1 (an integer); expected an integer >= 0"}));
  j = Base();
  j["workload"]["repetitions"] = 0;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.repetitions: found 0 (an integer); expected an integer from 1 to 1000"}));
  j = Base();
  j["workload"]["threads"] = 257;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.threads: found 257 (an integer); expected an integer from 1 to 256"}));
  j = Base();
  j["workload"]["load_batch"] = 0;
  EXPECT_EQ(ProblemLines(j),
            Lines({"workload.load_batch: found 0 (an integer); expected an integer from 1 to 10000000"}));
  j = Base();
  j["workload"]["warmup_ops"] = -5;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.warmup_ops: found -5 (an integer); expected an integer >= 0"}));
}

TEST(WorkloadSpecTest, UnknownKeysAreRefused) {
  Json j = Base();
  j["workload"]["opps"] = 5;
  const std::vector<std::string> lines = ProblemLines(j);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind(std::string(kOrigin) + ": workload.opps: unknown key; allowed keys here: value_format, "
                                                  "index_values, load_batch, mix, ops, warmup_ops, repetitions, "
                                                  "threads, scan_length, fanout_threads, query",
                           0),
            0u)
      << lines[0];
  j = Base();
  j["workload"]["query"] = {{"where", "v = ?1"}, {"params", "x"}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.query.params: unknown key; allowed keys here: where, param"}));
  j = Base();
  j["workload"]["walk"] = {{"shards", {2}}, {"threads", 2}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.threads: unknown key; allowed keys here: shards, fanout_threads, "
                                    "iterations, repetitions, single_file, postgres"}));
  // A get probe has no query.
  j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 1, "where": "1"}])");
  const std::vector<std::string> probe = ProblemLines(j);
  ASSERT_EQ(probe.size(), 1u);
  EXPECT_EQ(probe[0].rfind(std::string(kOrigin) + ": workload.probes[0].where: unknown key; allowed keys here: ", 0), 0u)
      << probe[0];
}

TEST(WorkloadSpecTest, ProbesNeedANameAndAnOp) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"op": "get", "index": 1}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].name: missing; expected a string"}));
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "put", "index": 1}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].op: found \"put\" (a string); expected one of get, scan, "
                                    "scatter, attach_union, walk"}));
  j["workload"]["probes"] = Json::parse(R"([{"name": "w", "op": "walk"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"workload.probes[0].shards: missing; expected an integer from 1 to 1000000"}));
}

// A query probe's where and param default to workload.query's.
TEST(WorkloadSpecTest, ProbesAreTypedAndResolved) {
  Json j = Base();
  j["workload"]["query"] = {{"where", "v > ?1"}};
  j["workload"]["probes"] = Json::parse(R"([{"name": "g", "op": "get", "key": "k1"},
                                            {"name": "s", "op": "scatter"},
                                            {"name": "w", "op": "walk", "shards": 3, "param": "v1"}])");
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const std::vector<ProbeSpec>& p = s->Spec<WorkloadSpec>().probes;
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].op, OpType::kGet);
  EXPECT_EQ(p[0].key, std::optional<std::string>("k1"));
  EXPECT_FALSE(p[0].index.has_value());
  EXPECT_EQ(p[1].op, OpType::kScatter);
  EXPECT_EQ(p[1].query.where, "v > ?1");
  EXPECT_EQ(p[1].query.param, "v{i % 7}");
  EXPECT_EQ(p[2].op, OpType::kWalk);
  EXPECT_EQ(p[2].walk_shards, 3u);
  EXPECT_EQ(p[2].query.param, "v1");
  EXPECT_EQ(s->resolved["workload"]["probes"], Json::parse(R"([
    {"name": "g", "op": "get", "key": "k1"},
    {"name": "s", "op": "scatter", "where": "v > ?1", "param": "v{i % 7}"},
    {"name": "w", "op": "walk", "where": "v > ?1", "param": "v1", "shards": 3}])"));
}

// --- walk ------------------------------------------------------------------------------

TEST(WorkloadSpecTest, WalkDefaultsAndPostgresIsABooleanDefaultingToFalse) {
  Json j = Base();
  j["workload"]["walk"] = {{"shards", {2, 4}}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const WalkSpec& walk = s->Spec<WorkloadSpec>().walk;
  EXPECT_EQ(walk.shards, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(walk.fanout_threads, std::vector<int64_t>{1});
  EXPECT_EQ(walk.iterations, 200);
  EXPECT_FALSE(walk.single_file);
  EXPECT_FALSE(walk.postgres);
  EXPECT_EQ(s->resolved["workload"]["walk"], Json::parse(R"({"shards": [2, 4], "fanout_threads": [1],
                                                             "iterations": 200, "repetitions": 1,
                                                             "single_file": false, "postgres": false})"));
  EXPECT_EQ(walk.repetitions, 1);
  j["workload"]["walk"]["repetitions"] = 0;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.repetitions: found 0 (an integer); expected an integer from 1 to 100"}));
  j["workload"]["walk"]["repetitions"] = 5;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.repetitions, 5);
  j["workload"]["walk"].erase("repetitions");
  j["workload"]["walk"]["postgres"] = true;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->Spec<WorkloadSpec>().walk.postgres);
  j["workload"]["walk"]["postgres"] = "yes";
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.postgres: found \"yes\" (a string); expected true or false"}));
  j["workload"]["walk"]["postgres"] = 1;
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.postgres: found 1 (an integer); expected true or false"}));
}

TEST(WorkloadSpecTest, WalkShardsMustBeNonEmptyAndAtMostShardCount) {
  Json j = Base();
  j["workload"]["walk"] = {{"shards", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.shards: found an empty array; expected shard counts to walk, "
                                    "like [10, 50, 100]"}));
  j["workload"]["walk"]["shards"] = {2, 5};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.shards: found 5; a walk visits at most shards.count (4) shards"}));
  j["workload"]["walk"]["shards"] = {2, 4};
  j["workload"]["walk"]["fanout_threads"] = Json::array();
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.fanout_threads: found an empty array; expected thread counts, "
                                    "like [1, 2]"}));
  j["workload"]["walk"]["fanout_threads"] = {0};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.fanout_threads: found [0] (an array); expected an array of "
                                    "integers from 1 to 256"}));
}

// A missing or mistyped walk.shards is one problem, not also "an empty array".
TEST(WorkloadSpecTest, MissingWalkShardsIsReportedOnce) {
  Json j = Base();
  j["workload"]["walk"] = Json::object();
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk.shards: missing; expected an array of integers from 1 to 1000000"}));
  j["workload"]["walk"]["shards"] = "x";
  EXPECT_EQ(ProblemLines(j),
            Lines({"workload.walk.shards: found \"x\" (a string); expected an array of integers from 1 to 1000000"}));
  // A walk in the mix needs the walk block.
  j = Base();
  j["workload"]["mix"] = {{"walk", 1}};
  EXPECT_EQ(ProblemLines(j), Lines({"workload.walk: missing; the mix has walk, which needs walk.shards"}));
}

// --- LoadOptions --------------------------------------------------------------------

TEST(WorkloadSpecTest, OverridesReachTheWorkloadBlock) {
  LoadOptions options;
  options.overrides = {{"workload.threads", "4"}, {"workload.mix", R"({"scan": 1})"}};
  auto s = Load(Base(), options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().threads, 4);
  ASSERT_EQ(s->Spec<WorkloadSpec>().mix.size(), 1u);
  EXPECT_EQ(s->Spec<WorkloadSpec>().mix[0].first, OpType::kScan);
  EXPECT_EQ(s->resolved["workload"]["threads"], Json(4));
}

TEST(WorkloadSpecTest, QuickModeCapsOperationsAndRepetitions) {
  Json j = Base();
  j["workload"]["ops"] = 50000;
  j["workload"]["warmup_ops"] = 5000;
  j["workload"]["walk"] = {{"shards", {2, 4}}, {"iterations", 500}, {"repetitions", 7}};
  LoadOptions options;
  options.quick = true;
  auto s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 2000);
  EXPECT_EQ(s->Spec<WorkloadSpec>().warmup_ops, 200);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 1);
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.iterations, 20);
  EXPECT_EQ(s->resolved["workload"]["ops"], Json(2000));
  EXPECT_EQ(s->resolved["workload"]["warmup_ops"], Json(200));
  EXPECT_EQ(s->resolved["workload"]["repetitions"], Json(1));
  EXPECT_EQ(s->resolved["workload"]["walk"]["iterations"], Json(20));
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.repetitions, 3);  // still an interval for the walk's checks
  EXPECT_EQ(s->resolved["workload"]["walk"]["repetitions"], Json(3));
  // Loaded data is unchanged.
  EXPECT_EQ(s->keys.count, 400u);
  EXPECT_EQ(s->resolved["keys"]["count"], Json(400));

  // Small values are kept; ops stays at least one per thread.
  j = Base();
  j["workload"]["ops"] = 10;
  j["workload"]["warmup_ops"] = 7;
  j["workload"]["threads"] = 8;
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 10);
  EXPECT_EQ(s->Spec<WorkloadSpec>().warmup_ops, 7);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 1);
  EXPECT_EQ(s->resolved["workload"]["ops"], Json(10));
  EXPECT_FALSE(s->resolved["workload"].contains("walk"));  // quick mode adds no walk block
  // No timed operations stay none.
  j = Base();
  j["workload"].erase("mix");
  j["workload"]["ops"] = 0;
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 0);
  EXPECT_EQ(s->resolved["workload"]["ops"], Json(0));

  // Without --quick nothing is capped.
  j = Base();
  j["workload"]["ops"] = 50000;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 50000);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 3);
  EXPECT_EQ(s->resolved["workload"]["ops"], Json(50000));
}

}  // namespace
}  // namespace workload_spec_test
}  // namespace shardlab
