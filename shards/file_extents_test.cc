#include "shards/file_extents.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace file_extents_test {
namespace {

TEST(MergeContiguous, JoinsOnlyLogicallyAndPhysicallyAdjacentExtents) {
  const std::vector<Extent> in = {{0, 1000, 10}, {10, 1010, 5}, {15, 5000, 5}, {30, 5005, 5}, {35, 5010, 1}};
  const std::vector<Extent> out = MergeContiguous(in);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].length, 15u);
  EXPECT_EQ(out[1].logical, 15u);  // a hole before 30 keeps 15..20 apart from 30..36
  EXPECT_EQ(out[2].logical, 30u);
  EXPECT_EQ(out[2].length, 6u);
  EXPECT_TRUE(MergeContiguous({}).empty());
}

TEST(CountExtents, AFileWrittenAtOnceOnDiskHasExtents) {
  // /tmp here is ext4; elsewhere (tmpfs) FIEMAP is refused with a message naming the file.
  const std::string path = ::testing::TempDir() + "shardlab_extents_" + std::to_string(getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string block(1 << 20, 'x');
  std::fwrite(block.data(), 1, block.size(), f);
  std::fclose(f);
  StatusOr<int64_t> n = CountExtents(path);
  if (n.ok()) {
    EXPECT_GE(*n, 1);
  } else {
    EXPECT_NE(n.status().message().find(path), std::string::npos);
  }
  std::remove(path.c_str());
  EXPECT_FALSE(CountExtents(path).ok());
}

}  // namespace
}  // namespace file_extents_test
}  // namespace shardlab
