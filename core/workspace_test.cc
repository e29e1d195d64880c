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

}  // namespace
}  // namespace workspace_test
}  // namespace shardlab
