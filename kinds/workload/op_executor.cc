#include "kinds/workload/op_executor.h"

#include <chrono>

#include "core/elapsed.h"
#include "kinds/workload/workload_spec.h"
#include "shards/kv_schema.h"

namespace shardlab {
namespace {

bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

}  // namespace

std::vector<std::string> ShardStatements(const Scenario& s) {
  const WorkloadSpec& workload = s.Spec<WorkloadSpec>();
  std::vector<std::string> sql(kStatementCount);
  sql[kGetStmt] = "SELECT v FROM kv WHERE k = ?1";
  // The blog's put: INSERT OR REPLACE.
  sql[kPutStmt] = "INSERT OR REPLACE INTO kv(k, v) VALUES(?1, ?2)";
  sql[kScanStmt] = "SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k LIMIT ?2";
  sql[kQueryStmt] = ShardQuerySql(workload.query.where);
  return sql;
}

void OpStats::Merge(const OpStats& o) {
  count += o.count;
  rows += o.rows;
  busy += o.busy;
  shards_touched_sum += o.shards_touched_sum;
  shards_touched_min = std::min(shards_touched_min, o.shards_touched_min);
  shards_touched_max = std::max(shards_touched_max, o.shards_touched_max);
  latency.Merge(o.latency);
  per_shard_latency.Merge(o.per_shard_latency);
}

OpExecutor::OpExecutor(const WorkloadContext& ctx, int fanout_threads)
    : ctx_(ctx), session_(*ctx.shards, ShardStatements(*ctx.scenario)) {
  if (ctx_.chooser != nullptr) chooser_ = ctx_.chooser->Clone();
  if (fanout_threads > 1) {
    pool_ = std::make_unique<FanoutPool>(*ctx.shards, ShardStatements(*ctx.scenario), fanout_threads);
  }
  shard_order_.resize(ctx.shards->count());
  for (uint32_t s = 0; s < shard_order_.size(); ++s) shard_order_[s] = s;
  double acc = 0;
  for (const auto& [op, weight] : ctx.workload->mix) {
    acc += weight;
    cumulative_mix_.emplace_back(acc, op);
  }
  if (!cumulative_mix_.empty()) cumulative_mix_.back().first = 1.0;  // no rounding gap at the top
}

void OpExecutor::ResetStats() { stats_ = {}; }

Status OpExecutor::Check(int rc, Stmt& stmt, const char* what) {
  if (rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_OK) return Status::Ok();
  const std::string msg = std::string(what) + ": " + sqlite3_errmsg(sqlite3_db_handle(stmt.get())) +
                          " (extended code " + std::to_string(sqlite3_extended_errcode(sqlite3_db_handle(stmt.get()))) + ")";
  stmt.Reset();
  return Status::Runtime(msg);
}

void OpExecutor::BindKey(Stmt& stmt, int index, const KeyRef& key) {
  if (ctx_.keys->spec().integer_keys) {
    stmt.BindInt(index, key.integer);
  } else {
    stmt.BindTextStatic(index, key.text);
  }
}

StatusOr<OpOutcome> OpExecutor::GetKey(const KeyRef& key, std::string* value_out) {
  const uint32_t shard = ctx_.router->Route(key.hash, key.route);
  SHARDLAB_ASSIGN_OR_RETURN(Stmt * stmt, session_.Statement(shard, kGetStmt));
  BindKey(*stmt, 1, key);
  const int rc = stmt->Step();
  OpOutcome out{0, 1};
  if (rc == SQLITE_ROW) {
    out.rows = 1;
    // Copy the value out, as a client would.
    if (value_out != nullptr) {
      value_out->assign(stmt->ColumnText(0));
    } else {
      text_.assign(stmt->ColumnText(0));
    }
  }
  SHARDLAB_RETURN_IF_ERROR(Check(rc, *stmt, "get"));
  stmt->Reset();
  return out;
}

Status OpExecutor::OpenAllConnections() {
  for (uint32_t shard = 0; shard < session_.shard_count(); ++shard) SHARDLAB_RETURN_IF_ERROR(session_.Get(shard).status());
  return pool_ ? pool_->OpenAllConnections() : Status::Ok();
}

StatusOr<OpOutcome> OpExecutor::Get(uint64_t i, std::string* value_out) {
  ctx_.keys->Fill(i, ctx_.router->UsesHash(), key_);
  return GetKey(key_, value_out);
}

StatusOr<OpOutcome> OpExecutor::Put(uint64_t i) {
  ctx_.keys->Fill(i, ctx_.router->UsesHash(), key_);
  const uint32_t shard = ctx_.router->Route(key_.hash, key_.route);
  SHARDLAB_ASSIGN_OR_RETURN(Stmt * stmt, session_.Statement(shard, kPutStmt));
  BindKey(*stmt, 1, key_);
  text_.clear();
  ctx_.value_format->AppendTo(i, text_);
  stmt->BindTextStatic(2, text_);
  const int rc = stmt->Step();
  if (IsBusy(rc)) {
    stmt->Reset();
    return OpOutcome{0, 1, true};
  }
  SHARDLAB_RETURN_IF_ERROR(Check(rc, *stmt, "put"));
  stmt->Reset();
  return OpOutcome{1, 1};
}

StatusOr<OpOutcome> OpExecutor::ScanKey(const KeyRef& key) {
  const uint32_t shard = ctx_.router->Route(key.hash, key.route);
  SHARDLAB_ASSIGN_OR_RETURN(Stmt * stmt, session_.Statement(shard, kScanStmt));
  BindKey(*stmt, 1, key);
  stmt->BindInt(2, ctx_.workload->scan_length);
  OpOutcome out{0, 1};
  int rc;
  while ((rc = stmt->Step()) == SQLITE_ROW) {
    text_.assign(stmt->ColumnText(1));
    ++out.rows;
  }
  SHARDLAB_RETURN_IF_ERROR(Check(rc, *stmt, "scan"));
  stmt->Reset();
  return out;
}

StatusOr<OpOutcome> OpExecutor::Scan(uint64_t i) {
  ctx_.keys->Fill(i, ctx_.router->UsesHash(), key_);
  return ScanKey(key_);
}

// Runs `sql` (one shard's part of a query without the shard key) on each listed
// shard, sequentially or on the fan-out pool, and gathers the rows in the driver.
StatusOr<OpOutcome> OpExecutor::QueryShards(const std::vector<uint32_t>& shards, const std::string& sql,
                                            const std::string& param, LatencyHistogram* per_shard) {
  struct WorkerOut {
    std::vector<std::pair<std::string, std::string>> rows;
    LatencyHistogram latency;
  };
  const bool default_query = sql == ShardQuerySql(ctx_.workload->query.where);
  auto run_one = [&](ShardSession& session, uint32_t shard,
                     std::vector<std::pair<std::string, std::string>>& rows, LatencyHistogram* hist) -> Status {
    const int64_t t0 = MonotonicNanos();
    Stmt adhoc;
    Stmt* stmt = nullptr;
    if (default_query) {
      SHARDLAB_ASSIGN_OR_RETURN(stmt, session.Statement(shard, kQueryStmt));
    } else {
      // Probes may bring their own WHERE: prepared once for this call.
      SHARDLAB_ASSIGN_OR_RETURN(ShardSession::Conn * conn, session.Get(shard));
      SHARDLAB_ASSIGN_OR_RETURN(adhoc, conn->db.Prepare(sql));
      stmt = &adhoc;
    }
    if (stmt->ParameterCount() > 0) stmt->BindTextStatic(1, param);
    int rc;
    while ((rc = stmt->Step()) == SQLITE_ROW) rows.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1));
    SHARDLAB_RETURN_IF_ERROR(Check(rc, *stmt, "query"));
    stmt->Reset();
    if (hist != nullptr) hist->Record(static_cast<uint64_t>(MonotonicNanos() - t0));
    return Status::Ok();
  };

  std::vector<std::pair<std::string, std::string>> merged;
  if (!pool_) {
    for (uint32_t shard : shards) SHARDLAB_RETURN_IF_ERROR(run_one(session_, shard, merged, per_shard));
  } else {
    std::vector<WorkerOut> outs(pool_->workers());
    SHARDLAB_RETURN_IF_ERROR(pool_->Run(shards.size(), session_, [&](ShardSession& session, size_t task, size_t worker) {
      return run_one(session, shards[task], outs[worker].rows, per_shard != nullptr ? &outs[worker].latency : nullptr);
    }));
    for (WorkerOut& o : outs) {
      merged.insert(merged.end(), std::make_move_iterator(o.rows.begin()), std::make_move_iterator(o.rows.end()));
      if (per_shard != nullptr) per_shard->Merge(o.latency);
    }
  }
  return OpOutcome{merged.size(), static_cast<uint32_t>(shards.size())};
}

