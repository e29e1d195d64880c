#include "scenario/scenario.h"

#include <gtest/gtest.h>

#include <any>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "scenario/kind.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace scenario_expect_test {
namespace {

// The `expect` block as the loader reads it: each item's fields, ops and values, claim
// ids, and expect[].metric checked against the kind's metric roots (then the kind's
// CheckMetric). A fake kind stands in for the real ones (kinds/ is a layer up).

constexpr char kOrigin[] = "mem/unit.json";

// kind = test: no block of its own; metrics "rows" and "size"; CheckMetric refuses any
// metric with "nope" in it, so a test can see whether it was asked.
class TestKind final : public FakeKind {
 public:
  const std::set<std::string>& MetricRoots() const override {
    static const std::set<std::string> kRoots = {"rows", "size"};
    return kRoots;
  }
  void CheckMetric(const Scenario&, const std::string& metric, const std::string& path,
                   Problems& problems) const override {
    if (metric.find("nope") != std::string::npos) problems.Add(path, "CheckMetric refuses \"" + metric + "\"");
  }
};

const TestKind kTestKind;

Json Base() {
  return Json::parse(R"({
    "name": "unit-base",
    "kind": "test",
    "shards": {"count": 4},
    "keys": {"count": 400},
    "expect": [{"metric": "rows", "op": "eq", "value": 400}]
  })");
}

StatusOr<Scenario> Load(const Json& j) { return LoadScenarioFromJson(j, kOrigin, {}, {&kTestKind}); }

// Loads `j`, which must fail with kInvalidInput; returns the message's lines.
std::vector<std::string> ProblemLines(const Json& j) {
  return RejectedLines(Load(j), j);
}

std::vector<std::string> Lines(std::initializer_list<std::string> lines) { return WithOrigin(kOrigin, lines); }

// --- Items, their defaults and the resolved copy -------------------------------------

TEST(ScenarioExpectTest, ItemsAreReadAndResolvedWithDefaults) {
  Json j = Base();
  j["expect"].push_back(Json::parse(
      R"({"metric": "size", "op": "approx", "value": 10, "tolerance": 2.5, "claim": "C7", "note": "why"})"));
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->expect.size(), 2u);
  EXPECT_EQ(s->expect[0].metric, "rows");
  EXPECT_EQ(s->expect[0].op, "eq");
  EXPECT_EQ(s->expect[0].value, Json(400));
  EXPECT_EQ(s->expect[0].tolerance, 0);
  EXPECT_EQ(s->expect[0].claim, "");
  EXPECT_EQ(s->expect[0].note, "");
  EXPECT_EQ(s->expect[1].op, "approx");
  EXPECT_DOUBLE_EQ(s->expect[1].tolerance, 2.5);
  EXPECT_EQ(s->expect[1].claim, "C7");
  EXPECT_EQ(s->expect[1].note, "why");
  // ordered_json compares in order: this also pins the key order.
  EXPECT_EQ(s->resolved["expect"],
            Json::parse(R"([{"metric": "rows", "op": "eq", "value": 400, "claim": "", "note": ""},
                            {"metric": "size", "op": "approx", "value": 10, "tolerance": 2.5, "claim": "C7",
                             "note": "why"}])"));

  // No expect: none, and an empty array in the result.
  j.erase("expect");
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->expect.empty());
  EXPECT_EQ(s->resolved["expect"], Json::array());
}

TEST(ScenarioExpectTest, WrongTypeAndUnknownKeys) {
  Json j = Base();
  j["expect"] = Json::object();
  EXPECT_EQ(ProblemLines(j), Lines({"expect: found {} (an object); expected an array of objects"}));
  j = Base();
  j["expect"][0] = 3;
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0]: found 3 (an integer); expected an object"}));
  j = Base();
  j["expect"][0]["tolerence"] = 1;
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].tolerence: unknown key; allowed keys here: metric, op, value, claim, note"}));
  j = Base();
  j["expect"][0]["op"] = "ne";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].op: found \"ne\" (a string); expected one of eq, approx, lt, le, gt, ge"}));
}

TEST(ScenarioExpectTest, MetricOpAndValueAreRequired) {
  Json j = Base();
  j["expect"] = Json::parse(R"([{"op": "eq", "value": 1}, {"metric": "rows", "value": 1},
                                {"metric": "rows", "op": "eq"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: missing; expected a string",
                                    "expect[1].op: missing; expected one of eq, approx, lt, le, gt, ge",
                                    "expect[2].value: missing; expected the value to compare the metric with"}));
}

// --- Ops, values and tolerance -------------------------------------------------------

