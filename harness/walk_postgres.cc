#include "harness/walk_postgres.h"

#include <chrono>
#include <cmath>
#include <memory>

#include "harness/histogram.h"
#include "harness/pg_client.h"
#include "harness/pg_server.h"
#include "harness/workload_runner.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point t0) {
  return std::round(std::chrono::duration<double>(Clock::now() - t0).count() * 1e4) / 1e4;
}

// A test server's settings: PostgreSQL's defaults where they matter for reads, stated so
// the result records them, and what makes a one-off server start and load quickly.
const std::vector<std::pair<std::string, std::string>>& ServerSettings() {
  static const std::vector<std::pair<std::string, std::string>> kSettings = {
      {"shared_buffers", "128MB"},      // the default; the scenarios' rows fit in it
      {"fsync", "on"},                  // the default: nothing is faked
      {"synchronous_commit", "on"},     // the default
      {"wal_level", "minimal"},         // the load's table is created in its own transaction,
      {"max_wal_senders", "0"},         // so its rows need no WAL (required by minimal)
      {"jit", "off"},                   // JIT is for long analytic queries, not point lookups
      {"max_connections", "10"},
  };
  return kSettings;
}

// The scenario's rows (the same keys and values the shards hold) into kv, through a
// staging table so that repeated keys keep the last value, as the shards' INSERT OR
// REPLACE does. Then VACUUM ANALYZE: planner statistics and a settled table.
Status LoadRows(const LoadedWorkload& run, PgConnection& conn) {
  const Scenario& s = run.s;
  const std::string key_type = s.keys.integer_keys ? "BIGINT" : "TEXT";
  SHARDLAB_RETURN_IF_ERROR(conn.Exec("BEGIN; CREATE TABLE kv (k " + key_type + " PRIMARY KEY, v TEXT); "
                                     "CREATE TEMP TABLE kv_load (i BIGINT, k " + key_type + ", v TEXT) ON COMMIT DROP"));
  uint64_t i = 0;
  KeyRef key;
  std::string value;
  SHARDLAB_RETURN_IF_ERROR(conn.CopyIn("COPY kv_load (i, k, v) FROM STDIN", [&](std::string& chunk) {
    for (; i < s.keys.count && chunk.size() < (1u << 20); ++i) {
      run.keys.Fill(i, false, key);
      chunk += std::to_string(i);
      chunk += '\t';
      AppendCopyText(key.text, chunk);
      chunk += '\t';
      value.clear();
      run.value_format.AppendTo(i, value);
      AppendCopyText(value, chunk);
      chunk += '\n';
    }
    return i < s.keys.count;
  }));
  SHARDLAB_RETURN_IF_ERROR(conn.Exec("INSERT INTO kv SELECT DISTINCT ON (k) k, v FROM kv_load ORDER BY k, i DESC"));
  if (s.workload.index_values) SHARDLAB_RETURN_IF_ERROR(conn.Exec("CREATE INDEX kv_v ON kv(v)"));
  SHARDLAB_RETURN_IF_ERROR(conn.Exec("COMMIT"));
  return conn.Exec("VACUUM (ANALYZE) kv");
}

