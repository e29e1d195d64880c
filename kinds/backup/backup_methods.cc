#include "kinds/backup/backup_methods.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/elapsed.h"
#include "core/workspace.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

std::string Errno(const std::string& what, const std::string& path) { return what + " " + path + ": " + std::strerror(errno); }

Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Runtime(Errno("cannot open", path));
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::Runtime(Errno("cannot fsync", path));
}

bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

StatusOr<Db> OpenSource(const std::string& live_db, const BackupMethodOptions& o) {
  SHARDLAB_ASSIGN_OR_RETURN(Db src, Db::Open(live_db, SQLITE_OPEN_READWRITE));
  sqlite3_busy_timeout(src.get(), static_cast<int>(o.busy_timeout_ms));
  return src;
}

Status CopyFiles(const std::string& live_db, const std::string& dest, bool with_sidecar, BackupTaken& t) {
  uint64_t bytes = 0;
  SHARDLAB_RETURN_IF_ERROR(CopyFileRaw(live_db, dest, true, &bytes, nullptr));
  t.bytes_written += bytes;
  if (!with_sidecar) return Status::Ok();
  for (const char* suffix : {"-wal", "-journal"}) {
    bool missing = false;
    bytes = 0;
    SHARDLAB_RETURN_IF_ERROR(CopyFileRaw(live_db + suffix, dest + suffix, true, &bytes, &missing));
    if (!missing) {
      t.bytes_written += bytes;
      t.sidecar = suffix;
      break;
    }
  }
  return Status::Ok();
}

Status BackupApi(const std::string& live_db, const std::string& dest, bool paged, const BackupMethodOptions& o,
                 Clock::time_point t0, BackupTaken& t) {
  SHARDLAB_ASSIGN_OR_RETURN(Db src, OpenSource(live_db, o));
  SHARDLAB_ASSIGN_OR_RETURN(Db dst, Db::Open(dest));
  SHARDLAB_RETURN_IF_ERROR(dst.Exec("PRAGMA synchronous=FULL"));
  sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
  if (b == nullptr) return dst.Error("sqlite3_backup_init");
  const int n = paged ? static_cast<int>(o.step_pages) : -1;
  int prev_remaining = -1;
  int rc;
  for (;;) {
    rc = sqlite3_backup_step(b, n);
    ++t.steps;
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) {
      // Each step copies n more pages; after a restart it begins again at page 1, so the
      // pages left do not go down.
      const int remaining = sqlite3_backup_remaining(b);
      if (prev_remaining >= 0 && remaining >= prev_remaining) ++t.restarts;
      prev_remaining = remaining;
      if (t.restarts > o.max_restarts) {
        t.completed = false;
        t.failure = "gave up after " + std::to_string(t.restarts) + " restarts";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(o.step_sleep_ms));
      continue;
    }
    if (IsBusy(rc)) {
      ++t.busy_retries;
      if (SecondsSince(t0) > o.give_up_s) {
        t.completed = false;
        t.failure = "busy for " + std::to_string(static_cast<int>(o.give_up_s)) + " s";
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    break;
  }
  const int finish_rc = sqlite3_backup_finish(b);
  if (t.completed && rc != SQLITE_DONE) {
    return Status::Runtime("sqlite3_backup_step: " + std::string(sqlite3_errstr(rc)) + " (code " + std::to_string(rc) + ")");
  }
  if (t.completed && finish_rc != SQLITE_OK) return dst.Error("sqlite3_backup_finish");
  dst.Close();
  return Status::Ok();
}

Status VacuumInto(const std::string& live_db, const std::string& dest, const BackupMethodOptions& o,
                  Clock::time_point t0, BackupTaken& t) {
  SHARDLAB_ASSIGN_OR_RETURN(Db src, OpenSource(live_db, o));
  SHARDLAB_ASSIGN_OR_RETURN(Stmt vacuum, src.Prepare("VACUUM INTO ?1"));
  vacuum.BindText(1, dest);
  for (;;) {
    const int rc = vacuum.Step();
    ++t.steps;
    vacuum.Reset();
    if (rc == SQLITE_DONE) break;
    if (!IsBusy(rc)) return src.Error("VACUUM INTO " + dest);
    ++t.busy_retries;
    if (SecondsSince(t0) > o.give_up_s) {
      t.completed = false;
      t.failure = "busy for " + std::to_string(static_cast<int>(o.give_up_s)) + " s";
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return SyncFile(dest);  // VACUUM INTO leaves its output unsynced
}

}  // namespace

const std::vector<std::string>& BackupMethodNames() {
  static const std::vector<std::string> kNames = {"copy_db", "copy_db_wal", "backup_api", "backup_api_paged",
                                                  "vacuum_into"};
  return kNames;
}

Status CopyFileRaw(const std::string& from, const std::string& to, bool sync, uint64_t* bytes, bool* missing) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    if (errno == ENOENT && missing != nullptr) {
      *missing = true;
      return Status::Ok();
    }
    return Status::Runtime(Errno("cannot open", from));
  }
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return Status::Runtime(Errno("cannot create", to));
  }
  static constexpr size_t kBuffer = 128 * 1024;  // cp's buffer size
  std::string buf(kBuffer, '\0');
  Status status = Status::Ok();
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), kBuffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Status::Runtime(Errno("cannot read", from));
      break;
    }
    if (n == 0) break;
    ssize_t done = 0;
    while (done < n) {
      const ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        status = Status::Runtime(Errno("cannot write", to));
        break;
      }
      done += w;
    }
    if (!status.ok()) break;
    if (bytes != nullptr) *bytes += static_cast<uint64_t>(n);
  }
  ::close(in);
  if (status.ok() && sync && ::fsync(out) != 0) status = Status::Runtime(Errno("cannot fsync", to));
  if (::close(out) != 0 && status.ok()) status = Status::Runtime(Errno("cannot close", to));
  return status;
}

StatusOr<BackupTaken> TakeBackup(const std::string& method, const std::string& live_db, const std::string& dest,
                                 const BackupMethodOptions& options) {
  BackupTaken t;
  t.source_bytes = FileSize(live_db);
  const auto t0 = Clock::now();
  if (method == "copy_db" || method == "copy_db_wal") {
    SHARDLAB_RETURN_IF_ERROR(CopyFiles(live_db, dest, method == "copy_db_wal", t));
  } else if (method == "backup_api" || method == "backup_api_paged") {
    SHARDLAB_RETURN_IF_ERROR(BackupApi(live_db, dest, method == "backup_api_paged", options, t0, t));
  } else if (method == "vacuum_into") {
    SHARDLAB_RETURN_IF_ERROR(VacuumInto(live_db, dest, options, t0, t));
  } else {
    return Status::Invalid("unknown backup method " + method);
  }
  t.seconds = SecondsSince(t0);
  if (method != "copy_db" && method != "copy_db_wal") t.bytes_written = FileSize(dest);
  return t;
}

}  // namespace shardlab
