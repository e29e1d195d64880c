#include "kinds/reshard/migration.h"

#include <xxhash.h>

#include <chrono>
#include <functional>
#include <map>
#include <set>

#include "core/elapsed.h"
#include "core/json.h"
#include "shards/layout.h"
#include "sqlite/sqlite_db.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr const char* kSchema = "CREATE TABLE IF NOT EXISTS kv(k TEXT PRIMARY KEY, v BLOB NOT NULL)";

std::string Payload(uint64_t seed, uint64_t i, int64_t bytes) {
  Rng rng(DeriveSeed(seed, "payload", i));
  std::string out(static_cast<size_t>(bytes), '\0');
  for (char& c : out) c = static_cast<char>(rng.Next());
  return out;
}

uint64_t Checksum(std::string_view v) { return XXH3_64bits(v.data(), v.size()); }

Status Configure(Db& db, const std::string& synchronous) {
  SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=delete"));
  return db.Exec("PRAGMA synchronous=" + synchronous);
}

// control.db: the target of the migration, so a rerun finishes the same one.
Status RecordTarget(const MigrationPlan& plan) {
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(plan.files.Control(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, plan.vfs));
  SHARDLAB_RETURN_IF_ERROR(Configure(db, plan.synchronous));
  SHARDLAB_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS migration(id INTEGER PRIMARY KEY CHECK (id = 1), router TEXT NOT NULL,"
      " shards_before INTEGER NOT NULL, shards_after INTEGER NOT NULL, finished INTEGER NOT NULL DEFAULT 0)"));
  SHARDLAB_ASSIGN_OR_RETURN(std::string existing, db.QueryText("SELECT router || '/' || shards_before || '/' || "
                                                               "shards_after FROM migration"));
  const std::string want = plan.router_name + "/" + std::to_string(plan.before.size()) + "/" + std::to_string(plan.after.size());
  if (existing.empty()) {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO migration(id, router, shards_before, shards_after) "
                                                      "VALUES(1, ?1, ?2, ?3)"));
    insert.BindText(1, plan.router_name);
    insert.BindInt(2, static_cast<int64_t>(plan.before.size()));
    insert.BindInt(3, static_cast<int64_t>(plan.after.size()));
    if (insert.Step() != SQLITE_DONE) return db.Error("record the migration target");
  } else if (existing != want) {
    return Status::Runtime("control.db records an unfinished migration to " + existing + ", not " + want);
  }
  return Status::Ok();
}

Status MarkFinished(const MigrationPlan& plan) {
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(plan.files.Control(), SQLITE_OPEN_READWRITE, plan.vfs));
  SHARDLAB_RETURN_IF_ERROR(Configure(db, plan.synchronous));
  return db.Exec("UPDATE migration SET finished = 1");
}

// Rows of `src` not on their owner, grouped by owner, in key order.
StatusOr<std::map<uint32_t, std::vector<std::string>>> Misplaced(Db& src, uint32_t self, const Router& target,
                                                                 HashKind key_hash) {
  std::map<uint32_t, std::vector<std::string>> out;
  SHARDLAB_ASSIGN_OR_RETURN(Stmt scan, src.Prepare("SELECT k FROM kv ORDER BY k"));
  int rc;
  while ((rc = scan.Step()) == SQLITE_ROW) {
    const std::string_view k = scan.ColumnText(0);
    const uint32_t owner = target.Route(HashBytes(key_hash, k), k);
    if (owner != self) out[owner].emplace_back(k);
  }
  if (rc != SQLITE_DONE) return src.Error("scan for misplaced rows");
  return out;
}

std::string JsonArray(const std::vector<std::string>& keys, size_t begin, size_t end) {
  Json a = Json::array();
  for (size_t i = begin; i < end; ++i) a.push_back(keys[i]);
  return a.dump();
}

// New shards exist (empty) before any row moves to them.
Status CreateNewShards(const MigrationPlan& plan, const char* vfs) {
  const std::set<uint32_t> before(plan.before.begin(), plan.before.end());
  for (uint32_t s : plan.after) {
    if (before.count(s)) continue;
    SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(plan.files.Shard(s), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs));
    SHARDLAB_RETURN_IF_ERROR(Configure(db, plan.synchronous));
    SHARDLAB_RETURN_IF_ERROR(db.Exec(kSchema));
  }
  return Status::Ok();
}

