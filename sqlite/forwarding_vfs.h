#pragma once
// A SQLite VFS that forwards every call to another VFS (normally "unix"): LevelDB's
// EnvWrapper pattern for SQLite's C interface. A layer (the crash shim in faults/, the
// counting VFS in io_counter.h) derives from ForwardingVfs,
// starts from ForwardingIoMethods(), and replaces only the methods it changes; everything
// else reaches the real files untouched.
//
// File objects: the wrapper's own file struct starts with a ForwardingFile, and the real
// VFS's file follows it in the same allocation (sqlite3_vfs::szOsFile covers both).
#include <sqlite3.h>

namespace shardlab {

struct ForwardingFile {
  sqlite3_file base;   // what SQLite sees; base.pMethods is the wrapper's table
  sqlite3_file* real;  // the real VFS's file, placed after the wrapper's own struct
};

// Version-3 io methods that each call the same method of ForwardingFile::real.
const sqlite3_io_methods& ForwardingIoMethods();

class ForwardingVfs {
 public:
  ForwardingVfs(const ForwardingVfs&) = delete;
  ForwardingVfs& operator=(const ForwardingVfs&) = delete;

  sqlite3_vfs* real() const { return real_; }
  // The wrapper behind a sqlite3_vfs it filled in (its pAppData).
  static ForwardingVfs* Of(sqlite3_vfs* vfs) { return static_cast<ForwardingVfs*>(vfs->pAppData); }

 protected:
  // `name`: the VFS's registered name (static storage). `file_bytes`: sizeof the wrapper's
  // file struct (a multiple of 8, starting with a ForwardingFile).
  ForwardingVfs(sqlite3_vfs* real, const char* name, int file_bytes);
  ~ForwardingVfs() = default;

  // Opens the real file behind `file` and, when it opened, installs `methods` on it: the
  // part of an xOpen every wrapper shares.
  int OpenReal(sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags,
               const sqlite3_io_methods* methods);

  sqlite3_vfs vfs_{};  // every method forwards; a subclass replaces xOpen and what else it needs

 private:
  sqlite3_vfs* real_;
  int file_bytes_;
};

}  // namespace shardlab
