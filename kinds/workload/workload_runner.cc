#include "kinds/workload/workload_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numeric>
#include <thread>

#include "core/elapsed.h"
#include "core/progress.h"
#include "kinds/workload/op_executor.h"
#include "kinds/workload/walk_forms.h"
#include "kinds/workload/walk_postgres.h"
#include "kinds/workload/workload_spec.h"
#include "shards/kv_schema.h"
#include "shards/shard_set.h"
#include "sqlite/io_counter.h"
#include "sqlite/sqlite_facts.h"
#include "workloads/router_impl.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

// Rounds to a decimal unit (0.01, 1e-4, 1, ...) so the JSON prints short numbers.
double RoundToUnit(double v, double unit) {
  const double scale = std::round(1.0 / unit);
  return unit < 1 ? std::round(v * scale) / scale : std::round(v / unit) * unit;
}

Json Stats(const std::vector<double>& xs) {
  Json j;
  if (xs.empty()) return j;
  std::vector<double> sorted = xs;
  std::sort(sorted.begin(), sorted.end());
  const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
  double var = 0;
  for (double x : xs) var += (x - mean) * (x - mean);
  const double sd = xs.size() > 1 ? std::sqrt(var / static_cast<double>(xs.size() - 1)) : 0;
  const size_t n = sorted.size();
  j["median"] = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  j["mean"] = mean;
  j["cv"] = mean != 0 ? sd / mean : 0;
  j["per_repetition"] = xs;
  return j;
}

Json Balance(const std::vector<int64_t>& counts) {
  Json b;
  const double n = static_cast<double>(counts.size());
  const double total = static_cast<double>(std::accumulate(counts.begin(), counts.end(), int64_t{0}));
  const double mean = total / n;
  const int64_t mn = *std::min_element(counts.begin(), counts.end());
  const int64_t mx = *std::max_element(counts.begin(), counts.end());
  double var = 0;
  for (int64_t c : counts) var += (static_cast<double>(c) - mean) * (static_cast<double>(c) - mean);
  b["min"] = mn;
  b["max"] = mx;
  b["mean"] = mean;
  b["stddev"] = std::sqrt(var / n);  // population: the shards are all there is
  b["max_over_mean"] = mean > 0 ? static_cast<double>(mx) / mean : 0;
  b["min_over_mean"] = mean > 0 ? static_cast<double>(mn) / mean : 0;
  b["spread"] = mx - mn;
  b["spread_pct"] = mean > 0 ? RoundToUnit(100.0 * static_cast<double>(mx - mn) / mean, 0.01) : 0;
  return b;
}

Json OpStatsJson(const OpStats& st, bool per_shard) {
  Json j;
  j["count"] = st.count;
  j["rows"] = st.rows;
  j["rows_per_op"] = st.count > 0 ? static_cast<double>(st.rows) / static_cast<double>(st.count) : 0;
  j["busy"] = st.busy;
  j["latency_us"] = st.latency.ToJsonMicros();
  const uint64_t timed = st.latency.count();
  j["shards_touched"] = {{"min", timed > 0 ? st.shards_touched_min : 0},
                         {"mean", timed > 0 ? static_cast<double>(st.shards_touched_sum) / static_cast<double>(timed) : 0},
                         {"max", st.shards_touched_max}};
  if (per_shard) j["per_shard_latency_us"] = st.per_shard_latency.ToJsonMicros();
  return j;
}

}  // namespace

