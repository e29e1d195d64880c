// The libpq implementation of pg_client.h (compiled when CMake finds libpq).
#include <libpq-fe.h>

#include <utility>

#include "core/interrupt.h"
#include "postgres/pg_client.h"

namespace shardlab {
namespace {

std::string ErrorOf(PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Owns a PGresult.
struct Result {
  explicit Result(PGresult* r) : res(r) {}
  ~Result() { PQclear(res); }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  PGresult* res;
};

Status Check(PGconn* conn, const Result& r, ExecStatusType want, const std::string& what) {
  if (r.res != nullptr && PQresultStatus(r.res) == want) return Status::Ok();
  std::string m = r.res != nullptr ? PQresultErrorMessage(r.res) : ErrorOf(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return Status::Runtime("PostgreSQL: " + what + ": " + (m.empty() ? ErrorOf(conn) : m));
}

}  // namespace

bool PgClientAvailable() { return true; }

StatusOr<PgConnection> PgConnection::Connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return Status::Runtime("PostgreSQL: out of memory connecting");
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string m = ErrorOf(conn);
    PQfinish(conn);
    return Status::Runtime("PostgreSQL: cannot connect: " + m);
  }
  return PgConnection(conn);
}

PgConnection::PgConnection(PgConnection&& o) noexcept
    : conn_(std::exchange(o.conn_, nullptr)), interruptible_(o.interruptible_) {}

PgConnection& PgConnection::operator=(PgConnection&& o) noexcept {
  if (this != &o) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = std::exchange(o.conn_, nullptr);
    interruptible_ = o.interruptible_;
  }
  return *this;
}

PgConnection::~PgConnection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Status PgConnection::Exec(const std::string& sql) {
  if (interruptible_) SHARDLAB_RETURN_IF_ERROR(CheckInterrupted());  // an interrupted run stops between queries
  // PQexec returns the last command's result; an error stops the string there.
  Result r(PQexec(conn_, sql.c_str()));
  if (r.res != nullptr && PQresultStatus(r.res) == PGRES_TUPLES_OK) return Status::Ok();
  return Check(conn_, r, PGRES_COMMAND_OK, sql.substr(0, 80));
}

StatusOr<std::vector<std::vector<std::string>>> PgConnection::Query(const std::string& sql) {
  if (interruptible_) SHARDLAB_RETURN_IF_ERROR(CheckInterrupted());  // an interrupted run stops between queries
  Result r(PQexec(conn_, sql.c_str()));
  SHARDLAB_RETURN_IF_ERROR(Check(conn_, r, PGRES_TUPLES_OK, sql.substr(0, 80)));
  std::vector<std::vector<std::string>> rows(static_cast<size_t>(PQntuples(r.res)));
  for (int i = 0; i < PQntuples(r.res); ++i) {
    for (int c = 0; c < PQnfields(r.res); ++c) rows[static_cast<size_t>(i)].emplace_back(PQgetvalue(r.res, i, c));
  }
  return rows;
}

Status PgConnection::CopyIn(const std::string& copy_sql, const std::function<bool(std::string&)>& fill) {
  {
    Result r(PQexec(conn_, copy_sql.c_str()));
    SHARDLAB_RETURN_IF_ERROR(Check(conn_, r, PGRES_COPY_IN, copy_sql));
  }
  std::string chunk;
  bool more = true;
  while (more) {
    chunk.clear();
    more = fill(chunk);
    if (!chunk.empty() && PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
      return Status::Runtime("PostgreSQL: COPY: " + ErrorOf(conn_));
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return Status::Runtime("PostgreSQL: COPY end: " + ErrorOf(conn_));
  Status st;
  while (PGresult* res = PQgetResult(conn_)) {
    Result r(res);
    if (st.ok()) st = Check(conn_, r, PGRES_COMMAND_OK, copy_sql);
  }
  return st;
}

Status PgConnection::Prepare(const std::string& name, const std::string& sql) {
  Result r(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
  return Check(conn_, r, PGRES_COMMAND_OK, "PREPARE " + sql);
}

StatusOr<uint64_t> PgConnection::RunPrepared(const std::string& name, const std::string& param) {
  if (interruptible_) SHARDLAB_RETURN_IF_ERROR(CheckInterrupted());  // an interrupted run stops between queries
  const char* values[1] = {param.c_str()};
  Result r(PQexecPrepared(conn_, name.c_str(), 1, values, nullptr, nullptr, 0));
  SHARDLAB_RETURN_IF_ERROR(Check(conn_, r, PGRES_TUPLES_OK, name));
  return static_cast<uint64_t>(PQntuples(r.res));
}

}  // namespace shardlab
