#include "kinds/migrate/schema_migration.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/child_process.h"
#include "faults/crash_vfs.h"
#include "kinds/migrate/schema_migration_check.h"
#include "shards/shard_set.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace schema_migration_test {
namespace {

constexpr int kRows = 200;

class SchemaMigrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shardlab-schema-migration-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    sqlite_.journal_mode = GetParam();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A fresh version-1 file with kRows rows; returns its path and the data's checksum.
  std::string MakeV1File(const std::string& name, uint64_t* checksum = nullptr) {
    const std::string path = dir_ + "/" + name;
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-journal");
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    auto db = ShardSet::ConnectPath(path, sqlite_);
    EXPECT_TRUE(db.ok()) << db.status().message();
    EXPECT_TRUE(db->Exec("BEGIN;" + SchemaV1Sql(false)).ok());
    uint64_t sum = 0;
    for (int i = 0; i < kRows; ++i) {
      const std::string k = "key:" + std::to_string(i), v = std::string(1 + i % 40, 'a' + i % 26);
      EXPECT_TRUE(db->Exec("INSERT INTO kv VALUES('" + k + "', '" + v + "')").ok());
      sum += RowChecksum(k, v);
    }
    EXPECT_TRUE(db->Exec("COMMIT").ok());
    if (checksum != nullptr) *checksum = sum;
    return path;
  }

  FleetMigration Plan(MigrationStrategy strategy, std::vector<std::string> files) const {
    FleetMigration m;
    m.files = std::move(files);
    m.strategy = strategy;
    m.sqlite = sqlite_;
    return m;
  }

  // Runs `m` in a forked child through the crash shim, SIGKILLed just before (or after)
  // I/O event `event` (-1: never). Returns the wait status; *events gets the count.
  static int MigrateInChild(FleetMigration m, int64_t event, bool after, uint32_t* events = nullptr) {
    auto child = ForkWithPipe([&](int fd) {
      auto shim = CrashVfs::Get();
      if (!shim.ok()) _exit(3);
      m.vfs = CrashVfs::kName;
      CrashVfs::Plan plan;
      plan.crash_event = event;
      plan.crash_after = after;
      (*shim)->Start(plan, nullptr);
      const FleetMigrationStats st = MigrateFleet(m);
      WriteAll(fd, std::to_string((*shim)->events()));
      (*shim)->Stop();
      _exit(st.failed == 0 ? 0 : 4);
    });
    EXPECT_TRUE(child.ok());
    bool timed_out = false;
    const std::string out = ReadUntilEof(child->read_fd, 60, &timed_out);
    close(child->read_fd);
    int status = 0;
    waitpid(child->pid, &status, 0);
    if (events != nullptr && !out.empty()) *events = static_cast<uint32_t>(std::stoul(out));
    return status;
  }

  std::string dir_;
  SqliteSpec sqlite_;
};

INSTANTIATE_TEST_SUITE_P(JournalModes, SchemaMigrationTest, ::testing::Values("delete", "wal"));

TEST_P(SchemaMigrationTest, MigratesOnceAndARerunSkips) {
  for (MigrationStrategy s : {MigrationStrategy::kTransactional, MigrationStrategy::kSeparateVersion,
                              MigrationStrategy::kAutocommit}) {
    SCOPED_TRACE(MigrationStrategyName(s));
    uint64_t sum = 0;
    const std::string a = MakeV1File("a.db", &sum), b = MakeV1File("b.db");
    const FleetMigrationStats first = MigrateFleet(Plan(s, {a, b}));
    EXPECT_EQ(first.failed, 0) << first.first_error;
    EXPECT_EQ(first.migrated, 2);
    EXPECT_EQ(first.rows, 2 * kRows);
    EXPECT_EQ(first.file_latency.count(), 2u);
    const FleetMigrationStats again = MigrateFleet(Plan(s, {a, b}));
    EXPECT_EQ(again.migrated, 0);
    EXPECT_EQ(again.skipped, 2);
    const FileState st = ReadFileState(a);
    EXPECT_EQ(Classify(st), FileClass::kV2) << st.error;
    EXPECT_EQ(st.rows, kRows);
    EXPECT_EQ(st.checksum, sum);
  }
}

TEST_P(SchemaMigrationTest, WorkersMigrateEveryFileOnce) {
  std::vector<std::string> files;
  for (int i = 0; i < 12; ++i) files.push_back(MakeV1File("f" + std::to_string(i) + ".db"));
  FleetMigration m = Plan(MigrationStrategy::kTransactional, files);
  m.workers = 3;
  const FleetMigrationStats st = MigrateFleet(m);
  EXPECT_EQ(st.migrated, 12);
  EXPECT_EQ(st.failed, 0) << st.first_error;
  for (const std::string& f : files) EXPECT_EQ(Classify(ReadFileState(f)), FileClass::kV2) << f;
}

TEST_P(SchemaMigrationTest, FloorAndBareReferences) {
  const std::string a = MakeV1File("a.db");
  EXPECT_EQ(TouchFleet(Plan(MigrationStrategy::kTransactional, {a})).migrated, 1);
  EXPECT_EQ(Classify(ReadFileState(a)), FileClass::kV1);  // the floor changes nothing
  const FleetMigrationStats bare = BareMigrateFleet(Plan(MigrationStrategy::kTransactional, {a}));
  EXPECT_EQ(bare.failed, 0) << bare.first_error;
  EXPECT_EQ(Classify(ReadFileState(a)), FileClass::kV2);
}

