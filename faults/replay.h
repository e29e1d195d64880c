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

#include "faults/cell.h"
#include "faults/checker.h"
#include "faults/crash_state.h"
#include "faults/io_trace.h"
#include "faults/trial.h"
#include "faults/worker_pool.h"

namespace shardlab {

struct ReplayPlan {
  std::string campaign = "enumerate";  // enumerate: every state; random: `random_states` of them
  uint32_t transfers = 2;
  int64_t random_states = 100;
  int64_t max_states_per_point = 64;   // power_loss_reorder's bound
  int64_t crosscheck = 0;              // fork trials per cell compared with the replayed prefix
  bool relocate = false;               // materialise states in another directory than the recording's
  double timeout_s = 10;
  uint64_t seed = 1;
  uint32_t prng_seed = 1;
};

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
// Every state of `model` at every crash point 0..N (enumerate), or random ones.
CellStates GenerateStates(const IoTrace& trace, const std::string& model, const ReplayPlan& plan, uint64_t cell_seed);

// One worker's share of a cell (the distinct states d with d % workers == worker, and the
// crosscheck trials c with c % workers == worker), in `dir` (exists; this worker's own).
// Emits, each with "cell": cell_index:
//   {"events": [...], "begun_at": [...]}                     (worker 0 only)
//   {"i": state, "p": point, "r": {...}, "state": {...}}     one per state judged
//   {"crosscheck": c, "event": e, "identical": b, "detail": "..."}
//   {"stats": {"explored", "distinct", "possible", "seconds", "recovered"}}
Status ReplayCellShare(const TrialRunner& runner, const CellSpec& cell, const ReplayPlan& plan, size_t cell_index,
                       size_t worker, size_t workers, const std::string& dir, const EmitLine& emit);

}  // namespace shardlab
