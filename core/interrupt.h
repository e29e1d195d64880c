#pragma once
// Interruption of a run (Ctrl-C, SIGTERM) without dying mid-write: the handler only
// records the signal and SIGKILLs the children this process forked; the run's loops and
// every SQLite statement (a progress handler, sqlite/sqlite_db.cc) see Interrupted() and
// return an error, and the runner cleans up what it created and exits 128+signal.
// A second signal ends the process at once (default action) for a run that does not stop.
#include <sys/types.h>

#include <atomic>

#include "core/status.h"

namespace shardlab {
namespace internal {
extern std::atomic<int> interrupt_signal;  // read through InterruptSignal()
}  // namespace internal

// Installs the SIGINT and SIGTERM handlers (the `run` command does, once).
void InstallInterruptHandlers();
// The signal that interrupted the run, 0 when none did.
// Inline: SQLite's statement wrapper looks at it before every step.
inline int InterruptSignal() { return internal::interrupt_signal.load(std::memory_order_relaxed); }
inline bool Interrupted() { return InterruptSignal() != 0; }
// Status::Runtime("interrupted by SIGINT") when interrupted, ok otherwise: for loops.
Status CheckInterrupted();

// Children the handler kills: registered right after fork, unregistered when reaped.
// A fixed table (async-signal-safe to walk); a full table only means that child is
// left to its parent's death signal.
void RegisterChild(pid_t pid);
void UnregisterChild(pid_t pid);

// In a freshly forked child: default SIGINT/SIGTERM (not the parent's handler), forget
// the parent's children, and die with the parent (PR_SET_PDEATHSIG, SIGKILL): when the
// parent is gone already (it died between fork and here), exit at once.
// `parent` is the parent's pid taken before fork.
void BecomeChildOf(pid_t parent);

// For tests: forget a recorded interruption.
void ResetInterruptForTest();

}  // namespace shardlab
