#pragma once
// What a schema-migrated shard file holds, read back independently of the migrator:
// its user_version, which parts of the change are there (column, backfill, index), its
// data (row count and an order-independent checksum of every (k, v)), and
// PRAGMA integrity_check. Opening a file rolls back a hot journal (or replays the WAL),
// as any application's next open would.
#include <cstdint>
#include <string>
#include <string_view>

namespace shardlab {

struct FileState {
  bool readable = false;
  std::string error;            // why not readable, or integrity_check's first line
  int64_t version = -1;
  bool has_column = false, has_index = false;
  int64_t backfill_missing = 0;  // rows with v_len NULL (column present)
  int64_t backfill_wrong = 0;    // rows with v_len set but not length(v) (e.g. applied twice)
  int64_t rows = 0;
  uint64_t checksum = 0;
};

// Every problem goes into the state (readable = false); it never fails.
FileState ReadFileState(const std::string& path);

// The classes a file can be in:
//  v1            - version 1, none of the change;
//  v2            - version 2, all of the change, backfill right;
//  stale_version - all of the change, but still version 1 (separate_version's hazard);
//  half_migrated - part of the change, or version 2 without all of it;
//  wrong_backfill- the change with a backfill that is not length(v) (applied twice);
//  corrupt       - unreadable or integrity_check not ok.
enum class FileClass { kV1, kV2, kStaleVersion, kHalfMigrated, kWrongBackfill, kCorrupt };
FileClass Classify(const FileState& s);
const char* FileClassName(FileClass c);

// The checksum of one row, summed (mod 2^64) over a file: independent of row order.
uint64_t RowChecksum(std::string_view k, std::string_view v);

}  // namespace shardlab