// The fact the transactional strategy rests on: user_version is in the database header,
// so it rolls back with the schema change...
TEST_P(SchemaMigrationTest, UserVersionRollsBackWithTheSchema) {
  const std::string a = MakeV1File("a.db");
  auto db = ShardSet::ConnectPath(a, sqlite_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->Exec("BEGIN IMMEDIATE").ok());
  for (const std::string& step : SchemaChangeSteps()) ASSERT_TRUE(db->Exec(step).ok()) << step;
  ASSERT_TRUE(db->Exec("PRAGMA user_version = 2").ok());
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), 2);  // visible inside the transaction
  ASSERT_TRUE(db->Exec("ROLLBACK").ok());
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), 1);
  db->Close();
  EXPECT_EQ(Classify(ReadFileState(a)), FileClass::kV1);
}

// ... and a process killed before COMMIT leaves neither the change nor the version;
// killed after COMMIT, both.
TEST_P(SchemaMigrationTest, UserVersionSurvivesAKillOnlyWhenCommitted) {
  for (bool commit : {false, true}) {
    SCOPED_TRACE(commit ? "killed after COMMIT" : "killed before COMMIT");
    const std::string a = MakeV1File("a.db");
    const pid_t pid = fork();
    if (pid == 0) {
      auto db = ShardSet::ConnectPath(a, sqlite_);
      if (!db.ok() || !db->Exec("BEGIN IMMEDIATE").ok()) _exit(3);
      for (const std::string& step : SchemaChangeSteps()) {
        if (!db->Exec(step).ok()) _exit(3);
      }
      if (!db->Exec("PRAGMA user_version = 2").ok()) _exit(3);
      if (commit && !db->Exec("COMMIT").ok()) _exit(3);
      raise(SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    if (!commit) {  // the transaction's trace is on disk, waiting for recovery
      EXPECT_TRUE(std::filesystem::exists(a + (GetParam() == "wal" ? "-wal" : "-journal")));
    }
    const FileState st = ReadFileState(a);
    EXPECT_EQ(Classify(st), commit ? FileClass::kV2 : FileClass::kV1) << st.error;
  }
}

// A kill at every I/O event of one file's transactional migration, just before and just
// after it: the file is always at version 1 or 2 with its data, and both occur.
TEST_P(SchemaMigrationTest, TransactionalKilledAtEveryEventIsVersion1Or2) {
  uint64_t sum = 0;
  uint32_t events = 0;
  ASSERT_EQ(MigrateInChild(Plan(MigrationStrategy::kTransactional, {MakeV1File("a.db", &sum)}), -1, false, &events), 0);
  ASSERT_GT(events, 5u);
  int v1 = 0, v2 = 0;
  for (uint32_t k = 0; k < events; ++k) {
    for (bool after : {false, true}) {
      SCOPED_TRACE("event " + std::to_string(k) + (after ? " after" : " before"));
      const std::string a = MakeV1File("a.db");
      const int status = MigrateInChild(Plan(MigrationStrategy::kTransactional, {a}), k, after);
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
      const FileState st = ReadFileState(a);
      const FileClass c = Classify(st);
      EXPECT_TRUE(c == FileClass::kV1 || c == FileClass::kV2) << FileClassName(c) << " " << st.error;
      EXPECT_EQ(st.rows, kRows);
      EXPECT_EQ(st.checksum, sum);
      v1 += c == FileClass::kV1;
      v2 += c == FileClass::kV2;
      // The rerun finishes what the kill left.
      EXPECT_EQ(MigrateFleet(Plan(MigrationStrategy::kTransactional, {a})).failed, 0);
      EXPECT_EQ(Classify(ReadFileState(a)), FileClass::kV2);
    }
  }
  EXPECT_GT(v1, 0);
  EXPECT_GT(v2, 0);
}

// The common mistake, for contrast: the version in its own transaction. Some kill leaves
// the whole change at version 1, and the rerun then fails on that file.
TEST_P(SchemaMigrationTest, SeparateVersionCanLeaveTheNewSchemaAtVersion1) {
  uint32_t events = 0;
  ASSERT_EQ(MigrateInChild(Plan(MigrationStrategy::kSeparateVersion, {MakeV1File("a.db")}), -1, false, &events), 0);
  int stale = 0;
  for (uint32_t k = 0; k < events; ++k) {
    const std::string a = MakeV1File("a.db");
    MigrateInChild(Plan(MigrationStrategy::kSeparateVersion, {a}), k, false);
    if (Classify(ReadFileState(a)) != FileClass::kStaleVersion) continue;
    ++stale;
    const FleetMigrationStats rerun = MigrateFleet(Plan(MigrationStrategy::kSeparateVersion, {a}));
    EXPECT_EQ(rerun.failed, 1);
    EXPECT_NE(rerun.first_error.find("duplicate column name"), std::string::npos) << rerun.first_error;
  }
  EXPECT_GT(stale, 0);
}

TEST(SchemaMigrationNames, ParseAndName) {
  for (const char* name : {"transactional", "separate_version", "autocommit"}) {
    ASSERT_TRUE(ParseMigrationStrategy(name).has_value()) << name;
    EXPECT_STREQ(MigrationStrategyName(*ParseMigrationStrategy(name)), name);
  }
  EXPECT_FALSE(ParseMigrationStrategy("online").has_value());
}

}  // namespace
}  // namespace schema_migration_test
}  // namespace shardlab
