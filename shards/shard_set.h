#pragma once
// N real SQLite shard files under the scenario's roots and layout, with its pragmas.
// A ShardSession is one thread's view: one connection per shard (opened on first use)
// and that connection's prepared statements, reused for every operation.
#include <memory>
#include <string>
#include <vector>

#include "core/workspace.h"
#include "shards/shards_spec.h"
#include "sqlite/sqlite_db.h"
#include "sqlite/sqlite_spec.h"

namespace shardlab {

class ShardSet {
 public:
  // Creates every shard file (which must not exist yet) at its ShardPath (layout.h) with
  // `schema_sql` and the pragmas. `data_dir` anchors relative roots; `set` names this
  // set of shards within each root when a run makes several.
  static StatusOr<ShardSet> Create(const ShardsSpec& shards, const SqliteSpec& sqlite, const std::string& data_dir,
                                   const std::string& schema_sql, Workspace& workspace, const std::string& set = "");

  uint32_t count() const { return static_cast<uint32_t>(paths_.size()); }
  const std::string& path(uint32_t shard) const { return paths_[shard]; }
  const std::vector<std::string>& paths() const { return paths_; }
  const SqliteSpec& sqlite() const { return sqlite_; }

  // A new connection to one shard with the pragmas applied.
  StatusOr<Db> Connect(uint32_t shard) const { return ConnectPath(paths_[shard], sqlite_); }
  static StatusOr<Db> ConnectPath(const std::string& path, const SqliteSpec& sqlite);
  // SELECT COUNT(*) FROM kv on every shard.
  StatusOr<std::vector<int64_t>> RowCounts() const;

 private:
  ShardSet(std::vector<std::string> paths, SqliteSpec sqlite) : paths_(std::move(paths)), sqlite_(std::move(sqlite)) {}
  std::vector<std::string> paths_;
  SqliteSpec sqlite_;
};

// Applies journal_mode, synchronous, cache_size and busy_timeout (and page_size, which
// only takes effect before the first table). kRuntime if the journal mode did not take.
Status ApplyPragmas(Db& db, const SqliteSpec& sqlite);

class ShardSession {
 public:
  // `statements` are prepared on each shard's connection, in this order.
  ShardSession(const ShardSet& set, std::vector<std::string> statements)
      : set_(&set), sql_(std::move(statements)), conns_(set.count()) {}

  struct Conn {
    Db db;
    std::vector<Stmt> stmts;
  };
  uint32_t shard_count() const { return set_->count(); }
  // The connection to `shard`, opening and preparing on first use.
  StatusOr<Conn*> Get(uint32_t shard);
  // Statement `which` on `shard`'s connection (opened on first use).
  StatusOr<Stmt*> Statement(uint32_t shard, size_t which) {
    SHARDLAB_ASSIGN_OR_RETURN(Conn * conn, Get(shard));
    return &conn->stmts[which];
  }

 private:
  const ShardSet* set_;
  std::vector<std::string> sql_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace shardlab
