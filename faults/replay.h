#pragma once
// The replay engine: record a cell's I/O once, in this process, then materialise every
// crash state its persistence model allows (crash_state.h) into a directory, recover it
// as a restarted server would and judge it — no fork per state. States with the same
// files are recovered once (content key) and judged once per crash point, since what the
// clients had been told differs from point to point.
//
// Journals name their super-journal by absolute path, so a state is only meaningful in
// the directory its trace was recorded in: each worker records the trace itself, in its
// own directory, and materialises its states there. SQLite's PRNG is seeded before the
// transfers so that the super-journal's random name is the same in every recording.
#include <cstdint>
#include <string>
#include <vector>

#include "faults/campaign.h"
#include "faults/cell.h"
#include "faults/checker.h"
#include "faults/crash_state.h"
#include "faults/io_trace.h"
#include "faults/recovery.h"
#include "faults/trial.h"
#include "faults/worker_pool.h"

namespace shardlab {

// Runs `cell`'s transfers through the crash shim in this process, in `dir` (emptied and
// filled with the templates first), and returns the trace.
StatusOr<IoTrace> RecordTrace(const TrialRunner& runner, const CellSpec& cell, uint32_t transfers, uint32_t prng_seed,
                              const std::string& dir);

// What the clients had been told when a crash hit at `point`.
std::vector<TransferRecord> LogAt(const IoTrace& trace, uint32_t point);

// Makes `files` the only entries of `dir` (which exists).
Status WriteState(const std::string& dir, const FileSet& files);
// The files in `dir` (shm files left out, as Materialize does).
StatusOr<FileSet> ReadState(const std::string& dir);
// One line naming the first difference between two file sets, or "" when equal.
std::string FirstDifference(const FileSet& replayed, const FileSet& real);

struct CellStates {
  std::vector<CrashState> states;
  double possible = 0;  // states the model allows, summed over the crash points
};
// Every state of `model` at every crash point 0..N (enumerate: power_loss_reorder at most
// c.max_states_per_point per point), or c.random_trials random ones (random).
CellStates GenerateStates(const IoTrace& trace, const std::string& model, const CampaignSpec& c, uint64_t cell_seed);

// Crashes during recovery: the recovery of `files` (in `dir`) is recorded through the crash
// shim; when it does I/O (a hot journal rolled back, a saga compensated), recovery is
// crashed at each of its events (a process crash, and a power loss that drops what it had
// not synced), then run again from there. Every such run must end with the balances and
// logs of the uninterrupted recovery, which is returned.
struct RecoveryCrashTally {
  int64_t states = 0;     // distinct interrupted-recovery states recovered again
  int64_t differing = 0;  // of them, ending other than the uninterrupted recovery
  std::vector<std::string> differences;  // the first few, one line each
};
StatusOr<Recovered> RecoverWithCrashes(const Bank& bank, bool saga, const std::string& dir, const FileSet& files,
                                       RecoveryCrashTally& tally);

// One judged state (a compact line from a replay worker: there is one per state; the fork
// engine fills the same fields from its trials).
struct StateLine {
  size_t index = 0;
  int64_t point = -1;           // crash point; -1 for a trial without one (errors campaign)
  std::string outcome, detail;  // detail only for violations
  bool after_failed_commit = false, intermediate = false;
  int64_t compensated = 0, acked = 0;
  int journals = 0, supers = 0, wals = 0;
  std::vector<int> rcs;
};
StateLine StateLineFromJson(const Json& line);

// One worker's share of a cell (the distinct states d with d % workers == worker, and the
// crosscheck trials c with c % workers == worker), in `dir` (exists; this worker's own).
// Emits, each with "cell": cell_index:
//   {"events": [...], "begun_at": [...]}                     (worker 0 only)
//   {"s": [...], "state": {...}}                              one per state judged (StateLine;
//                                                             the state when it is a violation)
//   {"crosscheck": c, "event": e, "identical": b, "detail": "..."}
//   {"stats": {"explored", "distinct", "possible", "seconds", "recovered"[, "recovery_crashes"]}}
Status ReplayCellShare(const TrialRunner& runner, const CellSpec& cell, const CampaignSpec& c, size_t cell_index,
                       size_t worker, size_t workers, const std::string& dir, const EmitLine& emit);

}  // namespace shardlab
