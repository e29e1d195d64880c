#include "run/runner.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "core/elapsed.h"
#include "core/str_format.h"
#include "core/workspace.h"
#include "kinds/registry.h"
#include "run/environment.h"
#include "scenario/expectations.h"
#include "scenario/kind.h"

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
std::string ShortFigure(double v) { return StrFormat("%.4g", v); }

}  // namespace

std::string DataDirFor(const Scenario& s, const RunOptions& options) {
  const std::string base = options.data_dir.value_or(s.data_dir.empty() ? options.run_dir + "/data" : s.data_dir);
  return base + "/" + s.name;
}

ScenarioOutcome RunScenario(const Scenario& s, const RunOptions& options) {
  ScenarioOutcome outcome;
  const auto started = std::chrono::system_clock::now();
  const auto t0 = std::chrono::steady_clock::now();

  const std::string data_dir = DataDirFor(s, options);
  const std::string result_path = options.run_dir + "/" + s.name + ".json";
  Workspace workspace;
  Json metrics = Json::object();
  Status status = PathExists(data_dir)
                      ? Status::Runtime("data directory " + data_dir +
                                        " exists already; shardlab only uses directories it creates")
                      : workspace.MakeDirs(data_dir);
  Json env;
  if (status.ok()) {
    env = CollectEnvironment(data_dir);
    RunContext context{data_dir, workspace, result_path, options.keep_failures, options.self_executable};
    const Kind* kind = FindKind(AllKinds(), s.kind);
    auto m = kind != nullptr ? kind->Run(s, context)
                             : StatusOr<Json>(Status::Invalid("kind " + s.kind + " is not supported by this build"));
    if (m.ok()) {
      metrics = std::move(m).value();
    } else {
      status = m.status();
    }
  } else {
    env = CollectEnvironment(options.run_dir);
  }
  const double duration = SecondsSince(t0);

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
  // for a post-mortem. Only what this run created is removed.
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
  if (!keep) workspace.RemoveCreated();

  outcome.result_path = result_path;
  Status written = WriteJsonFileAtomically(outcome.result_path, result);
  outcome.status = status.ok() ? written : status;
  outcome.result = std::move(result);
  return outcome;
}

std::string SummarizeResult(const Json& r) {
  std::ostringstream out;
  out << r["name"].get<std::string>() << " (" << r["kind"].get<std::string>() << ", seed " << r["seed"] << ", "
      << Fixed(r["duration_s"].get<double>(), 2) << " s)\n";
  if (r["status"] != "ok") {
    out << "  error: " << r["error"].get<std::string>() << "\n";
    return out.str();
  }
  if (const Kind* kind = FindKind(AllKinds(), r["kind"].get<std::string>())) out << kind->Summarize(r);
  for (const Json& c : r["checks"]) {
    out << "  " << c["verdict"].get<std::string>() << "  " << (c.contains("claim") ? c["claim"].get<std::string>() + " " : "")
        << c["name"].get<std::string>();
    if (c.contains("interval")) {
      // A timed claim judged over its repetitions: the metric, the 95 % interval and n.
      out << ": " << c["observed"].dump() << " [" << ShortFigure(c["interval"][0].get<double>()) << ", "
          << ShortFigure(c["interval"][1].get<double>()) << "] n=" << c["samples"].dump();
    } else if (c["verdict"] != "pass") {
      out << "  (observed " << c["observed"].dump() << ")";
    }
    if (c["verdict"] == "unknown" && c.contains("reason")) out << ": " << c["reason"].get<std::string>();
    out << "\n";
  }
  return out.str();
}

}  // namespace shardlab
