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
constexpr size_t kMaxListed = 20;  // violations listed per cell

double Round1(double v) { return std::round(v * 10) / 10; }

// {p50, max, n} of `values` in ms (the lower median); null when there are none.
Json P50Max(std::vector<double> values) {
  if (values.empty()) return nullptr;
  std::sort(values.begin(), values.end());
  return {{"p50", Round1(values[(values.size() - 1) / 2])}, {"max", Round1(values.back())}, {"n", values.size()}};
}

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

// What one trial found.
struct TrialRecord {
  int step = 0;
  std::string outcome;  // old | new | mixed | lost | corrupt
  std::string detail;   // why, when it is not the outcome the step implies
  bool expected = false;
  bool held = false;          // a participant held it prepared once the coordinator was gone
  int64_t holders = 0;        // how many did
  bool intermediate = false;  // a reader then saw it applied on some participants only
  bool writer_blocked = false;
  double waited_ms = 0, resolve_ms = 0;
  int64_t still_prepared = 0;  // on any participant after the resolver
  bool killed = false, coordinator_failed = false;
};

// Counts over trials: the cell's, or one step point's.
struct Tally {
  int64_t trials = 0, expected = 0, blocked = 0, writers_blocked = 0, intermediate = 0, kills = 0,
          coordinator_failures = 0, still_prepared = 0, violations = 0, holders = 0;
  std::map<std::string, int64_t> outcomes = {{"old", 0}, {"new", 0}, {"mixed", 0}, {"lost", 0}, {"corrupt", 0}};
  std::vector<double> blocked_ms, resolve_ms;

  void Add(const TrialRecord& r) {
    ++trials;
    ++outcomes[r.outcome];
    expected += r.expected ? 1 : 0;
    intermediate += r.intermediate ? 1 : 0;
    kills += r.killed ? 1 : 0;
    coordinator_failures += r.coordinator_failed ? 1 : 0;
    still_prepared += r.still_prepared;
    holders += r.holders;
    violations += !r.expected || r.still_prepared > 0 ? 1 : 0;
    if (r.held) {
      ++blocked;
      resolve_ms.push_back(r.resolve_ms);  // what the resolver had to resolve
    }
    if (r.writer_blocked) {
      ++writers_blocked;
      blocked_ms.push_back(r.waited_ms);
    }
  }
  Json Counts() const {
    Json j = {{"trials", trials}};
    for (const auto& [outcome, count] : outcomes) j[outcome] = count;
    j["blocked"] = blocked;
    j["holders"] = holders;
    j["intermediate"] = intermediate;
    return j;
  }
};

// The cell's servers, the parent's two sessions on each (`reader`: setup, reads and the
// resolver; `writer`: the concurrent writer, a session of its own so that it can block),
// the coordinator log, and what every account should hold.
class Cell {
 public:
  Cell(const TwoPhaseCellSpec& spec, Bank bank)
      : spec_(spec), bank_(std::move(bank)), n_(spec.bank.shards), steps_(TwoPhaseStepCount(static_cast<int>(n_))) {
    for (const auto& [name, shard] : bank_.accounts()) balance_[name] = spec.bank.initial_balance;
  }
  ~Cell() { ResolveLeftovers(); }

  int steps() const { return steps_; }
  const std::string& version() const { return version_; }
  std::vector<PgServer*> servers() const {
    std::vector<PgServer*> out;
    for (const auto& s : servers_) out.push_back(s.get());
    return out;
  }

