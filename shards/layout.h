#pragma once
// Where shard files live. `flat`: shard_0007.db. `digits` (seeds/001): the id
// zero-padded to a width, split as first digit / next two digits / rest, so 100,000
// ids make 10 top directories, 100 below each and ~100 files per leaf: 1/23/45.db.
#include <cstdint>
#include <string>

#include "shards/shards_spec.h"

namespace shardlab {

// Zero-pad width the digits layout uses for `count` ids: the digits of count-1, at
// least 4 so the "rest" is never empty.
int DigitsLayoutWidth(uint64_t count);
// "0/00/5.db" for (5, 4), "0/00/05.db" for (5, 5); "1/23/456789.db" for (123456789, 8): ids wider than the
// width keep all their digits in the rest.
std::string DigitsPath(uint64_t id, int width);
// Path of shard `id` relative to its root, per the scenario's layout.
std::string ShardRelativePath(const ShardsSpec& spec, uint32_t id);
// A root as a directory: absolute roots as they are, relative ones under `data_dir`.
std::string RootDirectory(const std::string& root, const std::string& data_dir);
// The root directory (as written in the scenario) of shard `id`.
const std::string& ShardRoot(const ShardsSpec& spec, uint32_t id);

}  // namespace shardlab
