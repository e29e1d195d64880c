#include "shards/shard_set.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/test_temp_dir.h"
#include "core/workspace.h"
#include "shards/kv_schema.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace shard_set_test {
namespace {

namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every path below `dir`, relative to it ("r0", "r0/shard_0000.db"), sorted.
std::set<std::string> Tree(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) out.insert(fs::relative(e.path(), dir).string());
  return out;
}

// One text value from a connection that applies no pragmas of its own.
std::string RawQuery(const std::string& path, const std::string& sql) {
  auto db = Db::Open(path, SQLITE_OPEN_READWRITE);  // no CREATE: the file must exist
  if (!db.ok()) return "open failed: " + db.status().message();
  auto v = db->QueryText(sql);
  return v.ok() ? *v : "query failed: " + v.status().message();
}

ShardsSpec Shards(uint32_t count, const std::string& layout, std::vector<std::string> roots) {
  ShardsSpec spec;
  spec.count = count;
  spec.layout = layout;
  spec.roots = std::move(roots);
  return spec;
}

TEST(ShardSetTest, FlatLayoutOverTwoRelativeRoots) {
  TempDir tmp;
  Workspace ws;
  SqliteSpec sqlite;
  sqlite.journal_mode = "wal";
  sqlite.synchronous = "normal";
  sqlite.page_size = 8192;
  auto set = ShardSet::Create(Shards(4, "flat", {"r0", "r1"}), sqlite, tmp.path(), KvSchemaSql(false, false), ws);
  ASSERT_TRUE(set.ok()) << set.status().message();
  ASSERT_EQ(set->count(), 4u);
  EXPECT_EQ(set->path(0), tmp.path() + "/r0/shard_0000.db");
  EXPECT_EQ(set->path(1), tmp.path() + "/r1/shard_0001.db");
  EXPECT_EQ(set->path(2), tmp.path() + "/r0/shard_0002.db");
  EXPECT_EQ(set->path(3), tmp.path() + "/r1/shard_0003.db");
  // Exactly those files: no stray -wal/-shm once the creating connections closed.
  EXPECT_EQ(Tree(tmp.path()), (std::set<std::string>{"r0", "r0/shard_0000.db", "r0/shard_0002.db", "r1",
                                                      "r1/shard_0001.db", "r1/shard_0003.db"}));

  for (uint32_t s = 0; s < set->count(); ++s) {
    SCOPED_TRACE(set->path(s));
    // Persistent settings, read by a connection that sets nothing itself.
    EXPECT_EQ(RawQuery(set->path(s), "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(RawQuery(set->path(s), "PRAGMA page_size"), "8192");
    EXPECT_EQ(RawQuery(set->path(s), "SELECT sql FROM sqlite_master WHERE name = 'kv'"),
              "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)");
  }
  // Per-connection settings, through Connect.
  auto db = set->Connect(1);
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ(*db->QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*db->QueryInt("PRAGMA synchronous"), 1);  // normal
  EXPECT_EQ(*db->QueryInt("PRAGMA cache_size"), -2000);

  auto counts = set->RowCounts();
  ASSERT_TRUE(counts.ok()) << counts.status().message();
  EXPECT_EQ(*counts, (std::vector<int64_t>{0, 0, 0, 0}));
  db = Db();  // close before cleanup
  EXPECT_EQ(ws.RemoveCreated(), 4u + 2u);
  EXPECT_TRUE(Tree(tmp.path()).empty());
}

TEST(ShardSetTest, DigitsLayoutOverTwoAbsoluteRoots) {
  TempDir tmp;
  Workspace ws;
  SqliteSpec sqlite;  // defaults: delete, full
  const std::string a = tmp.path() + "/a", b = tmp.path() + "/b";
  auto set = ShardSet::Create(Shards(3, "digits", {a, b}), sqlite, "/nonexistent-data-dir",
                              KvSchemaSql(true, true), ws);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->paths(), (std::vector<std::string>{a + "/0/00/0.db", b + "/0/00/1.db", a + "/0/00/2.db"}));
  EXPECT_EQ(Tree(tmp.path()), (std::set<std::string>{"a", "a/0", "a/0/00", "a/0/00/0.db", "a/0/00/2.db", "b",
                                                      "b/0", "b/0/00", "b/0/00/1.db"}));
  EXPECT_FALSE(fs::exists("/nonexistent-data-dir"));  // absolute roots ignore data_dir
  EXPECT_EQ(RawQuery(set->path(2), "PRAGMA journal_mode"), "delete");
  EXPECT_EQ(RawQuery(set->path(2), "SELECT sql FROM sqlite_master WHERE name = 'kv'"),
            "CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT)");
  EXPECT_EQ(RawQuery(set->path(2), "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'kv_v'"), "1");
  auto db = set->Connect(0);
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ(*db->QueryInt("PRAGMA synchronous"), 2);  // full
  db = Db();
  EXPECT_EQ(ws.RemoveCreated(), 3u + 6u);  // three databases, six directories
  EXPECT_TRUE(Tree(tmp.path()).empty());
}

TEST(ShardSetTest, JournalModesReadBack) {
  TempDir tmp;
  for (const char* mode : {"delete", "truncate", "persist", "wal", "memory", "off"}) {
    SCOPED_TRACE(mode);
    Workspace ws;
    SqliteSpec sqlite;
    sqlite.journal_mode = mode;
    auto set = ShardSet::Create(Shards(1, "flat", {mode}), sqlite, tmp.path(), KvSchemaSql(false, false), ws);
    ASSERT_TRUE(set.ok()) << set.status().message();
    auto db = set->Connect(0);
    ASSERT_TRUE(db.ok()) << db.status().message();
    EXPECT_EQ(*db->QueryText("PRAGMA journal_mode"), mode);
    ASSERT_TRUE(db->Exec("INSERT INTO kv VALUES ('k', 'v')").ok());
    db = Db();
    ws.RemoveCreated();
  }
  EXPECT_TRUE(Tree(tmp.path()).empty()) << "persist/truncate journals must be cleaned up too";
}

TEST(ShardSetTest, ExistingShardFileMakesCreateFailAndStaysUntouched) {
  TempDir tmp;
  fs::create_directory(tmp.path() + "/r0");
  const std::string existing = tmp.path() + "/r0/shard_0002.db";
  WriteFile(existing, "precious, not a database");

  Workspace ws;
  auto set = ShardSet::Create(Shards(4, "flat", {"r0", "r1"}), SqliteSpec(), tmp.path(), KvSchemaSql(false, false), ws);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().kind(), ErrorKind::kRuntime);
  EXPECT_EQ(set.status().message(),
            "refusing to use " + existing + ": it exists already and shardlab only uses files it creates");
  EXPECT_EQ(ReadFile(existing), "precious, not a database");
  // Shards 0 and 1 were created before the conflict; cleanup removes them and r1, which
  // this run created, but neither r0 (there before) nor the existing file.
  EXPECT_EQ(Tree(tmp.path()),
            (std::set<std::string>{"r0", "r0/shard_0000.db", "r0/shard_0002.db", "r1", "r1/shard_0001.db"}));
  EXPECT_EQ(ws.RemoveCreated(), 3u);
  EXPECT_EQ(Tree(tmp.path()), (std::set<std::string>{"r0", "r0/shard_0002.db"}));
  EXPECT_EQ(ReadFile(existing), "precious, not a database");
}

