#include "shards/layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace layout_test {
namespace {

ShardsSpec Spec(uint32_t count, const std::string& layout, int digits_width = 0) {
  ShardsSpec spec;
  spec.count = count;
  spec.layout = layout;
  spec.digits_width = digits_width;
  return spec;
}

TEST(LayoutTest, FlatNamesPadToTheDigitsOfTheLastId) {
  EXPECT_EQ(ShardRelativePath(Spec(8, "flat"), 7), "shard_0007.db");
  EXPECT_EQ(ShardRelativePath(Spec(1, "flat"), 0), "shard_0000.db");
  EXPECT_EQ(ShardRelativePath(Spec(10000, "flat"), 7), "shard_0007.db");
  EXPECT_EQ(ShardRelativePath(Spec(10000, "flat"), 9999), "shard_9999.db");
  // Past 10,000 shards the width grows, so names still sort in id order.
  EXPECT_EQ(ShardRelativePath(Spec(10001, "flat"), 7), "shard_00007.db");
  EXPECT_EQ(ShardRelativePath(Spec(10001, "flat"), 10000), "shard_10000.db");
  EXPECT_EQ(ShardRelativePath(Spec(1000000, "flat"), 42), "shard_000042.db");
  // digits_width is for the digits layout only.
  EXPECT_EQ(ShardRelativePath(Spec(8, "flat", 8), 7), "shard_0007.db");
}

TEST(LayoutTest, FlatNamesSortInIdOrder) {
  const ShardsSpec spec = Spec(20000, "flat");
  for (uint32_t id = 1; id < spec.count; ++id) {
    if (!(ShardRelativePath(spec, id - 1) < ShardRelativePath(spec, id))) {
      ADD_FAILURE() << ShardRelativePath(spec, id - 1) << " does not sort before " << ShardRelativePath(spec, id);
      break;
    }
  }
}

TEST(LayoutTest, DigitsLayoutWidth) {
  EXPECT_EQ(DigitsLayoutWidth(0), 4);
  EXPECT_EQ(DigitsLayoutWidth(1), 4);
  EXPECT_EQ(DigitsLayoutWidth(10000), 4);   // ids 0..9999
  EXPECT_EQ(DigitsLayoutWidth(10001), 5);   // id 10000
  EXPECT_EQ(DigitsLayoutWidth(100000), 5);  // ids up to 99999
  EXPECT_EQ(DigitsLayoutWidth(100001), 6);
  EXPECT_EQ(DigitsLayoutWidth(1000000000), 9);
  EXPECT_EQ(DigitsLayoutWidth(UINT64_MAX), 20);
}

TEST(LayoutTest, DigitsPathWithExplicitWidths) {
  // Zero-padded to the width, then first digit / next two / rest.
  EXPECT_EQ(DigitsPath(5, 4), "0/00/5.db");
  EXPECT_EQ(DigitsPath(5, 5), "0/00/05.db");
  EXPECT_EQ(DigitsPath(5, 8), "0/00/00005.db");
  EXPECT_EQ(DigitsPath(45678, 5), "4/56/78.db");
  EXPECT_EQ(DigitsPath(45678, 6), "0/45/678.db");
  EXPECT_EQ(DigitsPath(45678, 8), "0/00/45678.db");
  EXPECT_EQ(DigitsPath(123456789, 9), "1/23/456789.db");
  // Ids wider than the width keep all their digits in the rest.
  EXPECT_EQ(DigitsPath(123456789, 8), "1/23/456789.db");
  EXPECT_EQ(DigitsPath(45678, 4), "4/56/78.db");
  // Widths below 4 behave as 4, so the rest is never empty.
  EXPECT_EQ(DigitsPath(5, 0), "0/00/5.db");
  EXPECT_EQ(DigitsPath(5, 2), "0/00/5.db");
  EXPECT_EQ(DigitsPath(0, 4), "0/00/0.db");
}

TEST(LayoutTest, DigitsLayoutUsesAutomaticOrExplicitWidth) {
  EXPECT_EQ(ShardRelativePath(Spec(100000, "digits"), 45678), "4/56/78.db");
  EXPECT_EQ(ShardRelativePath(Spec(100000, "digits"), 5), "0/00/05.db");
  EXPECT_EQ(ShardRelativePath(Spec(100, "digits"), 5), "0/00/5.db");  // at least 4
  EXPECT_EQ(ShardRelativePath(Spec(1000000, "digits"), 45678), "0/45/678.db");
  EXPECT_EQ(ShardRelativePath(Spec(100000, "digits", 8), 45678), "0/00/45678.db");
  EXPECT_EQ(ShardRelativePath(Spec(10, "digits", 9), 5), "0/00/000005.db");
}

// source 001 (scenarios/CLAIMS.md) (claim C19): 100,000 shards with at most 500 entries in any directory.
TEST(LayoutTest, DigitsLayoutKeepsDirectoriesSmallFor100kShards) {
  const ShardsSpec spec = Spec(100000, "digits");
  std::map<std::string, std::set<std::string>> entries;  // directory -> names in it
  std::set<std::string> paths;
  for (uint32_t id = 0; id < spec.count; ++id) {
    const std::string path = ShardRelativePath(spec, id);
    paths.insert(path);
    size_t start = 0;
    std::string dir = ".";
    for (;;) {
      const size_t slash = path.find('/', start);
      const std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      entries[dir].insert(name);
      if (slash == std::string::npos) break;
      dir = path.substr(0, slash);
      start = slash + 1;
    }
  }
  EXPECT_EQ(paths.size(), 100000u) << "two shards share a path";
  size_t largest = 0;
  std::string largest_dir;
  for (const auto& [dir, names] : entries) {
    if (names.size() > largest) {
      largest = names.size();
      largest_dir = dir;
    }
  }
  EXPECT_LE(largest, 500u) << largest_dir << " holds " << largest << " entries";
  // The shape the header promises: 10 top directories, 100 below each, 100 files per leaf.
  EXPECT_EQ(entries["."].size(), 10u);
  EXPECT_EQ(entries["4"].size(), 100u);
  EXPECT_EQ(entries["4/56"].size(), 100u);
  EXPECT_EQ(entries.size(), 1u + 10u + 1000u);
}

TEST(LayoutTest, DigitsPathsAreDistinctEvenWhenIdsOutgrowTheWidth) {
  // An explicit width smaller than the ids need still gives every id its own path.
  std::set<std::string> paths;
  for (uint64_t id = 0; id < 120000; ++id) paths.insert(DigitsPath(id, 4));
  EXPECT_EQ(paths.size(), 120000u);
}

TEST(LayoutTest, ShardRootIsRoundRobin) {
  ShardsSpec spec = Spec(10, "flat");
  EXPECT_EQ(ShardRoot(spec, 0), ".");  // default roots {"."}
  EXPECT_EQ(ShardRoot(spec, 9), ".");
  spec.roots = {"/mnt/a", "/mnt/b", "rel/c"};
  EXPECT_EQ(ShardRoot(spec, 0), "/mnt/a");
  EXPECT_EQ(ShardRoot(spec, 1), "/mnt/b");
  EXPECT_EQ(ShardRoot(spec, 2), "rel/c");
  EXPECT_EQ(ShardRoot(spec, 3), "/mnt/a");
  EXPECT_EQ(ShardRoot(spec, 100), "/mnt/b");
  EXPECT_EQ(ShardRoot(spec, 4294967295u), "/mnt/a");  // 2^32 - 1 = 3 * 1431655765
  // The root does not change the relative path.
  EXPECT_EQ(ShardRelativePath(spec, 4), "shard_0004.db");
}

TEST(LayoutTest, ShardPathIsRootSetAndRelativePath) {
  // The default: flat names in the data directory itself (no "./" in the path: SQLite
  // writes paths into super-journals, so their length is part of the bytes written).
  ShardsSpec spec = Spec(8, "flat");
  EXPECT_EQ(ShardPath(spec, "/data", 3), "/data/shard_0003.db");
  EXPECT_EQ(ShardPath(spec, "/data", 3, "wal"), "/data/wal/shard_0003.db");
  EXPECT_EQ(ShardPath(spec, "rel/data", 3, "a/b"), "rel/data/a/b/shard_0003.db");
  // Digits layout over roots: relative roots in the data directory, absolute as they are.
  spec = Spec(100000, "digits");
  spec.roots = {"r0", "/mnt/r1", "."};
  EXPECT_EQ(ShardPath(spec, "/data", 45678), "/data/r0/4/56/78.db");        // 45678 % 3 == 0
  EXPECT_EQ(ShardPath(spec, "/data", 45679), "/mnt/r1/4/56/79.db");
  EXPECT_EQ(ShardPath(spec, "/data", 45680), "/data/4/56/80.db");
  EXPECT_EQ(ShardPath(spec, "/data", 4, "uuid7"), "/mnt/r1/uuid7/0/00/04.db");
  EXPECT_EQ(ShardPath(spec, "/data", 5, "uuid7"), "/data/uuid7/0/00/05.db");
  EXPECT_EQ(ShardSetDir(spec, "/data", 4, "uuid7"), "/mnt/r1/uuid7");
  EXPECT_EQ(ShardSetDir(spec, "/data", 6), "/data/r0");
  EXPECT_EQ(ShardParentDir(ShardPath(spec, "/data", 4, "uuid7")), "/mnt/r1/uuid7/0/00");
  // Past 10,000 shards the flat names widen with the count, the same in every caller.
  EXPECT_EQ(ShardPath(Spec(10001, "flat"), "/d", 10000), "/d/shard_10000.db");
  EXPECT_EQ(ShardPath(Spec(10001, "flat"), "/d", 7), "/d/shard_00007.db");
}

TEST(LayoutTest, ShardPathsOfOneSetAreDistinctAndSetsDoNotCollide) {
  ShardsSpec spec = Spec(3000, "digits");
  spec.roots = {"/abs/a", "/abs/b"};
  std::set<std::string> paths;
  for (const char* set : {"", "wal", "delete"}) {
    for (uint32_t id = 0; id < spec.count; ++id) paths.insert(ShardPath(spec, "/data", id, set));
  }
  EXPECT_EQ(paths.size(), 3u * 3000u);
}

TEST(LayoutTest, ShardParentDir) {
  EXPECT_EQ(ShardParentDir("/d/0/00/5.db"), "/d/0/00");
  EXPECT_EQ(ShardParentDir("/5.db"), "/");
  EXPECT_EQ(ShardParentDir("5.db"), ".");
}

}  // namespace
}  // namespace layout_test
}  // namespace shardlab
