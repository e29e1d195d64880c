#pragma once
// C20 (source 001 in scenarios/CLAIMS.md: "pre-allocating files would help"): the same insert load into several
// files growing side by side, with and without SQLITE_FCNTL_CHUNK_SIZE, in alternating
// rounds; insert rate, extents per file (FIEMAP, filefrag's count) and bytes on disk.
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunPreallocation(const Scenario& s, const std::string& dir, Workspace& workspace);

}  // namespace shardlab
