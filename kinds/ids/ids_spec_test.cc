#include "kinds/ids/ids_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/ids/ids_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace ids_spec_test {
namespace {

// The `ids` block (kind = ids) through the loader: defaults in the resolved copy, bad
// values with their JSON path, snowflake's 1024-shard limit, the metric roots, and
// --quick (no caps).

constexpr char kOrigin[] = "mem/unit.json";

Json Base() { return Json::parse(R"({"name": "i", "kind": "ids", "shards": {"count": 4}, "keys": {"count": 100}})"); }

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&IdsKind()});
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

TEST(IdsSpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<IdsSpec>().schemes,
            (std::vector<std::string>{"autoincrement", "offsets", "uuid4", "uuid7", "snowflake"}));
  EXPECT_EQ(s->Spec<IdsSpec>().batch_rows, 1000);
  EXPECT_EQ(s->resolved["ids"], Json::parse(R"({"schemes": ["autoincrement", "offsets", "uuid4", "uuid7", "snowflake"],
                                                "batch_rows": 1000})"));
  Json j = Base();
  j["ids"] = {{"schemes", {"uuid7"}}, {"batch_rows", 1}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<IdsSpec>().schemes, std::vector<std::string>{"uuid7"});
  EXPECT_EQ(s->Spec<IdsSpec>().batch_rows, 1);
}

TEST(IdsSpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["ids"] = {{"schemes", {"uuid4", "uuid5"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"ids.schemes: found \"uuid5\"; expected autoincrement, offsets, uuid4, uuid7 or "
                                    "snowflake"}));
  j["ids"] = {{"schemes", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"ids.schemes: found an empty array; expected at least one id scheme"}));
  j["ids"] = {{"schemes", "uuid4"}};
  EXPECT_EQ(ProblemLines(j), Lines({"ids.schemes: found \"uuid4\" (a string); expected an array of strings"}));
  j["ids"] = {{"batch_rows", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"ids.batch_rows: found 0 (an integer); expected an integer from 1 to 1000000"}));
}

TEST(IdsSpecTest, UnknownKeyInTheBlockIsRefused) {
  Json j = Base();
  j["ids"] = {{"scheme", {"uuid4"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"ids.scheme: unknown key; allowed keys here: schemes, batch_rows"}));
}

// Snowflake ids hold the shard in 10 bits.
TEST(IdsSpecTest, SnowflakeTakesAtMost1024Shards) {
  Json j = Base();
  j["shards"]["count"] = 1025;
  EXPECT_EQ(ProblemLines(j), Lines({"shards: snowflake ids hold the shard in 10 bits: at most 1024 shards"}));
  j["ids"] = {{"schemes", {"uuid7", "offsets"}}};  // no snowflake: no limit
  EXPECT_TRUE(Load(j).ok());
  j.erase("ids");
  j["shards"]["count"] = 1024;
  EXPECT_TRUE(Load(j).ok());
}

TEST(IdsSpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"schemes.uuid7.rows_per_s", "rows", "shards"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("latency.p50");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"latency.p50\"; a ids result has no metric \"latency\" "
                                    "(metrics: rows, schemes, shards)"}));
}

// ids has no --quick caps.
TEST(IdsSpecTest, QuickModeChangesNothing) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["ids"] = {{"batch_rows", 50000}};
  auto fast = Load(j, quick);
  auto full = Load(j);
  ASSERT_TRUE(fast.ok()) << fast.status().message();
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(fast->resolved, full->resolved);
  EXPECT_EQ(fast->Spec<IdsSpec>().batch_rows, 50000);
  EXPECT_EQ(fast->Spec<IdsSpec>().schemes.size(), 5u);
}

}  // namespace
}  // namespace ids_spec_test
}  // namespace shardlab
