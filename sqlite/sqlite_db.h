#pragma once
// Thin RAII owners of sqlite3 connections and statements; errors become Status values
// carrying SQLite's message and extended result code. A statement adds its VM counters to
// the process-wide I/O counts (io_counter.h) at each Reset() and when finalized.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/interrupt.h"
#include "core/status.h"
#include "sqlite/io_counter.h"

namespace shardlab {

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(Stmt&& o) noexcept : stmt_(std::exchange(o.stmt_, nullptr)) {}
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      Finalize();
      stmt_ = std::exchange(o.stmt_, nullptr);
    }
    return *this;
  }
  ~Stmt() { Finalize(); }

  sqlite3_stmt* get() const { return stmt_; }
  explicit operator bool() const { return stmt_ != nullptr; }
  void BindText(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  // The caller keeps `text` alive until the statement is reset.
  void BindTextStatic(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int ParameterCount() const { return sqlite3_bind_parameter_count(stmt_); }
  // SQLITE_INTERRUPT without stepping once the run is interrupted (core/interrupt.h):
  // loops of short statements stop too, not only long ones (the progress handler).
  int Step() { return Interrupted() ? SQLITE_INTERRUPT : sqlite3_step(stmt_); }
  void Reset() {
    AddCounts();
    sqlite3_reset(stmt_);
  }
  std::string_view ColumnText(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    return p == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, i));
  }
  int64_t ColumnInt(int i) const { return sqlite3_column_int64(stmt_, i); }

 private:
  // The statement's VM steps and full-scan steps since the last call, into the counts.
  void AddCounts() {
    AddStmtCounts(sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, 1),
                  sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1));
  }
  void Finalize() {
    if (stmt_ == nullptr) return;
    AddCounts();
    sqlite3_finalize(stmt_);
  }
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  Db& operator=(Db&& o) noexcept {
    if (this != &o) {
      Close();
      db_ = std::exchange(o.db_, nullptr);
    }
    return *this;
  }
  ~Db() { Close(); }

  // kRuntime "cannot open PATH: <sqlite message>".
  // Installs the counting VFS (io_counter.h) on first use.
  static StatusOr<Db> Open(const std::string& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           const char* vfs = nullptr);
  sqlite3* get() const { return db_; }
  // Runs every statement of `sql` (as sqlite3_exec), counting their VM steps.
  Status Exec(const std::string& sql);
  StatusOr<Stmt> Prepare(const std::string& sql);
  // The connection's current error as a Status: "<message> (extended code N)".
  Status Error(const std::string& context) const;
  // The first column of the first row, as text ("" when no row).
  StatusOr<std::string> QueryText(const std::string& sql);
  StatusOr<int64_t> QueryInt(const std::string& sql);
  void Close();

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace shardlab
