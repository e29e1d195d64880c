#pragma once
// The `shards` block of a scenario: how many shard files, and where they live.
#include <cstdint>
#include <string>
#include <vector>

namespace shardlab {

struct ShardsSpec {
  uint32_t count = 0;
  std::string layout = "flat";           // flat: shard_0007.db; digits: 1/23/45678.db (layout.h)
  std::vector<std::string> roots{"."};   // shard i lives under roots[i % roots.size()]
  int digits_width = 0;                  // digits layout: zero-pad ids to this width (0: automatic)
};

}  // namespace shardlab
