#include "sqlite/io_counter.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sqlite3.h>

#include "core/json.h"
#include "sqlite/forwarding_vfs.h"

namespace shardlab {
namespace {

// One counter per cache line: threads adding different counters do not share a line.
struct alignas(64) Counter {
  std::atomic<int64_t> v{0};
  void Add(int64_t n) { v.fetch_add(n, std::memory_order_relaxed); }
  int64_t Get() const { return v.load(std::memory_order_relaxed); }
};

struct Counters {
  Counter syncs, syncs_dataonly, dir_syncs, writes, bytes_written, reads, bytes_read, pages_read, opens, files_created,
      temp_files, files_deleted, truncates, vm_steps, fullscan_steps;
};
Counters g_counts;

constexpr int kMinPageBytes = 512;  // SQLite's smallest page size

// Our file object; the real file follows it in the same allocation.
struct CountFile {
  ForwardingFile fwd;
  bool pages;            // a main db or WAL file: its page-sized reads are pages read
  bool dirsync_pending;  // unix syncs the directory on this handle's first successful xSync
};
static_assert(sizeof(CountFile) % 8 == 0, "the real file that follows must stay aligned");

CountFile* Counted(sqlite3_file* f) { return reinterpret_cast<CountFile*>(f); }
sqlite3_file* RealOf(sqlite3_file* f) { return Counted(f)->fwd.real; }

int CountRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  g_counts.reads.Add(1);
  g_counts.bytes_read.Add(n);
  if (Counted(f)->pages && n >= kMinPageBytes) g_counts.pages_read.Add(1);
  return RealOf(f)->pMethods->xRead(RealOf(f), buf, n, off);
}

int CountWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  g_counts.writes.Add(1);
  g_counts.bytes_written.Add(n);
  return RealOf(f)->pMethods->xWrite(RealOf(f), buf, n, off);
}

int CountTruncate(sqlite3_file* f, sqlite3_int64 size) {
  g_counts.truncates.Add(1);
  return RealOf(f)->pMethods->xTruncate(RealOf(f), size);
}

int CountSync(sqlite3_file* f, int flags) {
  g_counts.syncs.Add(1);
  if (flags & SQLITE_SYNC_DATAONLY) g_counts.syncs_dataonly.Add(1);
  const int rc = RealOf(f)->pMethods->xSync(RealOf(f), flags);
  CountFile* c = Counted(f);
  if (rc == SQLITE_OK && c->dirsync_pending) {
    c->dirsync_pending = false;  // as unixSync: the directory once, with the first sync
    g_counts.dir_syncs.Add(1);
  }
  return rc;
}

// The forwarding table with the counted methods, one per io-methods version: a file keeps
// the version of the real file's table, so SQLite never calls a method the real one lacks.
sqlite3_io_methods CountMethods(int version) {
  sqlite3_io_methods m = ForwardingIoMethods();
  m.iVersion = version;
  m.xRead = CountRead;
  m.xWrite = CountWrite;
  m.xTruncate = CountTruncate;
  m.xSync = CountSync;
  return m;
}
const sqlite3_io_methods kCountMethods[3] = {CountMethods(1), CountMethods(2), CountMethods(3)};

class CountingVfs final : public ForwardingVfs {
 public:
  static constexpr const char* kName = "shardlab-count";
  explicit CountingVfs(sqlite3_vfs* real) : ForwardingVfs(real, kName, static_cast<int>(sizeof(CountFile))) {
    vfs_.xOpen = Open;
    vfs_.xDelete = Delete;
  }
  sqlite3_vfs* vfs() { return &vfs_; }