// Inserts every key once, in batches of load_batch rows per shard transaction.
Status LoadedWorkload::Load(Json& metrics) {
  const WorkloadSpec& workload = s.Spec<WorkloadSpec>();
  LoadedWorkload& run = *this;
  ShardSession session(shards, ShardStatements(s));
  // Walks pick one resident key per shard, so they need to know which items live where.
  const bool need_items = !workload.walk.shards.empty() ||
                          std::any_of(workload.probes.begin(), workload.probes.end(),
                                      [](const ProbeSpec& p) { return p.op == OpType::kWalk; });
  if (need_items) run.shard_items.assign(run.shards.count(), {});
  std::vector<int64_t> pending(run.shards.count(), 0);
  std::optional<Db> single;
  std::optional<Stmt> single_put;
  int64_t single_pending = 0;
  if (!run.single_file.empty()) {
    SHARDLAB_ASSIGN_OR_RETURN(Db db, ShardSet::ConnectPath(run.single_file, s.sqlite));
    SHARDLAB_RETURN_IF_ERROR(db.Exec(KvSchemaSql(s.keys.integer_keys, workload.index_values)));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt put, db.Prepare(ShardStatements(s)[kPutStmt]));
    single = std::move(db);
    single_put = std::move(put);
  }
  auto commit = [](Db& db) { return db.Exec("COMMIT"); };

  const bool numeric_range = s.router.type == "range" && s.router.numeric_boundaries;
  Progress progress("load", s.keys.count);
  KeyRef key;
  std::string value;
  const auto t0 = Clock::now();
  for (uint64_t i = 0; i < s.keys.count; ++i) {
    const uint32_t shard = run.keys.ShardOf(i, *run.router, key);
    if (numeric_range && !ParseNumericRouteKey(key.route)) {
      return Status::Runtime("item " + std::to_string(i) + " routes by \"" + key.route +
                             "\", which the numeric range router cannot order");
    }
    SHARDLAB_ASSIGN_OR_RETURN(ShardSession::Conn * conn, session.Get(shard));
    if (pending[shard] == 0) SHARDLAB_RETURN_IF_ERROR(conn->db.Exec("BEGIN"));
    value.clear();
    run.value_format.AppendTo(i, value);
    for (auto [db, stmt] : {std::pair<Db*, Stmt*>{&conn->db, &conn->stmts[kPutStmt]},
                            std::pair<Db*, Stmt*>{single ? &*single : nullptr, single ? &*single_put : nullptr}}) {
      if (db == nullptr) continue;
      if (s.keys.integer_keys) {
        stmt->BindInt(1, key.integer);
      } else {
        stmt->BindTextStatic(1, key.text);
      }
      stmt->BindTextStatic(2, value);
      if (stmt->Step() != SQLITE_DONE) return db->Error("loading key " + key.text);
      stmt->Reset();
    }
    if (need_items) run.shard_items[shard].push_back(static_cast<uint32_t>(i));
    if (++pending[shard] == workload.load_batch) {
      SHARDLAB_RETURN_IF_ERROR(commit(conn->db));
      pending[shard] = 0;
    }
    if (single) {
      if (single_pending == 0) SHARDLAB_RETURN_IF_ERROR(single->Exec("BEGIN"));
      if (++single_pending == workload.load_batch) {
        SHARDLAB_RETURN_IF_ERROR(commit(*single));
        single_pending = 0;
      }
    }
    if ((i & 1023) == 1023) progress.Add(1024);
  }
  for (uint32_t shard = 0; shard < run.shards.count(); ++shard) {
    if (pending[shard] > 0) {
      SHARDLAB_ASSIGN_OR_RETURN(ShardSession::Conn * conn, session.Get(shard));
      SHARDLAB_RETURN_IF_ERROR(commit(conn->db));
    }
  }
  if (single && single_pending > 0) SHARDLAB_RETURN_IF_ERROR(commit(*single));
  progress.Finish();
  const double seconds = SecondsSince(t0);
  metrics["load"] = {{"rows", s.keys.count},
                     {"seconds", RoundToUnit(seconds, 1e-4)},
                     {"rows_per_s", RoundToUnit(static_cast<double>(s.keys.count) / std::max(seconds, 1e-9), 1)}};

  SHARDLAB_ASSIGN_OR_RETURN(std::vector<int64_t> counts, run.shards.RowCounts());
  metrics["per_shard_counts"] = counts;
  metrics["balance"] = Balance(counts);
  return Status::Ok();
}

