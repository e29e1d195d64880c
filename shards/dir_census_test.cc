#include "shards/dir_census.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "core/workspace.h"
#include "shards/layout.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace dir_census_test {
namespace {

void Touch(const std::string& path, size_t bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  const std::string data(bytes, 'x');
  std::fwrite(data.data(), 1, data.size(), f);
  std::fclose(f);
}

TEST(DirCensus, CountsEntriesPerDirectoryAndBytes) {
  const std::string root = ::testing::TempDir() + "shardlab_census_" + std::to_string(getpid());
  Workspace ws;
  ASSERT_TRUE(ws.MakeDirs(root + "/a/b").ok());
  ASSERT_TRUE(ws.MakeDirs(root + "/c").ok());
  for (int i = 0; i < 5; ++i) {
    const std::string path = root + "/a/b/f" + std::to_string(i);
    ASSERT_TRUE(ws.ClaimNewFile(path).ok());
    Touch(path, 100);
  }
  ASSERT_TRUE(ws.ClaimNewFile(root + "/c/g").ok());
  Touch(root + "/c/g", 5000);
  StatusOr<DirCensus> c = TakeDirCensus(root);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->directories, 4);  // root, a, a/b, c
  EXPECT_EQ(c->files, 6);
  EXPECT_EQ(c->max_entries, 5);
  EXPECT_EQ(c->fullest_dir, "a/b");
  EXPECT_EQ(c->apparent_bytes, 5 * 100 + 5000);
  EXPECT_GE(c->allocated_bytes, 0);

  DirCensus merged;
  merged.Merge(*c, "disk0");
  EXPECT_EQ(merged.fullest_dir, "disk0/a/b");
  EXPECT_EQ(merged.files, 6);
  ws.RemoveCreated();
  EXPECT_FALSE(TakeDirCensus(root).ok());
}

// source 001's rule on the real filesystem: 100,000 tenants in the digits layout leave no
// directory above 500 entries (here: the first 20,000 ids' tree, empty files).
TEST(DirCensus, DigitsLayoutKeepsDirectoriesSmallOnDisk) {
  const std::string root = ::testing::TempDir() + "shardlab_digits_" + std::to_string(getpid());
  Workspace ws;
  const int width = DigitsLayoutWidth(100'000);
  for (uint64_t id = 0; id < 20'000; ++id) {
    const std::string path = root + "/" + DigitsPath(id, width);
    ASSERT_TRUE(ws.MakeDirs(path.substr(0, path.rfind('/'))).ok());
    ASSERT_TRUE(ws.ClaimNewFile(path).ok());
    Touch(path, 0);
  }
  StatusOr<DirCensus> c = TakeDirCensus(root);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->files, 20'000);
  EXPECT_LE(c->max_entries, 500);
  EXPECT_EQ(c->max_entries, 100);  // 100 second-level dirs, ~100 files per leaf
  ws.RemoveCreated();
}

}  // namespace
}  // namespace dir_census_test
}  // namespace shardlab
