#include "kinds/ids/ids_runner.h"

#include <gtest/gtest.h>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace ids_runner_test {
namespace {

TEST(SnowflakeTest, LayoutIsTimeShardSequence) {
  EXPECT_EQ(SnowflakeId(0, 0, 0), 0u);
  EXPECT_EQ(SnowflakeId(0, 0, 1), 1u);
  EXPECT_EQ(SnowflakeId(0, 1, 0), uint64_t{1} << 12);
  EXPECT_EQ(SnowflakeId(1, 0, 0), uint64_t{1} << 22);
  EXPECT_EQ(SnowflakeId(5, 1023, 4095), (uint64_t{5} << 22) | (uint64_t{1023} << 12) | 4095u);
}

TEST(SnowflakeTest, ShardRoundTripsAndIdsSortByTime) {
  for (uint32_t shard : {0u, 1u, 7u, 512u, 1023u}) {
    for (uint64_t ms : {uint64_t{0}, uint64_t{123456789}, (uint64_t{1} << 41) - 1}) {
      EXPECT_EQ(SnowflakeShard(SnowflakeId(ms, shard, 17)), shard);
    }
  }
  // A later millisecond sorts after any shard and sequence of an earlier one.
  EXPECT_LT(SnowflakeId(100, 1023, 4095), SnowflakeId(101, 0, 0));
  // Fields do not bleed into each other.
  EXPECT_EQ(SnowflakeShard(SnowflakeId(1, 0, 0xffff)), 0u);
}

}  // namespace
}  // namespace ids_runner_test
}  // namespace shardlab
