#include "kinds/crash/crash_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "core/elapsed.h"
#include "core/progress.h"
#include "core/str_format.h"
#include "faults/bank.h"
#include "faults/campaign.h"
#include "faults/crash_state.h"
#include "faults/recovery.h"
#include "faults/replay.h"
#include "faults/fail_points.h"
#include "faults/trial.h"
#include "kinds/crash/crash_kind.h"
#include "kinds/crash/crash_spec.h"
#include "kinds/crash/crash_two_phase.h"
#include "shards/layout.h"

namespace shardlab {
namespace {

BankSpec BankSpecOf(const Scenario& s) {
  const CrashSpec& crash = s.Spec<CrashSpec>();
  BankSpec b;
  b.shards = s.shards.count;
  b.accounts = s.keys.count;
  b.initial_balance = crash.initial_balance;
  b.keys = s.keys;
  b.router = s.router;
  b.transfers = static_cast<uint32_t>(crash.transfers);
  b.seed = s.seed;
  // One trial directory (Check refuses other layouts and roots): the flat names.
  for (uint32_t id = 0; id < b.shards; ++id) b.files.push_back(ShardRelativePath(s.shards, id));
  return b;
}

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Runtime("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// One template per journal-file format, created through the Workspace (so cleanup
// removes exactly these), read into memory for the trials to copy.
StatusOr<std::map<std::string, std::vector<std::string>>> MakeTemplates(const Bank& bank,
                                                                         const std::vector<std::string>& modes,
                                                                         const std::string& data_dir,
                                                                         Workspace& workspace) {
  std::map<std::string, std::vector<std::string>> templates;
  for (const std::string& mode : modes) {
    const std::string key = TemplateKey(mode);
    if (templates.count(key)) continue;
    const std::string dir = data_dir + "/template-" + key;
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
    for (uint32_t s = 0; s < bank.spec().shards; ++s) {
      SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(dir + "/" + bank.ShardFile(s)));
    }
    SHARDLAB_RETURN_IF_ERROR(bank.CreateShards(dir, key == "wal" ? "wal" : "delete"));
    std::vector<std::string> files;
    for (uint32_t s = 0; s < bank.spec().shards; ++s) {
      SHARDLAB_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(dir + "/" + bank.ShardFile(s)));
      files.push_back(std::move(bytes));
    }
    templates[key] = std::move(files);
  }
  return templates;
}

// Where replay workers materialise states: tmpfs when /dev/shm is one (a state costs no
// disk I/O there), else the data directory.
struct StateRoot {
  std::string path, where;
};
StatusOr<StateRoot> MakeStateRoot(const std::string& data_dir, Workspace& workspace) {
  struct statfs fs;
  if (statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC && access("/dev/shm", W_OK) == 0) {
    auto tree = workspace.MakeTempTree(std::string(kStateDirPrefix) + "XXXXXX");
    // Locked while the run lives: one left by a SIGKILLed run is the one nobody holds.
    if (tree.ok() && workspace.LockDirectory(*tree).ok()) return StateRoot{*tree, "tmpfs"};
  }
  const std::string dir = data_dir + "/states";
  SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
  return StateRoot{dir, "data directory"};
}

}  // namespace

std::vector<std::string> AbandonedStateDirs(uint64_t* bytes) {
  std::vector<std::string> dirs;
  *bytes = 0;
  const std::string prefix = kStateDirPrefix;
  const size_t slash = prefix.rfind('/');
  const std::string parent = prefix.substr(0, slash), stem = prefix.substr(slash + 1);
  DIR* d = ::opendir(parent.c_str());
  if (d == nullptr) return dirs;
  while (dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, stem.c_str(), stem.size()) != 0) continue;
    const std::string path = parent + "/" + e->d_name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {  // nobody holds it: its run is gone
      dirs.push_back(path);
      std::error_code ec;
      for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) *bytes += it->file_size(ec);
      }
    }
    ::close(fd);
  }
  ::closedir(d);
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