namespace {

StatusOr<Json> RunProbe(LoadedWorkload& run, OpExecutor& ex, const ProbeSpec& p) {
  Json j;
  j["op"] = OpName(p.op);
  KeyRef key;
  if (p.op == OpType::kGet || p.op == OpType::kScan) {
    if (p.index) {
      run.keys.Fill(*p.index, run.router->UsesHash(), key);
    } else {
      key.text = *p.key;
      key.route = *p.key;
      if (run.s.keys.integer_keys) {
        key.integer = std::stoll(*p.key);  // validated as an integer
        char bytes[8];
        for (int b = 0; b < 8; ++b) bytes[b] = static_cast<char>((static_cast<uint64_t>(key.integer) >> (8 * b)) & 0xff);
        key.hash = HashBytes(run.s.keys.hash, std::string_view(bytes, 8));
      } else {
        key.hash = HashBytes(run.s.keys.hash, key.route);
      }
    }
    j["key"] = key.text;
    j["shard"] = run.router->Route(key.hash, key.route);
  }
  std::string value;
  LatencyHistogram per_shard;
  const auto t0 = Clock::now();
  StatusOr<OpOutcome> out = OpOutcome{};
  switch (p.op) {
    case OpType::kGet: out = ex.GetKey(key, &value); break;
    case OpType::kScan: out = ex.ScanKey(key); break;
    case OpType::kScatter: {
      std::vector<uint32_t> all(run.shards.count());
      std::iota(all.begin(), all.end(), 0);
      out = ex.QueryShards(all, ShardQuerySql(p.query.where), p.query.param, &per_shard);
      break;
    }
    case OpType::kAttachUnion: out = ex.AttachQuery(p.query.where, p.query.param); break;
    case OpType::kWalk: {
      Rng rng(DeriveSeed(run.s.seed, "probe:" + p.name));
      out = ex.Walk(p.walk_shards, rng, &per_shard);
      break;
    }
    case OpType::kPut: break;  // not a probe operation (validated)
  }
  const double us = SecondsSince(t0) * 1e6;
  if (!out.ok()) return out.status().Wrap("probe " + p.name);
  if (p.op == OpType::kGet) {
    j["found"] = out->rows == 1;
    j["value"] = out->rows == 1 ? Json(value) : Json(nullptr);
  }
  if (p.op == OpType::kScatter || p.op == OpType::kAttachUnion || p.op == OpType::kWalk) {
    j["param"] = p.query.param;
  }
  j["rows"] = out->rows;
  j["shards_touched"] = out->shards_touched;
  j["latency_us"] = RoundToUnit(us, 0.01);
  if (per_shard.count() > 0) j["per_shard_latency_us"] = per_shard.ToJsonMicros();
  return j;
}

// The ATTACH ceiling of the linked library (claim C4): the limit, the error one past
// it, and how far sqlite3_limit lets a program raise it (the compile-time maximum).
StatusOr<Json> AttachFacts() {
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(":memory:"));
  Json j;
  const int limit = sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, -1);
  j["limit"] = limit;
  sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, 125);
  j["max_settable"] = sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, -1);
  sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, limit);
  std::string error;
  for (int i = 0; i <= limit; ++i) {
    Status st = db.Exec("ATTACH DATABASE ':memory:' AS extra" + std::to_string(i));
    if (!st.ok()) {
      error = sqlite3_errmsg(db.get());
      j["failed_at"] = i + 1;
      break;
    }
  }
  j["error_at_limit_plus_1"] = error;
  return j;
}

