#include "kinds/workload/walk_postgres.h"

#include <chrono>
#include <cmath>

#include "core/elapsed.h"
#include "core/histogram.h"
#include "kinds/workload/workload_runner.h"
#include "kinds/workload/workload_spec.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

double Round4(double seconds) { return std::round(seconds * 1e4) / 1e4; }
double Seconds(Clock::time_point t0) { return Round4(SecondsSince(t0)); }

// A test server's settings: PostgreSQL's defaults where they matter for reads, stated so
// the result records them, and what makes a one-off server start and load quickly.
const std::vector<std::pair<std::string, std::string>>& ServerSettings() {
  static const std::vector<std::pair<std::string, std::string>> kSettings = {
      {"shared_buffers", "128MB"},   // the default; the scenarios' rows fit in it
      {"fsync", "on"},               // the default: nothing is faked
      {"synchronous_commit", "on"},  // the default
      {"wal_level", "minimal"},      // the load's table is created in its own transaction,
      {"max_wal_senders", "0"},      // so its rows need no WAL (minimal requires this)
      {"jit", "off"},                // JIT is for long analytic queries, not point lookups
      {"max_connections", "10"},
  };
  return kSettings;
}

const std::string kGet = "get", kGetAny = "get_any", kPing = "ping";

}  // namespace

StatusOr<std::unique_ptr<WalkPostgresPeer>> WalkPostgresPeer::Start(const LoadedWorkload& run,
                                                                   const std::string& data_dir, Workspace& workspace) {
  std::unique_ptr<WalkPostgresPeer> peer(new WalkPostgresPeer(run));
  auto unavailable = [&](const std::string& why) {
    peer->unavailable_ = "peer not available (" + why + ")";
    return std::move(peer);
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
  // In steps: initdb and start, then the load's statements (seconds each, no finer unit).
  Progress steps("PostgreSQL peer steps", 1 + kLoadSteps);
  auto server = PgServer::Start(options);  // stops what it started when it fails
  if (!server.ok()) return server.status().Wrap("PostgreSQL peer");
  peer->server_ = std::move(server).value();
  Json& info = peer->info_;
  info["available"] = true;
  info["bindir"] = bin.bindir;
  info["found_by"] = bin.found_by;
  info["run_as"] = user->name;
  info["address"] = "127.0.0.1:" + std::to_string(peer->server_->port());
  info["dir"] = *dir;
  info["initdb_s"] = Round4(peer->server_->initdb_seconds());
  info["start_s"] = Round4(peer->server_->start_seconds());
  steps.Add(1);
  // On an error the peer goes out of scope and its destructor stops the server.
  SHARDLAB_RETURN_IF_ERROR(peer->Load(steps).Wrap("PostgreSQL peer"));
  SHARDLAB_RETURN_IF_ERROR(peer->Prepare().Wrap("PostgreSQL peer"));
  return peer;
}

// The scenario's rows (the same keys and values the shards hold) into kv, through a
// staging table so that repeated keys keep the last value, as the shards' INSERT OR
// REPLACE does. Then VACUUM ANALYZE (planner statistics, a settled table) and a
// CHECKPOINT, so no deferred write of the load lands in the SQLite walks' time.
Status WalkPostgresPeer::Load(Progress& steps) {
  SHARDLAB_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(server_->ConnInfo()));
  conn_ = std::move(conn);
  PgConnection& c = *conn_;
  SHARDLAB_ASSIGN_OR_RETURN(auto version, c.Query("SHOW server_version"));
  info_["server_version"] = version.at(0).at(0);

  const auto t0 = Clock::now();
  const Scenario& s = run_.s;
  const std::string key_type = s.keys.integer_keys ? "BIGINT" : "TEXT";
  SHARDLAB_RETURN_IF_ERROR(c.Exec("BEGIN; CREATE TABLE kv (k " + key_type + " PRIMARY KEY, v TEXT); "
                                  "CREATE TEMP TABLE kv_load (i BIGINT, k " + key_type + ", v TEXT) ON COMMIT DROP"));
  uint64_t i = 0;
  std::string value;
  SHARDLAB_RETURN_IF_ERROR(c.CopyIn("COPY kv_load (i, k, v) FROM STDIN", [&](std::string& chunk) {
    for (; i < s.keys.count && chunk.size() < (1u << 20); ++i) {
      run_.keys.Fill(i, false, key_);
      chunk += std::to_string(i);
      chunk += '\t';
      AppendCopyText(key_.text, chunk);
      chunk += '\t';
      value.clear();
      run_.value_format.AppendTo(i, value);
      AppendCopyText(value, chunk);
      chunk += '\n';
    }
    return i < s.keys.count;
  }));
  steps.Add(1);
  SHARDLAB_RETURN_IF_ERROR(c.Exec("INSERT INTO kv SELECT DISTINCT ON (k) k, v FROM kv_load ORDER BY k, i DESC"));
  if (s.Spec<WorkloadSpec>().index_values) SHARDLAB_RETURN_IF_ERROR(c.Exec("CREATE INDEX kv_v ON kv(v)"));
  SHARDLAB_RETURN_IF_ERROR(c.Exec("COMMIT"));
  steps.Add(1);
  SHARDLAB_RETURN_IF_ERROR(c.Exec("VACUUM (ANALYZE) kv"));
  steps.Add(1);
  SHARDLAB_RETURN_IF_ERROR(c.Exec("CHECKPOINT"));
  steps.Add(1);
  info_["load_s"] = Seconds(t0);

  SHARDLAB_ASSIGN_OR_RETURN(auto size, c.Query("SELECT count(*), pg_total_relation_size('kv') FROM kv"));
  info_["rows"] = std::stoll(size.at(0).at(0));
  info_["table_bytes"] = std::stoll(size.at(0).at(1));
  std::string names;
  for (const auto& [name, v] : ServerSettings()) names += (names.empty() ? "'" : ", '") + name + "'";
  SHARDLAB_ASSIGN_OR_RETURN(auto settings, c.Query("SELECT name, current_setting(name) FROM pg_settings WHERE name IN (" +
                                                   names + ") ORDER BY name"));
  for (const auto& row : settings) info_["settings"][row.at(0)] = row.at(1);
  return Status::Ok();
}