// For each source shard and each destination some of its rows belong to: `move(db, dst,
// keys)` with the source as main and the destination ATTACHed as "dst".
Status ForEachMisplacedGroup(const MigrationPlan& plan, const std::set<uint32_t>& sources, const char* vfs,
                             const std::function<Status(Db&, uint32_t, const std::vector<std::string>&)>& move) {
  for (uint32_t src : sources) {
    SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(plan.files.Shard(src), SQLITE_OPEN_READWRITE, vfs));
    SHARDLAB_RETURN_IF_ERROR(Configure(db, plan.synchronous));
    SHARDLAB_ASSIGN_OR_RETURN(auto misplaced, Misplaced(db, src, *plan.target, plan.key_hash));
    for (const auto& [dst, keys] : misplaced) {
      SHARDLAB_RETURN_IF_ERROR(db.Exec("ATTACH '" + plan.files.Shard(dst) + "' AS dst"));
      SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA dst.journal_mode=delete; PRAGMA dst.synchronous=" + plan.synchronous));
      SHARDLAB_RETURN_IF_ERROR(move(db, dst, keys));
      SHARDLAB_RETURN_IF_ERROR(db.Exec("DETACH dst"));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string MigrationFiles::Shard(uint32_t shard) const { return ShardPath(shards, data_dir, shard, set); }
std::string MigrationFiles::Control() const { return ShardSetDir(shards, data_dir, 0, set) + "/control.db"; }

StatusOr<std::vector<uint64_t>> CreateMigrationShards(const MigrationFiles& files, const KeySpace& keys, const Router& router,
                                                      int64_t payload_bytes, uint64_t seed) {
  std::map<uint32_t, Db> dbs;
  std::map<uint32_t, Stmt> inserts;
  std::vector<uint64_t> checksums(keys.count());
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    keys.Fill(i, true, ref);
    const uint32_t shard = router.Route(ref.hash, ref.route);
    if (!dbs.count(shard)) {
      SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(files.Shard(shard)));
      SHARDLAB_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode=delete"));
      SHARDLAB_RETURN_IF_ERROR(db.Exec(std::string(kSchema) + "; BEGIN"));
      SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO kv VALUES(?1, ?2)"));
      inserts.emplace(shard, std::move(insert));
      dbs.emplace(shard, std::move(db));
    }
    const std::string v = Payload(seed, i, payload_bytes);
    checksums[i] = Checksum(v);
    Stmt& insert = inserts.at(shard);
    insert.BindText(1, ref.text);
    sqlite3_bind_blob(insert.get(), 2, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    if (insert.Step() != SQLITE_DONE) return dbs.at(shard).Error("load row");
    insert.Reset();
  }
  inserts.clear();
  for (auto& [shard, db] : dbs) SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
  return checksums;
}

StatusOr<MigrationStats> Migrate(const MigrationPlan& plan) {
  const auto t0 = std::chrono::steady_clock::now();
  MigrationStats stats;
  SHARDLAB_RETURN_IF_ERROR(RecordTarget(plan));
  SHARDLAB_RETURN_IF_ERROR(CreateNewShards(plan, plan.vfs));
  std::set<uint32_t> all(plan.before.begin(), plan.before.end());
  all.insert(plan.after.begin(), plan.after.end());  // a rerun may find rows anywhere
  auto move_in_batches = [&](Db& db, uint32_t dst, const std::vector<std::string>& keys) -> Status {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt copy, db.Prepare("INSERT INTO dst.kv SELECT k, v FROM main.kv WHERE k IN "
                                                    "(SELECT value FROM json_each(?1))"));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt remove, db.Prepare("DELETE FROM main.kv WHERE k IN (SELECT value FROM json_each(?1))"));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt bytes, db.Prepare("SELECT coalesce(sum(length(v)), 0) FROM main.kv WHERE k IN "
                                                     "(SELECT value FROM json_each(?1))"));
    for (size_t begin = 0; begin < keys.size(); begin += static_cast<size_t>(plan.batch_rows)) {
      const size_t end = std::min(keys.size(), begin + static_cast<size_t>(plan.batch_rows));
      const std::string batch = JsonArray(keys, begin, end);
      SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
      for (Stmt* st : {&bytes, &copy, &remove}) {
        st->BindText(1, batch);
        const int rc = st->Step();
        if (st == &bytes && rc == SQLITE_ROW) stats.bytes_moved += st->ColumnInt(0);
        st->Reset();
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
          Status err = db.Error("move a batch to shard " + std::to_string(dst));
          (void)db.Exec("ROLLBACK");
          return err;
        }
      }
      // One commit over both files: the copy and the delete land together.
      SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT"));
      stats.rows_moved += static_cast<int64_t>(end - begin);
      ++stats.batches;
      if (plan.after_batch) plan.after_batch(stats.batches);
    }
    return Status::Ok();
  };
  SHARDLAB_RETURN_IF_ERROR(ForEachMisplacedGroup(plan, all, plan.vfs, move_in_batches));
  SHARDLAB_RETURN_IF_ERROR(MarkFinished(plan));
  stats.seconds = SecondsSince(t0);
  return stats;
}

