#include "scenario/footprint.h"

#include <gtest/gtest.h>

#include "scenario/path_check.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace footprint_test {
namespace {

TEST(Footprint, HumanFigures) {
  EXPECT_EQ(HumanBytes(999), "999 bytes");
  EXPECT_EQ(HumanBytes(1000), "1.0 KB");
  EXPECT_EQ(HumanBytes(63'800'000'000), "63.8 GB");
  EXPECT_EQ(HumanBytes(638'000'000), "638 MB");
  EXPECT_EQ(Thousands(34025), "34,025");
}

TEST(Footprint, SqliteFileBytes) {
  SqliteSpec sqlite;  // delete, 4096
  // An empty kv table with its key index: page 1 and two roots.
  EXPECT_EQ(SqliteFileBytes(0, 30, 20, 1, sqlite), 3u * 4096);
  EXPECT_EQ(SqliteFileBytes(10, 30, 20, 1, sqlite), 3u * 4096);  // small tables live in their root page
  // 100,000 rows: 3 MB of table cells at 90 % fill, 2 MB of index entries at 65 %.
  const uint64_t b = SqliteFileBytes(100'000, 30, 20, 1, sqlite);
  EXPECT_GT(b, 6'400'000u);
  EXPECT_LT(b, 6'600'000u);
  EXPECT_EQ(SidecarBytes(sqlite, 5000), 0u);  // a rollback journal lives for one transaction
  sqlite.journal_mode = "wal";
  EXPECT_EQ(SidecarBytes(sqlite, 10), 10u * 4120 + 32 + 32768);
  EXPECT_EQ(SidecarBytes(sqlite, 5000), 1000u * 4120 + 32 + 32768);  // reset at the checkpoint
}

TEST(Footprint, ShardFilesFlatAndDigits) {
  ShardsSpec flat;
  flat.count = 1000;
  Footprint f = ShardFilesFootprint(flat, 1000, 4096, "delete");
  EXPECT_EQ(f.files, 1000u);
  EXPECT_EQ(f.files_per_dir_max, 1000u);
  EXPECT_EQ(f.dirs, 0u);  // root "." is the data directory
  EXPECT_EQ(f.fds, 1000u);
  flat.roots = {"a", "b", "c"};
  f = ShardFilesFootprint(flat, 1000, 4096, "wal");
  EXPECT_EQ(f.files_per_dir_max, 334u);
  EXPECT_EQ(f.dirs, 3u);
  EXPECT_EQ(f.fds, 3000u);

  ShardsSpec digits;
  digits.layout = "digits";
  digits.count = 100'000;  // width 5: 1/23/45.db, 100 per leaf, 1000 leaves, 10 tops
  f = ShardFilesFootprint(digits, 100'000, 4096, "delete");
  EXPECT_EQ(f.files_per_dir_max, 100u);
  EXPECT_EQ(f.dirs, 1000u + 10u);
  digits.roots = {"d0", "d1"};
  f = ShardFilesFootprint(digits, 100'000, 4096, "delete");
  EXPECT_EQ(f.files_per_dir_max, 100u);  // 50 files per leaf and root, 100 leaves per top
  EXPECT_EQ(f.dirs, 2u + 2 * 10 + 2 * 1000);
}

TEST(Footprint, KeyAndTemplateBytes) {
  KeySpec keys;
  keys.count = 1000;
  keys.format = "user:{i}";
  EXPECT_EQ(KeyBytes(keys), 8u);  // user:999
  keys.integer_keys = true;
  EXPECT_EQ(KeyBytes(keys), 9u);
  EXPECT_EQ(TemplateBytes("v-{i:06}", 10), 8u);
}

TEST(PathCheck, NormalizeLexically) {
  EXPECT_EQ(NormalizeLexically("a/./b//../c/"), "a/c");
  EXPECT_EQ(NormalizeLexically("."), ".");
  EXPECT_EQ(NormalizeLexically("a/.."), ".");
  EXPECT_EQ(NormalizeLexically("/x/../y"), "/y");
  EXPECT_EQ(NormalizeLexically("/../y"), "/y");
  EXPECT_EQ(NormalizeLexically(".."), std::nullopt);
  EXPECT_EQ(NormalizeLexically("a/../../b"), std::nullopt);
  EXPECT_EQ(NormalizeLexically("./.."), std::nullopt);
}

TEST(PathCheck, Problems) {
  EXPECT_EQ(PathProblem("disk0/a", kMaxRootBytes), std::nullopt);
  EXPECT_EQ(PathProblem(std::string(255, 'x'), kMaxRootBytes), std::nullopt);
  ASSERT_TRUE(PathProblem(std::string(256, 'x'), kMaxRootBytes));
  EXPECT_NE(PathProblem(std::string(256, 'x'), kMaxRootBytes)->find("NAME_MAX"), std::string::npos);
  ASSERT_TRUE(PathProblem(std::string("a\0b", 3), kMaxRootBytes));
  EXPECT_EQ(*PathProblem(std::string("a\0b", 3), kMaxRootBytes),
            "found \"a\\u0000b\"; byte 1 is a NUL (0x00); expected a path without control characters");
  EXPECT_NE(PathProblem("a\nb", kMaxRootBytes)->find("\"a\\nb\""), std::string::npos);
  EXPECT_TRUE(PathProblem(std::string(3000, 'a').replace(100, 1, "/"), kMaxRootBytes));
}

}  // namespace
}  // namespace footprint_test
}  // namespace shardlab