  Status Start(Workspace& workspace) {
    readers_.resize(n_);
    writers_.resize(n_);
    for (uint32_t s = 0; s < n_; ++s) {
      const std::string parent = spec_.data_dir + "/participant" + std::to_string(s);
      SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(parent));
      SHARDLAB_ASSIGN_OR_RETURN(std::string dir, MakePgServerDir(workspace, parent, spec_.user));
      PgServerOptions o;
      o.bindir = spec_.binaries.bindir;
      o.dir = dir;
      o.user = spec_.user;
      o.settings = TwoPhaseServerSettings();
      SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<PgServer> server, PgServer::Start(o));
      servers_.push_back(std::move(server));
      SHARDLAB_RETURN_IF_ERROR(Connect(s));
      SHARDLAB_RETURN_IF_ERROR(CreateParticipantTables(*readers_[s], bank_, s));
    }
    SHARDLAB_ASSIGN_OR_RETURN(auto version, readers_[0]->Query("SHOW server_version"));
    version_ = version.at(0).at(0);
    log_path_ = spec_.data_dir + "/coordinator.db";
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(log_path_));
    SHARDLAB_ASSIGN_OR_RETURN(CoordinatorLog log, CoordinatorLog::Open(log_path_));
    log_ = std::make_unique<CoordinatorLog>(std::move(log));
    return Status::Ok();
  }

  // Trial i: transfer i, hit at step point i mod steps; a participant crash hits each
  // participant (in protocol order) in turn, a round of every step point each.
  StatusOr<TrialRecord> Trial(int64_t i) {
    const Transfer& t = bank_.transfers().at(static_cast<size_t>(i));
    const bool participant_crash = spec_.fault == "participant_crash";
    TrialRecord r;
    r.step = static_cast<int>(i % steps_);
    const std::string gid = TransferGid(static_cast<uint64_t>(i), t);
    const std::vector<uint32_t> order = TwoPhaseOrder(t, n_);
    const int crashed = participant_crash ? static_cast<int>((i / steps_) % n_) : -1;
    const uint32_t victim = order[static_cast<size_t>(std::max(crashed, 0))];

    std::vector<std::string> conninfos;
    for (uint32_t s = 0; s < n_; ++s) conninfos.push_back(ConnInfo(s));
    std::function<Status()> pause;
    if (participant_crash) {
      pause = [&]() -> Status {
        SHARDLAB_RETURN_IF_ERROR(servers_[victim]->Kill());
        return servers_[victim]->Restart();
      };
    }
    SHARDLAB_ASSIGN_OR_RETURN(CoordinatorOutcome coordinator,
                              RunCoordinatorChild(log_path_, conninfos, t, gid, r.step, pause));
    SHARDLAB_RETURN_IF_ERROR(CheckInterrupted());  // the coordinator may have stopped for the same signal
    if (participant_crash) {
      SHARDLAB_RETURN_IF_ERROR(Connect(victim));  // the restarted server listens on a new port
    } else if (!coordinator.killed) {
      return Status::Runtime("the coordinator of " + gid + " was to be killed " + StepName(r.step) + " but " +
                             (coordinator.finished ? "finished" : "failed: " + coordinator.failure));
    }
    r.killed = coordinator.killed;
    r.coordinator_failed = !coordinator.failure.empty();

    // The coordinator is gone: who holds the transfer prepared, and what a reader sees.
    int holder = -1;  // the first participant in protocol order holding it
    int64_t seen = 0;
    for (uint32_t s : order) {
      SHARDLAB_ASSIGN_OR_RETURN(bool holds, Holds(*readers_[s], gid));
      if (holds && holder < 0) holder = static_cast<int>(s);
      r.holders += holds ? 1 : 0;
      SHARDLAB_ASSIGN_OR_RETURN(bool applied, Applied(*readers_[s], t.id));
      seen += applied ? 1 : 0;
    }
    r.held = holder >= 0;
    r.intermediate = seen != 0 && seen != n_;

    // A writer on what is held (the source's row when nothing is) while the coordinator
    // stays down, then the resolver.
    const uint32_t write_on = r.held ? static_cast<uint32_t>(holder) : t.from_shard;
    SHARDLAB_ASSIGN_OR_RETURN(BlockedWriter w, MeasureBlockedWriter(*writers_[write_on], TwoPhaseWriterSql(t, write_on),
                                                                    spec_.down_ms, [&]() -> Status {
                                                                      const auto r0 = Clock::now();
                                                                      auto resolved = ResolveTwoPhase(*log_, Readers());
                                                                      r.resolve_ms = SecondsSince(r0) * 1000;
                                                                      return resolved.status();
                                                                    }));
    r.writer_blocked = w.blocked;
    r.waited_ms = w.waited_ms;
    SHARDLAB_RETURN_IF_ERROR(Judge(t, gid, TwoPhaseCommittedAt(r.step, static_cast<int>(n_), crashed), r));
    return r;
  }

  // After the cell: what is still prepared anywhere, and the money on all servers.
  StatusOr<std::pair<int64_t, int64_t>> Leftover() {
    int64_t prepared = 0, total = 0;
    for (uint32_t s = 0; s < n_; ++s) {
      SHARDLAB_ASSIGN_OR_RETURN(std::vector<std::string> gids, PreparedGids(*readers_[s]));
      prepared += static_cast<int64_t>(gids.size());
      SHARDLAB_ASSIGN_OR_RETURN(auto rows, readers_[s]->Query("SELECT coalesce(sum(balance), 0) FROM accounts"));
      total += std::stoll(rows.at(0).at(0));
    }
    return std::make_pair(prepared, total);
  }

  Status Stop() {
    for (auto& server : servers_) SHARDLAB_RETURN_IF_ERROR(server->Stop());
    return Status::Ok();
  }

  std::string StepName(int step) const { return TwoPhaseStepName(step, static_cast<int>(n_)); }

 private:
  std::string ConnInfo(uint32_t s) const {
    // Notices (a ROLLBACK with nothing to roll back) stay off the console.
    return servers_[s]->ConnInfo() + " options='-c client_min_messages=error'";
  }
  // Statements run to the end in an interrupted run: a trial is a few short statements and
  // the loop looks at the interruption between trials, and the resolver that cleans up
  // after it must not stop halfway (the writer would wait out its lock_timeout).
  Status Connect(uint32_t s) {
    SHARDLAB_ASSIGN_OR_RETURN(PgConnection reader, PgConnection::Connect(ConnInfo(s)));
    SHARDLAB_ASSIGN_OR_RETURN(PgConnection writer, PgConnection::Connect(ConnInfo(s)));
    reader.set_interruptible(false);
    writer.set_interruptible(false);
    readers_[s] = std::make_unique<PgConnection>(std::move(reader));
    writers_[s] = std::make_unique<PgConnection>(std::move(writer));
    return Status::Ok();
  }
  std::vector<PgConnection*> Readers() {
    std::vector<PgConnection*> out;
    for (auto& c : readers_) out.push_back(c.get());
    return out;
  }
  // Interrupted or failed: what is prepared is resolved before the servers stop, so no
  // prepared transaction outlives the run, even in a kept directory. Best effort.
  void ResolveLeftovers() {
    if (log_ == nullptr) return;
    for (const auto& server : servers_) {
      if (!server->running()) return;
    }
    (void)ResolveTwoPhase(*log_, Readers());
  }

  // The verdict once resolved: old / new / mixed as the servers hold it, lost when the
  // log decided commit but no server has it, corrupt when the balances disagree with the
  // transfer's record; and whether that is what the step implies.
  Status Judge(const Transfer& t, const std::string& gid, bool expected_commit, TrialRecord& r) {
    int64_t applied_on = 0;
    for (uint32_t s = 0; s < n_; ++s) {
      SHARDLAB_ASSIGN_OR_RETURN(std::vector<std::string> gids, PreparedGids(*readers_[s]));
      r.still_prepared += static_cast<int64_t>(gids.size());
      SHARDLAB_ASSIGN_OR_RETURN(bool applied, Applied(*readers_[s], t.id));
      applied_on += applied ? 1 : 0;
    }
    const bool applied = applied_on == n_;
    SHARDLAB_ASSIGN_OR_RETURN(int64_t from_balance, Balance(*readers_[t.from_shard], t.from));
    SHARDLAB_ASSIGN_OR_RETURN(int64_t to_balance, Balance(*readers_[t.to_shard], t.to));
    SHARDLAB_ASSIGN_OR_RETURN(std::optional<LoggedTxn> logged, log_->Find(gid));
    const bool decided_commit = logged && logged->decision == TxnDecision::kCommit;
    const int64_t moved = applied ? t.amount : 0;
    if (applied_on != 0 && !applied) {
      r.outcome = "mixed";
      r.detail = "applied on " + std::to_string(applied_on) + " of " + std::to_string(n_) + " participants";
    } else if (!applied && decided_commit) {
      r.outcome = "lost";
      r.detail = "the log decided commit, but no participant has the transfer";
    } else if (from_balance != balance_[t.from] - moved || to_balance != balance_[t.to] + moved) {
      r.outcome = "corrupt";
      r.detail = "balances " + std::to_string(from_balance) + " and " + std::to_string(to_balance) +
                 " do not match the transfer's record";
    } else {
      r.outcome = applied ? "new" : "old";
    }
    // The next trials are judged against what is there.
    balance_[t.from] = from_balance;
    balance_[t.to] = to_balance;
    r.expected = (r.outcome == "new" && expected_commit) || (r.outcome == "old" && !expected_commit);
    if (!r.expected && r.detail.empty()) {
      r.detail = std::string(expected_commit ? "rolled back" : "committed") + " although " + StepName(r.step) +
                 " implies " + (expected_commit ? "commit" : "abort");
    }
    if (r.still_prepared > 0) {
      r.detail += (r.detail.empty() ? "" : "; ") + std::to_string(r.still_prepared) + " still prepared after the resolver";
    }
    return Status::Ok();
  }

  const TwoPhaseCellSpec& spec_;
  const Bank bank_;
  const uint32_t n_;
  const int steps_;
  std::map<std::string, int64_t> balance_;
  std::vector<std::unique_ptr<PgServer>> servers_;
  std::vector<std::unique_ptr<PgConnection>> readers_, writers_;  // after servers_: closed before they stop
  std::string log_path_, version_;
  std::unique_ptr<CoordinatorLog> log_;
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
  if (static_cast<int64_t>(bank.transfers().size()) < spec.trials) {
    return Status::Runtime("the 2pc cell needs a transfer per trial");
  }
  const int64_t total_expected = bank.total_balance();
  const bool participant_crash = spec.fault == "participant_crash";
  const int n = static_cast<int>(spec.bank.shards);

  const auto setup0 = Clock::now();
  Cell cell(spec, std::move(bank));
  SHARDLAB_RETURN_IF_ERROR(cell.Start(workspace));
  const double setup_s = SecondsSince(setup0);

  Tally all;
  std::vector<Tally> by_step(static_cast<size_t>(cell.steps()));
  Json violations = Json::array();
  const auto trials0 = Clock::now();
  for (int64_t i = 0; i < spec.trials; ++i) {
    SHARDLAB_RETURN_IF_ERROR(CheckInterrupted());
    SHARDLAB_ASSIGN_OR_RETURN(TrialRecord r, cell.Trial(i));
    all.Add(r);
    by_step[static_cast<size_t>(r.step)].Add(r);
    if ((!r.expected || r.still_prepared > 0) && violations.size() < kMaxListed) {
      violations.push_back({{"trial", i}, {"step", r.step}, {"at", cell.StepName(r.step)},
                            {"outcome", r.outcome}, {"detail", r.detail}});
    }
    if (progress) progress();
  }
  const double trials_s = SecondsSince(trials0);
  SHARDLAB_ASSIGN_OR_RETURN(auto leftover, cell.Leftover());
  int64_t restarts = 0;
  for (PgServer* server : cell.servers()) restarts += server->kills();

  Json steps = Json::array();
  for (int s = 0; s < cell.steps(); ++s) {
    Json row = {{"step", s}, {"at", cell.StepName(s)}};
    if (participant_crash) {  // by which participant (in protocol order) crashed
      row["commit_expected"] = Json::array();
      for (int k = 0; k < n; ++k) row["commit_expected"].push_back(TwoPhaseCommittedAt(s, n, k));
    } else {
      row["commit_expected"] = TwoPhaseCommittedAt(s, n);
    }
    row.update(by_step[static_cast<size_t>(s)].Counts());
    steps.push_back(std::move(row));
  }
  Json settings = Json::object();
  for (const auto& [name, value] : TwoPhaseServerSettings()) settings[name] = value;
  Json out = {{"strategy", "2pc"}, {"journal_mode", "postgres"}, {"synchronous", "on"}, {"fault", spec.fault},
              {"engine", "postgres"}, {"participants", n}};
  out.update(all.Counts());
  out.update(Json{{"as_expected", all.expected},
                  {"writers_blocked", all.writers_blocked},
                  {"blocked_ms", P50Max(all.blocked_ms)},
                  {"resolve_ms", P50Max(all.resolve_ms)},
                  {"down_ms", spec.down_ms},
                  {"leftover_prepared", leftover.first},
                  {"leftover_after_trial", all.still_prepared},
                  {"participant_restarts", restarts},
                  {"coordinator_kills", all.kills},
                  {"coordinator_failures", all.coordinator_failures},
                  {"total_balance", leftover.second},
                  {"total_balance_expected", total_expected},
                  {"violations_total", all.violations},
                  {"violations", violations},
                  {"steps", steps},
                  {"trials_per_s", trials_s > 0 ? Round1(static_cast<double>(all.trials) / trials_s) : 0.0},
                  {"servers", {{"server_version", cell.version()}, {"setup_s", Round1(setup_s)}, {"settings", settings}}}});
  SHARDLAB_RETURN_IF_ERROR(cell.Stop());
  return out;
}

}  // namespace shardlab
