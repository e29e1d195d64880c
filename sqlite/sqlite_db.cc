#include "sqlite/sqlite_db.h"

#include "core/interrupt.h"

namespace shardlab {
namespace {
// VM steps between two looks at the interrupt flag (~tens of microseconds of work).
constexpr int kInterruptCheckSteps = 4096;
}  // namespace

StatusOr<Db> Db::Open(const std::string& path, int flags, const char* vfs) {
  SHARDLAB_RETURN_IF_ERROR(InstallIoCounter());
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, vfs);
  Db db(raw);
  if (rc != SQLITE_OK) {
    const std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return Status::Runtime("cannot open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  // An interrupted run (Ctrl-C, SIGTERM) stops inside a long statement too: the statement
  // fails with SQLITE_INTERRUPT and the run unwinds to its cleanup.
  sqlite3_progress_handler(raw, kInterruptCheckSteps, [](void*) { return Interrupted() ? 1 : 0; }, nullptr);
  return db;
}

void Db::Close() {
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

Status Db::Error(const std::string& context) const {
  return Status::Runtime(context + ": " + sqlite3_errmsg(db_) + " (extended code " +
                         std::to_string(sqlite3_extended_errcode(db_)) + ")");
}

Status Db::Exec(const std::string& sql) {
  // sqlite3_exec's loop (prepare, step to the end, finalize, next statement), through Stmt
  // so the VM steps are counted.
  const char* rest = sql.c_str();
  while (*rest != '\0') {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_, rest, -1, &raw, &rest);
    Stmt stmt(raw);
    if (rc == SQLITE_OK && raw != nullptr) {
      while ((rc = stmt.Step()) == SQLITE_ROW) {
      }
      if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
      return Status::Runtime(sql + ": " + sqlite3_errmsg(db_) + " (extended code " +
                             std::to_string(sqlite3_extended_errcode(db_)) + ")");
    }
  }
  return Status::Ok();
}

StatusOr<Stmt> Db::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return Error("preparing " + sql);
  }
  return Stmt(stmt);
}

StatusOr<std::string> Db::QueryText(const std::string& sql) {
  SHARDLAB_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return std::string(stmt.ColumnText(0));
  if (rc == SQLITE_DONE) return std::string();
  return Error(sql);
}

StatusOr<int64_t> Db::QueryInt(const std::string& sql) {
  SHARDLAB_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
  const int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.ColumnInt(0);
  if (rc == SQLITE_DONE) return int64_t{0};
  return Error(sql);
}

}  // namespace shardlab
