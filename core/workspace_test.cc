#include "core/test_temp_dir.h"
#include "core/workspace.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace workspace_test {
namespace {

namespace fs = std::filesystem;

void Touch(const std::string& path) { std::ofstream(path) << "x"; }

TEST(WorkspaceTest, TreeIsRemovedWithItsContentsButNotWhatLinksPointTo) {
  TempDir tmp;
  const std::string outside = tmp.path() + "/outside";
  fs::create_directory(outside);
  Touch(outside + "/keep.txt");
  Workspace ws;
  const std::string tree = tmp.path() + "/tree";
  ASSERT_TRUE(ws.ClaimNewTree(tree).ok());
  EXPECT_EQ(fs::status(tree).permissions() & fs::perms::all, fs::perms::owner_all);
  fs::create_directories(tree + "/data/base");
  Touch(tree + "/data/base/1");
  Touch(tree + "/server.log");
  fs::create_directory_symlink(outside, tree + "/data/link");
  EXPECT_GE(ws.RemoveCreated(), 5u);
  EXPECT_FALSE(fs::exists(tree));
  EXPECT_TRUE(fs::exists(outside + "/keep.txt"));
}

TEST(WorkspaceTest, TreeMustBeNew) {
  TempDir tmp;
  Workspace ws;
  const std::string tree = tmp.path() + "/tree";
  fs::create_directory(tree);
  Touch(tree + "/theirs");
  const Status st = ws.ClaimNewTree(tree);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("only uses directories it creates"), std::string::npos) << st.message();
  ws.RemoveCreated();
  EXPECT_TRUE(fs::exists(tree + "/theirs"));
}

TEST(WorkspaceTest, TempTreeIsFreshAndRemoved) {
  TempDir tmp;
  Workspace ws;
  auto a = ws.MakeTempTree(tmp.path() + "/t-XXXXXX");
  auto b = ws.MakeTempTree(tmp.path() + "/t-XXXXXX");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  Touch(*a + "/file");
  ws.RemoveCreated();
  EXPECT_FALSE(fs::exists(*a));
  EXPECT_FALSE(fs::exists(*b));
}

TEST(WorkspaceTest, DirectoryClaimFailsWhenItExistsAndRemovesOnlyWhenEmpty) {
  TempDir tmp;
  Workspace ws;
  const std::string dir = tmp / "data";
  ASSERT_TRUE(ws.ClaimNewDirectory(dir).ok());
  Workspace other;
  const Status again = other.ClaimNewDirectory(dir);
  EXPECT_EQ(again.kind(), ErrorKind::kInvalidInput);
  EXPECT_NE(again.message().find("exists already"), std::string::npos);
  Touch(dir + "/not-ours");
  EXPECT_EQ(ws.RemoveCreated(), 0u);
  EXPECT_TRUE(fs::exists(dir + "/not-ours"));
}

TEST(WorkspaceTest, DirectoryLockIsExclusiveUntilTheWorkspaceGoes) {
  TempDir tmp;
  {
    Workspace first;
    ASSERT_TRUE(first.LockDirectory(tmp.path()).ok());
    Workspace second;
    const Status taken = second.LockDirectory(tmp.path());
    EXPECT_EQ(taken.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(taken.message().find("in use by another shardlab run"), std::string::npos);
  }
  Workspace third;
  EXPECT_TRUE(third.LockDirectory(tmp.path()).ok());
}

TEST(WorkspaceTest, ASuperJournalNamedAfterTheDatabaseMakesTheClaimFail) {
  TempDir tmp;
  Touch(tmp / "shard_0002.db-mjABCDEF9AB");
  Touch(tmp / "shard_0003.db-mjnot-sqlite-shape");
  Workspace ws;
  EXPECT_TRUE(ws.ClaimNewDatabase(tmp / "shard_0001.db").ok());
  const Status mj = ws.ClaimNewDatabase(tmp / "shard_0002.db");
  EXPECT_FALSE(mj.ok());
  EXPECT_NE(mj.message().find("shard_0002.db-mjABCDEF9AB: it exists already"), std::string::npos) << mj.message();
  EXPECT_FALSE(ws.ClaimNewDatabase(tmp / "shard_0003.db").ok());
  MjNames listed;
  EXPECT_EQ(ExistingDatabaseFile(tmp / "shard_0002.db", listed), tmp / "shard_0002.db-mjABCDEF9AB");
  EXPECT_EQ(ExistingDatabaseFile(tmp / "shard_0004.db", listed), "");
}

TEST(WorkspaceTest, CleanupRemovesTheSuperJournalsOfItsDatabasesOnly) {
  TempDir tmp;
  Workspace ws;
  ASSERT_TRUE(ws.ClaimNewDatabase(tmp / "a.db").ok());
  Touch(tmp / "a.db");
  Touch(tmp / "a.db-journal");
  Touch(tmp / "a.db-mj0A1B2C9D3");      // SQLite's shape: this run's
  Touch(tmp / "a.db-mjnot-sqlites");    // not SQLite's shape: stays
  Touch(tmp / "b.db-mj0A1B2C9D3");      // another database's: stays
  EXPECT_EQ(ws.RemoveCreated(), 3u);
  EXPECT_FALSE(fs::exists(tmp / "a.db-mj0A1B2C9D3"));
  EXPECT_TRUE(fs::exists(tmp / "a.db-mjnot-sqlites"));
  EXPECT_TRUE(fs::exists(tmp / "b.db-mj0A1B2C9D3"));
}

}  // namespace
}  // namespace workspace_test
}  // namespace shardlab
