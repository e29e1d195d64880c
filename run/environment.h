#pragma once
// The environment fingerprint stored in every result: what SQLite, filesystem, CPU,
// kernel and build produced the numbers, so runs on two machines can be compared.
#include <string>

#include "core/json_fwd.h"

namespace shardlab {

// `data_dir` is where the shard files live: its filesystem is what was tested.
Json CollectEnvironment(const std::string& data_dir);

// Filesystem type of a path, e.g. "ext4", "tmpfs" (from /proc/self/mountinfo, or the
// statfs magic number when that is unavailable).
std::string FilesystemType(const std::string& path);

}  // namespace shardlab
