#pragma once
// The crash shim: a SQLite VFS named "shardlab-crash" that wraps "unix" (a ForwardingVfs:
// every call goes to the real unix VFS on the real files) and, while a trial runs,
//  - numbers each I/O event of the transaction: open, write, truncate, sync, delete of a
//    db / journal / super_journal / wal file, the first map of the shm, and the directory
//    syncs the unix VFS does inside xSync (first sync of a journal, wal or super-journal it
//    opened with CREATE) and inside xDelete (syncDir) as events of their own;
//  - kills the process with SIGKILL just before or just after event k;
//  - keeps the power-loss model (DiskModel) up to date and applies it before dying;
//  - records the whole trace with its payloads (IoTrace), for the replay engine;
//  - hosts libfiu fail points vfs/<op>/<role> (see fail_points.h).
// Outside Start()/Stop() it only passes calls through. All state lives in this one object
// (SQLite's VFS registry is process-wide, so there is one per process).
#include <cstdint>
#include <functional>
#include <string>

#include <sqlite3.h>

#include "core/status.h"
#include "faults/disk_model.h"
#include "sqlite/forwarding_vfs.h"
#include "faults/io_event.h"
#include "faults/io_trace.h"

namespace shardlab {

class CrashVfs final : public ForwardingVfs {
 public:
  static constexpr const char* kName = "shardlab-crash";

  // Registers the shim on first use (not as the default VFS).
  static StatusOr<CrashVfs*> Get();

  struct Plan {
    int64_t crash_event = -1;      // SIGKILL at this event (-1: never)
    bool crash_after = false;      // just after it (else just before)
    DiskModel* disk = nullptr;     // power loss: keep this model and apply it at the crash
    bool vfs_fail_points = false;  // evaluate libfiu's vfs/<op>/<role> points
    IoTrace* trace = nullptr;      // record every event with its payload here
  };
  using EventSink = std::function<void(const IoEvent&)>;

  // Numbering starts at 0 with this call; `sink` (optional) sees every event as it starts.
  void Start(const Plan& plan, EventSink sink);
  void Stop();
  uint32_t events() const { return next_; }

  // Wrappers call these; public for the C callbacks in crash_vfs.cc.
  bool active() const { return active_; }
  const Plan& plan() const { return plan_; }
  // Opens event `op` on a file of `role`: reports it, crashes if planned before it, and
  // returns the SQLite error code of a fired fail point (SQLITE_OK otherwise).
  int BeginEvent(IoOp op, FileRole role, const char* path, uint32_t* index);
  // Closes the event: crashes if planned after it.
  void EndEvent(uint32_t index);
  [[noreturn]] void CrashNow();
  // The op just begun, when recording (for the wrapper to add its payload); else nullptr.
  TraceOp* recording() { return plan_.trace != nullptr && !plan_.trace->ops.empty() ? &plan_.trace->ops.back() : nullptr; }

  // The one armed libfiu point (fiu_schedule.h keeps it here: libfiu's callbacks carry no
  // user pointer, and this object is the process's one home for such state).
  struct FailSchedule {
    std::string name;
    int64_t k = 0;
    int64_t evaluations = 0;
    bool fired = false;
    bool armed = false;
  };
  FailSchedule& fail_schedule() { return fail_schedule_; }

 private:
  explicit CrashVfs(sqlite3_vfs* real);
  static int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags);
  static int Delete(sqlite3_vfs* vfs, const char* path, int sync_dir);
  Plan plan_;
  EventSink sink_;
  bool active_ = false;
  uint32_t next_ = 0;
  FailSchedule fail_schedule_;
};

}  // namespace shardlab
