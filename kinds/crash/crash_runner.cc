#include "kinds/crash/crash_runner.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "core/elapsed.h"
#include "core/progress.h"
#include "faults/bank.h"
#include "faults/campaign.h"
#include "faults/fail_points.h"
#include "faults/trial.h"
#include "kinds/crash/crash_kind.h"
#include "kinds/crash/crash_spec.h"

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
      SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(dir + "/" + Bank::ShardFile(s)));
    }
    SHARDLAB_RETURN_IF_ERROR(bank.CreateShards(dir, key == "wal" ? "wal" : "delete"));
    std::vector<std::string> files;
    for (uint32_t s = 0; s < bank.spec().shards; ++s) {
      SHARDLAB_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(dir + "/" + Bank::ShardFile(s)));
      files.push_back(std::move(bytes));
    }
    templates[key] = std::move(files);
  }
  return templates;
}

std::vector<CellSpec> CellsOf(const CrashSpec& c) {
  std::vector<CellSpec> cells;
  for (const std::string& strategy : c.strategies) {
    for (const std::string& mode : c.journal_modes) {
      for (const std::string& sync : c.synchronous) {
        for (const std::string& fault : c.faults) cells.push_back({strategy, mode, sync, fault});
      }
    }
  }
  return cells;
}

}  // namespace

std::string SelfExecutable() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

StatusOr<Json> RunCrash(const Scenario& s, RunContext& context) {
  const CrashSpec& crash = s.Spec<CrashSpec>();
  const std::string& data_dir = context.data_dir;
  Workspace& workspace = context.workspace;
#if defined(__SANITIZE_ADDRESS__)
  for (const std::string& name : crash.fail_points) {
    if (name.rfind("posix/", 0) == 0) {
      return Status::Runtime("crash.fail_points: " + name + " needs libfiu's POSIX preload, which cannot run under "
                             "AddressSanitizer (this is a sanitizer build); use vfs/... points or a release build");
    }
  }
#endif
  SHARDLAB_ASSIGN_OR_RETURN(Bank bank, Bank::Make(BankSpecOf(s)));
  SHARDLAB_ASSIGN_OR_RETURN(auto templates, MakeTemplates(bank, crash.journal_modes, data_dir, workspace));

  // A libc-level fail point needs a re-executed child: it reads the scenario from here.
  const std::string scenario_copy = data_dir + "/scenario.json";
  SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewFile(scenario_copy));
  SHARDLAB_RETURN_IF_ERROR(WriteJsonFileAtomically(scenario_copy, s.resolved));
  std::vector<std::string> exec_child;
  if (!context.self_executable.empty()) exec_child = {context.self_executable, "__trial-child", scenario_copy};
  TrialRunner runner(bank, std::move(templates), exec_child);

  CampaignSpec c;
  c.cells = CellsOf(crash);
  c.campaign = crash.campaign;
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

  std::unique_ptr<Progress> progress;
  const auto t0 = std::chrono::steady_clock::now();
  SHARDLAB_ASSIGN_OR_RETURN(Json cells,
                            RunCampaign(runner, c, "shardlab repro " + context.result_path + " --trial",
                                        [&](uint64_t done, uint64_t total) {
                                          if (!progress) progress = std::make_unique<Progress>("trials", total);
                                          progress->Add(1);
                                          (void)done;
                                        }));
  progress.reset();
  const double seconds = SecondsSince(t0);

  Json metrics;
  metrics["model"] = {
      {"power_loss", "simulated: at the crash every file loses what was written since its last successful xSync, and "
                     "files created or deleted since their directory's last sync revert (torn: unsynced sectors become "
                     "old, new or garbage from the seed)"},
      {"process_crash", "real: the child kills itself with SIGKILL just before or after the I/O event"},
      {"io_error", "real: libfiu fail points (vfs/... inside the shim, posix/... through libfiu's POSIX preload)"}};
  metrics["accounts"] = bank.accounts().size();
  int64_t trials = 0;
  Json matrix = Json::object();
  for (const Json& cell : cells) {
    trials += cell["trials"].get<int64_t>();
    Json summary;
    for (const char* k : {"trials", "old", "new", "mixed", "lost", "corrupt", "hung", "violations_total", "failed_commits",
                          "durability_promised", "expected_unsafe"}) {
      summary[k] = cell[k];
    }
    if (cell.contains("intermediate")) summary["intermediate"] = cell["intermediate"];
    if (cell.contains("commit_point") && !cell["commit_point"].is_null() && !cell["commit_point"]["event"].is_null()) {
      const Json& ev = cell["commit_point"]["event"];
      summary["commit_point"] = {{"op", ev["op"]}, {"role", ev["role"]}, {"index", ev["index"]},
                                 {"text", cell["commit_point"]["text"]}};
    }
    matrix[cell["strategy"].get<std::string>()][cell["journal_mode"].get<std::string>()]
          [cell["synchronous"].get<std::string>()][cell["fault"].get<std::string>()] = summary;
  }
  metrics["trials"] = trials;
  metrics["trials_per_s"] = seconds > 0 ? std::round(static_cast<double>(trials) / seconds * 10) / 10 : 0.0;
  metrics["matrix"] = matrix;
  metrics["cells"] = cells;
  return metrics;
}

