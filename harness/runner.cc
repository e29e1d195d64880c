#include "harness/runner.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "harness/backup_runner.h"
#include "harness/concurrency_runner.h"
#include "harness/crash_runner.h"
#include "harness/environment.h"
#include "harness/ids_runner.h"
#include "harness/tenants_runner.h"
#include "harness/reshard_runner.h"
#include "harness/schema_migration_runner.h"
#include "harness/schema_migration_summary.h"
#include "harness/expectations.h"
#include "harness/workload_runner.h"
#include "harness/workspace.h"

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

StatusOr<Json> RunKind(const Scenario& s, const std::string& data_dir, Workspace& workspace, const RunOptions& options) {
  if (s.kind == "workload") return RunWorkload(s, data_dir, workspace);
  if (s.kind == "crash") return RunCrash(s, data_dir, workspace, options);
  if (s.kind == "reshard") return RunReshard(s, data_dir, workspace);
  if (s.kind == "concurrency") return RunConcurrency(s, data_dir, workspace);
  if (s.kind == "ids") return RunIds(s, data_dir, workspace);
  if (s.kind == "tenants") return RunTenants(s, data_dir, workspace);
  if (s.kind == "backup") return RunBackup(s, data_dir, workspace);
  if (s.kind == "migrate") return RunSchemaMigration(s, data_dir, workspace);
  return Status::Invalid("kind " + s.kind + " is not supported by this build");
}

std::string Fixed(double v, int digits) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << v;
  return out.str();
}

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
  Workspace workspace;
  Json metrics = Json::object();
  Status status = PathExists(data_dir)
                      ? Status::Runtime("data directory " + data_dir +
                                        " exists already; shardlab only uses directories it creates")
                      : workspace.MakeDirs(data_dir);
  Json env;
  if (status.ok()) {
    env = CollectEnvironment(data_dir);
    auto m = RunKind(s, data_dir, workspace, options);
    if (m.ok()) {
      metrics = std::move(m).value();
    } else {
      status = m.status();
    }
  } else {
    env = CollectEnvironment(options.run_dir);
  }
  const double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

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

  outcome.result_path = options.run_dir + "/" + s.name + ".json";
  Status written = WriteJsonFileAtomically(outcome.result_path, result);
  outcome.status = status.ok() ? written : status;
  outcome.result = std::move(result);
  return outcome;
}