TEST(ShardSetTest, ExistingSideFileAlsoMakesCreateFail) {
  TempDir tmp;
  for (const char* suffix : {"-journal", "-wal", "-shm"}) {
    SCOPED_TRACE(suffix);
    const std::string side = tmp.path() + "/shard_0000.db" + suffix;
    WriteFile(side, "left over");
    Workspace ws;
    auto set = ShardSet::Create(Shards(1, "flat", {"."}), SqliteSpec(), tmp.path(), KvSchemaSql(false, false), ws);
    ASSERT_FALSE(set.ok());
    // The message names the side file (as tmp/./shard_0000.db-wal: the root "." is kept).
    EXPECT_EQ(set.status().message().rfind("refusing to use " + tmp.path() + "/", 0), 0u) << set.status().message();
    EXPECT_NE(set.status().message().find("/shard_0000.db" + std::string(suffix) + ": it exists already"),
              std::string::npos)
        << set.status().message();
    EXPECT_FALSE(fs::exists(tmp.path() + "/shard_0000.db"));  // nothing opened
    EXPECT_EQ(ws.RemoveCreated(), 0u);
    EXPECT_EQ(ReadFile(side), "left over");
    fs::remove(side);
  }
}

TEST(ShardSetTest, RemoveCreatedRemovesExactlyWhatWasCreated) {
  TempDir tmp;
  const std::string pre = tmp.path() + "/pre";
  fs::create_directory(pre);
  WriteFile(pre + "/keep.txt", "someone else's");

  Workspace ws;
  SqliteSpec sqlite;
  sqlite.journal_mode = "wal";
  auto set = ShardSet::Create(Shards(2, "flat", {"pre", "new/deep"}), sqlite, tmp.path(), KvSchemaSql(false, false), ws);
  ASSERT_TRUE(set.ok()) << set.status().message();
  const std::string db0 = pre + "/shard_0000.db";
  const std::string db1 = tmp.path() + "/new/deep/shard_0001.db";
  ASSERT_EQ(set->path(0), db0);
  ASSERT_EQ(set->path(1), db1);

  {
    // Real -wal and -shm files: a write with a persistent WAL keeps both after close.
    auto db = set->Connect(0);
    ASSERT_TRUE(db.ok()) << db.status().message();
    int persist = 1;
    ASSERT_EQ(sqlite3_file_control(db->get(), "main", SQLITE_FCNTL_PERSIST_WAL, &persist), SQLITE_OK);
    ASSERT_TRUE(db->Exec("INSERT INTO kv VALUES ('k', 'v')").ok());
  }
  ASSERT_TRUE(fs::exists(db0 + "-wal"));
  ASSERT_TRUE(fs::exists(db0 + "-shm"));
  // A super-journal as SQLite names them ("-mj" + 9 hex digits), a leftover rollback
  // journal, and look-alikes that are not SQLite's and must stay.
  WriteFile(db1 + "-journal", "");
  WriteFile(db1 + "-mjA1B2C39F0", "");
  WriteFile(db1 + "-mjnothex99", "");  // not hex
  WriteFile(db1 + "-mjA1B2C39F", "");  // 8 digits
  WriteFile(db0 + ".bak", "");
  WriteFile(pre + "/shard_0000.db-mjA1B2C39F0x", "");

  EXPECT_EQ(ws.RemoveCreated(), 2u /*dbs*/ + 2u /*-wal, -shm*/ + 2u /*-journal, -mj*/ + 0u /*dirs, not empty*/);
  EXPECT_TRUE(ws.empty());
  EXPECT_EQ(Tree(tmp.path()),
            (std::set<std::string>{"new", "new/deep", "new/deep/shard_0001.db-mjA1B2C39F",
                                   "new/deep/shard_0001.db-mjnothex99", "pre", "pre/keep.txt", "pre/shard_0000.db.bak",
                                   "pre/shard_0000.db-mjA1B2C39F0x"}));
  EXPECT_EQ(ReadFile(pre + "/keep.txt"), "someone else's");
  // Created directories stay while a foreign file is in them, and a second call has
  // nothing left to do: the workspace forgot what it removed.
  EXPECT_EQ(ws.RemoveCreated(), 0u);
  EXPECT_TRUE(fs::exists(tmp.path() + "/new/deep"));
}

