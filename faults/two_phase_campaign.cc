#include "faults/two_phase_campaign.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>

#include "core/elapsed.h"
#include "core/interrupt.h"
#include "core/json.h"
#include "faults/coordinator_log.h"
#include "faults/two_phase.h"
#include "postgres/pg_client.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxListed = 20;   // violations listed per cell

double Ms(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double Round1(double v) { return std::round(v * 10) / 10; }

// {p50, max} of `values` in ms (the lower median); null when there are none.
Json P50Max(std::vector<double> values) {
  if (values.empty()) return nullptr;
  std::sort(values.begin(), values.end());
  return {{"p50", Round1(values[(values.size() - 1) / 2])}, {"max", Round1(values.back())}, {"n", values.size()}};
}

// The cell's servers and the parent's two connections to each: `reader` (setup, reads,
// the resolver) and `writer` (the concurrent writer, its own session so it can block).
struct Participants {
  std::vector<std::unique_ptr<PgServer>> servers;
  std::vector<std::unique_ptr<PgConnection>> readers, writers;

  std::string ConnInfo(uint32_t s) const {
    // Notices (a ROLLBACK with nothing to roll back) stay off the console.
    return servers[s]->ConnInfo() + " options='-c client_min_messages=error'";
  }
  Status Connect(uint32_t s) {
    SHARDLAB_ASSIGN_OR_RETURN(PgConnection reader, PgConnection::Connect(ConnInfo(s)));
    SHARDLAB_ASSIGN_OR_RETURN(PgConnection writer, PgConnection::Connect(ConnInfo(s)));
    readers[s] = std::make_unique<PgConnection>(std::move(reader));
    writers[s] = std::make_unique<PgConnection>(std::move(writer));
    return Status::Ok();
  }
  std::vector<PgConnection*> ReaderPointers() {
    std::vector<PgConnection*> out;
    for (auto& c : readers) out.push_back(c.get());
    return out;
  }
};

StatusOr<bool> Applied(PgConnection& conn, int64_t id) {
  SHARDLAB_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT count(*) FROM txlog WHERE id = " + std::to_string(id)));
  return rows.at(0).at(0) != "0";
}

StatusOr<int64_t> Balance(PgConnection& conn, const std::string& account) {
  SHARDLAB_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT balance FROM accounts WHERE name = " + PgLiteral(account)));
  if (rows.size() != 1) return Status::Runtime("account " + account + " is missing from its participant");
  return std::stoll(rows[0].at(0));
}

StatusOr<bool> Holds(PgConnection& conn, const std::string& gid) {
  SHARDLAB_ASSIGN_OR_RETURN(std::vector<std::string> gids, PreparedGids(conn));
  return std::find(gids.begin(), gids.end(), gid) != gids.end();
}

struct StepTally {
  int64_t trials = 0, old_ = 0, new_ = 0, mixed = 0, lost = 0, blocked = 0, intermediate = 0;
};

}  // namespace

const std::vector<std::string>& TwoPhaseFaults() {
  static const std::vector<std::string> kFaults = {"coordinator_crash", "participant_crash"};
  return kFaults;
}

const std::vector<std::pair<std::string, std::string>>& TwoPhaseServerSettings() {
  static const std::vector<std::pair<std::string, std::string>> kSettings = {
      {"fsync", "on"},                     // the default: nothing is faked
      {"synchronous_commit", "on"},        // the default
      {"max_prepared_transactions", "8"},  // 0 by default, which disables PREPARE TRANSACTION
      {"max_connections", "12"},           // the parent's reader and writer, a coordinator
      {"jit", "off"},
  };
  return kSettings;
}

std::string TwoPhaseUnavailable(PgBinaries* bin, PgUser* user) {
  if (!PgClientAvailable()) return "2pc not available (built without libpq)";
  *bin = FindPgBinaries();
  if (!bin->found()) return "2pc not available (" + bin->reason + ")";
  StatusOr<PgUser> u = PgServerUser();
  if (!u.ok()) return "2pc not available (" + u.status().message() + ")";
  *user = *u;
  return "";
}