namespace {

Json ModelDescriptions(bool replay, const std::string& state_fs, const CrashSpec& crash) {
  Json m = {
      {"process_crash", replay ? "every event issued before the crash point persisted (the OS keeps what a killed "
                                 "process wrote); replayed from the recorded trace"
                               : "real: the child kills itself with SIGKILL at the crash point"},
      {"power_loss", "simulated: only what a sync made durable survives — a file's writes before its last fdatasync, "
                     "a create or delete before its directory's sync; everything else reverts"},
      {"power_loss_torn", "simulated: the power_loss state, with each unsynced write's 512-byte sectors old, new or "
                          "garbage from the seed (SQLite's test6.c)"},
      {"io_error", "real: libfiu fail points (vfs/... inside the shim, posix/... through libfiu's POSIX preload)"}};
  if (replay) {
    m["power_loss_reorder"] = "simulated: the power_loss state plus subsets of the writes, creates and deletes not yet "
                              "synced, in whole writes (every prefix, every single omission, then seeded random subsets "
                              "up to max_states_per_point; all subsets when they fit)";
    m["engine"] = "replay: each cell's I/O is recorded once through the crash shim; states are materialised on " +
                  (state_fs == "tmpfs" ? std::string("tmpfs") : "the " + state_fs) + ", recovered in the worker (each shard opened alone, integrity_check, read) and judged";
  } else {
    m["engine"] = "fork: a child process per trial, killed with SIGKILL at the crash point";
  }
  if (HasTwoPhase(crash)) {
    const std::string servers = "real: N PostgreSQL servers (matrix level N_servers) on loopback ports, started once "
                                "per cell; each trial one transfer under two-phase commit on all N (debit, "
                                "credit, and the transfer's id on each), its coordinator a forked child with a "
                                "SQLite log (synchronous=FULL)";
    m["coordinator_crash"] = servers + "; the coordinator SIGKILLs itself at the trial's step point, stays down " +
                             "coordinator_down_ms, then the resolver (a restarted coordinator) runs";
    m["participant_crash"] = servers + "; at the trial's step point one of the transfer's servers is SIGKILLed "
                             "(postmaster and children) and restarted on its data directory while the coordinator waits, "
                             "then the coordinator goes on and the resolver runs";
  }
  return m;
}

// The SQLite cells; 2pc has cells of its own (crash_two_phase.h).
std::vector<CellSpec> CellsOf(const CrashSpec& c) {
  std::vector<CellSpec> cells;
  for (const std::string& strategy : c.strategies) {
    if (strategy == "2pc") continue;
    for (const std::string& mode : c.journal_modes) {
      for (const std::string& sync : c.synchronous) {
        for (const std::string& fault : c.faults) {
          if (!IsTwoPhaseFault(fault)) cells.push_back({strategy, mode, sync, fault});
        }
      }
    }
  }
  return cells;
}

// The campaign over the SQLite cells (strategies naive, attach, saga); `state_fs` says where
// replayed states were materialised.
StatusOr<Json> RunSqliteCampaign(const Scenario& s, RunContext& context, const Bank& bank,
                                 const std::vector<CellSpec>& cells, std::string* state_fs) {
  const CrashSpec& crash = s.Spec<CrashSpec>();
  const std::string& data_dir = context.data_dir;
  Workspace& workspace = context.workspace;
  SHARDLAB_ASSIGN_OR_RETURN(auto templates, MakeTemplates(bank, crash.journal_modes, data_dir, workspace));

  // A libc-level fail point needs a re-executed child: it reads the scenario from here.
  const std::string scenario_copy = data_dir + "/scenario.json";
  SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewFile(scenario_copy));
  SHARDLAB_RETURN_IF_ERROR(WriteNewJsonFile(scenario_copy, s.resolved));
  std::vector<std::string> exec_child;
  if (!context.self_executable.empty()) exec_child = {context.self_executable, "__trial-child", scenario_copy};
  TrialRunner runner(bank, std::move(templates), exec_child);

