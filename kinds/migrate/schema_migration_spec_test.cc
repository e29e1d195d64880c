#include "kinds/migrate/schema_migration_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/migrate/migrate_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace schema_migration_spec_test {
namespace {

// The `migrate` block (kind = migrate) through the loader: defaults in the resolved copy,
// bad values with their JSON path, crash_files against the shard count, the metric roots,
// and --quick's smaller crash campaign.

constexpr char kOrigin[] = "mem/unit.json";

Json Base() {
  return Json::parse(R"({"name": "m", "kind": "migrate", "shards": {"count": 4}, "keys": {"count": 100}})");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&MigrateKind()});
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

TEST(SchemaMigrationSpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const SchemaMigrationSpec& m = s->Spec<SchemaMigrationSpec>();
  EXPECT_EQ(m.strategies, (std::vector<std::string>{"transactional", "separate_version"}));
  EXPECT_EQ(m.journal_modes, (std::vector<std::string>{"delete", "wal"}));
  EXPECT_EQ(m.value_bytes, 32);
  EXPECT_EQ(m.workers, 1);
  EXPECT_TRUE(m.floor);
  EXPECT_TRUE(m.bare);
  EXPECT_EQ(m.crash_trials, 0);
  EXPECT_FALSE(m.crash_every_file);
  EXPECT_EQ(m.crash_files, 0);
  EXPECT_DOUBLE_EQ(m.timeout_s, 600);
  EXPECT_EQ(s->resolved["migrate"], Json::parse(R"({
    "strategies": ["transactional", "separate_version"], "journal_modes": ["delete", "wal"], "value_bytes": 32,
    "workers": 1, "floor": true, "bare": true, "crash_trials": 0, "crash_every_file": false, "crash_files": 0,
    "timeout_s": 600.0})"));
  Json j = Base();
  j["migrate"] = {{"strategies", {"autocommit"}}, {"journal_modes", {"persist"}}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().strategies, std::vector<std::string>{"autocommit"});
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().journal_modes, std::vector<std::string>{"persist"});
}

TEST(SchemaMigrationSpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["migrate"] = {{"strategies", {"fast"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.strategies: found \"fast\"; expected transactional, separate_version or "
                                    "autocommit"}));
  j["migrate"] = {{"strategies", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.strategies: found an empty array; expected at least one strategy"}));
  j["migrate"] = {{"journal_modes", {"memory"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.journal_modes: found \"memory\"; expected delete, truncate, persist or wal"}));
  j["migrate"] = {{"journal_modes", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.journal_modes: found an empty array; expected at least one journal mode"}));
  j["migrate"] = {{"workers", 65}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.workers: found 65 (an integer); expected an integer from 1 to 64"}));
  j["migrate"] = {{"value_bytes", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.value_bytes: found 0 (an integer); expected an integer from 1 to 1000000"}));
  j["migrate"] = {{"timeout_s", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.timeout_s: found 0 (an integer); expected a number > 0 and <= 86400"}));
}

TEST(SchemaMigrationSpecTest, UnknownKeyInTheBlockIsRefused) {
  Json j = Base();
  j["migrate"] = {{"strategy", "autocommit"}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.strategy: unknown key; allowed keys here: strategies, journal_modes, "
                                    "value_bytes, workers, floor, bare, crash_trials, crash_every_file, crash_files, "
                                    "timeout_s"}));
}

// A crash trial's fleet is some of the scenario's shard files.
TEST(SchemaMigrationSpecTest, CrashFilesAtMostShardCount) {
  Json j = Base();
  j["migrate"] = {{"crash_files", 5}};
  EXPECT_EQ(ProblemLines(j), Lines({"migrate.crash_files: found 5; expected at most shards.count (4), or 0 for all "
                                    "of them"}));
  j["migrate"]["crash_files"] = 4;
  EXPECT_TRUE(Load(j).ok());
}

TEST(SchemaMigrationSpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"files", "rows", "rows_per_file", "synchronous", "provision", "floor", "bare",
                           "strategies.transactional.delete.files_per_s"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("load.rows");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"load.rows\"; a migrate result has no metric \"load\" "
                                    "(metrics: bare, change, files, floor, provision, rows, rows_per_file, strategies, "
                                    "synchronous)"}));
}

// --quick: a crash campaign of at most 2 kills per cell on at most 3 files, no kill per
// file; the timed runs are unchanged.
TEST(SchemaMigrationSpecTest, QuickModeShrinksTheCrashCampaign) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["migrate"] = {{"crash_trials", 50}, {"crash_every_file", true}, {"workers", 4}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const SchemaMigrationSpec& m = s->Spec<SchemaMigrationSpec>();
  EXPECT_EQ(m.crash_trials, 2);
  EXPECT_FALSE(m.crash_every_file);
  EXPECT_EQ(m.crash_files, 3);  // 0 (all 4 files) becomes 3
  EXPECT_EQ(m.workers, 4);      // the timed runs are unchanged
  EXPECT_EQ(s->resolved["migrate"]["crash_trials"], Json(2));
  EXPECT_EQ(s->resolved["migrate"]["crash_every_file"], Json(false));
  EXPECT_EQ(s->resolved["migrate"]["crash_files"], Json(3));
  EXPECT_EQ(s->shards.count, 4u);

  // Small values are kept.
  j["migrate"] = {{"crash_trials", 1}, {"crash_files", 2}};
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().crash_trials, 1);
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().crash_files, 2);
  EXPECT_EQ(s->resolved["migrate"]["crash_files"], Json(2));
  // Fewer shards than the cap: all of them.
  j["shards"]["count"] = 2;
  j["migrate"] = {{"crash_trials", 10}};
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().crash_files, 2);

  j = Base();
  j["migrate"] = {{"crash_trials", 50}, {"crash_every_file", true}};
  s = Load(j);  // without --quick nothing changes
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().crash_trials, 50);
  EXPECT_TRUE(s->Spec<SchemaMigrationSpec>().crash_every_file);
  EXPECT_EQ(s->Spec<SchemaMigrationSpec>().crash_files, 0);
  EXPECT_EQ(s->resolved["migrate"]["crash_files"], Json(0));
}

}  // namespace
}  // namespace schema_migration_spec_test
}  // namespace shardlab
