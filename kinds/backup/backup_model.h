#pragma once
// What kind = backup (claim C17) writes into each shard, and what the shard holds after
// each commit. Every shard has two tables:
//   rows(k INTEGER PRIMARY KEY, v INTEGER NOT NULL, p BLOB)   v: the commit that last wrote the row
//   counter(id INTEGER PRIMARY KEY, c INTEGER NOT NULL)        one row: the last commit
// The load is commit 0 (initial_rows rows, v = 0). Commit c (1, 2, ...) is one transaction:
// v = c on `updates` rows drawn from (seed, shard, c), `inserts` new rows with keys
// initial_rows + (c-1)*inserts + j and v = c, and counter.c = c. So the content after
// commit c is a pure function of (seed, shard, c): a checker needs no log from the
// writers, only which commit they had acknowledged, to tell a legitimate state from a torn one.
#include <cstdint>
#include <string>
#include <vector>

#include "sqlite/sqlite_db.h"

namespace shardlab {

struct BackupModel {
  uint64_t seed = 1;
  uint32_t shard = 0;
  int64_t initial_rows = 0;
  int64_t updates = 4;     // rows updated per commit
  int64_t inserts = 1;     // rows inserted per commit
  int64_t row_bytes = 1000;

  int64_t RowsAfter(uint64_t c) const { return initial_rows + inserts * static_cast<int64_t>(c); }
  // The keys commit c (>= 1) updates: uniform over the rows that exist before it (repeats allowed).
  std::vector<int64_t> UpdatedKeys(uint64_t c) const;
  // v of every row (index = k) after commit c.
  std::vector<uint64_t> StateAfter(uint64_t c) const;
};

std::string BackupSchemaSql();
// Commit 0: the initial rows and the counter, in one transaction.
Status LoadBackupShard(Db& db, const BackupModel& m);

// One connection's prepared statements for applying commits.
class CommitWriter {
 public:
  static StatusOr<CommitWriter> Prepare(Db& db, const BackupModel& m);
  // Inside an open write transaction: reads the counter and applies the next commit's
  // changes. Returns that commit's number.
  StatusOr<uint64_t> ApplyNext();

 private:
  Db* db_ = nullptr;
  BackupModel m_;
  Stmt read_counter_, update_, insert_, set_counter_;
};

}  // namespace shardlab
