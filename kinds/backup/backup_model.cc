#include "kinds/backup/backup_model.h"

#include "workloads/rng.h"

namespace shardlab {

std::vector<int64_t> BackupModel::UpdatedKeys(uint64_t c) const {
  std::vector<int64_t> keys;
  const int64_t existing = RowsAfter(c - 1);
  if (existing <= 0) return keys;
  Rng rng(DeriveSeed(seed, "backup/commit", shard, c));
  keys.reserve(static_cast<size_t>(updates));
  for (int64_t i = 0; i < updates; ++i) keys.push_back(static_cast<int64_t>(rng.Below(static_cast<uint64_t>(existing))));
  return keys;
}

std::vector<uint64_t> BackupModel::StateAfter(uint64_t c) const {
  std::vector<uint64_t> v(static_cast<size_t>(RowsAfter(c)), 0);
  for (uint64_t t = 1; t <= c; ++t) {
    for (int64_t k : UpdatedKeys(t)) v[static_cast<size_t>(k)] = t;
    for (int64_t j = 0; j < inserts; ++j) v[static_cast<size_t>(RowsAfter(t - 1) + j)] = t;
  }
  return v;
}

std::string BackupSchemaSql() {
  return "CREATE TABLE rows (k INTEGER PRIMARY KEY, v INTEGER NOT NULL, p BLOB);"
         "CREATE TABLE counter (id INTEGER PRIMARY KEY, c INTEGER NOT NULL);";
}

Status LoadBackupShard(Db& db, const BackupModel& m) {
  SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN"));
  SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO rows(k, v, p) VALUES(?1, 0, zeroblob(?2))"));
  for (int64_t k = 0; k < m.initial_rows; ++k) {
    insert.BindInt(1, k);
    insert.BindInt(2, m.row_bytes);
    if (insert.Step() != SQLITE_DONE) return db.Error("load row");
    insert.Reset();
  }
  SHARDLAB_RETURN_IF_ERROR(db.Exec("INSERT INTO counter(id, c) VALUES(1, 0)"));
  return db.Exec("COMMIT");
}

StatusOr<CommitWriter> CommitWriter::Prepare(Db& db, const BackupModel& m) {
  CommitWriter w;
  w.db_ = &db;
  w.m_ = m;
  SHARDLAB_ASSIGN_OR_RETURN(w.read_counter_, db.Prepare("SELECT c FROM counter WHERE id = 1"));
  SHARDLAB_ASSIGN_OR_RETURN(w.update_, db.Prepare("UPDATE rows SET v = ?2 WHERE k = ?1"));
  SHARDLAB_ASSIGN_OR_RETURN(w.insert_, db.Prepare("INSERT INTO rows(k, v, p) VALUES(?1, ?2, zeroblob(?3))"));
  SHARDLAB_ASSIGN_OR_RETURN(w.set_counter_, db.Prepare("UPDATE counter SET c = ?1 WHERE id = 1"));
  return w;
}

StatusOr<uint64_t> CommitWriter::ApplyNext() {
  if (read_counter_.Step() != SQLITE_ROW) {
    read_counter_.Reset();
    return db_->Error("read the counter");
  }
  const uint64_t c = static_cast<uint64_t>(read_counter_.ColumnInt(0)) + 1;
  read_counter_.Reset();
  auto run = [&](Stmt& st, const char* what) -> Status {
    const int rc = st.Step();
    st.Reset();
    return rc == SQLITE_DONE ? Status::Ok() : db_->Error(what);
  };
  for (int64_t k : m_.UpdatedKeys(c)) {
    update_.BindInt(1, k);
    update_.BindInt(2, static_cast<int64_t>(c));
    SHARDLAB_RETURN_IF_ERROR(run(update_, "update a row"));
  }
  for (int64_t j = 0; j < m_.inserts; ++j) {
    insert_.BindInt(1, m_.RowsAfter(c - 1) + j);
    insert_.BindInt(2, static_cast<int64_t>(c));
    insert_.BindInt(3, m_.row_bytes);
    SHARDLAB_RETURN_IF_ERROR(run(insert_, "insert a row"));
  }
  set_counter_.BindInt(1, static_cast<int64_t>(c));
  SHARDLAB_RETURN_IF_ERROR(run(set_counter_, "set the counter"));
  return c;
}

}  // namespace shardlab
