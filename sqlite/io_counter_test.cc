#include "sqlite/io_counter.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "core/json.h"
#include "core/test_temp_dir.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace io_counter_test {
namespace {

constexpr int64_t kPage = 4096;

// A database of one table in `mode`, synchronous=FULL, and its open connection.
Db MakeDb(const TempDir& dir, const std::string& mode, int rows = 1) {
  auto db = Db::Open(dir / "t.db");
  EXPECT_TRUE(db.ok()) << db.status().message();
  EXPECT_TRUE(db->Exec("PRAGMA page_size=4096; PRAGMA journal_mode=" + mode + "; PRAGMA synchronous=FULL").ok());
  EXPECT_TRUE(db->Exec("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c INTEGER); CREATE INDEX t_b ON t(b)").ok());
  EXPECT_TRUE(db->Exec("BEGIN").ok());
  for (int i = 0; i < rows; ++i) {
    EXPECT_TRUE(db->Exec("INSERT INTO t(b, c) VALUES ('b" + std::to_string(i) + "', " + std::to_string(i) + ")").ok());
  }
  EXPECT_TRUE(db->Exec("COMMIT").ok());
  return std::move(db).value();
}

TEST(IoCounter, IsTheDefaultVfsOverUnixAndInstallsOnce) {
  ASSERT_TRUE(InstallIoCounter().ok());
  ASSERT_TRUE(InstallIoCounter().ok());
  sqlite3_vfs* def = sqlite3_vfs_find(nullptr);
  ASSERT_NE(def, nullptr);
  EXPECT_STREQ(def->zName, "shardlab-count");
  ASSERT_NE(sqlite3_vfs_find("unix"), nullptr);  // still there for the crash shim, which wraps it directly
}

// A rollback-journal commit at synchronous=FULL, as pager.c does it on unix (no
// SAFE_APPEND, no SEQUENTIAL): the journal is created, synced (its directory with it, on
// the journal's first sync: a new file), its header's record count written and synced
// again, the database written and synced, the journal deleted (no directory
// sync below synchronous=EXTRA).
TEST(IoCounter, DeleteModeCommitAtFullSync) {
  TempDir dir;
  Db db = MakeDb(dir, "delete");
  const IoCounts before = IoCounts::Snapshot();
  ASSERT_TRUE(db.Exec("UPDATE t SET c = c + 1 WHERE a = 1").ok());
  const IoCounts d = IoCounts::Snapshot() - before;
  EXPECT_EQ(d.syncs, 3);           // journal, journal header, database
  EXPECT_EQ(d.syncs_dataonly, 0);  // DATAONLY only with PRAGMA fullfsync (SQLITE_SYNC_FULL)
  EXPECT_EQ(d.dir_syncs, 1);       // the new journal's directory
  EXPECT_EQ(d.opens, 1);           // the journal
  EXPECT_EQ(d.files_created, 1);
  EXPECT_EQ(d.files_deleted, 1);
  EXPECT_EQ(d.temp_files, 0);
  EXPECT_EQ(d.truncates, 0);
  EXPECT_GT(d.vm_steps, 0);
  EXPECT_EQ(d.fullscan_steps, 0);  // by rowid

  // With synchronous=EXTRA the journal's deletion syncs the directory too.
  ASSERT_TRUE(db.Exec("PRAGMA synchronous=EXTRA").ok());
  const IoCounts before_extra = IoCounts::Snapshot();
  ASSERT_TRUE(db.Exec("UPDATE t SET c = c + 1 WHERE a = 1").ok());
  const IoCounts extra = IoCounts::Snapshot() - before_extra;
  EXPECT_EQ(extra.syncs, 3);
  EXPECT_EQ(extra.dir_syncs, 2);
  EXPECT_EQ(extra.files_deleted, 1);
}

// Without a journal file, the commit writes just the pages it changed: page 1 (the file
// change counter) and the table's leaf page, one write of a page each, and syncs once.
TEST(IoCounter, BytesWrittenArePagesTimesPageSize) {
  TempDir dir;
  Db db = MakeDb(dir, "memory");
  const IoCounts before = IoCounts::Snapshot();
  ASSERT_TRUE(db.Exec("UPDATE t SET c = c + 1 WHERE a = 1").ok());
  const IoCounts d = IoCounts::Snapshot() - before;
  EXPECT_EQ(d.writes, 2);
  EXPECT_EQ(d.bytes_written, 2 * kPage);
  EXPECT_EQ(d.syncs, 1);
  EXPECT_EQ(d.dir_syncs, 0);
  EXPECT_EQ(d.files_created, 0);
  EXPECT_EQ(d.files_deleted, 0);
}

// A new connection has an empty page cache: its first query reads page 1 and the table's
// page from the file (the 100-byte header read at open is not a page).
TEST(IoCounter, PagesReadFromTheFile) {
  TempDir dir;
  { Db db = MakeDb(dir, "delete"); }
  auto db = Db::Open(dir / "t.db");
  ASSERT_TRUE(db.ok());
  const IoCounts before = IoCounts::Snapshot();
  auto n = db->QueryInt("SELECT count(c) FROM t");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  const IoCounts d = IoCounts::Snapshot() - before;
  EXPECT_EQ(d.pages_read, 2);
  EXPECT_EQ(d.writes, 0);
  EXPECT_EQ(d.syncs, 0);
  // Read again: the page cache answers, and no page comes from the file.
  const IoCounts before_again = IoCounts::Snapshot();
  ASSERT_TRUE(db->QueryInt("SELECT count(c) FROM t").ok());
  EXPECT_EQ((IoCounts::Snapshot() - before_again).pages_read, 0);
}

TEST(IoCounter, FullScanStepsShowAQueryThatScans) {
  TempDir dir;
  Db db = MakeDb(dir, "delete", 100);
  auto scan = db.Prepare("SELECT a FROM t WHERE c = ?1");
  auto lookup = db.Prepare("SELECT a FROM t WHERE b = ?1");
  ASSERT_TRUE(scan.ok() && lookup.ok());

  const IoCounts before_lookup = IoCounts::Snapshot();
  lookup->BindText(1, "b42");
  ASSERT_EQ(lookup->Step(), SQLITE_ROW);
  lookup->Reset();
  const IoCounts by_index = IoCounts::Snapshot() - before_lookup;
  EXPECT_GT(by_index.vm_steps, 0);
  EXPECT_EQ(by_index.fullscan_steps, 0);

  const IoCounts before_scan = IoCounts::Snapshot();
  scan->BindInt(1, 42);
  ASSERT_EQ(scan->Step(), SQLITE_ROW);
  while (scan->Step() == SQLITE_ROW) {
  }
  scan->Reset();
  const IoCounts scanned = IoCounts::Snapshot() - before_scan;
  EXPECT_EQ(scanned.fullscan_steps, 99);  // the scan's Next over 100 rows
  EXPECT_GT(scanned.vm_steps, by_index.vm_steps);

  // A statement finalized without a Reset still counts.
  const IoCounts before_final = IoCounts::Snapshot();
  {
    auto once = db.Prepare("SELECT count(*) FROM t WHERE c >= 0");
    ASSERT_TRUE(once.ok());
    ASSERT_EQ(once->Step(), SQLITE_ROW);
  }
  EXPECT_GT((IoCounts::Snapshot() - before_final).fullscan_steps, 0);
}

TEST(IoCounter, ExecReportsErrorsAsBefore) {
  TempDir dir;
  Db db = MakeDb(dir, "delete");
  Status st = db.Exec("SELECT 1; SELECT nope FROM t");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("no such column: nope"), std::string::npos) << st.message();
  EXPECT_TRUE(db.Exec("  ").ok());
  EXPECT_TRUE(db.Exec("SELECT 1; -- a comment\n").ok());
}

TEST(IoCounter, PerOpDividesEveryCounter) {
  IoCounts c;
  c.syncs = 3;
  c.bytes_written = 10000;
  c.vm_steps = 1;
  const Json j = c.PerOp(3);
  EXPECT_EQ(j["ops"], 3);
  EXPECT_EQ(j["syncs"].get<double>(), 1.0);
  EXPECT_EQ(j["bytes_written"].get<double>(), 3333.33);
  EXPECT_EQ(j["vm_steps"].get<double>(), 0.333333);
  EXPECT_EQ(j["files_created"].get<double>(), 0.0);
  EXPECT_TRUE(c - c == IoCounts{});
}

}  // namespace
}  // namespace io_counter_test
}  // namespace shardlab