// The timed phase: `threads` executors, warm-up, then `repetitions` of `ops` operations.
Status RunMixPhase(LoadedWorkload& run, std::vector<std::unique_ptr<OpExecutor>>& executors, Json& metrics) {
  const WorkloadSpec& w = run.s.Spec<WorkloadSpec>();
  const size_t threads = executors.size();
  auto share = [&](int64_t total, size_t t) {
    return static_cast<uint64_t>(total / static_cast<int64_t>(threads) + (static_cast<int64_t>(t) < total % static_cast<int64_t>(threads)));
  };
  auto run_all = [&](const char* label, int64_t total, uint64_t rep, bool record, Progress* progress) -> StatusOr<double> {
    std::vector<Status> status(threads);
    std::vector<std::thread> pool;
    const auto t0 = Clock::now();
    for (size_t t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        Rng rng(DeriveSeed(run.s.seed, label, t, rep));
        const uint64_t mine = share(total, t);
        // Progress in slices, so long runs show it; slices do not change the choices (one
        // rng, the same ops in the same order). 256: a slice of walks is ~0.3 s.
        for (uint64_t done = 0; done < mine && status[t].ok();) {
          const uint64_t slice = std::min<uint64_t>(256, mine - done);
          status[t] = executors[t]->RunMix(slice, rng, record);
          done += slice;
          if (progress != nullptr) progress->Add(slice);
        }
      });
    }
    for (std::thread& th : pool) th.join();
    for (const Status& st : status) SHARDLAB_RETURN_IF_ERROR(st);
    return SecondsSince(t0);
  };

  if (w.warmup_ops > 0) {
    Progress warmup("warmup ops", static_cast<uint64_t>(w.warmup_ops));
    SHARDLAB_RETURN_IF_ERROR(run_all("warmup", w.warmup_ops, 0, false, &warmup).status());
  }
  std::vector<double> throughput;
  Progress progress("ops", static_cast<uint64_t>(w.ops * w.repetitions));
  const IoCounts io_before = IoCounts::Snapshot();
  for (int64_t rep = 0; rep < w.repetitions; ++rep) {
    SHARDLAB_ASSIGN_OR_RETURN(double seconds, run_all("ops", w.ops, static_cast<uint64_t>(rep), true, &progress));
    throughput.push_back(RoundToUnit(static_cast<double>(w.ops) / std::max(seconds, 1e-9), 0.1));
  }
  const IoCounts io = IoCounts::Snapshot() - io_before;
  progress.Finish();

  std::array<OpStats, 6> total{};
  for (auto& ex : executors) {
    for (size_t op = 0; op < total.size(); ++op) total[op].Merge(ex->stats()[op]);
  }
  Json ops = Json::object();
  for (const auto& [op, weight] : w.mix) {
    const bool per_shard = op == OpType::kScatter || op == OpType::kWalk;
    ops[OpName(op)] = OpStatsJson(total[static_cast<size_t>(op)], per_shard);
    ops[OpName(op)]["weight"] = weight;
  }
  metrics["ops"] = ops;
  Json tp = Stats(throughput);
  tp["ops_per_s"] = tp["median"];
  tp["threads"] = threads;
  tp["ops_per_repetition"] = w.ops;
  if (throughput.size() > 1) tp["samples"] = {{"ops_per_s", throughput}};
  metrics["throughput"] = tp;
  // Every operation of the measured repetitions, whatever its type (the mix is from the seed).
  metrics["io_per_op"] = io.PerOp(w.ops * w.repetitions);
  return Status::Ok();
}