int ReproTrial(const std::string& result_path, uint64_t trial, const std::string& data_root) {
  auto result = ReadJsonFile(result_path);
  if (!result.ok()) {
    std::cerr << result.status().message() << "\n";
    return 2;
  }
  const Json& r = *result;
  if (r.value("kind", "") != "crash" || !r.contains("metrics") || !r["metrics"].contains("cells")) {
    std::cerr << result_path << ": not a crash result (kind \"crash\" with metrics.cells)\n";
    return 2;
  }
  const Json* recorded = nullptr;
  for (const Json& cell : r["metrics"]["cells"]) {
    for (const Json& v : cell["violations"]) {
      if (v["trial"].get<uint64_t>() == trial) recorded = &v;
    }
  }
  if (recorded == nullptr) {
    std::cerr << result_path << ": trial " << trial << " is not among the recorded violations\n";
    return 2;
  }
  auto s = LoadScenarioFromJson(r["scenario"], result_path + " (scenario)", LoadOptions{}, {&CrashKind()});
  if (!s.ok()) {
    std::cerr << s.status().message() << "\n";
    return 2;
  }
  auto spec = TrialSpecFromJson((*recorded)["spec"]);
  if (!spec.ok()) {
    std::cerr << result_path << ": " << spec.status().message() << "\n";
    return 2;
  }
  const std::string dir = data_root + "/repro-" + s->name + "-trial" + std::to_string(trial);
  if (PathExists(dir)) {
    std::cerr << "data directory " << dir << " exists already; shardlab only uses directories it creates\n";
    return 2;
  }
  Workspace workspace;  // kept: the point of a repro is the post-mortem
  auto run = [&]() -> StatusOr<TrialResult> {
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
    SHARDLAB_ASSIGN_OR_RETURN(Bank bank, Bank::Make(BankSpecOf(*s)));
    SHARDLAB_ASSIGN_OR_RETURN(auto templates, MakeTemplates(bank, {spec->journal_mode}, dir, workspace));
    const std::string scenario_copy = dir + "/scenario.json";
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewFile(scenario_copy));
    SHARDLAB_RETURN_IF_ERROR(WriteJsonFileAtomically(scenario_copy, s->resolved));
    TrialRunner runner(bank, std::move(templates), {SelfExecutable(), "__trial-child", scenario_copy});
    return runner.Run(*spec, dir + "/trial", [](const TrialResult&) { return true; });
  };
  auto out = run();
  if (!out.ok()) {
    std::cerr << out.status().message() << "\n";
    return 3;
  }
  const std::string was = (*recorded)["outcome"];
  std::cout << "trial " << trial << " (" << spec->strategy << ", " << spec->journal_mode << "/" << spec->synchronous
            << ", " << spec->fault << (spec->torn ? " torn" : "");
  if (spec->crash_event >= 0) std::cout << ", " << (spec->crash_after ? "after" : "before") << " event " << spec->crash_event;
  if (!spec->fail_point.empty()) std::cout << ", " << spec->fail_point << " call " << spec->fail_k;
  std::cout << "): " << out->outcome << " — " << out->detail << "\n"
            << "recorded: " << was << (was == out->outcome ? " (reproduced)" : " (DIFFERENT)") << "\n"
            << "trial directory kept: " << AbsolutePath(dir + "/trial") << "\n";
  return was == out->outcome ? 0 : 1;
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