std::string SummarizeResult(const Json& r) {
  std::ostringstream out;
  const Json& sc = r["scenario"];
  const Json& m = r["metrics"];
  out << r["name"].get<std::string>() << " (" << r["kind"].get<std::string>() << ", seed " << r["seed"] << ", "
      << Fixed(r["duration_s"].get<double>(), 2) << " s)\n";
  if (r["status"] != "ok") {
    out << "  error: " << r["error"].get<std::string>() << "\n";
    return out.str();
  }
  if (r["kind"] == "workload") {
    out << "  " << sc["shards"]["count"] << " shards (" << sc["shards"]["layout"].get<std::string>() << "), router "
        << sc["router"]["type"].get<std::string>() << ", " << sc["keys"]["count"] << " keys by "
        << sc["keys"]["hash"].get<std::string>() << ", journal " << sc["sqlite"]["journal_mode"].get<std::string>()
        << "/" << sc["sqlite"]["synchronous"].get<std::string>() << "\n";
    if (m.contains("load")) {
      out << "  load: " << m["load"]["rows"] << " rows in " << Fixed(m["load"]["seconds"].get<double>(), 3) << " s ("
          << Fixed(m["load"]["rows_per_s"].get<double>() / 1000, 1) << "k rows/s)\n";
    }
    if (m.contains("per_shard_counts")) {
      const Json& counts = m["per_shard_counts"];
      std::string list = counts.size() <= 16 ? counts.dump() : "[" + std::to_string(counts.size()) + " shards]";
      out << "  rows per shard: " << list << "  max/mean " << Fixed(m["balance"]["max_over_mean"].get<double>(), 3)
          << "  spread " << Fixed(m["balance"]["spread_pct"].get<double>(), 1) << "% of mean\n";
    }
    if (m.contains("probes")) {
      for (auto it = m["probes"].begin(); it != m["probes"].end(); ++it) {
        const Json& p = *it;
        out << "  probe " << it.key() << ": " << p["op"].get<std::string>() << " touched " << p["shards_touched"]
            << " shard(s), " << p["rows"] << " row(s)";
        if (p.contains("value") && !p["value"].is_null()) out << ", value " << p["value"].dump();
        out << ", " << Fixed(p["latency_us"].get<double>() / 1000, 3) << " ms\n";
      }
    }
    if (m.contains("attach")) {
      out << "  ATTACH limit of the linked SQLite: " << m["attach"]["limit"] << " (error past it: \""
          << m["attach"]["error_at_limit_plus_1"].get<std::string>() << "\")\n";
    }
    if (m.contains("throughput")) {
      out << "  mix: " << Fixed(m["throughput"]["ops_per_s"].get<double>(), 0) << " ops/s median of "
          << m["throughput"]["per_repetition"].size() << " repetition(s), cv "
          << Fixed(m["throughput"]["cv"].get<double>() * 100, 1) << "%\n";
      for (auto it = m["ops"].begin(); it != m["ops"].end(); ++it) {
        const Json& lat = (*it)["latency_us"];
        out << "    " << it.key() << ": " << (*it)["count"] << " ops, p50 " << Fixed(lat["p50"].get<double>(), 1)
            << " us, p99 " << Fixed(lat["p99"].get<double>(), 1) << " us, max " << Fixed(lat["max"].get<double>(), 1)
            << " us, " << Fixed((*it)["shards_touched"]["mean"].get<double>(), 1) << " shard(s)/op\n";
        if (it->contains("per_shard_latency_us")) {
          const Json& ps = (*it)["per_shard_latency_us"];
          out << "      each shard's own query: p50 " << Fixed(ps["p50"].get<double>(), 1) << " us, p99 "
              << Fixed(ps["p99"].get<double>(), 1) << " us\n";
        }
      }
    }
    if (m.contains("postgres") && m["postgres"].value("available", false)) {
      const Json& pg = m["postgres"];
      out << "  PostgreSQL peer " << pg["server_version"].get<std::string>() << " at " << pg["address"].get<std::string>()
          << " (as " << pg["run_as"].get<std::string>() << "): initdb " << Fixed(pg["initdb_s"].get<double>(), 2)
          << " s, start " << Fixed(pg["start_s"].get<double>(), 2) << " s, load " << pg["rows"] << " rows "
          << Fixed(pg["load_s"].get<double>(), 2) << " s; one round trip p50 "
          << Fixed(pg["round_trip_us"]["p50"].get<double>(), 1) << " us\n";
    }
    if (m.contains("walk")) {
      for (auto it = m["walk"].begin(); it != m["walk"].end(); ++it) {
        const Json& w = *it;
        out << "  walk of " << w["shards"] << " shards:";
        for (auto t = w.begin(); t != w.end(); ++t) {
          if (t.key().rfind("threads_", 0) == 0) {
            out << " " << t.key().substr(8) << " thread(s) p50 " << Fixed((*t)["latency_us"]["p50"].get<double>() / 1000, 3)
                << " ms;";
          }
        }
        if (w.contains("single_file")) {
          out << "\n    one file, same lookups: p50 " << Fixed(w["single_file"]["latency_us"]["p50"].get<double>() / 1000, 3)
              << " ms (the walk takes " << Fixed(w.value("walk_over_single_file_p50", 0.0), 2)
              << "x); one file, one IN query: p50 "
              << Fixed(w["single_file_one_query"]["latency_us"]["p50"].get<double>() / 1000, 3) << " ms ("
              << Fixed(w.value("walk_over_one_query_p50", 0.0), 2) << "x)";
        }
        if (w.contains("postgres")) {
          const Json& pg = w["postgres"];
          if (pg.contains("unavailable")) {
            out << "\n    PostgreSQL: " << pg["unavailable"].get<std::string>();
          } else {
            out << "\n    PostgreSQL, same lookups: p50 " << Fixed(pg["lookups"]["latency_us"]["p50"].get<double>() / 1000, 3)
                << " ms (the walk takes " << Fixed(pg.value("walk_over_lookups_p50", 0.0), 2)
                << "x); one = ANY query: p50 " << Fixed(pg["one_query"]["latency_us"]["p50"].get<double>() / 1000, 3)
                << " ms (" << Fixed(pg.value("walk_over_one_query_p50", 0.0), 2) << "x)";
          }
        }
        out << "\n";
      }
    }
  }
  if (r["kind"] == "tenants") out << SummarizeTenants(m);
  if (r["kind"] == "ids") {
    for (auto it = m["schemes"].begin(); it != m["schemes"].end(); ++it) {
      const Json& c = *it;
      char line[200];
      std::snprintf(line, sizeof(line), "    %-14s %8llu rows: %8llu collisions across shards  %9.0f rows/s  %7.1f B/row  %6lld pages",
                    it.key().c_str(), static_cast<unsigned long long>(c["rows"].get<uint64_t>()),
                    static_cast<unsigned long long>(c["collisions"].get<uint64_t>()), c["rows_per_s"].get<double>(),
                    c["bytes_per_row"].get<double>(), static_cast<long long>(c["btree_pages"].get<int64_t>()));
      out << line;
      if (c.contains("self_routing_failures")) out << "  shard from id: " << c["self_routing_failures"] << " failures";
      out << "\n";
    }
  }
  if (r["kind"] == "backup") out << SummarizeBackup(m, sc["backup"]["writers"].get<int64_t>());
  if (r["kind"] == "migrate") out << SummarizeSchemaMigration(m);
  if (r["kind"] == "concurrency") out << SummarizeConcurrency(m);
  if (r["kind"] == "reshard") {
    const Json& a = m["analysis"];
    out << "  " << sc["shards"]["count"] << " shards, " << a["keys"] << " keys by " << sc["keys"]["hash"].get<std::string>()
        << ": " << a["tasks"] << " (router, change) pairs in " << Fixed(a["seconds"].get<double>(), 2) << " s\n";
    for (auto rt = m["movement"].begin(); rt != m["movement"].end(); ++rt) {
      for (auto ch = rt->begin(); ch != rt->end(); ++ch) {
        const Json& c = *ch;
        char line[240];
        std::snprintf(line, sizeof(line),
                      "    %-12s %-12s moved %10llu (%.4f; optimal %.4f, x%.2f)  extra %llu  max/mean %.3f",
                      rt.key().c_str(), ch.key().c_str(), static_cast<unsigned long long>(c["moved"].get<uint64_t>()),
                      c["moved_fraction"].get<double>(), c["optimal_fraction"].get<double>(),
                      c["moved_over_optimal"].get<double>(), static_cast<unsigned long long>(c["extra_moves"].get<uint64_t>()),
                      c["balance"]["max_over_mean"].get<double>());
        out << line;
        if (c.contains("lookup_ns")) out << "  " << Fixed(c["lookup_ns"].get<double>(), 1) << " ns/lookup";
        out << "\n";
      }
    }
    if (m.contains("migration")) {
      const Json& g = m["migration"];
      out << "  migration " << g["router"].get<std::string>() << " " << g["change"].get<std::string>() << ": "
          << g["rows_moved"] << " of " << g["rows"] << " rows moved in " << g["batches"] << " batches, "
          << Fixed(g["seconds"].get<double>(), 2) << " s (" << Fixed(g["rows_per_s"].get<double>(), 0) << " rows/s";
      if (g.contains("bare_rows_per_s")) {
        out << "; bare INSERT...SELECT " << Fixed(g["bare_rows_per_s"].get<double>(), 0) << " rows/s, ratio "
            << Fixed(g["rows_per_s_over_bare"].get<double>(), 2);
      }
      out << "); verified " << (g["verify"]["ok"].get<bool>() ? "ok" : "NOT ok: " + g["verify"]["detail"].get<std::string>())
          << "\n";
      if (g.contains("crash")) {
        const Json& c = g["crash"];
        out << "  killed and resumed " << c["trials"] << " times: ok " << c["ok"] << ", lost " << c["lost"]
            << ", duplicated " << c["duplicated"] << ", corrupt " << c["corrupt"] << ", misplaced " << c["misplaced"]
            << ", resume failed " << c["resume_failed"] << "\n";
      }
    }
    if (m.contains("vnode_sweep")) {
      for (auto n = m["vnode_sweep"].begin(); n != m["vnode_sweep"].end(); ++n) {
        out << "    ring balance, " << n.key() << ":";
        for (const Json& p : *n) {
          out << " v" << p["vnodes"] << " cv " << Fixed(p["cv"].get<double>(), 3) << " (ref " << Fixed(p["reference_cv"].get<double>(), 3) << ");";
        }
        out << "\n";
      }
    }
  }
  if (r["kind"] == "crash") {
    out << "  " << sc["shards"]["count"] << " shards, " << m["accounts"] << " accounts, campaign "
        << sc["crash"]["campaign"].get<std::string>() << ": " << m["trials"] << " trials, "
        << Fixed(m["trials_per_s"].get<double>(), 0) << " trials/s (power_loss is simulated)\n";
    for (const Json& c : m["cells"]) {
      char line[200];
      std::snprintf(line, sizeof(line), "    %-7s %-8s %-6s %-16s %5lld trials: old %lld new %lld mixed %lld lost %lld corrupt %lld hung %lld",
                    c["strategy"].get<std::string>().c_str(), c["journal_mode"].get<std::string>().c_str(),
                    c["synchronous"].get<std::string>().c_str(), c["fault"].get<std::string>().c_str(),
                    static_cast<long long>(c["trials"].get<int64_t>()), static_cast<long long>(c["old"].get<int64_t>()),
                    static_cast<long long>(c["new"].get<int64_t>()), static_cast<long long>(c["mixed"].get<int64_t>()),
                    static_cast<long long>(c["lost"].get<int64_t>()), static_cast<long long>(c["corrupt"].get<int64_t>()),
                    static_cast<long long>(c["hung"].get<int64_t>()));
      out << line;
      if (c.contains("intermediate")) out << " (intermediate " << c["intermediate"] << ")";
      if (c.contains("commit_point") && !c["commit_point"].is_null()) {
        out << "; commit point " << c["commit_point"]["text"].get<std::string>();
      }
      out << "\n";
    }
  }
  for (const Json& c : r["checks"]) {
    out << "  " << c["verdict"].get<std::string>() << "  " << (c.contains("claim") ? c["claim"].get<std::string>() + " " : "")
        << c["name"].get<std::string>();
    if (c["verdict"] != "pass") out << "  (observed " << c["observed"].dump() << ")";
    if (c["verdict"] == "unknown" && c.contains("reason")) out << ": " << c["reason"].get<std::string>();
    out << "\n";
  }
  return out.str();
}

}  // namespace shardlab
