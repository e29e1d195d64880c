#pragma once
// The registry of fail points an io_error trial may arm. Two levels:
//  - vfs/<op>/<role> (e.g. vfs/sync/journal): libfiu points inside the crash shim; the
//    shim returns the code the unix VFS would return for that errno, without doing the
//    operation (a failed directory sync happens after the delete it follows).
//  - posix/...: libfiu's POSIX preload (/usr/lib/fiu/fiu_posix_preload.so) fails the libc
//    call itself; SQLite sees a real failing syscall. Only the calls SQLite's unix VFS
//    makes on its files are offered.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "faults/io_event.h"

namespace shardlab {

inline constexpr const char* kFiuPosixPreload = "/usr/lib/fiu/fiu_posix_preload.so";

struct FailPoint {
  enum class Level { kVfs, kLibc };
  Level level = Level::kVfs;
  std::string name;
  IoOp op = IoOp::kSync;             // kVfs: the operation and role it matches
  FileRole role = FileRole::kJournal;
};

const std::vector<std::string>& KnownFailPoints();
// kInvalidInput naming the known points when `name` is not one of them.
StatusOr<FailPoint> ParseFailPoint(std::string_view name);

// errno names a scenario may give ("EIO", "ENOSPC") and their values.
StatusOr<int> ParseErrno(std::string_view name);
const char* ErrnoName(int err);

// The extended result code SQLite's unix VFS returns when `op` on a file of `role`
// fails with errno `err` (a failed directory sync after a delete: SQLITE_IOERR_DIR_FSYNC).
int VfsErrorCode(IoOp op, FileRole role, int err);

}  // namespace shardlab
