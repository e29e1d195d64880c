#include "run/console.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace console_test {
namespace {

Json Check(const std::string& verdict, const std::string& op, Json expected, Json observed) {
  return {{"name", "m " + op + " " + expected.dump()}, {"metric", "m"}, {"op", op}, {"expected", expected},
          {"observed", observed}, {"verdict", verdict}};
}

Json Result(Json checks) {
  return {{"name", "n"}, {"kind", "none"}, {"seed", 1}, {"duration_s", 0.5}, {"status", "ok"}, {"checks", checks}};
}

TEST(ConsoleTest, CheckLinesShowTheObservedValue) {
  const std::string text = SummarizeResult(
      Result({Check("pass", "gt", 0, 48), Check("pass", "eq", 3, 3), Check("fail", "lt", 1, 2.5)}), {});
  EXPECT_EQ(text,
            "n (none, seed 1, 0.50 s)\n"
            "  pass  m gt 0  (observed 48)\n"
            "  pass  m eq 3\n"  // an equality that held says its value already
            "  fail  m lt 1  (observed 2.5)\n");
}

TEST(ConsoleTest, LongObservedValuesWrapWithinTheColumns) {
  Json big = Json::array();
  for (int i = 0; i < 40; ++i) big.push_back(1000 + i);
  Json check = Check("fail", "eq", Json::array({1, 2}), big);
  check["name"] = "matrix.separate_version.delete.normal.power_loss_reorder.mixed_outside_in_flight eq 0";
  const std::string text = SummarizeResult(Result({check}), {});
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    EXPECT_LE(end - start, kConsoleWidth) << text.substr(start, end - start);
    start = end + 1;
  }
  EXPECT_NE(text.find("in_flight eq 0\n        (observed [1000,1001,"), std::string::npos) << text;
}

TEST(ConsoleTest, QuietShowsOnlyProblems) {
  const std::string text =
      SummarizeResult(Result({Check("pass", "gt", 0, 48), Check("unknown", "gt", 0, nullptr)}), {false, true});
  EXPECT_EQ(text, "n (none, seed 1, 0.50 s)\n  unknown  m gt 0\n");
  EXPECT_EQ(SummarizeResult(Result({Check("pass", "gt", 0, 48)}), {false, true}), "");  // all held: silent
}

TEST(ConsoleTest, ColourOnlyOnVerdicts) {
  const std::string text = SummarizeResult(Result({Check("pass", "gt", 0, 48)}), {true, false});
  EXPECT_NE(text.find("  \033[32mpass\033[0m  m gt 0  (observed 48)\n"), std::string::npos) << text;
}

TEST(ConsoleTest, ClosingLineCountsScenariosAndChecks) {
  RunTally tally;
  tally.scenarios = {{"a", "k", "a.json", "", "passed", 3, 0, 0, 1},
                     {"b", "k", "b.json", "", "failed", 1, 1, 0, 1},
                     {"c", "k", "c.json", "", "unknown", 1, 0, 2, 1},
                     {"d", "k", "d.json", "", "error", 0, 0, 0, 1}};
  EXPECT_EQ(ClosingLine(tally, false),
            "4 scenarios: 1 passed, 1 failed, 1 unknown, 1 error (8 checks: 5 pass, 1 fail, 2 unknown)");
  const Json j = SummaryJson(tally);
  EXPECT_EQ(j["outcomes"], Json::parse(R"({"passed": 1, "failed": 1, "unknown": 1, "error": 1, "interrupted": 0})"));
  EXPECT_EQ(j["checks"], Json::parse(R"({"pass": 5, "fail": 1, "unknown": 2})"));
  EXPECT_TRUE(j["results"][0]["result"].is_null());
  EXPECT_EQ(OutcomeOf(1, 1), "failed");
  EXPECT_EQ(OutcomeOf(0, 1), "unknown");
  EXPECT_EQ(OutcomeOf(0, 0), "passed");
}

}  // namespace
}  // namespace console_test
}  // namespace shardlab
