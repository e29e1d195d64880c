#include "kinds/backup/backup_checker.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/test_temp_dir.h"
#include "kinds/backup/backup_methods.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace backup_checker_test {
namespace {

namespace fs = std::filesystem;

BackupModel Model() {
  BackupModel m;
  m.seed = 42;
  m.shard = 3;
  m.initial_rows = 50;
  m.updates = 4;
  m.inserts = 1;
  m.row_bytes = 200;
  return m;
}

// A shard at `path` after commits 1..commits, each in its own transaction, as the writers make them.
Db MakeShard(const std::string& path, const BackupModel& m, uint64_t commits, const std::string& journal_mode = "delete") {
  Db db = Db::Open(path).value();
  EXPECT_TRUE(db.Exec("PRAGMA journal_mode=" + journal_mode).ok());
  EXPECT_TRUE(db.Exec("PRAGMA wal_autocheckpoint=0").ok());  // the -wal keeps every commit until told
  EXPECT_TRUE(db.Exec("PRAGMA synchronous=OFF").ok());       // no crash here: durability is not tested
  EXPECT_TRUE(db.Exec(BackupSchemaSql()).ok());
  EXPECT_TRUE(LoadBackupShard(db, m).ok());
  if (journal_mode == "wal") {
    EXPECT_TRUE(db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }
  auto writer = CommitWriter::Prepare(db, m);
  EXPECT_TRUE(writer.ok());
  for (uint64_t c = 1; c <= commits; ++c) {
    EXPECT_TRUE(db.Exec("BEGIN IMMEDIATE").ok());
    auto n = writer->ApplyNext();
    EXPECT_TRUE(n.ok());
    EXPECT_EQ(*n, c);
    EXPECT_TRUE(db.Exec("COMMIT").ok());
  }
  return db;
}

TEST(BackupModelTest, StateAfterIsWhatTheWritersCommit) {
  const BackupModel m = Model();
  TempDir dir;
  Db db = MakeShard(dir / "a.db", m, 30);
  const std::vector<uint64_t> expected = m.StateAfter(30);
  ASSERT_EQ(expected.size(), 80u);
  auto rows = db.Prepare("SELECT k, v FROM rows ORDER BY k");
  ASSERT_TRUE(rows.ok());
  size_t i = 0;
  while (rows->Step() == SQLITE_ROW) {
    ASSERT_LT(i, expected.size());
    EXPECT_EQ(rows->ColumnInt(0), static_cast<int64_t>(i));
    EXPECT_EQ(static_cast<uint64_t>(rows->ColumnInt(1)), expected[i]) << "row " << i;
    ++i;
  }
  EXPECT_EQ(i, expected.size());
  // The updated keys come from (seed, shard, commit) alone.
  EXPECT_EQ(m.UpdatedKeys(7), Model().UpdatedKeys(7));
  BackupModel other = m;
  other.shard = 4;
  EXPECT_NE(m.UpdatedKeys(7), other.UpdatedKeys(7));
}

TEST(BackupCheckerTest, ExactStateAtOrPastTheAcknowledgedCommitIsConsistent) {
  TempDir dir;
  { MakeShard(dir / "a.db", Model(), 12); }
  RestoreVerdict v = CheckRestoredShard(dir / "a.db", Model(), 12, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kConsistent) << v.detail;
  EXPECT_EQ(v.counter, 12u);
  // A commit still in flight when the backup began is no loss either.
  v = CheckRestoredShard(dir / "a.db", Model(), 11, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kConsistent) << v.detail;
}

TEST(BackupCheckerTest, OlderCommittedStateIsStale) {
  TempDir dir;
  { MakeShard(dir / "a.db", Model(), 9); }
  const RestoreVerdict v = CheckRestoredShard(dir / "a.db", Model(), 12, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kStale);
  EXPECT_EQ(v.counter, 9u);
  EXPECT_EQ(v.stale_commits, 3u);
  EXPECT_EQ(v.rows_behind, 0);
  EXPECT_NE(v.detail.find("commit 12"), std::string::npos) << v.detail;
}

// The hand-made stale copy of C17: the .db of a WAL shard copied alone, its commits still in the -wal.
TEST(BackupCheckerTest, DbFileCopiedWithoutItsWalIsStale) {
  TempDir dir;
  Db live = MakeShard(dir / "live.db", Model(), 8, "wal");  // stays open: the -wal stays
  ASSERT_TRUE(fs::exists(dir / "live.db-wal"));
  ASSERT_TRUE(fs::create_directory(dir / "restore"));
  uint64_t bytes = 0;
  ASSERT_TRUE(CopyFileRaw(dir / "live.db", dir / "restore/live.db", true, &bytes, nullptr).ok());
  EXPECT_EQ(bytes, fs::file_size(dir / "live.db"));
  RestoreVerdict v = CheckRestoredShard(dir / "restore/live.db", Model(), 8, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kStale) << v.detail;
  EXPECT_EQ(v.counter, 0u);
  EXPECT_EQ(v.stale_commits, 8u);

  // With the -wal copied beside it, SQLite replays the commits on open.
  ASSERT_TRUE(fs::create_directory(dir / "restore2"));
  ASSERT_TRUE(CopyFileRaw(dir / "live.db", dir / "restore2/live.db", true, nullptr, nullptr).ok());
  ASSERT_TRUE(CopyFileRaw(dir / "live.db-wal", dir / "restore2/live.db-wal", true, nullptr, nullptr).ok());
  v = CheckRestoredShard(dir / "restore2/live.db", Model(), 8, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kConsistent) << v.detail;
  EXPECT_EQ(v.counter, 8u);
}

TEST(BackupCheckerTest, RowsFromAnotherStateAreMissingCommittedData) {
  TempDir dir;
  const BackupModel m = Model();
  {
    Db db = MakeShard(dir / "a.db", m, 10);
    // Commit 10's insert lost, as a copy holding an older page of the table would show it.
    ASSERT_TRUE(db.Exec("DELETE FROM rows WHERE k = " + std::to_string(m.RowsAfter(9))).ok());
  }
  RestoreVerdict v = CheckRestoredShard(dir / "a.db", m, 10, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kMissingCommitted);
  EXPECT_EQ(v.rows_behind, 1);
  EXPECT_EQ(v.rows_ahead, 0);
  {
    Db db = Db::Open(dir / "a.db").value();
    // ... and a row from a commit the counter has not reached.
    ASSERT_TRUE(db.Exec("INSERT INTO rows(k, v, p) VALUES(" + std::to_string(m.RowsAfter(10) + 3) + ", 14, NULL)").ok());
  }
  v = CheckRestoredShard(dir / "a.db", m, 10, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kMissingCommitted);
  EXPECT_EQ(v.rows_ahead, 1);
  // Still missing committed data when the backup began later than the counter says.
  v = CheckRestoredShard(dir / "a.db", m, 20, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kMissingCommitted);
}

TEST(BackupCheckerTest, CounterPastEveryCommitIsNoCommittedState) {
  TempDir dir;
  { MakeShard(dir / "a.db", Model(), 10); }
  const RestoreVerdict v = CheckRestoredShard(dir / "a.db", Model(), 5, 9);
  EXPECT_EQ(v.outcome, BackupOutcome::kMissingCommitted);
  EXPECT_NE(v.detail.find("beyond"), std::string::npos) << v.detail;
}

TEST(BackupCheckerTest, DamagedCopiesAreCorrupt) {
  TempDir dir;
  { MakeShard(dir / "a.db", Model(), 10); }
  const auto size = fs::file_size(dir / "a.db");
  ASSERT_GT(size, 4096u * 3);
  // Garbage over the second page (a B-tree page): integrity_check or the read fails.
  fs::copy_file(dir / "a.db", dir / "pages.db");
  {
    std::fstream f(dir / "pages.db", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    const std::string junk(4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  RestoreVerdict v = CheckRestoredShard(dir / "pages.db", Model(), 10, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kCorrupt);
  EXPECT_FALSE(v.detail.empty());
  // Not a database at all (a header torn off).
  fs::copy_file(dir / "a.db", dir / "header.db");
  {
    std::fstream f(dir / "header.db", std::ios::in | std::ios::out | std::ios::binary);
    f.write("not a database!!", 16);
  }
  v = CheckRestoredShard(dir / "header.db", Model(), 10, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kCorrupt);
  // No file: nothing restorable (and none is created).
  v = CheckRestoredShard(dir / "missing.db", Model(), 10, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kCorrupt);
  EXPECT_FALSE(fs::exists(dir / "missing.db"));
  // A database without the shard's tables.
  { Db empty = Db::Open(dir / "empty.db").value(); ASSERT_TRUE(empty.Exec("CREATE TABLE x(y)").ok()); }
  v = CheckRestoredShard(dir / "empty.db", Model(), 0, 100);
  EXPECT_EQ(v.outcome, BackupOutcome::kCorrupt);
}

// With nobody writing, every method gives a consistent backup, except the .db alone of a
// WAL shard whose commits are still in its -wal: stale, deterministically.
TEST(BackupMethodsTest, QuietShardEveryMethodButTheWalLessCopyIsConsistent) {
  for (const std::string mode : {"delete", "wal"}) {
    TempDir dir;
    Db live = MakeShard(dir / "live.db", Model(), 6, mode);
    for (const std::string& method : BackupMethodNames()) {
      const std::string out = dir / (method + ".db");
      auto taken = TakeBackup(method, dir / "live.db", out, BackupMethodOptions{});
      ASSERT_TRUE(taken.ok()) << taken.status().message();
      EXPECT_TRUE(taken->completed) << method << ": " << taken->failure;
      EXPECT_GT(taken->bytes_written, 0u) << method;
      EXPECT_EQ(taken->restarts, 0) << method;
      EXPECT_EQ(taken->sidecar, method == "copy_db_wal" && mode == "wal" ? "-wal" : "") << method;
      const RestoreVerdict v = CheckRestoredShard(out, Model(), 6, 6);
      const bool wal_less = method == "copy_db" && mode == "wal";
      EXPECT_EQ(v.outcome, wal_less ? BackupOutcome::kStale : BackupOutcome::kConsistent)
          << mode << " " << method << ": " << v.detail;
    }
  }
}

TEST(BackupMethodsTest, CopyFileRawReportsAMissingSourceAndNeverOverwrites) {
  TempDir dir;
  bool missing = false;
  EXPECT_TRUE(CopyFileRaw(dir / "nope", dir / "out", false, nullptr, &missing).ok());
  EXPECT_TRUE(missing);
  EXPECT_FALSE(fs::exists(dir / "out"));
  EXPECT_FALSE(CopyFileRaw(dir / "nope", dir / "out", false, nullptr, nullptr).ok());
  { std::ofstream(dir / "src") << "abc"; }
  { std::ofstream(dir / "taken") << "keep"; }
  EXPECT_FALSE(CopyFileRaw(dir / "src", dir / "taken", false, nullptr, nullptr).ok());
  std::ifstream in(dir / "taken");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "keep");
}

}  // namespace
}  // namespace backup_checker_test
}  // namespace shardlab