StatusOr<Json> RunTwoPhaseCell(const TwoPhaseCellSpec& spec, Workspace& workspace,
                               const std::function<void()>& progress) {
  SHARDLAB_ASSIGN_OR_RETURN(Bank bank, Bank::Make(spec.bank));
  const uint32_t n = spec.bank.shards;
  if (static_cast<int64_t>(bank.transfers().size()) < spec.trials) {
    return Status::Runtime("the 2pc cell needs a transfer per trial");
  }
  const bool participant_crash = spec.fault == "participant_crash";
  const int involved = static_cast<int>(n);  // every transaction spans all participants
  const int steps = TwoPhaseStepCount(involved);

  // The servers, once for the cell.
  const auto setup0 = Clock::now();
  Participants p;
  p.readers.resize(n);
  p.writers.resize(n);
  for (uint32_t s = 0; s < n; ++s) {
    const std::string parent = spec.data_dir + "/participant" + std::to_string(s);
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(parent));
    SHARDLAB_ASSIGN_OR_RETURN(std::string dir, MakePgServerDir(workspace, parent, spec.user));
    PgServerOptions o;
    o.bindir = spec.binaries.bindir;
    o.dir = dir;
    o.user = spec.user;
    o.settings = TwoPhaseServerSettings();
    SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<PgServer> server, PgServer::Start(o));
    p.servers.push_back(std::move(server));
    SHARDLAB_RETURN_IF_ERROR(p.Connect(s));
    SHARDLAB_RETURN_IF_ERROR(CreateParticipantTables(*p.readers[s], bank, s));
  }
  SHARDLAB_ASSIGN_OR_RETURN(auto version, p.readers[0]->Query("SHOW server_version"));
  const std::string log_path = spec.data_dir + "/coordinator.db";
  SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(log_path));
  SHARDLAB_ASSIGN_OR_RETURN(CoordinatorLog log, CoordinatorLog::Open(log_path));
  const double setup_s = SecondsSince(setup0);

  std::map<std::string, int64_t> balance;  // what each account holds after the trials so far
  for (const auto& [name, shard] : bank.accounts()) balance[name] = spec.bank.initial_balance;
  std::vector<StepTally> by_step(steps);
  int64_t old_ = 0, new_ = 0, mixed = 0, lost = 0, corrupt = 0, as_expected = 0, blocked = 0, writers_blocked = 0,
          intermediate = 0, leftover_after_trial = 0, kills = 0, coordinator_failures = 0;
  std::vector<double> blocked_ms, resolve_ms;
  Json violations = Json::array();
  int64_t violations_total = 0;
  const auto trials0 = Clock::now();
  int64_t done = 0;

  // On an interruption: resolve what is prepared, so nothing is left even before the
  // servers stop, and report the interruption.
  auto interrupted = [&]() -> Status {
    (void)ResolveTwoPhase(log, p.ReaderPointers());
    return CheckInterrupted();
  };

  for (int64_t i = 0; i < spec.trials; ++i) {
    if (Interrupted()) return interrupted();
    const Transfer& t = bank.transfers()[static_cast<size_t>(i)];
    const int step = static_cast<int>(i % steps);
    const std::string gid = TransferGid(static_cast<uint64_t>(i), t);
    // A participant crash hits each participant in protocol order in turn, a round of
    // every step point each.
    const std::vector<uint32_t> order = TwoPhaseOrder(t, n);
    const int crashed = participant_crash ? static_cast<int>((i / steps) % n) : -1;
    const uint32_t victim = order[static_cast<size_t>(std::max(crashed, 0))];
    std::vector<std::string> conninfos;
    for (uint32_t s = 0; s < n; ++s) conninfos.push_back(p.ConnInfo(s));

    std::function<Status()> pause;
    if (participant_crash) {
      pause = [&]() -> Status {
        SHARDLAB_RETURN_IF_ERROR(p.servers[victim]->Kill());
        return p.servers[victim]->Restart();
      };
    }
    SHARDLAB_ASSIGN_OR_RETURN(CoordinatorOutcome coordinator, RunCoordinatorChild(log_path, conninfos, t, gid, step, pause));
    if (participant_crash) {
      SHARDLAB_RETURN_IF_ERROR(p.Connect(victim));  // the restarted server listens on a new port
    } else if (!coordinator.killed) {
      return Status::Runtime("the coordinator of " + gid + " was to be killed " + TwoPhaseStepName(step, involved) +
                             " but " + (coordinator.finished ? "finished" : "failed: " + coordinator.failure));
    }
    kills += coordinator.killed ? 1 : 0;
    coordinator_failures += coordinator.failure.empty() ? 0 : 1;

    // The coordinator is gone: who holds the transfer prepared, and what a reader sees.
    int holder = -1;  // the first participant in protocol order holding it
    std::vector<bool> seen;
    for (uint32_t s : order) {
      SHARDLAB_ASSIGN_OR_RETURN(bool holds, Holds(*p.readers[s], gid));
      if (holds && holder < 0) holder = static_cast<int>(s);
      SHARDLAB_ASSIGN_OR_RETURN(bool applied, Applied(*p.readers[s], t.id));
      seen.push_back(applied);
    }
    const bool held = holder >= 0;
    const bool seen_mixed = std::count(seen.begin(), seen.end(), true) % static_cast<int64_t>(n) != 0;

    // A writer on what is held (the source's row when nothing is) while the coordinator
    // stays down, then the resolver.
    const uint32_t write_on = held ? static_cast<uint32_t>(holder) : t.from_shard;
    double resolve_took = 0;
    SHARDLAB_ASSIGN_OR_RETURN(
        BlockedWriter w, MeasureBlockedWriter(*p.writers[write_on], TwoPhaseWriterSql(t, write_on), spec.down_ms,
                                              [&]() -> Status {
                                                const auto r0 = Clock::now();
                                                auto resolved = ResolveTwoPhase(log, p.ReaderPointers());
                                                resolve_took = Ms(r0);
                                                return resolved.status();
                                              }));

    // The verdict, once resolved.
    int64_t still_prepared = 0;
    for (uint32_t s = 0; s < n; ++s) {
      SHARDLAB_ASSIGN_OR_RETURN(std::vector<std::string> gids, PreparedGids(*p.readers[s]));
      still_prepared += static_cast<int64_t>(gids.size());
    }
    int64_t applied_on = 0;
    for (uint32_t s = 0; s < n; ++s) {
      SHARDLAB_ASSIGN_OR_RETURN(bool applied, Applied(*p.readers[s], t.id));
      applied_on += applied ? 1 : 0;
    }
    const bool from_applied = applied_on == n;
    SHARDLAB_ASSIGN_OR_RETURN(int64_t from_balance, Balance(*p.readers[t.from_shard], t.from));
    SHARDLAB_ASSIGN_OR_RETURN(int64_t to_balance, Balance(*p.readers[t.to_shard], t.to));
    SHARDLAB_ASSIGN_OR_RETURN(std::optional<LoggedTxn> logged, log.Find(gid));
    const bool decided_commit = logged && logged->decision == TxnDecision::kCommit;
    std::string outcome;
    std::string detail;
    if (applied_on != 0 && applied_on != n) {
      outcome = "mixed";
      detail = "applied on " + std::to_string(applied_on) + " of " + std::to_string(n) + " participants";
    } else if (!from_applied && decided_commit) {
      outcome = "lost";
      detail = "the log decided commit, but no participant has the transfer";
    } else if (from_balance != balance[t.from] - (from_applied ? t.amount : 0) ||
               to_balance != balance[t.to] + (from_applied ? t.amount : 0)) {
      outcome = "corrupt";
      detail = "balances " + std::to_string(from_balance) + " and " + std::to_string(to_balance) +
               " do not match the transfer's record";
    } else {
      outcome = from_applied ? "new" : "old";
    }
    if (outcome == "new") {
      balance[t.from] -= t.amount;
      balance[t.to] += t.amount;
    } else if (outcome != "old") {
      balance[t.from] = from_balance;  // judge the next trials against what is there
      balance[t.to] = to_balance;
    }
    const bool expected_commit = TwoPhaseCommittedAt(step, involved, crashed);
    const bool expected = (outcome == "new" && expected_commit) || (outcome == "old" && !expected_commit);
    if (!expected && detail.empty()) {
      detail = std::string(expected_commit ? "rolled back" : "committed") + " although " +
               TwoPhaseStepName(step, involved) + " implies " + (expected_commit ? "commit" : "abort");
    }
    if (still_prepared > 0) detail += (detail.empty() ? "" : "; ") + std::to_string(still_prepared) + " still prepared after the resolver";

    StepTally& tally = by_step[static_cast<size_t>(step)];
    ++tally.trials;
    (outcome == "new" ? new_ : outcome == "old" ? old_ : outcome == "mixed" ? mixed : outcome == "lost" ? lost : corrupt) += 1;
    (outcome == "new" ? tally.new_ : outcome == "old" ? tally.old_ : outcome == "mixed" ? tally.mixed : tally.lost) += 1;
    as_expected += expected ? 1 : 0;
    if (held) {
      ++blocked;
      ++tally.blocked;
      resolve_ms.push_back(resolve_took);
    }
    if (w.blocked) {
      ++writers_blocked;
      blocked_ms.push_back(w.waited_ms);
    }
    if (seen_mixed) {
      ++intermediate;
      ++tally.intermediate;
    }
    leftover_after_trial += still_prepared;
    if (!expected || still_prepared > 0) {
      ++violations_total;
      if (violations.size() < kMaxListed) {
        violations.push_back({{"trial", i}, {"gid", gid}, {"step", step}, {"at", TwoPhaseStepName(step, involved)},
                              {"outcome", outcome}, {"detail", detail}});
      }
    }
    ++done;
    if (progress) progress();
  }
  const double trials_s = SecondsSince(trials0);

  // After the cell: nothing prepared anywhere, and the money all there.
  int64_t leftover = 0, total = 0;
  for (uint32_t s = 0; s < n; ++s) {
    SHARDLAB_ASSIGN_OR_RETURN(std::vector<std::string> gids, PreparedGids(*p.readers[s]));
    leftover += static_cast<int64_t>(gids.size());
    SHARDLAB_ASSIGN_OR_RETURN(auto rows, p.readers[s]->Query("SELECT coalesce(sum(balance), 0) FROM accounts"));
    total += std::stoll(rows.at(0).at(0));
  }
  int restarts = 0;
  for (const auto& server : p.servers) restarts += server->kills();

  Json step_rows = Json::array();
  for (int s = 0; s < steps; ++s) {
    const StepTally& tally = by_step[static_cast<size_t>(s)];
    Json row = {{"step", s}, {"at", TwoPhaseStepName(s, involved)}};
    if (participant_crash) {
      // By which participant (in protocol order) crashed.
      row["commit_expected"] = Json::array();
      for (int k = 0; k < involved; ++k) row["commit_expected"].push_back(TwoPhaseCommittedAt(s, involved, k));
    } else {
      row["commit_expected"] = TwoPhaseCommittedAt(s, involved);
    }
    row.update(Json{{"trials", tally.trials}, {"old", tally.old_}, {"new", tally.new_}, {"mixed", tally.mixed},
                    {"lost", tally.lost}, {"blocked", tally.blocked}, {"intermediate", tally.intermediate}});
    step_rows.push_back(std::move(row));
  }
  Json settings = Json::object();
  for (const auto& [name, value] : TwoPhaseServerSettings()) settings[name] = value;
  Json out = {{"strategy", "2pc"},
              {"journal_mode", "postgres"},
              {"synchronous", "on"},
              {"fault", spec.fault},
              {"engine", "postgres"},
              {"participants", n},
              {"trials", spec.trials},
              {"old", old_},
              {"new", new_},
              {"mixed", mixed},
              {"lost", lost},
              {"corrupt", corrupt},
              {"as_expected", as_expected},
              {"intermediate", intermediate},
              {"blocked", blocked},
              {"writers_blocked", writers_blocked},
              {"blocked_ms", P50Max(blocked_ms)},
              {"resolve_ms", P50Max(resolve_ms)},
              {"down_ms", spec.down_ms},
              {"leftover_prepared", leftover},
              {"leftover_after_trial", leftover_after_trial},
              {"participant_restarts", restarts},
              {"coordinator_kills", kills},
              {"coordinator_failures", coordinator_failures},
              {"total_balance", total},
              {"total_balance_expected", bank.total_balance()},
              {"violations_total", violations_total},
              {"violations", violations},
              {"steps", step_rows},
              {"trials_per_s", trials_s > 0 ? Round1(static_cast<double>(done) / trials_s) : 0.0},
              {"servers", {{"server_version", version.at(0).at(0)}, {"setup_s", Round1(setup_s)}, {"settings", settings}}}};
  for (uint32_t s = 0; s < n; ++s) {
    if (Status stopped = p.servers[s]->Stop(); !stopped.ok()) return stopped;
  }
  return out;
}

}  // namespace shardlab
