#pragma once
// What SQLite asks of the disk and of its VM, counted process-wide: the I/O per operation
// that the regression gate compares exactly (an extra sync per commit is +1, a query that
// started scanning shows as fullscan_steps > 0).
//
// The I/O side is a counting VFS, "shardlab-count": a ForwardingVfs over the VFS that was
// the default when it was installed (normally "unix"), registered as the new default, so
// every connection opened without naming a VFS is counted. A connection that names a VFS
// (the crash shim "shardlab-crash", which wraps "unix" itself) bypasses it. Connections
// opened before InstallIoCounter() are not counted.
//
// The VM side is fed by Stmt (sqlite_db.h): at each Reset() and when a statement is
// finalized it adds SQLITE_STMTSTATUS_VM_STEP and SQLITE_STMTSTATUS_FULLSCAN_STEP and
// clears them. Statements run by Db::Exec (sqlite3_exec) are counted too (Db::Exec steps
// them itself); sqlite3_exec calls made directly on a raw handle are not.
//
// Counters are relaxed atomics: exact totals, no ordering between them. Read a phase's
// work as IoCounts::Snapshot() after minus before; other threads of the process doing
// SQLite work in that window count too, and forked children count in their own copy.
#include <atomic>
#include <cstdint>

#include "core/json_fwd.h"
#include "core/status.h"

namespace shardlab {

struct IoCounts {
  int64_t syncs = 0;           // xSync calls on files (each is one fsync/fdatasync in unix)
  int64_t syncs_dataonly = 0;  //   of which with SQLITE_SYNC_DATAONLY
  int64_t dir_syncs = 0;       // directory fsyncs unix does: xDelete with syncDir, and the first
                               //   xSync of a journal / super-journal / WAL opened with CREATE
  int64_t writes = 0;          // xWrite calls
  int64_t bytes_written = 0;
  int64_t reads = 0;           // xRead calls (any file, any size)
  int64_t bytes_read = 0;
  int64_t pages_read = 0;      // xRead calls of at least 512 bytes on a main db or WAL file:
                               //   page reads from the OS (not the 16/100-byte header reads)
  int64_t opens = 0;           // xOpen calls of named files that opened
  int64_t files_created = 0;   //   of which created the file (CREATE and it did not exist)
  int64_t temp_files = 0;      // anonymous temp files opened (sorts, temp b-trees, statement journals)
  int64_t files_deleted = 0;   // xDelete calls that removed a file
  int64_t truncates = 0;       // xTruncate calls
  int64_t vm_steps = 0;        // SQLITE_STMTSTATUS_VM_STEP of statements reset or finalized
  int64_t fullscan_steps = 0;  // SQLITE_STMTSTATUS_FULLSCAN_STEP: rows stepped by full table scans

  // The process-wide totals now.
  static IoCounts Snapshot();
  IoCounts operator-(const IoCounts& o) const;
  IoCounts& operator+=(const IoCounts& o);
  bool operator==(const IoCounts& o) const;

  // {"ops": ops, "syncs": syncs / ops, ...}: every counter divided by `ops`, rounded to
  // 6 significant digits (an exact total over an exact op count gives the same figure on
  // every run). ops <= 0 gives the totals.
  Json PerOp(int64_t ops) const;
};

// Registers the counting VFS as the default, once per process (thread-safe; later calls
// return the first call's status).
Status InstallIoCounter();

// Adds a statement's VM counters (Stmt and Db::Exec call it).
void AddStmtCounts(int64_t vm_steps, int64_t fullscan_steps);

}  // namespace shardlab
