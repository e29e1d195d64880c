#pragma once
// The PostgreSQL peer's client: a thin owner of one libpq connection with what the walk
// comparison needs (commands, COPY in, prepared one-parameter queries that count their
// rows). Built against libpq when CMake finds it (pkg-config libpq); otherwise
// PgClientAvailable() is false and every call reports that this build has no libpq.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct pg_conn;  // libpq's PGconn

namespace shardlab {

bool PgClientAvailable();

class PgConnection {
 public:
  static StatusOr<PgConnection> Connect(const std::string& conninfo);
  PgConnection(PgConnection&& o) noexcept;
  PgConnection& operator=(PgConnection&& o) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // One or more commands without parameters (PQexec).
  Status Exec(const std::string& sql);
  // Rows of a query, every column as text (NULL as "").
  StatusOr<std::vector<std::vector<std::string>>> Query(const std::string& sql);
  // COPY ... FROM STDIN: `fill` appends COPY text-format data (one row per line) to its
  // argument, which it finds empty, and returns false once it has nothing more to add.
  Status CopyIn(const std::string& copy_sql, const std::function<bool(std::string&)>& fill);
  Status Prepare(const std::string& name, const std::string& sql);
  // Runs a prepared statement with one text parameter; the number of rows it returned.
  StatusOr<uint64_t> RunPrepared(const std::string& name, const std::string& param);
  // By default an interrupted run (core/interrupt.h) stops before the next statement; a
  // connection that cleans up after the interruption (2pc's resolver) turns that off.
  void set_interruptible(bool interruptible) { interruptible_ = interruptible; }

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_ = nullptr;
  bool interruptible_ = true;
};

// Appends `text` in COPY's text format: backslash, tab, newline and carriage return escaped.
inline void AppendCopyText(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

// Appends one element of an array literal ('{"a","b"}'); text elements are quoted, with
// backslash and double quote escaped, so any text round-trips.
inline void AppendArrayElement(std::string_view text, bool quote, std::string& out) {
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace shardlab