TEST(ShardSetTest, RemoveCreatedRemovesCreatedDirectoriesWhenEmpty) {
  TempDir tmp;
  fs::create_directory(tmp.path() + "/pre");
  WriteFile(tmp.path() + "/pre/keep.txt", "x");
  Workspace ws;
  SqliteSpec sqlite;
  sqlite.journal_mode = "wal";
  auto set = ShardSet::Create(Shards(3, "digits", {"pre", "new"}), sqlite, tmp.path(), KvSchemaSql(false, false), ws);
  ASSERT_TRUE(set.ok()) << set.status().message();
  // pre/0, pre/0/00 (created under the existing pre), new, new/0, new/0/00; three dbs.
  EXPECT_EQ(ws.RemoveCreated(), 3u + 5u);
  EXPECT_EQ(Tree(tmp.path()), (std::set<std::string>{"pre", "pre/keep.txt"}));
}

TEST(ShardSetTest, ConnectPathFailsWhenTheJournalModeDoesNotTake) {
  TempDir tmp;
  SqliteSpec sqlite;
  sqlite.journal_mode = "wal";
  // An in-memory database cannot be in WAL mode: SQLite answers "memory".
  auto db = ShardSet::ConnectPath(":memory:", sqlite);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().kind(), ErrorKind::kRuntime);
  EXPECT_EQ(db.status().message(), ":memory:: PRAGMA journal_mode=wal left the journal mode at memory");
}

}  // namespace
}  // namespace shard_set_test
}  // namespace shardlab
