#pragma once
// One I/O event as the crash shim numbers it: an operation on a file with a role.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shardlab {

enum class IoOp { kOpen, kWrite, kTruncate, kSync, kDelete };
// What a file is to SQLite. `directory` events are the directory syncs the unix VFS does
// inside xSync (first sync of a new journal/wal/super-journal) and xDelete (syncDir).
enum class FileRole { kDb, kJournal, kSuperJournal, kWal, kShm, kDirectory };

const char* IoOpName(IoOp op);
const char* FileRoleName(FileRole role);
std::optional<IoOp> ParseIoOp(std::string_view name);
std::optional<FileRole> ParseFileRole(std::string_view name);
// The role of a file from its name: "-journal", "-wal", "-shm", "-mjXXXXXXXX", else db.
FileRole RoleOfPath(std::string_view path);
std::string_view BaseName(std::string_view path);
std::string DirName(std::string_view path);

struct IoEvent {
  uint32_t index = 0;  // 0-based, in the order the transaction issued them
  IoOp op = IoOp::kOpen;
  FileRole role = FileRole::kDb;
  std::string file;    // base name ("shard_0001.db-journal"; "(directory)" for directory syncs)
};

}  // namespace shardlab
