#include "shards/shard_set.h"

#include "shards/layout.h"

namespace shardlab {

Status ApplyPragmas(Db& db, const SqliteSpec& sqlite) {
  // First, so that even the pragmas wait (e.g. while another thread's connection runs
  // WAL recovery, which otherwise fails them with SQLITE_BUSY_RECOVERY).
  sqlite3_busy_timeout(db.get(), static_cast<int>(sqlite.busy_timeout_ms));
  SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA page_size=" + std::to_string(sqlite.page_size)));
  // Before journal_mode: switching a new file to WAL commits, and at synchronous=off that
  // commit need not fsync (it cost ~4 fdatasyncs per file when synchronous came after).
  SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous=" + sqlite.synchronous));
  SHARDLAB_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode=" + sqlite.journal_mode));
  if (mode != sqlite.journal_mode) {
    return Status::Runtime("PRAGMA journal_mode=" + sqlite.journal_mode + " left the journal mode at " + mode);
  }
  SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size=" + std::to_string(sqlite.cache_size)));
  return Status::Ok();
}

StatusOr<Db> ShardSet::ConnectPath(const std::string& path, const SqliteSpec& sqlite) {
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(path));
  SHARDLAB_RETURN_IF_ERROR(ApplyPragmas(db, sqlite).Wrap(path));
  return db;
}

StatusOr<ShardSet> ShardSet::Create(const ShardsSpec& shards, const SqliteSpec& sqlite, const std::string& data_dir,
                                    const std::string& schema_sql, Workspace& workspace, const std::string& set) {
  std::vector<std::string> paths;
  paths.reserve(shards.count);
  for (uint32_t id = 0; id < shards.count; ++id) {
    std::string path = ShardPath(shards, data_dir, id, set);
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(path)));
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(path));
    SHARDLAB_ASSIGN_OR_RETURN(Db db, ConnectPath(path, sqlite));
    SHARDLAB_RETURN_IF_ERROR(db.Exec(schema_sql).Wrap(path));
    paths.push_back(std::move(path));
  }
  return ShardSet(std::move(paths), sqlite);
}

StatusOr<std::vector<int64_t>> ShardSet::RowCounts() const {
  std::vector<int64_t> counts;
  for (uint32_t s = 0; s < count(); ++s) {
    SHARDLAB_ASSIGN_OR_RETURN(Db db, Connect(s));
    SHARDLAB_ASSIGN_OR_RETURN(int64_t n, db.QueryInt("SELECT COUNT(*) FROM kv"));
    counts.push_back(n);
  }
  return counts;
}

StatusOr<ShardSession::Conn*> ShardSession::Get(uint32_t shard) {
  std::unique_ptr<Conn>& slot = conns_[shard];
  if (slot) return slot.get();
  auto conn = std::make_unique<Conn>();
  SHARDLAB_ASSIGN_OR_RETURN(conn->db, set_->Connect(shard));
  for (const std::string& sql : sql_) {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt stmt, conn->db.Prepare(sql));
    conn->stmts.push_back(std::move(stmt));
  }
  slot = std::move(conn);
  return slot.get();
}

}  // namespace shardlab