// The shard walk of source 000 (scenarios/CLAIMS.md) (claims C13, C14): for each K and fan-out width, walks of
// one lookup on each of K distinct shards; optionally the very same lookups on one file
// holding all rows, and on a PostgreSQL server holding them, for the ratios.
Status RunWalkPhase(LoadedWorkload& run, const std::string& data_dir, Workspace& workspace, Json& metrics) {
  const WalkSpec& walk = run.s.Spec<WorkloadSpec>().walk;
  const auto ctx = run.Context();
  const uint64_t forms =
      walk.fanout_threads.size() + (walk.single_file ? 2 : 0) + (walk.postgres ? WalkPostgresPeer::kForms : 0);
  // Loaded before the walks, stopped after them (its destructor stops it on errors).
  std::unique_ptr<WalkPostgresPeer> peer;
  if (walk.postgres) {
    SHARDLAB_ASSIGN_OR_RETURN(peer, WalkPostgresPeer::Start(run, data_dir, workspace));
  }
  Progress progress("walk", walk.iterations * walk.repetitions * walk.shards.size() * forms);

  Json out = Json::object();
  std::map<int64_t, WalkP50s> p50s;  // for the ratios of later forms
  for (int64_t k : walk.shards) {
    const uint32_t kk = static_cast<uint32_t>(k);
    Json point;
    point["shards"] = k;
    uint64_t& sequential_p50 = p50s[k].walk;
    Json ratio_samples = Json::object();  // ratio -> its per-round values (2+ rounds)
    for (int64_t threads : walk.fanout_threads) {
      OpExecutor ex(ctx, static_cast<int>(threads));
      SHARDLAB_RETURN_IF_ERROR(ex.OpenAllConnections());
      Rng warm(DeriveSeed(run.s.seed, "walk-warmup", static_cast<uint64_t>(k)));
      for (int i = 0; i < kWalkWarmPasses; ++i) SHARDLAB_RETURN_IF_ERROR(ex.Walk(run.shards.count(), warm, nullptr).status());
      // The same walks for every width (and round): the shard walk chooses as it goes.
      LatencyHistogram per_shard;
      SHARDLAB_ASSIGN_OR_RETURN(
          WalkFormResult timed,
          MeasureWalkRounds(
              run, kk, nullptr,
              [&](Rng& rng) -> StatusOr<uint64_t> {
                SHARDLAB_ASSIGN_OR_RETURN(OpOutcome o, ex.Walk(kk, rng, &per_shard));
                return o.rows;
              },
              progress));
      Json r = std::move(timed.json);
      r["per_shard_latency_us"] = per_shard.ToJsonMicros();
      point["threads_" + std::to_string(threads)] = r;
      const uint64_t p50 = timed.p50_ns;
      if (threads == 1) {
        sequential_p50 = p50;
        p50s[k].walk_rounds = timed.round_p50_ns;
      }
      if (threads > 1 && sequential_p50 > 0) {
        const std::string key = "fanout_speedup_p50_threads_" + std::to_string(threads);
        point[key] = P50Ratio(sequential_p50, p50);
        ratio_samples[key] = P50RatioSamples(p50s[k].walk_rounds, timed.round_p50_ns);
      }
    }
    if (walk.single_file) {
      // The keys the sequential walk looked up (same seed, same choices), in one file
      // holding every row: first one lookup at a time with the very same statement,
      // then as ONE query, the way one database would answer the request.
      SHARDLAB_ASSIGN_OR_RETURN(Db db, ShardSet::ConnectPath(run.single_file, run.s.sqlite));
      SHARDLAB_ASSIGN_OR_RETURN(Stmt get, db.Prepare(ShardStatements(run.s)[kGetStmt]));
      SHARDLAB_ASSIGN_OR_RETURN(Stmt in_query,
                                db.Prepare("SELECT k, v FROM kv WHERE k IN (SELECT value FROM json_each(?1))"));
      KeyRef key;
      Json key_list = Json::array();
      std::string key_text;
      const WalkAnswer one_by_one = [&](const std::vector<OpExecutor::WalkStep>& steps) -> StatusOr<uint64_t> {
        uint64_t rows = 0;
        for (const OpExecutor::WalkStep& step : steps) {
          if (step.item == OpExecutor::kNoItem) continue;
          run.keys.Fill(step.item, false, key);
          if (run.s.keys.integer_keys) {
            get.BindInt(1, key.integer);
          } else {
            get.BindTextStatic(1, key.text);
          }
          const int rc = get.Step();
          if (rc == SQLITE_ROW) ++rows;
          if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db.Error("single-file walk");
          get.Reset();
        }
        return rows;
      };
      const WalkAnswer one_query = [&](const std::vector<OpExecutor::WalkStep>& steps) -> StatusOr<uint64_t> {
        // Building the key list is part of the query's cost.
        key_list.clear();
        for (const OpExecutor::WalkStep& step : steps) {
          if (step.item == OpExecutor::kNoItem) continue;
          run.keys.Fill(step.item, false, key);
          key_list.push_back(run.s.keys.integer_keys ? Json(key.integer) : Json(key.text));
        }
        key_text = key_list.dump();
        in_query.BindTextStatic(1, key_text);
        uint64_t rows = 0;
        int rc;
        while ((rc = in_query.Step()) == SQLITE_ROW) ++rows;
        in_query.Reset();
        if (rc != SQLITE_DONE) return db.Error("single-file walk in one query");
        return rows;
      };
      SHARDLAB_ASSIGN_OR_RETURN(WalkFormResult single, MeasureWalkForm(run, kk, one_by_one, progress));
      point["single_file"] = single.json;
      p50s[k].single_file = single.p50_ns;
      p50s[k].single_file_rounds = single.round_p50_ns;
      if (sequential_p50 > 0) {
        point["walk_over_single_file_p50"] = P50Ratio(sequential_p50, single.p50_ns);
        ratio_samples["walk_over_single_file_p50"] = P50RatioSamples(p50s[k].walk_rounds, single.round_p50_ns);
      }
      SHARDLAB_ASSIGN_OR_RETURN(WalkFormResult in, MeasureWalkForm(run, kk, one_query, progress));
      point["single_file_one_query"] = in.json;
      p50s[k].single_file_one_query = in.p50_ns;
      p50s[k].single_file_one_query_rounds = in.round_p50_ns;
      if (sequential_p50 > 0) {
        point["walk_over_one_query_p50"] = P50Ratio(sequential_p50, in.p50_ns);
        ratio_samples["walk_over_one_query_p50"] = P50RatioSamples(p50s[k].walk_rounds, in.round_p50_ns);
      }
    }
    for (auto it = ratio_samples.begin(); it != ratio_samples.end(); ++it) {
      if (!it->empty()) point["samples"][it.key()] = *it;
    }
    if (peer) {
      SHARDLAB_ASSIGN_OR_RETURN(point["postgres"], peer->Measure(kk, p50s[k], progress));
    }
    out["shards_" + std::to_string(k)] = point;
  }
  if (peer) {
    SHARDLAB_ASSIGN_OR_RETURN(metrics["postgres"], peer->Finish());
  }
  progress.Finish();
  metrics["walk"] = out;
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<LoadedWorkload>> LoadedWorkload::Create(const Scenario& s, const std::string& data_dir,
                                                                 Workspace& workspace, Json& metrics) {
  const WorkloadSpec& workload = s.Spec<WorkloadSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(s.router, s.shards.count));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<KeyChooser> chooser, MakeKeyChooser(s.distribution, s.keys.count));
  SHARDLAB_ASSIGN_OR_RETURN(KeyTemplate value_format, KeyTemplate::Compile(workload.value_format));
  SHARDLAB_ASSIGN_OR_RETURN(KeyTemplate query_param, KeyTemplate::Compile(workload.query.param));
  const std::string schema = KvSchemaSql(s.keys.integer_keys, workload.index_values);
  SHARDLAB_ASSIGN_OR_RETURN(ShardSet shards, ShardSet::Create(s.shards, s.sqlite, data_dir, schema, workspace));
  std::unique_ptr<LoadedWorkload> run(new LoadedWorkload(s, std::move(keys), std::move(router), std::move(chooser),
                                                         std::move(value_format), std::move(query_param),
                                                         std::move(shards)));
  if (workload.walk.single_file) {
    run->single_file = data_dir + "/single.db";
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(run->single_file));
  }
  metrics["shards"] = s.shards.count;
  SHARDLAB_RETURN_IF_ERROR(run->Load(metrics));
  return run;
}

