#include "scenario/expectations.h"

#include <gtest/gtest.h>

#include <cmath>

#include <string>
#include <vector>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace expectations_test {
namespace {

const Json& Metrics() {
  static const Json kMetrics = Json::parse(R"({
    "shards": 4,
    "load": {"rows": 400, "seconds": 0.25},
    "per_shard_counts": [98, 101, 100, 101],
    "balance": {"max_over_mean": 1.01},
    "probes": {"v3": {"rows": 57, "found": true, "value": "v3", "per_shard": [[1, 2], [3]]}},
    "ops": {"scatter": {"rows_per_op": 20, "ratio": 2.8}},
    "attach": {"limit": 10, "error_at_limit_plus_1": null}
  })");
  return kMetrics;
}

Expectation Expect(const std::string& metric, const std::string& op, Json value, double tolerance = 0) {
  Expectation e;
  e.metric = metric;
  e.op = op;
  e.value = std::move(value);
  e.tolerance = tolerance;
  return e;
}

// The verdict of one expectation against Metrics().
std::string Verdict(const Expectation& e) {
  const Json checks = EvaluateExpectations({e}, Metrics());
  if (checks.size() != 1) return "checks: " + checks.dump();
  return checks[0]["verdict"].get<std::string>();
}

TEST(ExpectationsTest, FindMetricFollowsDotsAndIndexes) {
  const Json& m = Metrics();
  ASSERT_NE(FindMetric(m, "load.rows"), nullptr);
  EXPECT_EQ(*FindMetric(m, "load.rows"), Json(400));
  EXPECT_EQ(*FindMetric(m, "shards"), Json(4));
  EXPECT_EQ(*FindMetric(m, "probes.v3.rows"), Json(57));
  EXPECT_EQ(*FindMetric(m, "per_shard_counts[0]"), Json(98));
  EXPECT_EQ(*FindMetric(m, "per_shard_counts[3]"), Json(101));
  EXPECT_EQ(*FindMetric(m, "per_shard_counts"), m["per_shard_counts"]);
  EXPECT_EQ(*FindMetric(m, "probes.v3.per_shard[0][1]"), Json(2));
  EXPECT_EQ(*FindMetric(m, "probes.v3.per_shard[1]"), Json::array({3}));
  EXPECT_EQ(*FindMetric(m, "load"), m["load"]);
  // A present null is found (it is not "missing").
  ASSERT_NE(FindMetric(m, "attach.error_at_limit_plus_1"), nullptr);
  EXPECT_TRUE(FindMetric(m, "attach.error_at_limit_plus_1")->is_null());
}

TEST(ExpectationsTest, FindMetricReturnsNullForMissingPaths) {
  const Json& m = Metrics();
  for (const char* path : {"nope", "load.nope", "load.rows.more", "per_shard_counts[4]", "per_shard_counts[-1]",
                           "per_shard_counts[x]", "per_shard_counts[]", "per_shard_counts[1", "load[0]",
                           "probes.v3.rows[0]", "probes.v4.rows", "Load.rows"}) {
    EXPECT_EQ(FindMetric(m, path), nullptr) << path;
  }
}