StatusOr<OpOutcome> OpExecutor::Scatter(const std::string& param, LatencyHistogram* per_shard) {
  return QueryShards(shard_order_, ShardQuerySql(ctx_.workload->query.where), param, per_shard);
}

StatusOr<Db*> OpExecutor::AttachConnection() {
  if (attach_db_) return &*attach_db_;
  // One connection with every shard attached as s0..s{N-1} (checked against the
  // ATTACH limit when the scenario was validated).
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(":memory:"));
  for (uint32_t s = 0; s < ctx_.shards->count(); ++s) {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt attach, db.Prepare("ATTACH DATABASE ?1 AS s" + std::to_string(s)));
    attach.BindText(1, ctx_.shards->path(s));
    if (attach.Step() != SQLITE_DONE) return db.Error("attaching " + ctx_.shards->path(s));
  }
  attach_db_ = std::move(db);
  return &*attach_db_;
}

StatusOr<OpOutcome> OpExecutor::AttachQuery(const std::string& where, const std::string& param) {
  SHARDLAB_ASSIGN_OR_RETURN(Db * db, AttachConnection());
  if (!attach_stmt_ || attach_where_ != where) {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt stmt, db->Prepare(UnionQuerySql(where, static_cast<int>(ctx_.shards->count()))));
    attach_stmt_ = std::move(stmt);
    attach_where_ = where;
  }
  Stmt& stmt = *attach_stmt_;
  if (stmt.ParameterCount() > 0) stmt.BindTextStatic(1, param);
  OpOutcome out{0, ctx_.shards->count()};
  int rc;
  while ((rc = stmt.Step()) == SQLITE_ROW) {
    text_.assign(stmt.ColumnText(1));
    ++out.rows;
  }
  SHARDLAB_RETURN_IF_ERROR(Check(rc, stmt, "attach_union"));
  stmt.Reset();
  return out;
}

