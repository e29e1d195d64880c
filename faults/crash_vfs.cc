#include "faults/crash_vfs.h"

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <string>

#include "faults/fail_points.h"
#include "faults/fiu_schedule.h"

namespace shardlab {
namespace {

// Our file object; the real unix file follows it in the same allocation.
struct ShimFile {
  ForwardingFile fwd;
  CrashVfs* shim;
  const char* path;        // SQLite keeps the name valid until xClose
  FileRole role;
  bool tracked;            // a named db / journal / super-journal / wal file
  bool dirsync_pending;    // unix syncs the directory on this handle's first xSync
  bool shm_mapped;
};
static_assert(sizeof(ShimFile) % 8 == 0, "the real file that follows must stay aligned");

ShimFile* Shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Shim(f)->fwd.real; }
bool Counting(sqlite3_file* f) { return Shim(f)->tracked && Shim(f)->shim->active(); }

int ShimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (!Counting(f)) return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
  ShimFile* s = Shim(f);
  uint32_t index;
  if (int rc = s->shim->BeginEvent(IoOp::kWrite, s->role, s->path, &index); rc != SQLITE_OK) return rc;
  if (DiskModel* disk = s->shim->plan().disk) disk->BeforeWrite(s->path, off, n);
  if (TraceOp* op = s->shim->recording()) {
    op->offset = off;
    op->data.assign(static_cast<const char*>(buf), static_cast<size_t>(n));
  }
  const int rc = Real(f)->pMethods->xWrite(Real(f), buf, n, off);
  s->shim->EndEvent(index);
  return rc;
}

int ShimTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (!Counting(f)) return Real(f)->pMethods->xTruncate(Real(f), size);
  ShimFile* s = Shim(f);
  uint32_t index;
  if (int rc = s->shim->BeginEvent(IoOp::kTruncate, s->role, s->path, &index); rc != SQLITE_OK) return rc;
  if (DiskModel* disk = s->shim->plan().disk) disk->BeforeTruncate(s->path, size);
  if (TraceOp* op = s->shim->recording()) op->offset = size;
  const int rc = Real(f)->pMethods->xTruncate(Real(f), size);
  s->shim->EndEvent(index);
  return rc;
}

int ShimSync(sqlite3_file* f, int flags) {
  ShimFile* s = Shim(f);
  if (!Counting(f)) {
    const int rc = Real(f)->pMethods->xSync(Real(f), flags);
    if (rc == SQLITE_OK) s->dirsync_pending = false;  // unix did it, unseen
    return rc;
  }
  CrashVfs* shim = s->shim;
  uint32_t index;
  if (int rc = shim->BeginEvent(IoOp::kSync, s->role, s->path, &index); rc != SQLITE_OK) return rc;
  // The real xSync syncs the file and, on a new journal's first sync, its directory.
  const int rc = Real(f)->pMethods->xSync(Real(f), flags);
  DiskModel* disk = shim->plan().disk;
  if (rc == SQLITE_OK && disk != nullptr) disk->AfterSync(s->path);
  shim->EndEvent(index);
  if (rc != SQLITE_OK || !s->dirsync_pending) return rc;
  s->dirsync_pending = false;
  // The directory sync, as an event of its own. unix ignores its failure (ticket #1657),
  // so a fired fail point only means the directory was not made durable.
  uint32_t dir_index;
  const std::string dir = DirName(s->path);
  const bool failed = shim->BeginEvent(IoOp::kSync, FileRole::kDirectory, dir.c_str(), &dir_index) != SQLITE_OK;
  if (!failed && disk != nullptr) disk->AfterDirSync(dir);
  shim->EndEvent(dir_index);
  return SQLITE_OK;
}

int ShimShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  ShimFile* s = Shim(f);
  if (!Counting(f) || s->shm_mapped) {
    s->shm_mapped = true;
    return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
  }
  s->shm_mapped = true;
  const std::string shm = std::string(s->path) + "-shm";
  uint32_t index;
  if (int rc = s->shim->BeginEvent(IoOp::kOpen, FileRole::kShm, shm.c_str(), &index); rc != SQLITE_OK) return rc;
  const int rc = Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
  s->shim->EndEvent(index);
  return rc;
}

int ShimShmUnmap(sqlite3_file* f, int del) {
  Shim(f)->shm_mapped = false;
  return Real(f)->pMethods->xShmUnmap(Real(f), del);
}

// The forwarding table with the methods the shim changes.
const sqlite3_io_methods kShimMethods = [] {
  sqlite3_io_methods m = ForwardingIoMethods();
  m.xWrite = ShimWrite;
  m.xTruncate = ShimTruncate;
  m.xSync = ShimSync;
  m.xShmMap = ShimShmMap;
  m.xShmUnmap = ShimShmUnmap;
  return m;
}();

CrashVfs* ShimOf(sqlite3_vfs* vfs) { return static_cast<CrashVfs*>(ForwardingVfs::Of(vfs)); }

FileRole RoleOfOpenFlags(int flags, bool* tracked) {
  *tracked = true;
  if (flags & SQLITE_OPEN_MAIN_DB) return FileRole::kDb;
  if (flags & SQLITE_OPEN_MAIN_JOURNAL) return FileRole::kJournal;
  if (flags & SQLITE_OPEN_SUPER_JOURNAL) return FileRole::kSuperJournal;
  if (flags & SQLITE_OPEN_WAL) return FileRole::kWal;
  *tracked = false;  // temp databases, temp journals, sub-journals: not part of the story
  return FileRole::kDb;
}

}  // namespace

