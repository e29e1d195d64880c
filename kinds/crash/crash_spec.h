#pragma once
// The `crash` block of kind = crash scenarios: reading, cross-field checks, the metric
// names `expect` may use, and --quick.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// kind = crash: the matrix of cells (strategy x journal mode x synchronous x fault model)
// and the campaign that runs trials in each; the accounts are `keys`, spread by `router`.
// The SQLite strategies (naive, attach, saga) go with the SQLite faults; strategy 2pc
// (PostgreSQL servers, faults/two_phase_campaign.h) with coordinator_crash and
// participant_crash, in the cells matrix.2pc.postgres.<N>_servers.<fault>: PostgreSQL (with
// its defaults, fsync and synchronous_commit on) in the journal mode's place, the number
// of servers in the synchronous setting's.
struct CrashSpec {
  std::vector<std::string> strategies{"naive", "attach"};
  std::vector<std::string> journal_modes{"delete", "wal"};
  std::vector<std::string> synchronous{"full"};
  // process_crash | power_loss | power_loss_reorder | power_loss_torn | io_error
  std::vector<std::string> faults{"process_crash"};
  std::string campaign = "enumerate";                // enumerate | random | errors
  std::string engine = "replay";                     // replay | fork (errors: fork)
  int64_t max_states_per_point = 64;                 // power_loss_reorder: states per crash point, at most
  int64_t crosscheck = 0;                            // replay: fork trials per cell compared with the replay
  bool recovery_crashes = false;                     // replay: also crash each recovery that does I/O
  int64_t transfers = 2;                             // transfers per trial
  int64_t initial_balance = 1000;
  int64_t trials = 100;                              // random: trials per cell
  std::vector<std::string> fail_points;              // errors: vfs/... and posix/... points
  std::string error = "EIO";                         // errors: EIO | ENOSPC
  int64_t max_k = 1000;                              // errors: calls tried per point, at most
  bool relocate = false;                             // move the shard directory before recovery
  double timeout_s = 10;                             // a trial child past it is `hung`
  int64_t workers = 0;                               // worker processes; 0: one per core
  double coordinator_down_ms = 50;                   // 2pc: how long a crashed coordinator stays down
  std::vector<int64_t> participants;                 // 2pc: server counts, a cell each; empty: [shards.count]
};

// Strategy 2pc runs over PostgreSQL servers with its own faults; the others over SQLite.
bool HasTwoPhase(const CrashSpec& c);
bool IsTwoPhaseFault(const std::string& fault);
// The 2pc server counts of `s`: crash.participants, or [shards.count] when not given.
std::vector<int64_t> TwoPhaseParticipants(const Scenario& s);
// The matrix key of a 2pc cell's server count: "2_servers".
std::string ServersKey(int64_t participants);

CrashSpec ReadCrashSpec(FieldReader& root);
void CheckCrashSpec(const Scenario& s, Problems& problems);
// Metric roots of a crash result.
const std::set<std::string>& CrashMetricRoots();
// The metric paths a run of `s` has: matrix.<strategy>.<journal>.<synchronous>.<fault>
// from the spec (scenario/metric_shape.h).
Json CrashMetricShape(const Scenario& s);
// --quick: random campaigns and 2pc cells run at most 20 trials per cell; power_loss_reorder explores at
// most 8 states per crash point; at most 2 crosscheck trials per cell.
void ApplyCrashQuickMode(Scenario& s);

}  // namespace shardlab
