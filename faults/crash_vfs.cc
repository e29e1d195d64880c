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

// Our file object; the real unix file follows it in the same allocation (szOsFile).
struct ShimFile {
  sqlite3_file base;
  CrashVfs* shim;
  const char* path;        // SQLite keeps the name valid until xClose
  FileRole role;
  bool tracked;            // a named db / journal / super-journal / wal file
  bool dirsync_pending;    // unix syncs the directory on this handle's first xSync
  bool shm_mapped;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
static_assert(sizeof(ShimFile) % 8 == 0, "the real file that follows must stay aligned");

ShimFile* Shim(sqlite3_file* f) { return reinterpret_cast<ShimFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Shim(f)->real(); }
bool Counting(sqlite3_file* f) { return Shim(f)->tracked && Shim(f)->shim->active(); }

int ShimClose(sqlite3_file* f) {
  const int rc = Real(f)->pMethods->xClose(Real(f));
  return rc;
}
int ShimRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return Real(f)->pMethods->xRead(Real(f), buf, n, off); }

int ShimWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (!Counting(f)) return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
  ShimFile* s = Shim(f);
  uint32_t index;
  if (int rc = s->shim->BeginEvent(IoOp::kWrite, s->role, s->path, &index); rc != SQLITE_OK) return rc;
  if (DiskModel* disk = s->shim->plan().disk) disk->BeforeWrite(s->path, off, n);
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

int ShimFileSize(sqlite3_file* f, sqlite3_int64* size) { return Real(f)->pMethods->xFileSize(Real(f), size); }
int ShimLock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int ShimUnlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int ShimCheckReservedLock(sqlite3_file* f, int* out) { return Real(f)->pMethods->xCheckReservedLock(Real(f), out); }
int ShimFileControl(sqlite3_file* f, int op, void* arg) { return Real(f)->pMethods->xFileControl(Real(f), op, arg); }
int ShimSectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int ShimDeviceCharacteristics(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }

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
int ShimShmLock(sqlite3_file* f, int offset, int n, int flags) { return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags); }
void ShimShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShimShmUnmap(sqlite3_file* f, int del) {
  Shim(f)->shm_mapped = false;
  return Real(f)->pMethods->xShmUnmap(Real(f), del);
}
int ShimFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) { return Real(f)->pMethods->xFetch(Real(f), off, n, out); }
int ShimUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return Real(f)->pMethods->xUnfetch(Real(f), off, p); }

const sqlite3_io_methods kShimMethods = {
    3,           ShimClose,    ShimRead,       ShimWrite,           ShimTruncate,          ShimSync,
    ShimFileSize, ShimLock,    ShimUnlock,     ShimCheckReservedLock, ShimFileControl,     ShimSectorSize,
    ShimDeviceCharacteristics, ShimShmMap,     ShimShmLock,         ShimShmBarrier,        ShimShmUnmap,
    ShimFetch,   ShimUnfetch,
};

CrashVfs* ShimOf(sqlite3_vfs* vfs) { return static_cast<CrashVfs*>(vfs->pAppData); }

FileRole RoleOfOpenFlags(int flags, bool* tracked) {
  *tracked = true;
  if (flags & SQLITE_OPEN_MAIN_DB) return FileRole::kDb;
  if (flags & SQLITE_OPEN_MAIN_JOURNAL) return FileRole::kJournal;
  if (flags & SQLITE_OPEN_SUPER_JOURNAL) return FileRole::kSuperJournal;
  if (flags & SQLITE_OPEN_WAL) return FileRole::kWal;
  *tracked = false;  // temp databases, temp journals, sub-journals: not part of the story
  return FileRole::kDb;
}

