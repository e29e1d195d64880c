#pragma once
// A count of a directory tree: how many entries the fullest directory holds (source 001 in scenarios/CLAIMS.md
// wants at most 500), how many directories and files there are, and the bytes the files
// take on disk (allocated blocks) and as written (apparent size).
#include <cstdint>
#include <string>

#include "core/status.h"

namespace shardlab {

struct DirCensus {
  int64_t directories = 0;
  int64_t files = 0;
  int64_t max_entries = 0;
  std::string fullest_dir;     // relative to the root
  int64_t allocated_bytes = 0;  // st_blocks * 512
  int64_t apparent_bytes = 0;   // st_size
  void Merge(const DirCensus& other, const std::string& prefix);
};

// Walks `root` (following a symlinked root itself, not links inside). kRuntime on an
// unreadable directory.
StatusOr<DirCensus> TakeDirCensus(const std::string& root);

}  // namespace shardlab
