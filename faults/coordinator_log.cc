#include "faults/coordinator_log.h"

namespace shardlab {
namespace {

// The log's statements run to the end even in an interrupted run (Stmt::Step would refuse):
// the resolver that cleans up after Ctrl-C reads it, and a coordinator must not lose a
// record halfway. Each is one short statement on a tiny table.
int StepToEnd(Stmt& st) { return sqlite3_step(st.get()); }

TxnDecision DecisionOf(int64_t code) {
  return code == 1 ? TxnDecision::kCommit : code == 2 ? TxnDecision::kAbort : TxnDecision::kNone;
}

}  // namespace

StatusOr<CoordinatorLog> CoordinatorLog::Open(const std::string& path) {
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(path));
  sqlite3_progress_handler(db.get(), 0, nullptr, nullptr);  // not interruptible (StepToEnd)
  // Rollback journal and FULL sync: a record is durable once its statement returns.
  for (const char* sql : {"PRAGMA journal_mode=DELETE", "PRAGMA synchronous=FULL",
                          "CREATE TABLE IF NOT EXISTS txn(seq INTEGER PRIMARY KEY, gid TEXT NOT NULL UNIQUE,"
                          " decision INTEGER NOT NULL DEFAULT 0, done INTEGER NOT NULL DEFAULT 0)"}) {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt st, db.Prepare(sql));
    int rc;
    while ((rc = StepToEnd(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return db.Error("coordinator log " + path);
  }
  return CoordinatorLog(std::move(db));
}

Status CoordinatorLog::Begin(const std::string& gid) {
  SHARDLAB_ASSIGN_OR_RETURN(Stmt st, db_.Prepare("INSERT INTO txn(gid) VALUES (?1)"));
  st.BindText(1, gid);
  if (StepToEnd(st) != SQLITE_DONE) return db_.Error("coordinator log: begin " + gid);
  return Status::Ok();
}

Status CoordinatorLog::Decide(const std::string& gid, bool commit) {
  const int64_t code = commit ? 1 : 2;
  SHARDLAB_ASSIGN_OR_RETURN(Stmt st,
                            db_.Prepare("UPDATE txn SET decision = ?2 WHERE gid = ?1 AND decision IN (0, ?2)"));
  st.BindText(1, gid);
  st.BindInt(2, code);
  if (StepToEnd(st) != SQLITE_DONE) return db_.Error("coordinator log: decide " + gid);
  if (sqlite3_changes(db_.get()) != 1) {
    return Status::Runtime("coordinator log: " + gid + " was never begun or was decided the other way");
  }
  return Status::Ok();
}

Status CoordinatorLog::Done(const std::string& gid) {
  SHARDLAB_ASSIGN_OR_RETURN(Stmt st, db_.Prepare("UPDATE txn SET done = 1 WHERE gid = ?1"));
  st.BindText(1, gid);
  if (StepToEnd(st) != SQLITE_DONE) return db_.Error("coordinator log: done " + gid);
  return Status::Ok();
}

StatusOr<std::optional<LoggedTxn>> CoordinatorLog::Find(const std::string& gid) {
  SHARDLAB_ASSIGN_OR_RETURN(Stmt st, db_.Prepare("SELECT decision, done FROM txn WHERE gid = ?1"));
  st.BindText(1, gid);
  const int rc = StepToEnd(st);
  if (rc == SQLITE_DONE) return std::optional<LoggedTxn>();
  if (rc != SQLITE_ROW) return db_.Error("coordinator log: find " + gid);
  return std::optional<LoggedTxn>(LoggedTxn{gid, DecisionOf(st.ColumnInt(0)), st.ColumnInt(1) != 0});
}

StatusOr<std::vector<LoggedTxn>> CoordinatorLog::Unfinished() {
  SHARDLAB_ASSIGN_OR_RETURN(Stmt st, db_.Prepare("SELECT gid, decision FROM txn WHERE done = 0 ORDER BY seq"));
  std::vector<LoggedTxn> out;
  int rc;
  while ((rc = StepToEnd(st)) == SQLITE_ROW) {
    out.push_back({std::string(st.ColumnText(0)), DecisionOf(st.ColumnInt(1)), false});
  }
  if (rc != SQLITE_DONE) return db_.Error("coordinator log: unfinished");
  return out;
}

ResolveAction ResolvePrepared(const std::optional<LoggedTxn>& logged) {
  return logged && logged->decision == TxnDecision::kCommit ? ResolveAction::kCommitPrepared
                                                            : ResolveAction::kRollbackPrepared;
}

}  // namespace shardlab