// Loads the rows, then for each K the two forms of the walk.
Status LoadAndMeasure(const LoadedWorkload& run, const PgServer& server, const std::map<int64_t, WalkP50s>& sqlite_p50s,
                      Json& walk, Json& info, Progress& progress) {
  SHARDLAB_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(server.ConnInfo()));
  SHARDLAB_ASSIGN_OR_RETURN(auto version, conn.Query("SHOW server_version"));
  info["server_version"] = version.at(0).at(0);

  const auto t_load = Clock::now();
  SHARDLAB_RETURN_IF_ERROR(LoadRows(run, conn));
  info["load_s"] = Seconds(t_load);
  SHARDLAB_ASSIGN_OR_RETURN(auto size, conn.Query("SELECT count(*), pg_total_relation_size('kv') FROM kv"));
  info["rows"] = std::stoll(size.at(0).at(0));
  info["table_bytes"] = std::stoll(size.at(0).at(1));
  std::string names;
  for (const auto& [name, value] : ServerSettings()) names += (names.empty() ? "'" : ", '") + name + "'";
  SHARDLAB_ASSIGN_OR_RETURN(auto settings,
                            conn.Query("SELECT name, current_setting(name) FROM pg_settings "
                                       "WHERE name IN (" + names + ") ORDER BY name"));
  for (const auto& row : settings) info["settings"][row.at(0)] = row.at(1);

  const bool ints = run.s.keys.integer_keys;
  const std::string get = "get", get_any = "get_any", ping = "ping";
  SHARDLAB_RETURN_IF_ERROR(conn.Prepare(get, "SELECT k, v FROM kv WHERE k = $1"));
  SHARDLAB_RETURN_IF_ERROR(
      conn.Prepare(get_any, std::string("SELECT k, v FROM kv WHERE k = ANY($1::") + (ints ? "bigint" : "text") + "[])"));
  // The smallest prepared query: one network round trip and nothing else, to read the
  // lookups' cost against.
  SHARDLAB_RETURN_IF_ERROR(conn.Prepare(ping, "SELECT $1::text"));
  {
    LatencyHistogram rtt;
    const std::string x = "x";
    for (int i = 0; i < 1000; ++i) {
      const auto t0 = Clock::now();
      SHARDLAB_RETURN_IF_ERROR(conn.RunPrepared(ping, x).status());
      rtt.Record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()));
    }
    info["round_trip_us"] = rtt.ToJsonMicros();
  }

  KeyRef key;
  std::string param;
  const WalkAnswer lookups = [&](const std::vector<OpExecutor::WalkStep>& steps) -> StatusOr<uint64_t> {
    uint64_t rows = 0;
    for (const OpExecutor::WalkStep& step : steps) {
      if (step.item == OpExecutor::kNoItem) continue;
      run.keys.Fill(step.item, false, key);
      SHARDLAB_ASSIGN_OR_RETURN(uint64_t n, conn.RunPrepared(get, key.text));
      rows += n;
    }
    return rows;
  };
  const WalkAnswer one_query = [&](const std::vector<OpExecutor::WalkStep>& steps) -> StatusOr<uint64_t> {
    // Building the array is part of the query's cost, as the JSON list is for SQLite's.
    param.assign(1, '{');
    for (const OpExecutor::WalkStep& step : steps) {
      if (step.item == OpExecutor::kNoItem) continue;
      run.keys.Fill(step.item, false, key);
      if (param.size() > 1) param += ',';
      AppendArrayElement(key.text, !ints, param);
    }
    param += '}';
    return conn.RunPrepared(get_any, param);
  };

  for (int64_t k : run.s.workload.walk.shards) {
    const uint32_t kk = static_cast<uint32_t>(k);
    SHARDLAB_ASSIGN_OR_RETURN(WalkFormResult one, MeasureWalkForm(run, kk, lookups, progress));
    SHARDLAB_ASSIGN_OR_RETURN(WalkFormResult any, MeasureWalkForm(run, kk, one_query, progress));
    Json pg;
    pg["lookups"] = one.json;
    pg["one_query"] = any.json;
    const auto it = sqlite_p50s.find(k);
    const WalkP50s p = it != sqlite_p50s.end() ? it->second : WalkP50s{};
    if (p.walk > 0) {
      pg["walk_over_lookups_p50"] = P50Ratio(p.walk, one.p50_ns);
      pg["walk_over_one_query_p50"] = P50Ratio(p.walk, any.p50_ns);
    }
    if (p.single_file > 0) pg["single_file_lookups_over_lookups_p50"] = P50Ratio(p.single_file, one.p50_ns);
    if (p.single_file_one_query > 0) {
      pg["single_file_one_query_over_one_query_p50"] = P50Ratio(p.single_file_one_query, any.p50_ns);
    }
    walk["shards_" + std::to_string(k)]["postgres"] = pg;
  }
  return Status::Ok();
}

}  // namespace

Status RunWalkPostgres(const LoadedWorkload& run, const std::string& data_dir, Workspace& workspace,
                       const std::map<int64_t, WalkP50s>& sqlite_p50s, Json& walk, Json& metrics, Progress& progress) {
  auto unavailable = [&](const std::string& why) {
    const std::string reason = "peer not available (" + why + ")";
    metrics["postgres"] = {{"available", false}, {"reason", reason}};
    for (int64_t k : run.s.workload.walk.shards) walk["shards_" + std::to_string(k)]["postgres"] = {{"unavailable", reason}};
    return Status::Ok();
  };
  if (!PgClientAvailable()) return unavailable("built without libpq");
  const PgBinaries bin = FindPgBinaries();
  if (!bin.found()) return unavailable(bin.reason);
  StatusOr<PgUser> user = PgServerUser();
  if (!user.ok()) return unavailable(user.status().message());

  auto dir = MakePgServerDir(workspace, data_dir, *user);
  if (!dir.ok()) return dir.status().Wrap("PostgreSQL peer");
  PgServerOptions options;
  options.bindir = bin.bindir;
  options.dir = *dir;
  options.user = *user;
  options.settings = ServerSettings();
  auto server = PgServer::Start(options);  // stops what it started when it fails
  if (!server.ok()) return server.status().Wrap("PostgreSQL peer");

  Json info;
  info["available"] = true;
  info["bindir"] = bin.bindir;
  info["found_by"] = bin.found_by;
  info["run_as"] = user->name;
  info["address"] = "127.0.0.1:" + std::to_string((*server)->port());
  info["dir"] = *dir;
  info["initdb_s"] = std::round((*server)->initdb_seconds() * 1e4) / 1e4;
  info["start_s"] = std::round((*server)->start_seconds() * 1e4) / 1e4;
  const Status measured = LoadAndMeasure(run, **server, sqlite_p50s, walk, info, progress);
  const Status stopped = (*server)->Stop();  // also after a failed measurement
  SHARDLAB_RETURN_IF_ERROR(measured.Wrap("PostgreSQL peer"));
  SHARDLAB_RETURN_IF_ERROR(stopped.Wrap("PostgreSQL peer"));
  info["stop_s"] = std::round((*server)->stop_seconds() * 1e4) / 1e4;
  metrics["postgres"] = info;
  return Status::Ok();
}

}  // namespace shardlab
