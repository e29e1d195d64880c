#include "run/runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "core/elapsed.h"
#include "core/interrupt.h"
#include "core/str_format.h"
#include "core/workspace.h"
#include "kinds/registry.h"
#include "run/environment.h"
#include "scenario/expectations.h"
#include "scenario/kind.h"
#include "shards/layout.h"

namespace shardlab {
namespace {

constexpr int kSchemaVersion = 1;

std::string UtcTimestamp(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// An interval bound as the console shows it: 4 significant digits.

}  // namespace

std::string DataDirFor(const Scenario& s, const RunOptions& options) {
  const std::string base = options.data_dir.value_or(s.data_dir.empty() ? options.run_dir + "/data" : s.data_dir);
  return base + "/" + s.name;
}

namespace {

// The absolute roots of a scenario (relative ones are inside its data directory).
std::vector<std::string> AbsoluteRoots(const Scenario& s) {
  std::vector<std::string> absolute;
  for (const std::string& root : s.shards.roots) {
    if (!root.empty() && root[0] == '/' && std::find(absolute.begin(), absolute.end(), root) == absolute.end()) {
      absolute.push_back(root);
    }
  }
  return absolute;
}

// A file in an absolute root that the run would create, or SQLite would create beside a
// shard (-journal, -wal, -shm, -mj…): kInvalidInput naming it. Shards of a named set
// (<root>/<set>/…, kinds/backup, reshard, …) are checked again when claimed.
Status CheckRootsFree(const Scenario& s, const std::string& data_dir) {
  if (AbsoluteRoots(s).empty()) return Status::Ok();
  MjNames listed;
  for (uint32_t id = 0; id < s.shards.count; ++id) {
    const std::string& root = ShardRoot(s.shards, id);
    if (root.empty() || root[0] != '/') continue;
    const std::string path = ShardPath(s.shards, data_dir, id);
    if (const std::string found = ExistingDatabaseFile(path, listed); !found.empty()) {
      return Status::Invalid("shards.roots: " + found +
                             " exists already; shardlab only creates and removes files of its own there (choose another root)");
    }
  }
  return Status::Ok();
}

// Takes the scenario's places before anything is created in them: the data directory by
// creating it (mkdir fails when it exists, so two runs never share one), and each
// absolute root by an flock, then looks again for files in the roots (a run that
// started meanwhile). kInvalidInput when a place is taken.
Status ClaimPlaces(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const size_t slash = data_dir.find_last_of('/');
  if (slash != std::string::npos && slash > 0) SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(data_dir.substr(0, slash)));
  SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDirectory(data_dir));
  for (const std::string& root : AbsoluteRoots(s)) {
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(root));
    SHARDLAB_RETURN_IF_ERROR(workspace.LockDirectory(root).Wrap("shards.roots"));
  }
  return CheckRootsFree(s, data_dir);
}

}  // namespace

Status CheckPlacesFree(const Scenario& s, const RunOptions& options) {
  const std::string dir = DataDirFor(s, options);
  if (PathExists(dir)) {
    return Status::Invalid("data directory " + dir +
                           " exists already; shardlab only uses directories it creates (choose another --data or --out)");
  }
  const std::string result = ResultPathFor(s, options);
  if (PathExists(result)) {
    return Status::Invalid("result " + result + " exists already; shardlab never replaces a result (choose another --out)");
  }
  return CheckRootsFree(s, dir);
}

std::string ResultPathFor(const Scenario& s, const RunOptions& options) { return options.run_dir + "/" + s.name + ".json"; }

ScenarioOutcome RunScenario(const Scenario& s, const RunOptions& options) {
  ScenarioOutcome outcome;
  const auto started = std::chrono::system_clock::now();
  const auto t0 = std::chrono::steady_clock::now();

  const std::string data_dir = DataDirFor(s, options);
  outcome.data_dir = data_dir;
  outcome.result_path = ResultPathFor(s, options);
  Workspace workspace;
  if (Status claimed = ClaimPlaces(s, data_dir, workspace); !claimed.ok()) {
    // Nothing of the scenario ran: remove the directories made for it, write no result.
    workspace.RemoveCreated();
    outcome.status = claimed;
    outcome.result_written = false;
    return outcome;
  }
  const Json env = CollectEnvironment(data_dir);
  Json metrics = Json::object();
  Status status;
  {
    RunContext context{data_dir, workspace, outcome.result_path, options.keep_failures, options.self_executable};
    const Kind* kind = FindKind(AllKinds(), s.kind);
    auto m = kind != nullptr ? kind->Run(s, context)
                             : StatusOr<Json>(Status::Invalid("kind " + s.kind + " is not supported by this build"));
    if (m.ok()) {
      metrics = std::move(m).value();
    } else {
      status = m.status();
    }
  }
  const double duration = SecondsSince(t0);
  outcome.seconds = duration;

  if (Interrupted()) {
    // An interrupted scenario has no result: what it measured is partial. Its data goes
    // unless --keep, so the same command can simply run again.
    outcome.interrupted = true;
    outcome.status = CheckInterrupted();
    if (!options.keep) outcome.removed = workspace.RemoveCreated();
    outcome.data_kept = options.keep && !workspace.empty();
    outcome.result_written = false;
    return outcome;
  }

  Json result;
  result["schema_version"] = kSchemaVersion;
  result["name"] = s.name;
  result["kind"] = s.kind;
  result["file"] = s.file;
  result["seed"] = s.seed;
  result["started"] = UtcTimestamp(started);
  result["duration_s"] = std::round(duration * 1000) / 1000;
  result["status"] = status.ok() ? "ok" : "error";
  if (!status.ok()) result["error"] = status.message();
  Json checks = status.ok() ? EvaluateExpectations(s.expect, metrics) : Json::array();
  for (const Json& c : checks) {
    const std::string v = c["verdict"];
    (v == "pass" ? outcome.passed : v == "fail" ? outcome.failed : outcome.unknown)++;
  }
  result["summary"] = {{"pass", outcome.passed}, {"fail", outcome.failed}, {"unknown", outcome.unknown}};
  result["checks"] = checks;
  result["metrics"] = metrics;
  result["scenario"] = s.resolved;
  result["env"] = env;

  // Shard files go once the run succeeded (unless --keep); after a failure they stay
  // for a post-mortem. The result is written first: when it cannot be, the data stays.
  const bool keep = options.keep || !status.ok();
  Json run_info;
  run_info["command"] = options.command_line;
  run_info["quick"] = options.load.quick;
  Json overrides = Json::array();
  for (const auto& [path, value] : options.load.overrides) overrides.push_back(path + "=" + value);
  run_info["overrides"] = overrides;
  run_info["data_dir"] = AbsolutePath(data_dir);
  run_info["data_kept"] = keep;
  result["run"] = run_info;

  Status written = WriteNewJsonFile(outcome.result_path, result);
  outcome.result_written = written.ok();
  if (written.ok() && !keep) outcome.removed = workspace.RemoveCreated();
  outcome.data_kept = !(written.ok() && !keep);
  outcome.status = status.ok() ? written : status;
  if (!status.ok() && !written.ok()) outcome.status = Status::Runtime(status.message() + "; and " + written.message());
  outcome.result = std::move(result);
  return outcome;
}

}  // namespace shardlab
