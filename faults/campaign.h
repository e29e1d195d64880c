#pragma once
// A crash campaign over cells (strategy x journal mode x synchronous x fault model): the
// clean runs that number the events, the trial list of each cell (enumerate: before and
// after every event; random: N trials at random events from the seed; errors: the k-th
// call of each fail point), the trials spread over worker processes, and the per-cell
// tallies with the commit point.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "faults/trial.h"

namespace shardlab {

struct CellSpec {
  std::string strategy, journal_mode, synchronous;
  std::string fault;  // process_crash | power_loss | power_loss_torn | io_error
};

struct CampaignSpec {
  std::vector<CellSpec> cells;
  std::string campaign = "enumerate";  // enumerate | random | errors
  uint32_t transfers = 1;              // transfers per trial
  int64_t random_trials = 100;         // random: trials per cell
  std::vector<std::string> fail_points;  // errors
  int fail_errno = 5;
  int64_t max_k = 1000;                // errors: at most this many calls per point
  bool relocate = false;
  double timeout_s = 10;
  int workers = 1;
  uint64_t seed = 1;
  std::string trial_root;              // where trial directories go (exists)
  bool keep_failures = false;
};

// SQLite's documentation: which cells promise that an acknowledged commit survives.
bool DurabilityPromised(const CellSpec& cell);
// journal_mode memory/off: accepted, and expected to be unsafe.
bool ExpectedUnsafe(const CellSpec& cell);
bool IsViolation(const CellSpec& cell, const TrialResult& r);

// Progress callback: trials done, trials in all.
using CampaignProgress = std::function<void(uint64_t done, uint64_t total)>;

// Runs every cell; returns one JSON object per cell (keys in scenarios/README.md).
// `repro_command` is the command line prefix that reruns one trial ("shardlab repro R --trial").
StatusOr<Json> RunCampaign(const TrialRunner& runner, const CampaignSpec& spec, const std::string& repro_command,
                           const CampaignProgress& progress);

}  // namespace shardlab