  CampaignSpec c;
  c.cells = cells;
  c.campaign = crash.campaign;
  c.engine = crash.engine;
  c.max_states_per_point = crash.max_states_per_point;
  c.crosscheck = crash.crosscheck;
  c.recovery_crashes = crash.recovery_crashes;
  c.transfers = static_cast<uint32_t>(crash.transfers);
  c.random_trials = crash.trials;
  c.fail_points = crash.fail_points;
  c.fail_errno = *ParseErrno(crash.error);
  c.max_k = crash.max_k;
  c.relocate = crash.relocate;
  c.timeout_s = crash.timeout_s;
  c.workers = crash.workers > 0 ? static_cast<int>(crash.workers) : static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  c.seed = s.seed;
  c.trial_root = data_dir + "/trials";
  c.keep_failures = context.keep_failures;
  SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(c.trial_root));
  const bool replay = c.engine == "replay" && c.campaign != "errors";
  if (replay) {
    SHARDLAB_ASSIGN_OR_RETURN(StateRoot root, MakeStateRoot(data_dir, workspace));
    c.state_root = root.path;
    *state_fs = root.where;
  }

  std::unique_ptr<Progress> progress;
  return RunCampaign(runner, c, "shardlab repro " + context.result_path + " --trial",
                     [&](uint64_t done, uint64_t total) {
                       if (!progress) progress = std::make_unique<Progress>(replay ? "cells x workers" : "trials", total);
                       progress->Add(1);
                       (void)done;
                     });
}

}  // namespace

std::string SelfExecutable() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

StatusOr<Json> RunCrash(const Scenario& s, RunContext& context) {
  const CrashSpec& crash = s.Spec<CrashSpec>();
#if defined(__SANITIZE_ADDRESS__)
  for (const std::string& name : crash.fail_points) {
    if (name.rfind("posix/", 0) == 0) {
      return Status::Runtime("crash.fail_points: " + name + " needs libfiu's POSIX preload, which cannot run under "
                             "AddressSanitizer (this is a sanitizer build); use vfs/... points or a release build");
    }
  }
#endif
  SHARDLAB_ASSIGN_OR_RETURN(Bank bank, Bank::Make(BankSpecOf(s)));
  const std::vector<CellSpec> sqlite_cells = CellsOf(crash);
  const bool replay = crash.engine == "replay" && crash.campaign != "errors";
  std::string state_fs = "data directory";
  const auto t0 = std::chrono::steady_clock::now();
  Json cells = Json::array();
  if (!sqlite_cells.empty()) {
    SHARDLAB_ASSIGN_OR_RETURN(cells, RunSqliteCampaign(s, context, bank, sqlite_cells, &state_fs));
  }
  const double seconds = SecondsSince(t0);
  // 2pc cells after the SQLite ones, timed on their own (trials_per_s per cell).
  SHARDLAB_ASSIGN_OR_RETURN(Json two_phase, RunTwoPhaseCells(s, context));
  for (Json& cell : two_phase) cells.push_back(std::move(cell));

  Json metrics;
  const bool any_sqlite = !sqlite_cells.empty();
  metrics["engine"] = !any_sqlite ? "postgres" : replay ? "replay" : "fork";
  if (replay && any_sqlite) metrics["states_on"] = state_fs;  // where states were materialised: tmpfs or the data directory
  metrics["model"] = ModelDescriptions(replay && any_sqlite, state_fs, crash);
  metrics["accounts"] = bank.accounts().size();
  int64_t trials = 0, distinct = 0;
  Json matrix = Json::object();
  for (const Json& cell : cells) {
    if (cell["strategy"] != "2pc") trials += cell["trials"].get<int64_t>();
    distinct += cell.value("states_distinct", int64_t{0});
    Json summary;
    for (const char* k : {"trials", "old", "new", "mixed", "lost", "corrupt", "hung", "violations_total", "failed_commits",
                          "durability_promised", "expected_unsafe", "acknowledged", "engine", "intermediate",
                          "states_possible", "states_explored", "states_distinct", "vacuous", "recovery_crashes",
                          // 2pc cells
                          "unavailable", "participants", "as_expected", "blocked", "holders", "writers_blocked", "blocked_ms",
                          "resolve_ms", "down_ms", "leftover_prepared", "participant_restarts", "coordinator_kills",
                          "trials_per_s"}) {
      if (cell.contains(k)) summary[k] = cell[k];
    }
    if (cell.contains("trace") && cell["trace"].is_object() && crash.transfers > 0) {
      // The I/O of one transfer as SQLite issued it (the recorded trace over the transfers):
      // counts that do not drift with the machine, so the gate compares them exactly.
      const Json& t = cell["trace"];
      const double n = static_cast<double>(crash.transfers);
      summary["io_per_transfer"] = {{"fdatasync", (t["syncs"].get<double>() + t["dir_syncs"].get<double>()) / n},
                                    {"directory_syncs", t["dir_syncs"].get<double>() / n},
                                    {"writes", t["writes"].get<double>() / n},
                                    {"bytes_written", t["bytes_written"].get<double>() / n},
                                    {"files_created", t["creates"].get<double>() / n},
                                    {"files_deleted", t["deletes"].get<double>() / n}};
    }
    if (cell.contains("commit_point") && !cell["commit_point"].is_null() && !cell["commit_point"]["event"].is_null()) {
      const Json& ev = cell["commit_point"]["event"];
      summary["commit_point"] = {{"op", ev["op"]}, {"role", ev["role"]}, {"index", ev["index"]},
                                 {"text", cell["commit_point"]["text"]}, {"clean", cell["commit_point"]["clean"]}};
    }
    // 2pc: the number of servers in the synchronous setting's place (crash_spec.h).
    const std::string level = cell["strategy"] == "2pc" ? ServersKey(cell["participants"].get<int64_t>())
                                                         : cell["synchronous"].get<std::string>();
    matrix[cell["strategy"].get<std::string>()][cell["journal_mode"].get<std::string>()][level]
          [cell["fault"].get<std::string>()] = summary;
  }
  metrics["trials"] = trials;
  const auto per_s = [seconds](int64_t n) { return seconds > 0 ? std::round(static_cast<double>(n) / seconds * 10) / 10 : 0.0; };
  if (any_sqlite && replay) {
    metrics["states_distinct"] = distinct;
    metrics["states_per_s"] = per_s(distinct);
  } else if (any_sqlite) {
    metrics["trials_per_s"] = per_s(trials);
  }
  metrics["matrix"] = matrix;
  metrics["cells"] = cells;
  return metrics;
}