TEST(ScenarioExpectTest, ApproxNeedsATolerance) {
  Json j = Base();
  j["expect"] = Json::parse(R"([{"metric": "rows", "op": "approx", "value": 400}])");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].tolerance: missing; expected a number >= 0"}));
  j["expect"][0]["tolerance"] = -1;
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].tolerance: found -1 (an integer); expected a number >= 0"}));
  j["expect"][0]["tolerance"] = 2.5;
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_DOUBLE_EQ(s->expect[0].tolerance, 2.5);
  j["expect"][0]["tolerance"] = 0;  // exact, through approx
  EXPECT_TRUE(Load(j).ok());
}

TEST(ScenarioExpectTest, ToleranceOnlyForApprox) {
  for (const char* op : {"eq", "lt", "le", "gt", "ge"}) {
    SCOPED_TRACE(op);
    Json j = Base();
    j["expect"][0]["op"] = op;
    j["expect"][0]["tolerance"] = 1;
    EXPECT_EQ(ProblemLines(j), Lines({"expect[0].tolerance: only applies to op \"approx\""}));
  }
}

TEST(ScenarioExpectTest, NumericOpsNeedANumber) {
  for (const char* op : {"lt", "le", "gt", "ge", "approx"}) {
    SCOPED_TRACE(op);
    Json j = Base();
    j["expect"][0] = {{"metric", "rows"}, {"op", op}, {"value", "400"}};
    if (std::string(op) == "approx") j["expect"][0]["tolerance"] = 1;
    EXPECT_EQ(ProblemLines(j),
              Lines({std::string("expect[0].value: found \"400\" (a string); op \"") + op + "\" expects a number"}));
    j["expect"][0]["value"] = nullptr;
    EXPECT_EQ(ProblemLines(j), Lines({std::string("expect[0].value: found null; op \"") + op + "\" expects a number"}));
    j["expect"][0]["value"] = 399.5;
    EXPECT_TRUE(Load(j).ok());
  }
  // eq compares any JSON value.
  for (const Json& value : {Json("x"), Json(true), Json(nullptr), Json::array({1, 2}), Json::object()}) {
    Json j = Base();
    j["expect"][0]["value"] = value;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << value.dump() << ": " << s.status().message();
    EXPECT_EQ(s->expect[0].value, value);
    EXPECT_EQ(s->resolved["expect"][0]["value"], value);
  }
}

TEST(ScenarioExpectTest, ClaimMustLookLikeAClaimId) {
  for (const char* bad : {"claim1", "C", "c1", "C1a", "C-1", " C1", "1"}) {
    Json j = Base();
    j["expect"][0]["claim"] = bad;
    EXPECT_EQ(ProblemLines(j), Lines({std::string("expect[0].claim: found \"") + bad +
                                      "\"; expected a claim id like \"C1\" (scenarios/CLAIMS.md)"}));
  }
  for (const char* good : {"C1", "C20", "C007"}) {
    Json j = Base();
    j["expect"][0]["claim"] = good;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << good << ": " << s.status().message();
    EXPECT_EQ(s->expect[0].claim, good);
  }
}

// --- Metrics: a root of the kind, then the kind's own check ---------------------------

TEST(ScenarioExpectTest, MetricMustStartWithOneOfTheKindsRoots) {
  Json j = Base();
  j["expect"][0]["metric"] = "latency.p50";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"latency.p50\"; a test result has no metric \"latency\" "
                                    "(metrics: rows, size)"}));
  j["expect"][0]["metric"] = "rowsx";
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"rowsx\"; a test result has no metric \"rowsx\" "
                                    "(did you mean \"rows\"? metrics: rows, size)"}));
  j["expect"][0]["metric"] = "";
  EXPECT_EQ(ProblemLines(j),
            Lines({"expect[0].metric: found \"\"; a test result has no metric \"\" (metrics: rows, size)"}));

  // A root alone, with a path below it, or with an index after it.
  for (const char* good : {"rows", "size", "rows.total", "rows[2]", "rows[2].x", "size.a.b"}) {
    j["expect"][0]["metric"] = good;
    EXPECT_TRUE(Load(j).ok()) << good;
  }
}

TEST(ScenarioExpectTest, KnownRootsGoOnToTheKindsCheckMetric) {
  Json j = Base();
  j["expect"] = Json::parse(R"([{"metric": "rows", "op": "eq", "value": 1},
                                {"metric": "rows.nope", "op": "eq", "value": 1},
                                {"metric": "nope.rows", "op": "eq", "value": 1}])");
  // An unknown root is reported once: the kind's check is not asked about it.
  EXPECT_EQ(ProblemLines(j), Lines({"expect[1].metric: CheckMetric refuses \"rows.nope\"",
                                    "expect[2].metric: found \"nope.rows\"; a test result has no metric \"nope\" "
                                    "(metrics: rows, size)"}));
}

}  // namespace
}  // namespace scenario_expect_test
}  // namespace shardlab
