// pg_client.h for a build without libpq: the PostgreSQL peer reports itself unavailable.
#include <utility>

#include "postgres/pg_client.h"

namespace shardlab {
namespace {
Status NoLibpq() { return Status::Runtime("this shardlab was built without libpq"); }
}  // namespace

bool PgClientAvailable() { return false; }

StatusOr<PgConnection> PgConnection::Connect(const std::string&) { return NoLibpq(); }
PgConnection::PgConnection(PgConnection&& o) noexcept
    : conn_(std::exchange(o.conn_, nullptr)), interruptible_(o.interruptible_) {}
PgConnection& PgConnection::operator=(PgConnection&& o) noexcept {
  conn_ = std::exchange(o.conn_, nullptr);
  interruptible_ = o.interruptible_;
  return *this;
}
PgConnection::~PgConnection() = default;
Status PgConnection::Exec(const std::string&) { return NoLibpq(); }
StatusOr<std::vector<std::vector<std::string>>> PgConnection::Query(const std::string&) { return NoLibpq(); }
Status PgConnection::CopyIn(const std::string&, const std::function<bool(std::string&)>&) { return NoLibpq(); }
Status PgConnection::Prepare(const std::string&, const std::string&) { return NoLibpq(); }
StatusOr<uint64_t> PgConnection::RunPrepared(const std::string&, const std::string&) { return NoLibpq(); }

}  // namespace shardlab