namespace {

// Reruns a fork-engine violation: the same trial spec, a fresh child, the same recovery.
int ReproForkTrial(const Scenario& s, const TrialSpec& trial_spec, const std::string& was, uint64_t trial,
                   const std::string& dir) {
  const TrialSpec* spec = &trial_spec;
  Workspace workspace;  // kept: the point of a repro is the post-mortem
  auto run = [&]() -> StatusOr<TrialResult> {
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
    SHARDLAB_ASSIGN_OR_RETURN(Bank bank, Bank::Make(BankSpecOf(s)));
    SHARDLAB_ASSIGN_OR_RETURN(auto templates, MakeTemplates(bank, {spec->journal_mode}, dir, workspace));
    const std::string scenario_copy = dir + "/scenario.json";
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewFile(scenario_copy));
    SHARDLAB_RETURN_IF_ERROR(WriteNewJsonFile(scenario_copy, s.resolved));
    TrialRunner runner(bank, std::move(templates), {SelfExecutable(), "__trial-child", scenario_copy});
    return runner.Run(*spec, dir + "/trial", [](const TrialResult&) { return true; });
  };
  auto out = run();
  if (!out.ok()) {
    std::cerr << out.status().message() << "\n";
    return 3;
  }
  std::cout << "trial " << trial << " (fork engine: " << spec->strategy << ", " << spec->journal_mode << "/"
            << spec->synchronous << ", " << spec->fault << (spec->torn ? " torn" : "");
  if (spec->crash_event >= 0) std::cout << ", " << (spec->crash_after ? "after" : "before") << " event " << spec->crash_event;
  if (!spec->fail_point.empty()) std::cout << ", " << spec->fail_point << " call " << spec->fail_k;
  std::cout << "): " << out->outcome << " — " << out->detail << "\n"
            << "recorded: " << was << (was == out->outcome ? " (reproduced)" : " (DIFFERENT)") << "\n"
            << "trial directory kept: " << AbsolutePath(dir + "/trial") << "\n";
  return was == out->outcome ? 0 : 1;
}

