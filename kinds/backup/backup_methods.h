#pragma once
// The ways kind = backup (claim C17) takes a backup of one live shard file while other
// processes write to it:
//   copy_db           read() the .db and write() it out, no lock, as `cp shard.db dest/` does;
//   copy_db_wal       the same for the .db, then its -wal (WAL mode) or -journal (rollback
//                     modes) if one exists by then, as `cp shard.db* dest/` does; -shm is
//                     never copied (SQLite rebuilds it from the -wal on open);
//   backup_api        sqlite3_backup_step(-1): every page in one step, under one read lock;
//   backup_api_paged  sqlite3_backup_step(step_pages) with a sleep between steps, as the
//                     SQLite documentation's example does; a write by another connection
//                     between steps restarts it, so it gives up after max_restarts;
//   vacuum_into       VACUUM INTO the destination (one read transaction).
// Every method ends with the output fsync'ed (VACUUM INTO does not sync by itself), so the
// times compare durable backups.
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shardlab {

const std::vector<std::string>& BackupMethodNames();

struct BackupMethodOptions {
  int64_t step_pages = 64;
  int64_t step_sleep_ms = 10;
  int64_t max_restarts = 20;
  int64_t busy_timeout_ms = 5000;
  double give_up_s = 60;  // busy retries past this: the backup failed
};

struct BackupTaken {
  bool completed = true;
  std::string failure;          // why not completed
  uint64_t source_bytes = 0;    // the live .db's size when the backup began
  uint64_t bytes_written = 0;   // size of everything written
  double seconds = 0;           // start to durable output
  int64_t steps = 0;            // sqlite3_backup_step calls
  int64_t restarts = 0;         // backup_api_paged: restarts seen (remaining pages went up)
  int64_t busy_retries = 0;     // SQLITE_BUSY / SQLITE_LOCKED returns retried
  std::string sidecar;          // copy_db_wal: "-wal" / "-journal" when one was copied
};

// `dest` must not exist. kRuntime on I/O and SQLite errors other than busy/locked.
StatusOr<BackupTaken> TakeBackup(const std::string& method, const std::string& live_db, const std::string& dest,
                                 const BackupMethodOptions& options);

// Copies `from` to the new file `to` with read()/write() and no locking (`to` must not
// exist). *missing (if given) is set when `from` does not exist; then nothing is created.
Status CopyFileRaw(const std::string& from, const std::string& to, bool sync, uint64_t* bytes, bool* missing);

}  // namespace shardlab
