#include "kinds/concurrency/concurrency_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/concurrency/concurrency_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace concurrency_spec_test {
namespace {

// The `concurrency` block (kind = concurrency) through the loader: defaults in the
// resolved copy, bad values with their JSON path, the check that a cell without writers
// has readers, the metric roots, and --quick's shorter windows.

constexpr char kOrigin[] = "mem/unit.json";

Json Base() {
  return Json::parse(R"({"name": "cc", "kind": "concurrency", "shards": {"count": 2}, "keys": {"count": 100}})");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&ConcurrencyKind()});
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

TEST(ConcurrencySpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const ConcurrencySpec& c = s->Spec<ConcurrencySpec>();
  EXPECT_EQ(c.writers, (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(c.readers, 0);
  EXPECT_EQ(c.layouts, (std::vector<std::string>{"one_file", "shards"}));
  EXPECT_EQ(c.journal_modes, (std::vector<std::string>{"delete", "wal"}));
  EXPECT_DOUBLE_EQ(c.duration_s, 1.0);
  EXPECT_EQ(s->resolved["concurrency"], Json::parse(R"({"writers": [1, 2, 4], "readers": 0,
    "layouts": ["one_file", "shards"], "journal_modes": ["delete", "wal"], "duration_s": 1.0, "repetitions": 1})"));

  Json j = Base();
  j["concurrency"] = {{"writers", {0, 8}}, {"readers", 3}, {"layouts", {"shards"}}, {"journal_modes", {"truncate"}},
                      {"duration_s", 0.5}, {"repetitions", 5}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ConcurrencySpec>().writers, (std::vector<int64_t>{0, 8}));
  EXPECT_EQ(s->Spec<ConcurrencySpec>().readers, 3);
  EXPECT_EQ(s->Spec<ConcurrencySpec>().layouts, std::vector<std::string>{"shards"});
  EXPECT_EQ(s->Spec<ConcurrencySpec>().journal_modes, std::vector<std::string>{"truncate"});
  EXPECT_DOUBLE_EQ(s->Spec<ConcurrencySpec>().duration_s, 0.5);
  EXPECT_EQ(s->Spec<ConcurrencySpec>().repetitions, 5);
  EXPECT_EQ(s->resolved["concurrency"]["repetitions"], Json(5));
}

TEST(ConcurrencySpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["concurrency"] = {{"writers", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.writers: found an empty array; expected writer thread counts like "
                                    "[1, 2, 4]"}));
  j["concurrency"] = {{"writers", {300}}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.writers: found [300] (an array); expected an array of integers from "
                                    "0 to 256"}));
  j["concurrency"] = {{"readers", -1}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.readers: found -1 (an integer); expected an integer from 0 to 256"}));
  j["concurrency"] = {{"layouts", {"one"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.layouts: found \"one\"; expected \"one_file\" or \"shards\""}));
  j["concurrency"] = {{"layouts", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.layouts: found an empty array; expected \"one_file\" and/or \"shards\""}));
  j["concurrency"] = {{"journal_modes", {"memory"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.journal_modes: found \"memory\"; expected delete, truncate, persist "
                                    "or wal"}));
  j["concurrency"] = {{"duration_s", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.duration_s: found 0 (an integer); expected a number > 0 and <= 600"}));
  j["concurrency"] = {{"duration_s", 601}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.duration_s: found 601 (an integer); expected a number > 0 and <= 600"}));
  j["concurrency"] = {{"repetitions", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.repetitions: found 0 (an integer); expected an integer from 1 to 100"}));
}

TEST(ConcurrencySpecTest, UnknownKeyInTheBlockIsRefused) {
  Json j = Base();
  j["concurrency"] = {{"threads", 4}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency.threads: unknown key; allowed keys here: writers, readers, layouts, "
                                    "journal_modes, duration_s, repetitions"}));
}

// A cell runs the writers and the readers of its column: with 0 writers it needs readers.
TEST(ConcurrencySpecTest, ZeroWritersNeedReaders) {
  Json j = Base();
  j["concurrency"] = {{"writers", {0, 1}}};
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency: a cell with 0 writers needs readers > 0"}));
  j["concurrency"]["writers"] = {0, 0, 1};  // one line, however many such cells
  EXPECT_EQ(ProblemLines(j), Lines({"concurrency: a cell with 0 writers needs readers > 0"}));
  j["concurrency"]["readers"] = 1;
  EXPECT_TRUE(Load(j).ok());
}

TEST(ConcurrencySpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"cells", "cells.wal.shards.writers_4.commits_per_s",
                           "scaling.delete.shards_over_one_file_writers_4"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("throughput");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"throughput\"; a concurrency result has no metric "
                                    "\"throughput\" (metrics: cells, scaling)"}));
  j["expect"] = ExpectOn("cells.wal.shards.writers_3.commits_per_s");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"cells.wal.shards.writers_3.commits_per_s\"; no "
                                    "\"writers_3\" under cells.wal.shards (names there: "
                                    "writers_1, writers_2, writers_4)"}));
}

// --quick: windows of at most 0.25 s, at most 3 repetitions; the rows (keys) are the same.
TEST(ConcurrencySpecTest, QuickModeShortensTheWindows) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["concurrency"] = {{"writers", {1, 2}}, {"duration_s", 3}, {"repetitions", 5}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ConcurrencySpec>().repetitions, 3);
  EXPECT_EQ(s->resolved["concurrency"]["repetitions"], Json(3));
  EXPECT_EQ(s->Spec<ConcurrencySpec>().duration_s, 0.25);
  EXPECT_EQ(s->resolved["concurrency"]["duration_s"], Json(0.25));
  EXPECT_EQ(s->Spec<ConcurrencySpec>().writers, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(s->keys.count, 100u);

  j["concurrency"]["duration_s"] = 0.1;  // shorter windows are kept
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ConcurrencySpec>().duration_s, 0.1);
  EXPECT_EQ(s->resolved["concurrency"]["duration_s"], Json(0.1));

  j["concurrency"]["duration_s"] = 3;  // without --quick nothing is capped
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ConcurrencySpec>().duration_s, 3);
  EXPECT_EQ(s->resolved["concurrency"]["duration_s"], Json(3.0));
  EXPECT_EQ(s->Spec<ConcurrencySpec>().repetitions, 5);
}

}  // namespace
}  // namespace concurrency_spec_test
}  // namespace shardlab
