#include "kinds/crash/crash_spec.h"

#include <algorithm>
#include <set>

#include "core/json.h"
#include "faults/bank.h"
#include "faults/fail_points.h"
#include "faults/two_phase.h"
#include "faults/two_phase_campaign.h"
#include "scenario/metric_shape.h"
#include "sqlite/sqlite_facts.h"

namespace shardlab {
namespace {

std::string Listed(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Every element of a string list must be one of `allowed`; duplicates are refused too.
std::vector<std::string> ChoiceList(FieldReader& r, const char* key, std::vector<std::string> def,
                                    const std::vector<std::string>& allowed) {
  std::vector<std::string> values = r.StringList(key, def);
  std::set<std::string> seen;
  const std::string list = Listed(allowed);
  if (values.empty()) r.Problem(key, "found an empty array; expected at least one of " + list);
  for (const std::string& v : values) {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      r.Problem(key, "found \"" + v + "\"; expected values from " + list);
    } else if (!seen.insert(v).second) {
      r.Problem(key, "found \"" + v + "\" twice; each value once");
    }
  }
  return values;
}

std::vector<std::string> Joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

bool HasTwoPhase(const CrashSpec& c) {
  return std::find(c.strategies.begin(), c.strategies.end(), "2pc") != c.strategies.end();
}

bool IsTwoPhaseFault(const std::string& fault) {
  const std::vector<std::string>& f = TwoPhaseFaults();
  return std::find(f.begin(), f.end(), fault) != f.end();
}

std::vector<int64_t> TwoPhaseParticipants(const Scenario& s) {
  const CrashSpec& c = s.Spec<CrashSpec>();
  return c.participants.empty() ? std::vector<int64_t>{s.shards.count} : c.participants;
}

std::string ServersKey(int64_t participants) { return std::to_string(participants) + "_servers"; }

CrashSpec ReadCrashSpec(FieldReader& root) {
  FieldReader r = root.Object("crash");
  CrashSpec c;
  c.strategies = ChoiceList(r, "strategies", c.strategies, Joined(TransferStrategies(), {"2pc"}));
  c.journal_modes = ChoiceList(r, "journal_modes", c.journal_modes, {"delete", "truncate", "persist", "wal", "memory", "off"});
  c.synchronous = ChoiceList(r, "synchronous", c.synchronous, {"off", "normal", "full", "extra"});
  c.faults = ChoiceList(r, "faults", c.faults,
                        Joined({"process_crash", "power_loss", "power_loss_reorder", "power_loss_torn", "io_error"},
                               TwoPhaseFaults()));
  c.campaign = r.Choice("campaign", "enumerate", {"enumerate", "random", "errors"});
  c.engine = r.Choice("engine", c.campaign == "errors" ? "fork" : "replay", {"replay", "fork"});
  c.max_states_per_point = r.Int("max_states_per_point", 64, 1, 1'000'000);
  c.crosscheck = r.Int("crosscheck", 0, 0, 1'000'000);
  c.recovery_crashes = r.Bool("recovery_crashes", false);
  // Two transfers by default, so that the first is acknowledged before the second's crash
  // points and a lost acknowledged commit can be seen.
  c.transfers = r.Int("transfers", c.campaign == "random" ? 5 : 2, 1, 10'000);
  c.initial_balance = r.Int("initial_balance", 1000, 0, 1'000'000'000);
  c.trials = r.Int("trials", 100, 1, 10'000'000);
  c.fail_points = r.StringList("fail_points", std::vector<std::string>{});
  for (const std::string& name : c.fail_points) {
    if (auto fp = ParseFailPoint(name); !fp.ok()) r.Problem("fail_points", fp.status().message());
  }
  c.error = r.Choice("error", "EIO", {"EIO", "ENOSPC"});
  c.max_k = r.Int("max_k", 1000, 1, 1'000'000);
  c.relocate = r.Bool("relocate", false);
  c.timeout_s = r.Number("timeout_s", 10, 0, 3600, /*min_exclusive=*/true);
  c.workers = r.Int("workers", 0, 0, 256);
  c.coordinator_down_ms = r.Number("coordinator_down_ms", 50, 0, 60000);
  c.participants = r.IntList("participants", std::vector<int64_t>{}, 2, 4);
  for (size_t i = 0; i < c.participants.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (c.participants[i] == c.participants[j]) {
        r.Problem("participants", "found " + std::to_string(c.participants[i]) + " twice; each count once");
      }
    }
  }
  r.Finish();
  return c;
}

void CheckCrashSpec(const Scenario& s, Problems& problems) {
  const CrashSpec& c = s.Spec<CrashSpec>();
  const bool io_error = std::find(c.faults.begin(), c.faults.end(), "io_error") != c.faults.end();
  if ((c.campaign == "errors") != io_error || (io_error && c.faults.size() != 1)) {
    problems.Add("crash.campaign", "found \"" + c.campaign +
                                       "\" with faults as given; the errors campaign goes with faults [\"io_error\"] "
                                       "alone, and io_error only with the errors campaign");
  }
  if (c.campaign == "errors" && c.engine != "fork") {
    problems.Add("crash.engine", "found \"" + c.engine + "\"; the errors campaign needs the fork engine: SQLite's "
                                 "reaction to an I/O error needs the live writer");
  }
  if (c.engine == "fork" && std::find(c.faults.begin(), c.faults.end(), "power_loss_reorder") != c.faults.end()) {
    problems.Add("crash.faults", "found \"power_loss_reorder\" with engine \"fork\"; reordered writes are generated "
                                 "from a recorded trace: use engine \"replay\"");
  }
  if (c.engine == "fork" && c.recovery_crashes) {
    problems.Add("crash.recovery_crashes", "found true with engine \"fork\"; crashes during recovery are generated "
                                           "from recovery's recorded I/O: use engine \"replay\"");
  }
  if (c.engine == "fork" && c.crosscheck > 0) {
    problems.Add("crash.crosscheck", "found " + std::to_string(c.crosscheck) +
                                         " with engine \"fork\"; crosscheck compares the replay engine with fork trials");
  }
  if (c.campaign == "errors" && c.fail_points.empty()) {
    problems.Add("crash.fail_points", "missing; the errors campaign needs at least one fail point");
  }
  if (s.shards.count < 2) {
    problems.Add("shards.count", "found " + std::to_string(s.shards.count) + "; transfers need at least 2 shards");
  }
  // 2pc and the SQLite strategies each need faults of their own; a fault nobody can take is refused.
  std::vector<std::string> sqlite_strategies, sqlite_faults, pg_faults;
  for (const std::string& st : c.strategies) {
    if (st != "2pc") sqlite_strategies.push_back(st);
  }
  for (const std::string& f : c.faults) (IsTwoPhaseFault(f) ? pg_faults : sqlite_faults).push_back(f);
  if (HasTwoPhase(c) && pg_faults.empty()) {
    problems.Add("crash.faults", "found [" + Listed(c.faults) + "] with strategy 2pc; 2pc needs coordinator_crash, "
                                 "participant_crash or both");
  }
  if (!HasTwoPhase(c) && !pg_faults.empty()) {
    problems.Add("crash.faults", "found \"" + pg_faults[0] + "\"; it is a fault of strategy 2pc (PostgreSQL servers), "
                                 "which crash.strategies does not list");
  }
  if (!sqlite_strategies.empty() && sqlite_faults.empty()) {
    problems.Add("crash.faults", "found [" + Listed(c.faults) + "]; strategies " + Listed(sqlite_strategies) +
                                     " run on SQLite shards and need a SQLite fault (process_crash, power_loss, ...)");
  }
  if (sqlite_strategies.empty() && !sqlite_faults.empty()) {
    problems.Add("crash.faults", "found \"" + sqlite_faults[0] + "\" with strategy 2pc alone; 2pc takes only "
                                 "coordinator_crash and participant_crash");
  }
  if (!HasTwoPhase(c) && !c.participants.empty()) {
    problems.Add("crash.participants", "found a list without strategy 2pc; it sets 2pc's number of PostgreSQL servers");
  }
  if (HasTwoPhase(c)) {
    if (c.participants.empty() && s.shards.count > 4) {
      problems.Add("shards.count", "found " + std::to_string(s.shards.count) + "; strategy 2pc starts one PostgreSQL "
                                   "server per shard: 2 to 4 (or set crash.participants)");
    }
    int64_t most = 0;
    for (int64_t n : TwoPhaseParticipants(s)) most = std::max(most, n);
    const int steps = TwoPhaseStepCount(static_cast<int>(most));
    if (c.trials < steps) {
      problems.Add("crash.trials", "found " + std::to_string(c.trials) + "; 2pc cells spread their trials over the " +
                                       std::to_string(steps) + " step points of the protocol: at least " +
                                       std::to_string(steps));
    }
  }
  const bool attach = std::find(c.strategies.begin(), c.strategies.end(), "attach") != c.strategies.end();
  const int limit = LinkedAttachLimit();
  if (attach && s.shards.count > static_cast<uint32_t>(limit) + 1) {
    problems.Add("shards.count", "found " + std::to_string(s.shards.count) + "; the attach strategy opens shard 0 and " +
                                     "ATTACHes the rest, and the linked SQLite allows " + std::to_string(limit) +
                                     " attached databases (SQLITE_LIMIT_ATTACHED), so at most " +
                                     std::to_string(limit + 1) + " shards");
  }
  // Not supported rather than ignored: every trial is one fresh directory holding all the
  // shards (a copy of the template), and the crash VFS, the disk models and the replay
  // engine know a file by its name in that directory and model that one directory's
  // syncs; the digits layout's subdirectories (and same names in them: 0/00/1.db,
  // 0/01/1.db) and roots elsewhere have no place in that model.
  if (s.shards.layout != "flat") {
    problems.Add("shards.layout", "found \"" + s.shards.layout + "\"; the crash kind supports only \"flat\": every "
                                  "trial keeps all shards in one directory, the one directory its crash models simulate");
  }
  if (s.shards.roots != std::vector<std::string>{"."}) {
    std::string roots;
    for (const std::string& root : s.shards.roots) roots += (roots.empty() ? "\"" : ", \"") + root + "\"";
    problems.Add("shards.roots", "found [" + roots + "]; the crash kind supports only [\".\"]: every trial keeps all "
                                 "shards in one fresh directory under the data directory");
  }
}

const std::set<std::string>& CrashMetricRoots() {
  static const std::set<std::string> kRoots = {"cells", "matrix", "trials", "trials_per_s", "states_per_s", "states_distinct",
                                               "model", "accounts", "engine", "states_on"};
  return kRoots;
}

Json CrashMetricShape(const Scenario& s) {
  const CrashSpec& c = s.Spec<CrashSpec>();
  Json cell = Json::object(), pg_cell = Json::object();
  for (const std::string& fault : c.faults) (IsTwoPhaseFault(fault) ? pg_cell : cell)[fault] = nullptr;
  Json sync = Json::object();
  for (const std::string& mode : c.synchronous) sync[mode] = cell;
  Json journal = Json::object();
  for (const std::string& mode : c.journal_modes) journal[mode] = sync;
  Json matrix = Json::object();
  for (const std::string& strategy : c.strategies) {
    if (strategy != "2pc") {
      matrix[strategy] = journal;
      continue;
    }
    for (int64_t n : TwoPhaseParticipants(s)) matrix[strategy]["postgres"][ServersKey(n)] = pg_cell;
  }
  Json shape = OpenShape(CrashMetricRoots());
  shape["matrix"] = matrix;
  return shape;
}

void ApplyCrashQuickMode(Scenario& s) {
  CrashSpec& c = s.MutableSpec<CrashSpec>();
  // 20 keeps a round of every 2pc step point (2 * servers + 2 <= 10).
  c.trials = std::min<int64_t>(c.trials, 20);
  s.resolved["crash"]["trials"] = c.trials;
  c.max_states_per_point = std::min<int64_t>(c.max_states_per_point, 8);
  s.resolved["crash"]["max_states_per_point"] = c.max_states_per_point;
  c.crosscheck = std::min<int64_t>(c.crosscheck, 2);
  s.resolved["crash"]["crosscheck"] = c.crosscheck;
}

}  // namespace shardlab