TEST(ExpectationsTest, EqComparesJsonValues) {
  EXPECT_EQ(Verdict(Expect("per_shard_counts", "eq", Json::array({98, 101, 100, 101}))), "pass");
  EXPECT_EQ(Verdict(Expect("per_shard_counts", "eq", Json::array({98, 101, 101, 100}))), "fail");  // order matters
  EXPECT_EQ(Verdict(Expect("per_shard_counts", "eq", Json::array({98, 101, 100}))), "fail");
  EXPECT_EQ(Verdict(Expect("probes.v3.value", "eq", "v3")), "pass");
  EXPECT_EQ(Verdict(Expect("probes.v3.value", "eq", "V3")), "fail");
  EXPECT_EQ(Verdict(Expect("probes.v3.found", "eq", true)), "pass");
  EXPECT_EQ(Verdict(Expect("load.rows", "eq", 400)), "pass");
  EXPECT_EQ(Verdict(Expect("load.rows", "eq", 401)), "fail");
  EXPECT_EQ(Verdict(Expect("load.rows", "eq", "400")), "fail");  // a string is not the number
  // Numbers compare by value across integer and float: 20 == 20.0, 2.8 != 3.
  EXPECT_EQ(Verdict(Expect("ops.scatter.rows_per_op", "eq", 20.0)), "pass");
  EXPECT_EQ(Verdict(Expect("ops.scatter.ratio", "eq", 2.8)), "pass");
  EXPECT_EQ(Verdict(Expect("ops.scatter.ratio", "eq", 3)), "fail");
  EXPECT_EQ(Verdict(Expect("ops.scatter.ratio", "eq", 2)), "fail");
  EXPECT_EQ(Verdict(Expect("attach.error_at_limit_plus_1", "eq", nullptr)), "pass");
}

TEST(ExpectationsTest, ApproxUsesAnAbsoluteTolerance) {
  EXPECT_EQ(Verdict(Expect("load.seconds", "approx", 0.3, 0.05)), "pass");   // |0.25 - 0.3| = 0.05
  EXPECT_EQ(Verdict(Expect("load.seconds", "approx", 0.3, 0.04)), "fail");
  EXPECT_EQ(Verdict(Expect("load.rows", "approx", 410, 10)), "pass");        // boundary is inclusive
  EXPECT_EQ(Verdict(Expect("load.rows", "approx", 411, 10)), "fail");
  EXPECT_EQ(Verdict(Expect("load.rows", "approx", 390, 10)), "pass");        // both sides
  EXPECT_EQ(Verdict(Expect("load.rows", "approx", 389, 10)), "fail");
  EXPECT_EQ(Verdict(Expect("load.rows", "approx", 400, 0)), "pass");
}

TEST(ExpectationsTest, OrderingOpsAtTheirBoundaries) {
  struct Case {
    const char* op;
    double value;
    const char* verdict;
  };
  // Observed load.rows is 400.
  for (const Case& c : {Case{"lt", 400, "fail"}, Case{"lt", 400.5, "pass"}, Case{"lt", 399, "fail"},
                        Case{"le", 400, "pass"}, Case{"le", 399.9, "fail"}, Case{"gt", 400, "fail"},
                        Case{"gt", 399.5, "pass"}, Case{"gt", 401, "fail"}, Case{"ge", 400, "pass"},
                        Case{"ge", 400.1, "fail"}}) {
    EXPECT_EQ(Verdict(Expect("load.rows", c.op, c.value)), c.verdict) << "400 " << c.op << " " << c.value;
  }
  EXPECT_EQ(Verdict(Expect("balance.max_over_mean", "lt", 1.3)), "pass");
}

TEST(ExpectationsTest, MissingMetricIsUnknown) {
  const Json checks = EvaluateExpectations({Expect("probes.v4.rows", "eq", 1)}, Metrics());
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0]["verdict"], Json("unknown"));
  EXPECT_TRUE(checks[0]["observed"].is_null());
  EXPECT_EQ(checks[0]["reason"], Json("the run produced no metric probes.v4.rows"));
  // Unknown for numeric ops too, never fail.
  EXPECT_EQ(Verdict(Expect("per_shard_counts[9]", "lt", 1)), "unknown");
}

// A peer that could not run says why in its place; checks below it carry that reason.
TEST(ExpectationsTest, MissingMetricBelowAnUnavailableBlockTakesItsReason) {
  const Json metrics = Json::parse(R"json({
    "walk": {"shards_10": {"threads_1": {"rows_per_walk": 10.0},
                           "postgres": {"unavailable": "peer not available (no server)"}}}
  })json");
  Json checks = EvaluateExpectations({Expect("walk.shards_10.postgres.walk_over_one_query_p50", "approx", 4.5, 0.5),
                                      Expect("walk.shards_10.postgres.lookups.rows_per_walk", "eq", 10.0),
                                      Expect("walk.shards_10.threads_2.rows_per_walk", "eq", 10.0)},
                                     metrics);
  ASSERT_EQ(checks.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(checks[i]["verdict"], Json("unknown")) << i;
  EXPECT_EQ(checks[0]["reason"], Json("peer not available (no server)"));
  EXPECT_EQ(checks[1]["reason"], Json("peer not available (no server)"));
  // A sibling of the unavailable block keeps the generic reason.
  EXPECT_EQ(checks[2]["reason"], Json("the run produced no metric walk.shards_10.threads_2.rows_per_walk"));
}