// Rematerialises a replayed violation: records the cell's trace again in the kept
// directory (journals name their super-journal by absolute path, so the state must live
// where its trace was recorded), writes the state, recovers and judges it, then writes the
// state again so that the stock sqlite3 CLI finds the files as the crash left them.
int ReproReplayState(const Scenario& s, const CellSpec& cell, const CrashState& recorded_state, const std::string& was,
                     uint64_t trial, const std::string& dir) {
  const CrashState* state = &recorded_state;
  const CrashSpec& crash = s.Spec<CrashSpec>();
  Workspace workspace;  // kept
  const std::string trial_dir = dir + "/trial";
  const std::string state_dir = crash.relocate ? trial_dir + ".moved" : trial_dir;
  IoTrace trace;
  Judged judged;
  auto run = [&]() -> Status {
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
    SHARDLAB_ASSIGN_OR_RETURN(Bank bank, Bank::Make(BankSpecOf(s)));
    SHARDLAB_ASSIGN_OR_RETURN(auto templates, MakeTemplates(bank, {cell.journal_mode}, dir, workspace));
    TrialRunner runner(bank, std::move(templates), {});
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(trial_dir));
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(state_dir));
    SHARDLAB_ASSIGN_OR_RETURN(trace, RecordTrace(runner, cell, static_cast<uint32_t>(crash.transfers), PrngSeedOf(s.seed),
                                                 trial_dir));
    if (state->point > trace.size()) {
      return Status::Invalid("the recorded state's crash point " + std::to_string(state->point) + " is past the " +
                             std::to_string(trace.size()) + " events recorded now");
    }
    const FileSet files = Materialize(trace, *state);
    SHARDLAB_RETURN_IF_ERROR(WriteState(state_dir, files));
    judged = Judge(bank, RecoverShards(bank, state_dir, cell.strategy == "saga"), LogAt(trace, state->point));
    return WriteState(state_dir, files);
  };
  if (Status st = run(); !st.ok()) {
    std::cerr << st.message() << "\n";
    return st.kind() == ErrorKind::kInvalidInput ? 2 : 3;
  }
  const std::string now = judged.verdict.outcome;
  std::cout << "trial " << trial << " (replay engine: " << CellName(cell) << ", crash after " << state->point
            << " of " << trace.size() << " events): " << now << " — " << judged.verdict.detail << "\n";
  const std::vector<uint32_t> durable_at = DurableAt(trace);
  std::vector<std::string> persisted, dropped;
  for (uint32_t i = 0; i < state->point; ++i) {
    if (!trace.ops[i].Mutates() || durable_at[i] < state->point) continue;
    const Persistence fate = state->FateOf(i);
    (fate == Persistence::kDropped ? dropped : persisted)
        .push_back(DescribeOp(trace.ops[i]) + (fate == Persistence::kTorn ? " (torn sectors)" : ""));
  }
  std::cout << "writes, creates and deletes not yet synced at the crash: " << persisted.size() + dropped.size() << " ("
            << persisted.size() << " persisted, " << dropped.size() << " dropped)\n";
  for (const std::string& line : persisted) std::cout << "  persisted  " << line << "\n";
  for (const std::string& line : dropped) std::cout << "  dropped    " << line << "\n";
  std::cout << "recorded: " << was << (was == now ? " (reproduced)" : " (DIFFERENT)") << "\n"
            << "state kept as the crash left it (open it with sqlite3 to recover it): " << AbsolutePath(state_dir) << "\n";
  return was == now ? 0 : 1;
}

}  // namespace

namespace {

// "FILE: metrics.cells[2].fault: found 3 (an integer); expected a string".
Status ReproProblem(const std::string& origin, const std::string& path, const std::string& message) {
  return Status::Invalid(origin + ": " + Printable(path, 200) + ": " + message);
}

StatusOr<std::string> ReproString(const Json& object, const char* key, const std::string& origin,
                                  const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) return ReproProblem(origin, path + "." + key, "missing; expected a string");
  if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > kMaxStringBytes) {
    return ReproProblem(origin, path + "." + key, "found " + DescribeJsonValue(*it) + "; expected a non-empty string");
  }
  return it->get<std::string>();
}