 private:
  static int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* self = static_cast<CountingVfs*>(ForwardingVfs::Of(vfs));
    CountFile* c = Counted(file);
    c->pages = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL)) != 0;
    // As unixOpen: a journal, super-journal or WAL opened with CREATE gets its directory
    // synced on its first xSync.
    const bool create = (flags & SQLITE_OPEN_CREATE) != 0;
    c->dirsync_pending =
        create && name != nullptr && (flags & (SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL | SQLITE_OPEN_WAL)) != 0;
    // Whether the open creates the file: one access() per open with CREATE, next to the open itself.
    const bool creates = create && name != nullptr && access(name, F_OK) != 0;
    const int rc = self->OpenReal(name, file, flags, out_flags, &kCountMethods[2]);
    if (rc == SQLITE_OK && c->fwd.base.pMethods != nullptr) {
      const int version = c->fwd.real->pMethods->iVersion;
      if (version >= 1 && version < 3) c->fwd.base.pMethods = &kCountMethods[version - 1];
      if (name == nullptr) {
        g_counts.temp_files.Add(1);
      } else {
        g_counts.opens.Add(1);
        if (creates) g_counts.files_created.Add(1);
      }
    }
    return rc;
  }

  static int Delete(sqlite3_vfs* vfs, const char* path, int sync_dir) {
    sqlite3_vfs* real = ForwardingVfs::Of(vfs)->real();
    const int rc = real->xDelete(real, path, sync_dir);
    // unix: SQLITE_IOERR_DIR_FSYNC means the file is gone and the directory sync failed.
    if (rc == SQLITE_OK || rc == SQLITE_IOERR_DIR_FSYNC) g_counts.files_deleted.Add(1);
    if (rc == SQLITE_OK && (sync_dir & 1) != 0) g_counts.dir_syncs.Add(1);
    return rc;
  }
};

// 6 significant digits: short in the JSON, and still exact for the gate.
double Significant6(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return std::strtod(buf, nullptr);
}

Status InstallOnce() {
  sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
  if (real == nullptr) return Status::Runtime("SQLite has no default VFS to count over");
  if (std::string(real->zName) == CountingVfs::kName) return Status::Ok();
  auto* counting = new CountingVfs(real);  // lives as long as the process, as SQLite's registry does
  if (int rc = sqlite3_vfs_register(counting->vfs(), 1); rc != SQLITE_OK) {
    delete counting;
    return Status::Runtime(std::string("cannot register the counting VFS: ") + sqlite3_errstr(rc));
  }
  return Status::Ok();
}

}  // namespace

// Every counter, in the order of IoCounts (and of the JSON).
#define SHARDLAB_IO_COUNTERS(X)                                                                                  \
  X(syncs) X(syncs_dataonly) X(dir_syncs) X(writes) X(bytes_written) X(reads) X(bytes_read) X(pages_read) X(opens) \
  X(files_created) X(temp_files) X(files_deleted) X(truncates) X(vm_steps) X(fullscan_steps)

IoCounts IoCounts::Snapshot() {
  IoCounts c;
#define SHARDLAB_IO_GET(f) c.f = g_counts.f.Get();
  SHARDLAB_IO_COUNTERS(SHARDLAB_IO_GET)
#undef SHARDLAB_IO_GET
  return c;
}

IoCounts IoCounts::operator-(const IoCounts& o) const {
  IoCounts d;
#define SHARDLAB_IO_SUB(f) d.f = f - o.f;
  SHARDLAB_IO_COUNTERS(SHARDLAB_IO_SUB)
#undef SHARDLAB_IO_SUB
  return d;
}

IoCounts& IoCounts::operator+=(const IoCounts& o) {
#define SHARDLAB_IO_ADD(f) f += o.f;
  SHARDLAB_IO_COUNTERS(SHARDLAB_IO_ADD)
#undef SHARDLAB_IO_ADD
  return *this;
}

bool IoCounts::operator==(const IoCounts& o) const {
  bool same = true;
#define SHARDLAB_IO_EQ(f) same = same && f == o.f;
  SHARDLAB_IO_COUNTERS(SHARDLAB_IO_EQ)
#undef SHARDLAB_IO_EQ
  return same;
}

Json IoCounts::PerOp(int64_t ops) const {
  const double n = ops > 0 ? static_cast<double>(ops) : 1.0;
  Json j = Json::object();
  j["ops"] = ops;
#define SHARDLAB_IO_JSON(f) j[#f] = Significant6(static_cast<double>(f) / n);
  SHARDLAB_IO_COUNTERS(SHARDLAB_IO_JSON)
#undef SHARDLAB_IO_JSON
  return j;
}

Status InstallIoCounter() {
  static const Status installed = InstallOnce();  // thread-safe once (a function-local static)
  return installed;
}

void AddStmtCounts(int64_t vm_steps, int64_t fullscan_steps) {
  if (vm_steps != 0) g_counts.vm_steps.Add(vm_steps);
  if (fullscan_steps != 0) g_counts.fullscan_steps.Add(fullscan_steps);
}

}  // namespace shardlab
