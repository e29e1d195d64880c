#pragma once
// A scenario's estimated footprint (Kind::Estimate) against the machine it will run on:
// free space and inodes of the filesystem that will hold its data directory, the
// RLIMIT_NOFILE hard limit, and a warning for a directory past the well-known slowdown
// of huge directories. Run before anything is created (run and validate).
#include <string>
#include <vector>

#include "core/status.h"
#include "scenario/footprint.h"
#include "scenario/scenario.h"

namespace shardlab {

// Descriptors the process needs besides the estimate (stdio, the results, SQLite's
// temporary files, the I/O counter).
constexpr uint64_t kFdMargin = 64;
// A directory past this many entries: ext4's htree and most tools slow down (a warning).
constexpr uint64_t kFilesPerDirWarning = 100'000;

struct FootprintVerdict {
  Footprint estimate;
  Status status;                      // kInvalidInput: it cannot fit (one line, the estimate in it)
  std::vector<std::string> warnings;  // one line each
  bool large = false;                 // worth a line before the run (> 1 GB or > 10,000 files)
};

// Checks `s` with its data directory at `data_dir` (it need not exist: its nearest
// existing ancestor's filesystem is used). $SHARDLAB_FREE_BYTES, when set, replaces the
// filesystem's free bytes (tests).
FootprintVerdict CheckFootprint(const Scenario& s, const std::string& data_dir);

}  // namespace shardlab
