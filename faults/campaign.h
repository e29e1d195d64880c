#pragma once
// A crash campaign over cells (strategy x journal mode x synchronous x fault model), run by
// one of two engines:
//  - replay (default): each cell's I/O is recorded once and every crash state its model
//    allows is materialised, recovered and judged in worker processes (replay.h);
//  - fork: a real child per trial, SIGKILLed at the crash point (trial.h) — the engine of
//    io_error (SQLite's reaction to an error needs the live writer), and the reference the
//    replay engine is cross-checked against.
// Crash points are 0..N, N the events of the cell's transfers: point p is "after the first
// p events", every answer given before event p returned to its client. Campaigns:
// enumerate (every point; for power_loss_reorder every state up to the bound), random (N
// states at random points from the seed), errors (the k-th call of each fail point).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "faults/cell.h"
#include "faults/trial.h"

namespace shardlab {

struct CampaignSpec {
  std::vector<CellSpec> cells;
  std::string engine = "replay";       // replay | fork (errors campaigns always fork)
  std::string campaign = "enumerate";  // enumerate | random | errors
  uint32_t transfers = 2;              // transfers per trial
  int64_t random_trials = 100;         // random: trials (states) per cell
  int64_t max_states_per_point = 64;   // replay, power_loss_reorder: the bound per crash point
  int64_t crosscheck = 0;              // replay: fork trials per cell compared with the replayed prefix
  bool recovery_crashes = false;       // replay: crash recovery itself at each of its I/O events
  std::vector<std::string> fail_points;  // errors
  int fail_errno = 5;
  int64_t max_k = 1000;                // errors: at most this many calls per point
  bool relocate = false;
  double timeout_s = 10;
  int workers = 1;
  uint64_t seed = 1;
  std::string trial_root;              // where fork trial directories go (exists)
  std::string state_root;              // where replay workers materialise states (exists)
  bool keep_failures = false;
};

// Progress callback: units done, units in all (fork: trials; replay: cells x workers).
using CampaignProgress = std::function<void(uint64_t done, uint64_t total)>;

// Runs every cell; returns one JSON object per cell (keys in scenarios/README.md).
// `repro_command` is the command line prefix that reruns one trial ("shardlab repro R --trial").
StatusOr<Json> RunCampaign(const TrialRunner& runner, const CampaignSpec& spec, const std::string& repro_command,
                           const CampaignProgress& progress);

// The SQLite PRNG seed both engines use before the transfers (super-journal names).
uint32_t PrngSeedOf(uint64_t seed);

}  // namespace shardlab
