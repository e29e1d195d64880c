#pragma once
// One 2pc cell of a crash campaign (strategy 2pc, claim C12): N real PostgreSQL servers,
// started once for the cell and reused by every trial, hold the bank's accounts; each
// trial is one transfer whose coordinator (a forked child, faults/two_phase.h) is hit at
// one step point of the protocol, round-robin over the points:
//  - coordinator_crash: the coordinator SIGKILLs itself at the step;
//  - participant_crash: the coordinator stops at the step while one of the transfer's two
//    servers is SIGKILLed (postmaster and children) and restarted, then goes on.
// After the hit, with the coordinator gone: which servers hold the transfer prepared
// (blocked), what a reader sees (intermediate: one side applied, the other not), and a
// concurrent writer on a held row, measured while the coordinator stays down `down_ms`
// and the resolver (the restarted coordinator, ResolveTwoPhase) runs. Then the verdict:
// old / new / mixed as the servers hold it, lost when the log decided commit but the
// transfer is absent, and whether it is the outcome the step implies.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/json_fwd.h"
#include "core/status.h"
#include "core/workspace.h"
#include "faults/bank.h"
#include "postgres/pg_server.h"

namespace shardlab {

struct TwoPhaseCellSpec {
  BankSpec bank;          // shards = participants (servers); transfers >= trials (one per trial)
  std::string fault;      // coordinator_crash | participant_crash
  int64_t trials = 60;    // round-robin over the step points
  double down_ms = 50;    // how long the coordinator stays down before the resolver runs
  std::string data_dir;   // the cell's directory (exists): servers and the coordinator log go here
  PgBinaries binaries;
  PgUser user;
};

const std::vector<std::string>& TwoPhaseFaults();  // coordinator_crash, participant_crash

// The participants' server settings (PostgreSQL's defaults where they decide durability).
const std::vector<std::pair<std::string, std::string>>& TwoPhaseServerSettings();

// Why 2pc cells cannot run on this machine, "" when they can (then `bin` and `user` are set).
std::string TwoPhaseUnavailable(PgBinaries* bin, PgUser* user);

// Runs the cell; one JSON object (keys in scenarios/README.md). `progress` is called after
// each trial. Interrupted (Ctrl-C, SIGTERM) between trials: resolves what is prepared and
// returns the interruption; the servers stop either way.
StatusOr<Json> RunTwoPhaseCell(const TwoPhaseCellSpec& spec, Workspace& workspace,
                               const std::function<void()>& progress);

}  // namespace shardlab