MigrationCheck VerifyMigration(const MigrationFiles& files, const std::vector<uint32_t>& shards_on_disk, const KeySpace& keys,
                               const Router& target, const std::vector<uint64_t>& checksums) {
  MigrationCheck check;
  std::map<std::string, std::vector<std::pair<uint32_t, uint64_t>>> seen;  // key -> (shard, checksum)
  for (uint32_t s : shards_on_disk) {
    auto db = Db::Open(files.Shard(s), SQLITE_OPEN_READWRITE);
    auto integrity = db.ok() ? db->QueryText("PRAGMA integrity_check") : StatusOr<std::string>(db.status());
    if (!integrity.ok() || *integrity != "ok") {
      ++check.corrupt;
      check.detail = files.Shard(s) + ": " + (integrity.ok() ? *integrity : integrity.status().message());
      continue;
    }
    auto scan = db->Prepare("SELECT k, v FROM kv");
    if (!scan.ok()) {
      ++check.corrupt;
      check.detail = scan.status().message();
      continue;
    }
    while (scan->Step() == SQLITE_ROW) {
      const void* v = sqlite3_column_blob(scan->get(), 1);
      const int n = sqlite3_column_bytes(scan->get(), 1);
      seen[std::string(scan->ColumnText(0))].emplace_back(
          s, Checksum(std::string_view(static_cast<const char*>(v), static_cast<size_t>(n))));
    }
  }
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    keys.Fill(i, true, ref);
    auto it = seen.find(ref.text);
    if (it == seen.end()) {
      if (check.lost++ == 0 && check.detail.empty()) check.detail = "key " + ref.text + " is on no shard";
      continue;
    }
    if (it->second.size() > 1) {
      if (check.duplicated++ == 0 && check.detail.empty()) check.detail = "key " + ref.text + " is on several shards";
    }
    const uint32_t owner = target.Route(ref.hash, ref.route);
    for (const auto& [shard, sum] : it->second) {
      if (shard != owner) ++check.misplaced;
      if (sum != checksums[i]) ++check.changed;
    }
    seen.erase(it);
  }
  if (!seen.empty()) {
    check.changed += static_cast<int64_t>(seen.size());  // rows that were never loaded
    if (check.detail.empty()) check.detail = "key " + seen.begin()->first + " was never loaded";
  }
  return check;
}

StatusOr<MigrationStats> BareCopy(const MigrationPlan& plan) {
  const auto t0 = std::chrono::steady_clock::now();
  MigrationStats stats;
  SHARDLAB_RETURN_IF_ERROR(CreateNewShards(plan, nullptr));
  const std::set<uint32_t> sources(plan.before.begin(), plan.before.end());
  auto copy_all = [&](Db& db, uint32_t, const std::vector<std::string>& keys) -> Status {
    SHARDLAB_ASSIGN_OR_RETURN(Stmt copy, db.Prepare("INSERT INTO dst.kv SELECT k, v FROM main.kv WHERE k IN "
                                                    "(SELECT value FROM json_each(?1))"));
    copy.BindText(1, JsonArray(keys, 0, keys.size()));
    if (copy.Step() != SQLITE_DONE) return db.Error("bare copy");
    stats.rows_moved += static_cast<int64_t>(keys.size());
    return Status::Ok();
  };
  SHARDLAB_RETURN_IF_ERROR(ForEachMisplacedGroup(plan, sources, nullptr, copy_all));
  stats.seconds = SecondsSince(t0);
  return stats;
}

}  // namespace shardlab
