#pragma once
// How fragmented a file is: its extents as `filefrag` counts them (FIEMAP, with
// physically contiguous neighbours merged), after flushing delayed allocation.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shardlab {

struct Extent {
  uint64_t logical = 0;
  uint64_t physical = 0;
  uint64_t length = 0;
};
// Neighbours that continue each other both logically and physically become one.
std::vector<Extent> MergeContiguous(const std::vector<Extent>& extents);
// kRuntime naming the path when the filesystem has no FIEMAP (tmpfs, for one).
StatusOr<int64_t> CountExtents(const std::string& path);

}  // namespace shardlab