WorkloadContext LoadedWorkload::Context() const {
  const WorkloadSpec& workload = s.Spec<WorkloadSpec>();
  WorkloadContext c;
  c.scenario = &s;
  c.workload = &workload;
  c.keys = &keys;
  c.router = router.get();
  c.shards = &shards;
  c.value_format = &value_format;
  c.query_param = &query_param;
  c.chooser = chooser.get();
  c.shard_items = &shard_items;
  return c;
}

StatusOr<Json> RunWorkload(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const WorkloadSpec& workload = s.Spec<WorkloadSpec>();
  Json metrics;
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<LoadedWorkload> loaded, LoadedWorkload::Create(s, data_dir, workspace, metrics));
  LoadedWorkload& run = *loaded;
  const auto ctx = run.Context();
  std::vector<std::unique_ptr<OpExecutor>> executors;
  for (int64_t t = 0; t < workload.threads; ++t) {
    executors.push_back(std::make_unique<OpExecutor>(ctx, static_cast<int>(workload.fanout_threads)));
  }
  if (!workload.probes.empty()) {
    Json probes = Json::object();
    for (const ProbeSpec& p : workload.probes) {
      SHARDLAB_ASSIGN_OR_RETURN(Json j, RunProbe(run, *executors[0], p));
      probes[p.name] = j;
    }
    metrics["probes"] = probes;
  }
  const bool uses_attach =
      std::any_of(workload.mix.begin(), workload.mix.end(), [](const auto& m) { return m.first == OpType::kAttachUnion; }) ||
      std::any_of(workload.probes.begin(), workload.probes.end(), [](const ProbeSpec& p) { return p.op == OpType::kAttachUnion; });
  if (uses_attach) {
    SHARDLAB_ASSIGN_OR_RETURN(Json facts, AttachFacts());
    metrics["attach"] = facts;
  }
  if (workload.ops > 0) SHARDLAB_RETURN_IF_ERROR(RunMixPhase(run, executors, metrics));
  if (!workload.walk.shards.empty() && workload.walk.iterations > 0) {
    SHARDLAB_RETURN_IF_ERROR(RunWalkPhase(run, data_dir, workspace, metrics));
  }
  return metrics;
}

}  // namespace shardlab