StatusOr<OpOutcome> OpExecutor::AttachUnion(const std::string& param) {
  return AttachQuery(ctx_.workload->query.where, param);
}

void OpExecutor::ChooseWalk(uint32_t k, Rng& rng, std::vector<WalkStep>& steps) {
  // k distinct shards by a partial Fisher-Yates shuffle, undone afterwards so the
  // permutation is the identity again and the choice depends only on rng and k.
  const uint32_t n = static_cast<uint32_t>(shard_order_.size());
  steps.clear();
  std::vector<uint32_t>& order = shard_order_;
  std::vector<uint32_t>& picks = walk_picks_;
  picks.resize(k);
  for (uint32_t j = 0; j < k; ++j) {
    picks[j] = j + static_cast<uint32_t>(rng.Below(n - j));
    std::swap(order[j], order[picks[j]]);
    const auto& resident = (*ctx_.shard_items)[order[j]];
    steps.push_back({order[j], resident.empty() ? kNoItem : resident[rng.Below(resident.size())]});
  }
  for (uint32_t j = k; j-- > 0;) std::swap(order[j], order[picks[j]]);
}

StatusOr<OpOutcome> OpExecutor::RunWalk(const std::vector<WalkStep>& steps, LatencyHistogram* per_shard) {
  auto lookup = [&](ShardSession& session, const WalkStep& step, KeyRef& key, uint64_t& rows,
                    LatencyHistogram* hist) -> Status {
    if (step.item == kNoItem) return Status::Ok();
    const int64_t t0 = MonotonicNanos();
    ctx_.keys->Fill(step.item, false, key);
    SHARDLAB_ASSIGN_OR_RETURN(Stmt * stmt, session.Statement(step.shard, kGetStmt));
    BindKey(*stmt, 1, key);
    const int rc = stmt->Step();
    if (rc == SQLITE_ROW) ++rows;
    SHARDLAB_RETURN_IF_ERROR(Check(rc, *stmt, "walk"));
    stmt->Reset();
    if (hist != nullptr) hist->Record(static_cast<uint64_t>(MonotonicNanos() - t0));
    return Status::Ok();
  };
  uint64_t rows = 0;
  if (!pool_) {
    for (const WalkStep& step : steps) SHARDLAB_RETURN_IF_ERROR(lookup(session_, step, key_, rows, per_shard));
  } else {
    struct WorkerOut {
      KeyRef key;
      uint64_t rows = 0;
      LatencyHistogram latency;
    };
    std::vector<WorkerOut> outs(pool_->workers());
    SHARDLAB_RETURN_IF_ERROR(pool_->Run(steps.size(), session_, [&](ShardSession& session, size_t j, size_t worker) {
      WorkerOut& o = outs[worker];
      return lookup(session, steps[j], o.key, o.rows, per_shard != nullptr ? &o.latency : nullptr);
    }));
    for (WorkerOut& o : outs) {
      rows += o.rows;
      if (per_shard != nullptr) per_shard->Merge(o.latency);
    }
  }
  return OpOutcome{rows, static_cast<uint32_t>(steps.size())};
}