int VfsOpen(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  CrashVfs* shim = ShimOf(vfs);
  ShimFile* s = Shim(file);
  s->base.pMethods = nullptr;
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
    if (DiskModel* disk = shim->plan().disk) disk->BeforeOpen(name, access(name, F_OK) != 0);
  }
  const int rc = shim->real()->xOpen(shim->real(), name, s->real(), flags, out_flags);
  if (s->real()->pMethods != nullptr) s->base.pMethods = &kShimMethods;
  if (counting) shim->EndEvent(index);
  return rc;
}

int VfsDelete(sqlite3_vfs* vfs, const char* path, int sync_dir) {
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

int VfsAccess(sqlite3_vfs* vfs, const char* path, int flags, int* out) {
  return ShimOf(vfs)->real()->xAccess(ShimOf(vfs)->real(), path, flags, out);
}
int VfsFullPathname(sqlite3_vfs* vfs, const char* path, int n, char* out) {
  return ShimOf(vfs)->real()->xFullPathname(ShimOf(vfs)->real(), path, n, out);
}
void* VfsDlOpen(sqlite3_vfs* vfs, const char* path) { return ShimOf(vfs)->real()->xDlOpen(ShimOf(vfs)->real(), path); }
void VfsDlError(sqlite3_vfs* vfs, int n, char* out) { ShimOf(vfs)->real()->xDlError(ShimOf(vfs)->real(), n, out); }
void (*VfsDlSym(sqlite3_vfs* vfs, void* h, const char* sym))(void) {
  return ShimOf(vfs)->real()->xDlSym(ShimOf(vfs)->real(), h, sym);
}
void VfsDlClose(sqlite3_vfs* vfs, void* h) { ShimOf(vfs)->real()->xDlClose(ShimOf(vfs)->real(), h); }
int VfsRandomness(sqlite3_vfs* vfs, int n, char* out) { return ShimOf(vfs)->real()->xRandomness(ShimOf(vfs)->real(), n, out); }
int VfsSleep(sqlite3_vfs* vfs, int us) { return ShimOf(vfs)->real()->xSleep(ShimOf(vfs)->real(), us); }
int VfsCurrentTime(sqlite3_vfs* vfs, double* out) { return ShimOf(vfs)->real()->xCurrentTime(ShimOf(vfs)->real(), out); }
int VfsGetLastError(sqlite3_vfs* vfs, int n, char* out) {
  return ShimOf(vfs)->real()->xGetLastError(ShimOf(vfs)->real(), n, out);
}
int VfsCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return ShimOf(vfs)->real()->xCurrentTimeInt64(ShimOf(vfs)->real(), out);
}

}  // namespace

StatusOr<CrashVfs*> CrashVfs::Get() {
  static CrashVfs* instance = nullptr;
  if (instance != nullptr) return instance;
  sqlite3_vfs* real = sqlite3_vfs_find("unix");
  if (real == nullptr) return Status::Runtime("the unix VFS is not available in the linked SQLite");
  auto* shim = new CrashVfs();  // lives as long as the process, as SQLite's registry does
  shim->real_ = real;
  sqlite3_vfs& v = shim->vfs_;
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(ShimFile)) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = kName;
  v.pAppData = shim;
  v.xOpen = VfsOpen;
  v.xDelete = VfsDelete;
  v.xAccess = VfsAccess;
  v.xFullPathname = VfsFullPathname;
  v.xDlOpen = VfsDlOpen;
  v.xDlError = VfsDlError;
  v.xDlSym = VfsDlSym;
  v.xDlClose = VfsDlClose;
  v.xRandomness = VfsRandomness;
  v.xSleep = VfsSleep;
  v.xCurrentTime = VfsCurrentTime;
  v.xGetLastError = VfsGetLastError;
  v.xCurrentTimeInt64 = VfsCurrentTimeInt64;
  if (int rc = sqlite3_vfs_register(&v, 0); rc != SQLITE_OK) {
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
  if (sink_) sink_(IoEvent{*index, op, role, role == FileRole::kDirectory ? "(directory)" : std::string(BaseName(path))});
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