// A metric that could not have moved in this run is unknown, whatever its value.
TEST(ExpectationsTest, VacuousMetricIsUnknown) {
  const Json metrics = Json::parse(R"json({
    "matrix": {"attach": {"lost": 0, "mixed": 0, "commit_point": {"op": "delete"},
                          "vacuous": {"lost": "nothing was acknowledged", "commit_point": "no clean flip"}}}
  })json");
  Json checks = EvaluateExpectations({Expect("matrix.attach.lost", "eq", 0), Expect("matrix.attach.mixed", "eq", 0),
                                      Expect("matrix.attach.commit_point.op", "eq", "delete"),
                                      Expect("matrix.attach.lost", "eq", 1)},
                                     metrics);
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0]["verdict"], Json("unknown"));
  EXPECT_EQ(checks[0]["reason"], Json("this check could not have failed in this run: nothing was acknowledged"));
  EXPECT_EQ(checks[0]["observed"], Json(0));
  EXPECT_EQ(checks[1]["verdict"], Json("pass"));  // a sibling that is not listed is judged
  EXPECT_EQ(checks[2]["verdict"], Json("unknown"));
  EXPECT_EQ(checks[2]["reason"], Json("this check could not have failed in this run: no clean flip"));
  EXPECT_EQ(checks[3]["verdict"], Json("unknown"));  // neither pass nor fail, whichever value is expected
}

TEST(ExpectationsTest, NonNumberObservedFailsNumericOps) {
  for (const char* op : {"lt", "le", "gt", "ge", "approx"}) {
    const Json checks = EvaluateExpectations({Expect("probes.v3.value", op, 1, 1)}, Metrics());
    ASSERT_EQ(checks.size(), 1u);
    EXPECT_EQ(checks[0]["verdict"], Json("fail")) << op;
    EXPECT_EQ(checks[0]["reason"], Json("observed value is not a number")) << op;
    EXPECT_EQ(checks[0]["observed"], Json("v3"));
  }
  EXPECT_EQ(Verdict(Expect("per_shard_counts", "ge", 0)), "fail");  // an array
  EXPECT_EQ(Verdict(Expect("probes.v3.found", "ge", 0)), "fail");   // a boolean is not a number
}

TEST(ExpectationsTest, CheckRecordsTheExpectation) {
  Expectation approx = Expect("load.seconds", "approx", 0.3, 0.05);
  approx.claim = "C7";
  approx.note = "why";
  Expectation eq = Expect("per_shard_counts", "eq", Json::array({1, 2}));
  const Json checks = EvaluateExpectations({approx, eq}, Metrics());
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0], Json::parse(R"({"name": "load.seconds approx 0.3 ± 0.05", "claim": "C7",
                                       "metric": "load.seconds", "op": "approx", "expected": 0.3,
                                       "tolerance": 0.05, "note": "why", "observed": 0.25, "verdict": "pass"})"));
  // No claim, note or tolerance keys when they do not apply; checks keep input order.
  EXPECT_EQ(checks[1], Json::parse(R"({"name": "per_shard_counts eq [1,2]", "metric": "per_shard_counts",
                                       "op": "eq", "expected": [1, 2], "observed": [98, 101, 100, 101],
                                       "verdict": "fail"})"));
  EXPECT_EQ(EvaluateExpectations({}, Metrics()), Json::array());
}