Status ReproOneOf(const std::string& value, const std::vector<std::string>& allowed, const std::string& origin,
                  const std::string& path) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return Status::Ok();
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return ReproProblem(origin, path, "found " + Quoted(value) + "; the result's scenario has " + list);
}

}  // namespace

StatusOr<ReproRequest> ReadReproRequest(const std::string& text, const std::string& origin, uint64_t trial) {
  SHARDLAB_ASSIGN_OR_RETURN(Json result, ParseJsonText(text, origin, kResultLimits));
  return ReproRequestFromJson(result, origin, trial);
}

StatusOr<ReproRequest> ReproRequestFromJson(const Json& r, const std::string& origin, uint64_t trial) {
  const auto not_crash = [&] { return Status::Invalid(origin + ": not a crash result (kind \"crash\" with metrics.cells)"); };
  if (!r.is_object()) return not_crash();
  const auto kind = r.find("kind");
  const auto metrics = r.find("metrics");
  if (kind == r.end() || *kind != "crash" || metrics == r.end() || !metrics->is_object()) return not_crash();
  const auto cells = metrics->find("cells");
  if (cells == metrics->end()) return not_crash();
  if (!cells->is_array()) return ReproProblem(origin, "metrics.cells", "found " + DescribeJsonValue(*cells) + "; expected an array");

  const Json* recorded = nullptr;
  const Json* recorded_cell = nullptr;
  std::string recorded_path, cell_path;
  for (size_t i = 0; i < cells->size(); ++i) {
    const Json& cell = (*cells)[i];
    const std::string path = "metrics.cells[" + std::to_string(i) + "]";
    if (!cell.is_object()) return ReproProblem(origin, path, "found " + DescribeJsonValue(cell) + "; expected an object");
    const auto violations = cell.find("violations");
    if (violations == cell.end()) continue;
    if (!violations->is_array()) {
      return ReproProblem(origin, path + ".violations", "found " + DescribeJsonValue(*violations) + "; expected an array");
    }
    for (size_t k = 0; k < violations->size(); ++k) {
      const Json& v = (*violations)[k];
      const auto t = v.is_object() ? v.find("trial") : v.end();
      if (v.is_object() && t != v.end() && t->is_number_unsigned() && t->get<uint64_t>() == trial) {
        recorded = &v;
        recorded_cell = &cell;
        recorded_path = path + ".violations[" + std::to_string(k) + "]";
        cell_path = path;
      }
    }
  }
  if (recorded == nullptr) {
    return Status::Invalid(origin + ": trial " + std::to_string(trial) + " is not among the recorded violations");
  }

  const auto scenario = r.find("scenario");
  if (scenario == r.end()) return ReproProblem(origin, "scenario", "missing; expected the scenario the result ran");
  ReproRequest out;
  SHARDLAB_ASSIGN_OR_RETURN(out.scenario,
                            LoadScenarioFromJson(*scenario, origin + " (scenario)", LoadOptions{}, {&CrashKind()}));
  const CrashSpec& crash = out.scenario.Spec<CrashSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(out.cell.strategy, ReproString(*recorded_cell, "strategy", origin, cell_path));
  SHARDLAB_ASSIGN_OR_RETURN(out.cell.journal_mode, ReproString(*recorded_cell, "journal_mode", origin, cell_path));
  SHARDLAB_ASSIGN_OR_RETURN(out.cell.synchronous, ReproString(*recorded_cell, "synchronous", origin, cell_path));
  SHARDLAB_ASSIGN_OR_RETURN(out.cell.fault, ReproString(*recorded_cell, "fault", origin, cell_path));
  if (out.cell.strategy == "2pc") {
    return Status::Invalid(origin + ": trial " + std::to_string(trial) + " is a 2pc trial on PostgreSQL servers that "
                           "no longer exist; repro reruns SQLite trials (its record: " + recorded_path + ")");
  }
  SHARDLAB_RETURN_IF_ERROR(ReproOneOf(out.cell.strategy, crash.strategies, origin, cell_path + ".strategy"));
  SHARDLAB_RETURN_IF_ERROR(ReproOneOf(out.cell.journal_mode, crash.journal_modes, origin, cell_path + ".journal_mode"));
  SHARDLAB_RETURN_IF_ERROR(ReproOneOf(out.cell.synchronous, crash.synchronous, origin, cell_path + ".synchronous"));
  SHARDLAB_RETURN_IF_ERROR(ReproOneOf(out.cell.fault, crash.faults, origin, cell_path + ".fault"));
  SHARDLAB_ASSIGN_OR_RETURN(out.outcome, ReproString(*recorded, "outcome", origin, recorded_path));

  if (const auto state = recorded->find("state"); state != recorded->end()) {
    auto parsed = CrashStateFromJson(*state);
    if (!parsed.ok()) return ReproProblem(origin, recorded_path + ".state", Printable(parsed.status().message(), 300));
    out.state = std::move(parsed).value();
  } else if (const auto spec = recorded->find("spec"); spec != recorded->end()) {
    auto parsed = TrialSpecFromJson(*spec);
    if (!parsed.ok()) return ReproProblem(origin, recorded_path + ".spec", Printable(parsed.status().message(), 300));
    const TrialSpec& t = *parsed;
    const std::string spec_path = recorded_path + ".spec";
    SHARDLAB_RETURN_IF_ERROR(ReproOneOf(t.strategy, crash.strategies, origin, spec_path + ".strategy"));
    SHARDLAB_RETURN_IF_ERROR(ReproOneOf(t.journal_mode, crash.journal_modes, origin, spec_path + ".journal_mode"));
    SHARDLAB_RETURN_IF_ERROR(ReproOneOf(t.synchronous, crash.synchronous, origin, spec_path + ".synchronous"));
    if (!std::isfinite(t.timeout_s) || t.timeout_s <= 0 || t.timeout_s > 86400) {
      return ReproProblem(origin, spec_path + ".timeout_s", "found " + Fixed(t.timeout_s, 1) + "; expected a number > 0 and <= 86400");
    }
    if (t.fail_point.size() > 200) {
      return ReproProblem(origin, spec_path + ".fail_point", "found " + Quoted(t.fail_point) + "; expected a fail point name");
    }
    out.spec = t;
  } else {
    return ReproProblem(origin, recorded_path, "names neither a replayed state nor a trial spec");
  }
  return out;
}

