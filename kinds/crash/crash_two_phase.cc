#include "kinds/crash/crash_two_phase.h"

#include "core/json.h"
#include "core/progress.h"
#include "faults/two_phase_campaign.h"
#include "kinds/crash/crash_spec.h"

namespace shardlab {

StatusOr<Json> RunTwoPhaseCells(const Scenario& s, RunContext& context) {
  const CrashSpec& crash = s.Spec<CrashSpec>();
  Json cells = Json::array();
  if (!HasTwoPhase(crash)) return cells;
  std::vector<std::string> faults;
  for (const std::string& f : crash.faults) {
    if (IsTwoPhaseFault(f)) faults.push_back(f);
  }
  PgBinaries bin;
  PgUser user;
  const std::string unavailable = TwoPhaseUnavailable(&bin, &user);
  if (!unavailable.empty()) {
    for (int64_t n : TwoPhaseParticipants(s)) {
      for (const std::string& f : faults) {
        cells.push_back({{"strategy", "2pc"}, {"journal_mode", "postgres"}, {"synchronous", "on"}, {"fault", f},
                         {"participants", n}, {"engine", "postgres"}, {"trials", 0}, {"unavailable", unavailable}});
      }
    }
    return cells;
  }
  TwoPhaseCellSpec spec;
  spec.bank.accounts = s.keys.count;
  spec.bank.initial_balance = crash.initial_balance;
  spec.bank.keys = s.keys;
  spec.bank.router = s.router;
  spec.bank.transfers = static_cast<uint32_t>(crash.trials);  // one transfer per trial
  spec.bank.seed = s.seed;
  spec.trials = crash.trials;
  spec.down_ms = crash.coordinator_down_ms;
  spec.binaries = bin;
  spec.user = user;
  const std::vector<int64_t> counts = TwoPhaseParticipants(s);
  Progress progress("2pc trials", static_cast<uint64_t>(crash.trials) * faults.size() * counts.size());
  for (int64_t n : counts) {
    spec.bank.shards = static_cast<uint32_t>(n);
    spec.bank.files.clear();
    for (int64_t id = 0; id < n; ++id) spec.bank.files.push_back("participant" + std::to_string(id));
    for (const std::string& f : faults) {
      spec.fault = f;
      spec.data_dir = context.data_dir + "/2pc-" + ServersKey(n) + "-" + f;
      SHARDLAB_RETURN_IF_ERROR(context.workspace.MakeDirs(spec.data_dir));
      SHARDLAB_ASSIGN_OR_RETURN(Json cell, RunTwoPhaseCell(spec, context.workspace, [&] { progress.Add(1); }));
      cells.push_back(std::move(cell));
    }
  }
  return cells;
}

}  // namespace shardlab
