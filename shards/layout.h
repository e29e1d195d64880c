#pragma once
// Where shard files live. `flat`: shard_0007.db. `digits` (source 001 in scenarios/CLAIMS.md): the id
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

// THE place a shard file goes; every kind names its shard files through this:
//   <root>/<set>/<ShardRelativePath>
// where <root> is ShardRoot(spec, id) as a directory (absolute roots as they are, relative
// ones under `data_dir`, "." being `data_dir` itself) and `set` (may be empty, may hold
// slashes) keeps apart the shard sets one run makes (one per scheme, journal mode, copy):
// under an absolute root they would otherwise collide. The path is absolute when
// `data_dir` is (a root given as absolute always is).
std::string ShardPath(const ShardsSpec& spec, const std::string& data_dir, uint32_t id, const std::string& set = "");
// Its `<root>/<set>` part (no trailing slash): the directory a set's files of shard
// `id`'s root are below (to sync or census one root's share of a set).
std::string ShardSetDir(const ShardsSpec& spec, const std::string& data_dir, uint32_t id, const std::string& set = "");
// The directory part of a shard path ("." for a bare name): what MakeDirs must create.
std::string ShardParentDir(const std::string& path);

}  // namespace shardlab