// Timed metrics with per-repetition samples: speedup is the median of five rounds whose
// mean is 1.12 and 95 % interval 1.12 ± 2.776 · s / sqrt(5) = [1.0727, 1.1673].
const Json& Timed() {
  static const Json kTimed = Json::parse(R"({
    "prealloc": {"speedup": 1.12, "samples": {"speedup": [1.07, 1.12, 1.17, 1.10, 1.14]}},
    "one": {"speedup": 1.12, "samples": {"speedup": [1.12]}},
    "bad": {"speedup": 1.12, "samples": {"speedup": [1.1, "x"]}},
    "walk": {"shards_10": {"threads_1": {"latency_us": {"p50": 110}}},
             "samples": {"shards_10.threads_1.latency_us.p50": [100, 110, 120]}}
  })");
  return kTimed;
}

Json TimedCheck(const Expectation& e) {
  const Json checks = EvaluateExpectations({e}, Timed());
  return checks.size() == 1 ? checks[0] : Json();
}

TEST(ExpectationsTest, StudentTTable) {
  EXPECT_DOUBLE_EQ(StudentT975(1), 12.706);
  EXPECT_DOUBLE_EQ(StudentT975(4), 2.776);
  EXPECT_DOUBLE_EQ(StudentT975(30), 2.042);
  EXPECT_DOUBLE_EQ(StudentT975(31), 1.96);
  EXPECT_DOUBLE_EQ(StudentT975(1000), 1.96);
  for (size_t df = 1; df < 30; ++df) EXPECT_GT(StudentT975(df), StudentT975(df + 1)) << df;
}

TEST(ExpectationsTest, MeanIntervalOfKnownSamples) {
  const auto i = MeanInterval95({1, 2, 3});  // mean 2, s = 1, t(2) = 4.303
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(i->n, 3u);
  EXPECT_DOUBLE_EQ(i->mean, 2);
  EXPECT_NEAR(i->lo, 2 - 4.303 / std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(i->hi, 2 + 4.303 / std::sqrt(3.0), 1e-12);
  const auto five = MeanInterval95({1.07, 1.12, 1.17, 1.10, 1.14});
  ASSERT_TRUE(five.has_value());
  EXPECT_NEAR(five->lo, 1.072727, 1e-6);
  EXPECT_NEAR(five->hi, 1.167273, 1e-6);
  // Identical repetitions: no spread, the interval is the value.
  const auto same = MeanInterval95({5, 5, 5, 5});
  ASSERT_TRUE(same.has_value());
  EXPECT_DOUBLE_EQ(same->lo, 5);
  EXPECT_DOUBLE_EQ(same->hi, 5);
  EXPECT_FALSE(MeanInterval95({1.5}).has_value());
  EXPECT_FALSE(MeanInterval95({}).has_value());
}

TEST(ExpectationsTest, FindSamplesAtTheParentOrAnAncestor) {
  ASSERT_NE(FindSamples(Timed(), "prealloc.speedup"), nullptr);
  EXPECT_EQ(FindSamples(Timed(), "prealloc.speedup")->size(), 5u);
  ASSERT_NE(FindSamples(Timed(), "walk.shards_10.threads_1.latency_us.p50"), nullptr);
  EXPECT_EQ(*FindSamples(Timed(), "walk.shards_10.threads_1.latency_us.p50"), Json::array({100, 110, 120}));
  EXPECT_EQ(FindSamples(Timed(), "walk.shards_10.threads_1.latency_us"), nullptr);
  EXPECT_EQ(FindSamples(Timed(), "prealloc"), nullptr);
  EXPECT_EQ(FindSamples(Metrics(), "load.seconds"), nullptr);
}

TEST(ExpectationsTest, IntervalWhollyOnOneSideDecides) {
  const Json pass = TimedCheck(Expect("prealloc.speedup", "gt", 1.05));
  EXPECT_EQ(pass["verdict"], "pass");
  EXPECT_EQ(pass["samples"], 5);
  ASSERT_TRUE(pass["interval"].is_array());
  EXPECT_NEAR(pass["interval"][0].get<double>(), 1.07273, 1e-5);
  EXPECT_NEAR(pass["interval"][1].get<double>(), 1.16727, 1e-5);
  EXPECT_EQ(pass["observed"], 1.12);  // the metric itself is still what the kind reported
  EXPECT_FALSE(pass.contains("reason"));
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "ge", 1.07))["verdict"], "pass");
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "lt", 1.2))["verdict"], "pass");
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "le", 1.17))["verdict"], "pass");
  // Wholly below (gt, ge) or above (lt, le) the expected value: fail.
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "gt", 1.2))["verdict"], "fail");
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "ge", 1.17))["verdict"], "fail");
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "lt", 1.05))["verdict"], "fail");
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "le", 1.07))["verdict"], "fail");
  // approx: inside the band passes, outside it fails.
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "approx", 1.1, 0.1))["verdict"], "pass");
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "approx", 1.5, 0.2))["verdict"], "fail");
  // Samples published at an ancestor under the rest of the path.
  const Json walk = TimedCheck(Expect("walk.shards_10.threads_1.latency_us.p50", "lt", 200));
  EXPECT_EQ(walk["verdict"], "pass");
  EXPECT_EQ(walk["samples"], 3);
  EXPECT_EQ(TimedCheck(Expect("walk.shards_10.threads_1.latency_us.p50", "gt", 200))["verdict"], "fail");
}

