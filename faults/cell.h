#pragma once
// One cell of a crash campaign (strategy x journal mode x synchronous x fault model) and
// what SQLite's documentation and source promise for it.
#include <string>

#include "faults/trial.h"

namespace shardlab {

struct CellSpec {
  std::string strategy, journal_mode, synchronous;
  // process_crash | power_loss | power_loss_reorder | power_loss_torn | io_error
  std::string fault;
};

std::string CellName(const CellSpec& cell);  // "attach/delete/full/power_loss"
bool IsPowerLoss(const std::string& fault);

// Whether an acknowledged commit must survive the fault:
//  - journal_mode memory/off: never; a process crash or an I/O error: always (the OS keeps
//    what was written);
//  - power loss: synchronous=extra always, off never. WAL at FULL syncs the WAL at each
//    commit. Rollback modes: the commit is the journal's deletion (DELETE: durable only at
//    EXTRA, which syncs the directory), truncation (TRUNCATE: synced at FULL) or zeroed
//    header (PERSIST: synced unless synchronous=off). An ATTACH transaction over several
//    files commits by deleting its super-journal with a directory sync at any level that
//    writes one (vdbeaux.c: sqlite3OsDelete(pVfs, zSuper, 1); none at synchronous=off), so
//    it is durable in every rollback mode at NORMAL and FULL.
bool DurabilityPromised(const CellSpec& cell);
// A fork trial of this cell: strategy, journal mode, synchronous level and fault (with
// power_loss_torn as power_loss with torn sectors); the caller sets the crash point.
TrialSpec TrialSpecOf(const CellSpec& cell);

// journal_mode memory/off or synchronous=off: accepted, and expected to be unsafe.
bool ExpectedUnsafe(const CellSpec& cell);
// mixed or corrupt always; lost where durability is promised.
bool IsViolation(const CellSpec& cell, const std::string& outcome);

}  // namespace shardlab
