#include "sqlite/forwarding_vfs.h"

namespace shardlab {
namespace {

sqlite3_file* RealFile(sqlite3_file* f) { return reinterpret_cast<ForwardingFile*>(f)->real; }
sqlite3_vfs* RealVfs(sqlite3_vfs* vfs) { return ForwardingVfs::Of(vfs)->real(); }

int FwdClose(sqlite3_file* f) { return RealFile(f)->pMethods->xClose(RealFile(f)); }
int FwdRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return RealFile(f)->pMethods->xRead(RealFile(f), buf, n, off); }
int FwdWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return RealFile(f)->pMethods->xWrite(RealFile(f), buf, n, off);
}
int FwdTruncate(sqlite3_file* f, sqlite3_int64 size) { return RealFile(f)->pMethods->xTruncate(RealFile(f), size); }
int FwdSync(sqlite3_file* f, int flags) { return RealFile(f)->pMethods->xSync(RealFile(f), flags); }
int FwdFileSize(sqlite3_file* f, sqlite3_int64* size) { return RealFile(f)->pMethods->xFileSize(RealFile(f), size); }
int FwdLock(sqlite3_file* f, int level) { return RealFile(f)->pMethods->xLock(RealFile(f), level); }
int FwdUnlock(sqlite3_file* f, int level) { return RealFile(f)->pMethods->xUnlock(RealFile(f), level); }
int FwdCheckReservedLock(sqlite3_file* f, int* out) { return RealFile(f)->pMethods->xCheckReservedLock(RealFile(f), out); }
int FwdFileControl(sqlite3_file* f, int op, void* arg) { return RealFile(f)->pMethods->xFileControl(RealFile(f), op, arg); }
int FwdSectorSize(sqlite3_file* f) { return RealFile(f)->pMethods->xSectorSize(RealFile(f)); }
int FwdDeviceCharacteristics(sqlite3_file* f) { return RealFile(f)->pMethods->xDeviceCharacteristics(RealFile(f)); }
int FwdShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return RealFile(f)->pMethods->xShmMap(RealFile(f), region, size, extend, out);
}
int FwdShmLock(sqlite3_file* f, int offset, int n, int flags) { return RealFile(f)->pMethods->xShmLock(RealFile(f), offset, n, flags); }
void FwdShmBarrier(sqlite3_file* f) { RealFile(f)->pMethods->xShmBarrier(RealFile(f)); }
int FwdShmUnmap(sqlite3_file* f, int del) { return RealFile(f)->pMethods->xShmUnmap(RealFile(f), del); }
int FwdFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) { return RealFile(f)->pMethods->xFetch(RealFile(f), off, n, out); }
int FwdUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) { return RealFile(f)->pMethods->xUnfetch(RealFile(f), off, p); }

int VfsDelete(sqlite3_vfs* vfs, const char* path, int sync_dir) { return RealVfs(vfs)->xDelete(RealVfs(vfs), path, sync_dir); }
int VfsAccess(sqlite3_vfs* vfs, const char* path, int flags, int* out) {
  return RealVfs(vfs)->xAccess(RealVfs(vfs), path, flags, out);
}
int VfsFullPathname(sqlite3_vfs* vfs, const char* path, int n, char* out) {
  return RealVfs(vfs)->xFullPathname(RealVfs(vfs), path, n, out);
}
void* VfsDlOpen(sqlite3_vfs* vfs, const char* path) { return RealVfs(vfs)->xDlOpen(RealVfs(vfs), path); }
void VfsDlError(sqlite3_vfs* vfs, int n, char* out) { RealVfs(vfs)->xDlError(RealVfs(vfs), n, out); }
void (*VfsDlSym(sqlite3_vfs* vfs, void* h, const char* sym))(void) { return RealVfs(vfs)->xDlSym(RealVfs(vfs), h, sym); }
void VfsDlClose(sqlite3_vfs* vfs, void* h) { RealVfs(vfs)->xDlClose(RealVfs(vfs), h); }
int VfsRandomness(sqlite3_vfs* vfs, int n, char* out) { return RealVfs(vfs)->xRandomness(RealVfs(vfs), n, out); }
int VfsSleep(sqlite3_vfs* vfs, int us) { return RealVfs(vfs)->xSleep(RealVfs(vfs), us); }
int VfsCurrentTime(sqlite3_vfs* vfs, double* out) { return RealVfs(vfs)->xCurrentTime(RealVfs(vfs), out); }
int VfsGetLastError(sqlite3_vfs* vfs, int n, char* out) { return RealVfs(vfs)->xGetLastError(RealVfs(vfs), n, out); }
int VfsCurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return RealVfs(vfs)->xCurrentTimeInt64(RealVfs(vfs), out);
}

const sqlite3_io_methods kForwardingMethods = {
    3,           FwdClose,    FwdRead,       FwdWrite,           FwdTruncate,          FwdSync,
    FwdFileSize, FwdLock,     FwdUnlock,     FwdCheckReservedLock, FwdFileControl,     FwdSectorSize,
    FwdDeviceCharacteristics, FwdShmMap,     FwdShmLock,         FwdShmBarrier,        FwdShmUnmap,
    FwdFetch,    FwdUnfetch,
};

}  // namespace

const sqlite3_io_methods& ForwardingIoMethods() { return kForwardingMethods; }

ForwardingVfs::ForwardingVfs(sqlite3_vfs* real, const char* name, int file_bytes) : real_(real), file_bytes_(file_bytes) {
  vfs_.iVersion = 2;
  vfs_.szOsFile = file_bytes + real->szOsFile;
  vfs_.mxPathname = real->mxPathname;
  vfs_.zName = name;
  vfs_.pAppData = this;
  vfs_.xOpen = nullptr;  // the subclass's: it decides the file's methods
  vfs_.xDelete = VfsDelete;
  vfs_.xAccess = VfsAccess;
  vfs_.xFullPathname = VfsFullPathname;
  vfs_.xDlOpen = VfsDlOpen;
  vfs_.xDlError = VfsDlError;
  vfs_.xDlSym = VfsDlSym;
  vfs_.xDlClose = VfsDlClose;
  vfs_.xRandomness = VfsRandomness;
  vfs_.xSleep = VfsSleep;
  vfs_.xCurrentTime = VfsCurrentTime;
  vfs_.xGetLastError = VfsGetLastError;
  vfs_.xCurrentTimeInt64 = VfsCurrentTimeInt64;
}

int ForwardingVfs::OpenReal(sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags,
                            const sqlite3_io_methods* methods) {
  auto* f = reinterpret_cast<ForwardingFile*>(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + file_bytes_);
  const int rc = real_->xOpen(real_, name, f->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set: set it only if the real file needs closing.
  if (f->real->pMethods != nullptr) f->base.pMethods = methods;
  return rc;
}

}  // namespace shardlab