TEST(ExpectationsTest, IntervalStraddlingTheValueIsUnknown) {
  // The single value 1.12 > 1.1 would pass; the interval [1.073, 1.167] does not decide.
  const Json gt = TimedCheck(Expect("prealloc.speedup", "gt", 1.1));
  EXPECT_EQ(gt["verdict"], "unknown");
  EXPECT_EQ(gt["reason"], "the 95 % interval [1.073, 1.167] over 5 repetitions straddles 1.1");
  EXPECT_EQ(gt["samples"], 5);
  for (const char* op : {"ge", "lt", "le"}) {
    EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", op, 1.1))["verdict"], "unknown") << op;
  }
  const Json approx = TimedCheck(Expect("prealloc.speedup", "approx", 1.0, 0.1));
  EXPECT_EQ(approx["verdict"], "unknown");
  EXPECT_EQ(approx["reason"],
            "the 95 % interval [1.073, 1.167] over 5 repetitions straddles 1.1 (an edge of 1 ± 0.1)");
  const Json walk = TimedCheck(Expect("walk.shards_10.threads_1.latency_us.p50", "lt", 120));
  EXPECT_EQ(walk["verdict"], "unknown");  // 110 < 120, but [85.2, 134.8] straddles 120
}

TEST(ExpectationsTest, OneSampleOrNoneJudgesTheSingleValue) {
  const Json one = TimedCheck(Expect("one.speedup", "gt", 1.1));
  EXPECT_EQ(one["verdict"], "pass");
  EXPECT_FALSE(one.contains("interval"));
  EXPECT_FALSE(one.contains("samples"));
  EXPECT_EQ(TimedCheck(Expect("one.speedup", "gt", 1.2))["verdict"], "fail");
  // Samples that are not all numbers are ignored.
  const Json bad = TimedCheck(Expect("bad.speedup", "gt", 1.1));
  EXPECT_EQ(bad["verdict"], "pass");
  EXPECT_FALSE(bad.contains("interval"));
}

TEST(ExpectationsTest, EqWithSamplesShowsTheIntervalButJudgesTheValue) {
  const Json eq = TimedCheck(Expect("prealloc.speedup", "eq", 1.12));
  EXPECT_EQ(eq["verdict"], "pass");
  EXPECT_EQ(eq["samples"], 5);
  EXPECT_TRUE(eq["interval"].is_array());
  EXPECT_EQ(TimedCheck(Expect("prealloc.speedup", "eq", 1.1))["verdict"], "fail");
}

}  // namespace
}  // namespace expectations_test
}  // namespace shardlab
