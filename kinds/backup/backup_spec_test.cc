#include "kinds/backup/backup_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/backup/backup_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace backup_spec_test {
namespace {

// The `backup` block (kind = backup) through the loader: defaults in the resolved copy,
// bad values with their JSON path, the checks across fields (a transaction changes a row;
// at most 256 shards), the metric roots, and --quick's cap on rounds.

constexpr char kOrigin[] = "mem/unit.json";

Json Base() {
  return Json::parse(R"({"name": "b", "kind": "backup", "shards": {"count": 2}, "keys": {"count": 100}})");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&BackupKind()});
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

TEST(BackupSpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const BackupSpec& b = s->Spec<BackupSpec>();
  EXPECT_EQ(b.methods,
            (std::vector<std::string>{"copy_db", "copy_db_wal", "backup_api", "backup_api_paged", "vacuum_into"}));
  EXPECT_EQ(b.journal_modes, (std::vector<std::string>{"delete", "wal"}));
  EXPECT_EQ(b.rounds, 5);
  EXPECT_EQ(b.writers, 2);
  EXPECT_EQ(b.updates_per_txn, 4);
  EXPECT_EQ(b.inserts_per_txn, 1);
  EXPECT_EQ(b.row_bytes, 1000);
  EXPECT_EQ(b.writer_pause_us, 0);
  EXPECT_EQ(b.commits_between, 5);
  EXPECT_EQ(b.jitter_ms, 5);
  EXPECT_EQ(b.step_pages, 64);
  EXPECT_EQ(b.step_sleep_ms, 10);
  EXPECT_EQ(b.max_restarts, 20);
  EXPECT_DOUBLE_EQ(b.timeout_s, 60);
  EXPECT_EQ(s->resolved["backup"], Json::parse(R"({
    "methods": ["copy_db", "copy_db_wal", "backup_api", "backup_api_paged", "vacuum_into"],
    "journal_modes": ["delete", "wal"], "rounds": 5, "writers": 2, "updates_per_txn": 4, "inserts_per_txn": 1,
    "row_bytes": 1000, "writer_pause_us": 0, "commits_between": 5, "jitter_ms": 5, "step_pages": 64,
    "step_sleep_ms": 10, "max_restarts": 20, "timeout_s": 60.0})"));
}

TEST(BackupSpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["backup"] = {{"rounds", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.rounds: found 0 (an integer); expected an integer from 1 to 100000"}));
  j["backup"] = {{"writers", 65}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.writers: found 65 (an integer); expected an integer from 1 to 64"}));
  j["backup"] = {{"timeout_s", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.timeout_s: found 0 (an integer); expected a number > 0 and <= 3600"}));
  j["backup"] = {{"commits_between", 0}};
  EXPECT_EQ(ProblemLines(j),
            Lines({"backup.commits_between: found 0 (an integer); expected an integer from 1 to 1000000"}));
}

TEST(BackupSpecTest, ListsTakeKnownValuesOnceEach) {
  const std::string methods = "copy_db, copy_db_wal, backup_api, backup_api_paged, vacuum_into";
  Json j = Base();
  j["backup"] = {{"methods", {"copy"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.methods: found \"copy\"; expected one of " + methods}));
  j["backup"] = {{"methods", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.methods: found an empty array; expected some of " + methods}));
  j["backup"] = {{"journal_modes", {"wal", "memory", "wal"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.journal_modes: found \"memory\"; expected one of delete, truncate, "
                                    "persist, wal",
                                    "backup.journal_modes: found \"wal\" twice; expected each at most once"}));
}

TEST(BackupSpecTest, UnknownKeyInTheBlockIsRefused) {
  Json j = Base();
  j["backup"] = {{"round", 3}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.round: unknown key; allowed keys here: methods, journal_modes, rounds, "
                                    "writers, updates_per_txn, inserts_per_txn, row_bytes, writer_pause_us, "
                                    "commits_between, jitter_ms, step_pages, step_sleep_ms, max_restarts, timeout_s"}));
}

TEST(BackupSpecTest, ChecksAcrossFields) {
  // A writer's transaction must change at least one row.
  Json j = Base();
  j["backup"] = {{"updates_per_txn", 0}, {"inserts_per_txn", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"backup.inserts_per_txn: found 0 with updates_per_txn 0; expected a transaction "
                                    "to change at least one row"}));
  j["backup"]["inserts_per_txn"] = 1;
  EXPECT_TRUE(Load(j).ok());
  // Every writer process connects to every shard.
  j = Base();
  j["shards"]["count"] = 257;
  EXPECT_EQ(ProblemLines(j), Lines({"shards: found 257 shards; a backup scenario takes at most 256 (every writer "
                                    "process connects to every shard)"}));
  j["shards"]["count"] = 256;
  EXPECT_TRUE(Load(j).ok());
}

TEST(BackupSpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"backups", "backups.wal.copy_db.not_consistent", "writers.delete.commits", "speed",
                           "database_bytes", "shards", "rows"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("load.rows");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"load.rows\"; a backup result has no metric \"load\" "
                                    "(metrics: backups, database_bytes, rows, shards, speed, writers)"}));
  // Below the roots: the scenario's journal modes and methods.
  j["backup"] = {{"methods", {"copy_db", "backup_api"}}, {"journal_modes", {"wal"}}};
  j["expect"] = ExpectOn("backups.wal.vacuum_into.not_consistent");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"backups.wal.vacuum_into.not_consistent\"; no "
                                    "\"vacuum_into\" under backups.wal (names there: copy_db, backup_api)"}));
  j["expect"] = ExpectOn("writers.delete.commits");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"writers.delete.commits\"; no \"delete\" under "
                                    "writers (names there: wal)"}));
}

// --quick: at most 2 rounds; the data (keys) are the same.
TEST(BackupSpecTest, QuickModeCapsRounds) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["backup"] = {{"rounds", 9}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<BackupSpec>().rounds, 2);
  EXPECT_EQ(s->resolved["backup"]["rounds"], Json(2));
  EXPECT_EQ(s->keys.count, 100u);
  EXPECT_EQ(s->Spec<BackupSpec>().writers, 2);  // the rest is unchanged

  j["backup"]["rounds"] = 1;
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<BackupSpec>().rounds, 1);
  EXPECT_EQ(s->resolved["backup"]["rounds"], Json(1));

  j["backup"]["rounds"] = 9;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<BackupSpec>().rounds, 9);
  EXPECT_EQ(s->resolved["backup"]["rounds"], Json(9));
}

}  // namespace
}  // namespace backup_spec_test
}  // namespace shardlab
