#pragma once
// The table every workload shard holds: the blog's kv(k PRIMARY KEY, v). Integer keys
// make k the rowid; index_values adds an index for queries without the shard key.
#include <string>

namespace shardlab {

inline std::string KvSchemaSql(bool integer_keys, bool index_values) {
  std::string sql = integer_keys ? "CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v TEXT);"
                                 : "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT);";
  if (index_values) sql += "CREATE INDEX IF NOT EXISTS kv_v ON kv(v);";
  return sql;
}

// The query without the shard key, as run on one shard (scatter, walk) ...
inline std::string ShardQuerySql(const std::string& where) { return "SELECT k, v FROM kv WHERE " + where; }

// ... and over n attached shards s0..s{n-1} as one statement (attach_union).
inline std::string UnionQuerySql(const std::string& where, int n) {
  std::string sql = "SELECT k, v FROM (";
  for (int i = 0; i < n; ++i) {
    if (i > 0) sql += " UNION ALL ";
    sql += "SELECT k, v FROM s" + std::to_string(i) + ".kv";
  }
  return sql + ") WHERE " + where;
}

}  // namespace shardlab