int CrashVfs::Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  CrashVfs* shim = ShimOf(vfs);
  ShimFile* s = Shim(file);
  s->shim = shim;
  s->path = name;
  s->role = RoleOfOpenFlags(flags, &s->tracked);
  s->tracked = s->tracked && name != nullptr;
  // As unix's unixOpen: a journal, super-journal or WAL opened with CREATE gets its
  // directory synced on the first xSync.
  s->dirsync_pending = (flags & SQLITE_OPEN_CREATE) != 0 &&
                       (s->role == FileRole::kJournal || s->role == FileRole::kSuperJournal || s->role == FileRole::kWal) &&
                       s->tracked;
  s->shm_mapped = false;
  const bool counting = s->tracked && shim->active();
  uint32_t index = 0;
  if (counting) {
    if (int rc = shim->BeginEvent(IoOp::kOpen, s->role, name, &index); rc != SQLITE_OK) return rc;
    const bool creating = (flags & SQLITE_OPEN_CREATE) != 0 && access(name, F_OK) != 0;
    if (DiskModel* disk = shim->plan().disk) disk->BeforeOpen(name, creating);
    if (TraceOp* op = shim->recording()) op->creates = creating;
  }
  const int rc = shim->OpenReal(name, file, flags, out_flags, &kShimMethods);
  if (counting) shim->EndEvent(index);
  return rc;
}

int CrashVfs::Delete(sqlite3_vfs* vfs, const char* path, int sync_dir) {
  CrashVfs* shim = ShimOf(vfs);
  if (!shim->active()) return shim->real()->xDelete(shim->real(), path, sync_dir);
  const FileRole role = RoleOfPath(path);
  uint32_t index;
  if (int rc = shim->BeginEvent(IoOp::kDelete, role, path, &index); rc != SQLITE_OK) return rc;
  DiskModel* disk = shim->plan().disk;
  if (disk != nullptr) disk->BeforeDelete(path);
  // The real xDelete unlinks and, with syncDir, syncs the directory; the directory sync is
  // numbered as an event of its own right after the delete.
  const int rc = shim->real()->xDelete(shim->real(), path, sync_dir);
  shim->EndEvent(index);
  if ((sync_dir & 1) == 0 || (rc != SQLITE_OK && rc != SQLITE_IOERR_DIR_FSYNC)) return rc;
  const std::string dir = DirName(path);
  uint32_t dir_index;
  if (int fail = shim->BeginEvent(IoOp::kSync, FileRole::kDirectory, dir.c_str(), &dir_index); fail != SQLITE_OK) {
    return fail;  // the file is gone, the directory sync "failed": SQLITE_IOERR_DIR_FSYNC
  }
  if (rc == SQLITE_OK && disk != nullptr) disk->AfterDirSync(dir);
  shim->EndEvent(dir_index);
  return rc;
}

CrashVfs::CrashVfs(sqlite3_vfs* real) : ForwardingVfs(real, kName, static_cast<int>(sizeof(ShimFile))) {
  vfs_.xOpen = Open;
  vfs_.xDelete = Delete;
}

StatusOr<CrashVfs*> CrashVfs::Get() {
  static CrashVfs* instance = nullptr;
  if (instance != nullptr) return instance;
  sqlite3_vfs* real = sqlite3_vfs_find("unix");
  if (real == nullptr) return Status::Runtime("the unix VFS is not available in the linked SQLite");
  auto* shim = new CrashVfs(real);  // lives as long as the process, as SQLite's registry does
  if (int rc = sqlite3_vfs_register(&shim->vfs_, 0); rc != SQLITE_OK) {
    delete shim;
    return Status::Runtime(std::string("cannot register the crash shim: ") + sqlite3_errstr(rc));
  }
  instance = shim;
  return instance;
}

void CrashVfs::Start(const Plan& plan, EventSink sink) {
  plan_ = plan;
  sink_ = std::move(sink);
  next_ = 0;
  active_ = true;
}

void CrashVfs::Stop() {
  active_ = false;
  sink_ = nullptr;
  plan_ = Plan{};
}

int CrashVfs::BeginEvent(IoOp op, FileRole role, const char* path, uint32_t* index) {
  *index = next_++;
  // Directory events name no file: the trial directory's name differs from run to run.
  if (sink_ || plan_.trace != nullptr) {
    IoEvent e{*index, op, role, role == FileRole::kDirectory ? "(directory)" : std::string(BaseName(path))};
    if (sink_) sink_(e);
    if (plan_.trace != nullptr) plan_.trace->ops.push_back(TraceOp{std::move(e), 0, {}, false});
  }
  if (plan_.crash_event == static_cast<int64_t>(*index) && !plan_.crash_after) CrashNow();
  if (plan_.vfs_fail_points) {
    const std::string name = std::string("vfs/") + IoOpName(op) + "/" + FileRoleName(role);
    int err = 0;
    if (EvaluateFailPoint(name.c_str(), &err)) return VfsErrorCode(op, role, err);
  }
  return SQLITE_OK;
}

void CrashVfs::EndEvent(uint32_t index) {
  if (plan_.crash_event == static_cast<int64_t>(index) && plan_.crash_after) CrashNow();
}

void CrashVfs::CrashNow() {
  if (plan_.disk != nullptr) plan_.disk->PowerLoss();
  raise(SIGKILL);
  _exit(137);  // not reached
}

}  // namespace shardlab
