#include "faults/fail_points.h"

#include <sqlite3.h>

#include <cerrno>

#include "core/enum_table.h"

namespace shardlab {
namespace {

std::vector<std::string> BuildNames() {
  std::vector<std::string> names;
  for (IoOp op : {IoOp::kOpen, IoOp::kWrite, IoOp::kTruncate, IoOp::kSync, IoOp::kDelete}) {
    for (FileRole role : {FileRole::kDb, FileRole::kJournal, FileRole::kSuperJournal, FileRole::kWal, FileRole::kShm,
                          FileRole::kDirectory}) {
      if (role == FileRole::kDirectory && op != IoOp::kSync) continue;  // directories are only synced
      // The shm is memory-mapped, and mapped when a connection first reads, before a
      // trial's transfers start: no fail point on it would ever be evaluated.
      if (role == FileRole::kShm) continue;
      if (role == FileRole::kDb && op == IoOp::kDelete) continue;  // SQLite never deletes a db
      names.push_back(std::string("vfs/") + IoOpName(op) + "/" + FileRoleName(role));
    }
  }
  for (const char* posix : {"posix/io/sync/fdatasync", "posix/io/sync/fsync", "posix/io/rw/pwrite",
                            "posix/io/rw/ftruncate", "posix/io/dir/unlink", "posix/io/oc/open"}) {
    names.emplace_back(posix);
  }
  return names;
}

}  // namespace

const std::vector<std::string>& KnownFailPoints() {
  static const std::vector<std::string> kNames = BuildNames();
  return kNames;
}

StatusOr<FailPoint> ParseFailPoint(std::string_view name) {
  bool known = false;
  for (const std::string& n : KnownFailPoints()) known = known || n == name;
  if (!known) {
    std::string list;
    for (const std::string& n : KnownFailPoints()) list += (list.empty() ? "" : ", ") + n;
    return Status::Invalid("found \"" + std::string(name) + "\"; expected a known fail point: " + list);
  }
  FailPoint fp;
  fp.name = std::string(name);
  if (name.substr(0, 4) == "vfs/") {
    const std::string_view rest = name.substr(4);
    const size_t slash = rest.find('/');
    fp.level = FailPoint::Level::kVfs;
    fp.op = *ParseIoOp(rest.substr(0, slash));
    fp.role = *ParseFileRole(rest.substr(slash + 1));
  } else {
    fp.level = FailPoint::Level::kLibc;
  }
  return fp;
}

// The errors a fail point can inject.
constexpr EnumName<int> kErrnoNames[] = {{EIO, "EIO"}, {ENOSPC, "ENOSPC"}};

StatusOr<int> ParseErrno(std::string_view name) {
  if (auto err = ValueOf(kErrnoNames, name)) return *err;
  return Status::Invalid("found \"" + std::string(name) + "\"; expected \"EIO\" or \"ENOSPC\"");
}

const char* ErrnoName(int err) {
  const char* name = NameOf(kErrnoNames, err);
  return name[0] == '?' ? "errno" : name;
}

int VfsErrorCode(IoOp op, FileRole role, int err) {
  switch (op) {
    case IoOp::kOpen: return SQLITE_CANTOPEN;
    case IoOp::kWrite: return err == ENOSPC ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    case IoOp::kTruncate: return SQLITE_IOERR_TRUNCATE;
    case IoOp::kSync: return role == FileRole::kDirectory ? SQLITE_IOERR_DIR_FSYNC : SQLITE_IOERR_FSYNC;
    case IoOp::kDelete: return SQLITE_IOERR_DELETE;
  }
  return SQLITE_IOERR;
}

}  // namespace shardlab