int ReproTrial(const std::string& result_path, uint64_t trial, const std::string& data_root) {
  auto text = ReadRegularFile(result_path, kResultLimits);
  if (!text.ok()) {
    std::cerr << text.status().message() << "\n";
    return 2;
  }
  auto request = ReadReproRequest(*text, result_path, trial);
  if (!request.ok()) {
    std::cerr << request.status().message() << "\n";
    return 2;
  }
  const Scenario& s = request->scenario;
  const std::string dir = data_root + "/repro-" + s.name + "-trial" + std::to_string(trial);
  if (PathExists(dir)) {
    std::cerr << "data directory " << dir << " exists already; shardlab only uses directories it creates\n";
    return 2;
  }
  if (request->state) return ReproReplayState(s, request->cell, *request->state, request->outcome, trial, dir);
  return ReproForkTrial(s, *request->spec, request->outcome, trial, dir);
}

int TrialChildMain(const std::string& scenario_file, const std::string& dir, int fd, const std::string& spec_json) {
  auto fail = [&](const std::string& message) {
    const std::string line = "X " + message + "\n";
    (void)!write(fd, line.data(), line.size());
    return 3;
  };
  auto s = LoadScenario(scenario_file, LoadOptions{}, {&CrashKind()});
  if (!s.ok()) return fail(s.status().message());
  auto bank = Bank::Make(BankSpecOf(*s));
  if (!bank.ok()) return fail(bank.status().message());
  Json j;
  try {
    j = Json::parse(spec_json);
  } catch (const std::exception& e) {
    return fail(std::string("trial spec: ") + e.what());
  }
  auto spec = TrialSpecFromJson(j);
  if (!spec.ok()) return fail(spec.status().message());
  RunTrialChild(*bank, *spec, dir, fd);
}

}  // namespace shardlab
