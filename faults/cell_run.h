#pragma once
// What an engine hands the campaign for one cell: every judged crash state (replay) or
// trial (fork), the events of the cell's clean run, and the engine's own counts. The
// campaign turns it into the cell's result (campaign.cc); the engines fill it
// (fork_engine.cc, replay_engine.cc).
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "faults/campaign.h"
#include "faults/replay.h"

namespace shardlab {

constexpr size_t kMaxViolationsListed = 50;

// One judged crash state (replay) or trial (fork), as the cell's tallies need it: the
// verdict and counts (StateLine), and how a violation names it.
struct StateOutcome : StateLine {
  bool crashed = false;
  Json where;  // spec, state, event, fail point
  std::string fail_point;
  int64_t k = 0;
  bool fired = false;
};

struct CellRun {
  std::vector<StateOutcome> states;
  Json events = Json::array();
  std::vector<uint32_t> begun_at;  // events issued when each transfer began (the clean run)
  Json calls = Json::object();     // errors: evaluations of each fail point in the clean run
  Json trace;                      // replay: the recorded trace's counts
  std::string engine;
  int64_t explored = 0, distinct = 0;
  double possible = 0;
  double seconds = 0;              // this cell's wall time (the slowest worker's share)
  int64_t cc_trials = 0, cc_identical = 0;
  Json cc_differing = Json::array();
  std::set<int64_t> worker_explored, worker_distinct;  // replay: every worker must agree
  int64_t rc_states = 0, rc_differing = 0;  // replay: crashes during recovery
  Json rc_differences = Json::array();
};

// The event at `index` of a cell's events (JSON objects), or null.
Json EventJson(const Json& events, int64_t index);

// Runs every cell of `c` with the engine, filling `runs` (one per cell).
Status RunForkEngine(const TrialRunner& runner, const CampaignSpec& c, std::vector<CellRun>& runs,
                     const CampaignProgress& progress);
Status RunReplayEngine(const TrialRunner& runner, const CampaignSpec& c, std::vector<CellRun>& runs,
                       const CampaignProgress& progress);

}  // namespace shardlab