Status OpExecutor::RunMix(uint64_t n, Rng& rng, bool record) {
  const WorkloadSpec& w = *ctx_.workload;
  for (uint64_t done = 0; done < n; ++done) {
    const double pick = rng.NextDouble();
    OpType op = cumulative_mix_.back().second;
    for (const auto& [edge, candidate] : cumulative_mix_) {
      if (pick < edge) {
        op = candidate;
        break;
      }
    }
    const uint64_t item = chooser_->Next(rng);
    OpStats& st = stats_[static_cast<size_t>(op)];
    LatencyHistogram* per_shard = record ? &st.per_shard_latency : nullptr;
    const int64_t t0 = MonotonicNanos();
    StatusOr<OpOutcome> out = OpOutcome{};
    switch (op) {
      case OpType::kGet: out = Get(item); break;
      case OpType::kPut: out = Put(item); break;
      case OpType::kScan: out = Scan(item); break;
      case OpType::kScatter:
      case OpType::kAttachUnion:
        param_.clear();
        ctx_.query_param->AppendTo(item, param_);
        out = op == OpType::kScatter ? Scatter(param_, per_shard) : AttachUnion(param_);
        break;
      case OpType::kWalk:
        out = Walk(static_cast<uint32_t>(w.walk.shards[rng.Below(w.walk.shards.size())]), rng, per_shard);
        break;
    }
    const int64_t t1 = MonotonicNanos();
    if (!out.ok()) return out.status().Wrap(OpName(op));
    if (!record) continue;
    ++st.count;
    st.rows += out->rows;
    if (out->busy) {
      ++st.busy;
      continue;
    }
    st.latency.Record(static_cast<uint64_t>(t1 - t0));
    st.shards_touched_sum += out->shards_touched;
    st.shards_touched_min = std::min(st.shards_touched_min, out->shards_touched);
    st.shards_touched_max = std::max(st.shards_touched_max, out->shards_touched);
  }
  return Status::Ok();
}

}  // namespace shardlab