Status WalkPostgresPeer::Prepare() {
  PgConnection& c = *conn_;
  const bool ints = run_.s.keys.integer_keys;
  SHARDLAB_RETURN_IF_ERROR(c.Prepare(kGet, "SELECT k, v FROM kv WHERE k = $1"));
  SHARDLAB_RETURN_IF_ERROR(
      c.Prepare(kGetAny, std::string("SELECT k, v FROM kv WHERE k = ANY($1::") + (ints ? "bigint" : "text") + "[])"));
  // The smallest prepared query: one loopback round trip and nothing else, to read the
  // lookups' cost against.
  SHARDLAB_RETURN_IF_ERROR(c.Prepare(kPing, "SELECT $1::text"));
  LatencyHistogram rtt;
  const std::string x = "x";
  for (int i = 0; i < 1000; ++i) {
    const auto t0 = Clock::now();
    SHARDLAB_RETURN_IF_ERROR(c.RunPrepared(kPing, x).status());
    rtt.Record(NanosSince(t0));
  }
  info_["round_trip_us"] = rtt.ToJsonMicros();
  return Status::Ok();
}

StatusOr<Json> WalkPostgresPeer::Measure(uint32_t k, const WalkP50s& sqlite, Progress& progress) {
  if (!unavailable_.empty()) {
    const WalkSpec& walk = run_.s.Spec<WorkloadSpec>().walk;
    progress.Add(static_cast<uint64_t>(kForms * walk.iterations * walk.repetitions));
    return Json{{"unavailable", unavailable_}};
  }
  PgConnection& c = *conn_;
  const bool ints = run_.s.keys.integer_keys;
  const WalkAnswer lookups = [&](const std::vector<OpExecutor::WalkStep>& steps) -> StatusOr<uint64_t> {
    uint64_t rows = 0;
    for (const OpExecutor::WalkStep& step : steps) {
      if (step.item == OpExecutor::kNoItem) continue;
      run_.keys.Fill(step.item, false, key_);
      SHARDLAB_ASSIGN_OR_RETURN(uint64_t n, c.RunPrepared(kGet, key_.text));
      rows += n;
    }
    return rows;
  };
  const WalkAnswer one_query = [&](const std::vector<OpExecutor::WalkStep>& steps) -> StatusOr<uint64_t> {
    // Building the array is part of the query's cost, as the JSON list is for SQLite's.
    param_.assign(1, '{');
    for (const OpExecutor::WalkStep& step : steps) {
      if (step.item == OpExecutor::kNoItem) continue;
      run_.keys.Fill(step.item, false, key_);
      if (param_.size() > 1) param_ += ',';
      AppendArrayElement(key_.text, !ints, param_);
    }
    param_ += '}';
    return c.RunPrepared(kGetAny, param_);
  };
  auto one = MeasureWalkForm(run_, k, lookups, progress);
  if (!one.ok()) return one.status().Wrap("PostgreSQL peer");
  auto any = MeasureWalkForm(run_, k, one_query, progress);
  if (!any.ok()) return any.status().Wrap("PostgreSQL peer");
  Json pg;
  pg["lookups"] = one->json;
  pg["one_query"] = any->json;
  pg["lookups"].erase("io_per_walk");  // SQLite's counters: the server's I/O is not in them
  pg["one_query"].erase("io_per_walk");
  // Each ratio's per-round values (paired by round) when there are 2+ rounds.
  Json samples = Json::object();
  if (sqlite.walk > 0) {
    pg["walk_over_lookups_p50"] = P50Ratio(sqlite.walk, one->p50_ns);
    pg["walk_over_one_query_p50"] = P50Ratio(sqlite.walk, any->p50_ns);
    samples["walk_over_lookups_p50"] = P50RatioSamples(sqlite.walk_rounds, one->round_p50_ns);
    samples["walk_over_one_query_p50"] = P50RatioSamples(sqlite.walk_rounds, any->round_p50_ns);
  }
  if (sqlite.single_file > 0) {
    pg["single_file_lookups_over_lookups_p50"] = P50Ratio(sqlite.single_file, one->p50_ns);
    samples["single_file_lookups_over_lookups_p50"] = P50RatioSamples(sqlite.single_file_rounds, one->round_p50_ns);
  }
  if (sqlite.single_file_one_query > 0) {
    pg["single_file_one_query_over_one_query_p50"] = P50Ratio(sqlite.single_file_one_query, any->p50_ns);
    samples["single_file_one_query_over_one_query_p50"] =
        P50RatioSamples(sqlite.single_file_one_query_rounds, any->round_p50_ns);
  }
  for (auto it = samples.begin(); it != samples.end(); ++it) {
    if (!it->empty()) pg["samples"][it.key()] = *it;
  }
  return pg;
}

StatusOr<Json> WalkPostgresPeer::Finish() {
  if (!unavailable_.empty()) return Json{{"available", false}, {"reason", unavailable_}};
  conn_.reset();
  SHARDLAB_RETURN_IF_ERROR(server_->Stop().Wrap("PostgreSQL peer"));
  info_["stop_s"] = Round4(server_->stop_seconds());
  return info_;
}

// Members do it: the connection closes first, then PgServer's destructor stops the server.
WalkPostgresPeer::~WalkPostgresPeer() = default;

}  // namespace shardlab
