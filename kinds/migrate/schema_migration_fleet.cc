#include "kinds/migrate/schema_migration_fleet.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <set>

#include "core/elapsed.h"
#include "kinds/migrate/schema_migration.h"
#include "kinds/migrate/schema_migration_check.h"
#include "kinds/migrate/schema_migration_spec.h"
#include "shards/layout.h"
#include "sqlite/sqlite_db.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

Status SyncFilesystemOf(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::Runtime("cannot open " + dir + ": " + std::strerror(errno));
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::Runtime("syncfs " + dir + ": " + std::strerror(err));
  return Status::Ok();
}

// The key as SQLite gives it back: integer keys as their decimal value.
std::string StoredKey(const KeyRef& ref, bool integer_keys) {
  return integer_keys ? std::to_string(ref.integer) : ref.text;
}

}  // namespace

std::string FleetValue(uint64_t seed, uint64_t item, int64_t mean_bytes) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  Rng rng(DeriveSeed(seed, "migrate-value", item));
  std::string v(1 + rng.Below(static_cast<uint64_t>(2 * mean_bytes)), ' ');
  for (char& c : v) c = kAlphabet[rng.Below(sizeof(kAlphabet) - 1)];
  return v;
}

StatusOr<FleetRows> RouteFleetRows(const Scenario& s) {
  const SchemaMigrationSpec& migrate = s.Spec<SchemaMigrationSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(s.router, s.shards.count));
  FleetRows out;
  out.items.resize(s.shards.count);
  out.checksums.assign(s.shards.count, 0);
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    const uint32_t file = keys.ShardOf(i, *router, ref);
    out.items[file].push_back(i);
    out.checksums[file] += RowChecksum(StoredKey(ref, s.keys.integer_keys), FleetValue(s.seed, i, migrate.value_bytes));
  }
  out.rows = keys.count();
  return out;
}

StatusOr<Fleet> Fleet::Provision(const Scenario& s, const FleetRows& rows, uint32_t files, const std::string& name,
                                 const std::string& journal_mode, const std::string& data_dir, bool sync,
                                 Progress* progress) {
  const SchemaMigrationSpec& migrate = s.Spec<SchemaMigrationSpec>();
  const auto t0 = std::chrono::steady_clock::now();
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  // synchronous=off first: the switch to WAL is itself a commit, with fsyncs otherwise.
  const std::string pragmas = "PRAGMA synchronous=off; PRAGMA page_size=" + std::to_string(s.sqlite.page_size) +
                              "; PRAGMA journal_mode=" + journal_mode;
  Fleet fleet;
  std::set<std::string> bases;
  KeyRef ref;
  for (uint32_t id = 0; id < files; ++id) {
    std::string path = ShardPath(s.shards, data_dir, id, name);
    bases.insert(ShardSetDir(s.shards, data_dir, id, name));  // "<root>/<name>": synced once
    SHARDLAB_RETURN_IF_ERROR(fleet.workspace_->MakeDirs(ShardParentDir(path)));
    SHARDLAB_RETURN_IF_ERROR(fleet.workspace_->ClaimNewDatabase(path));
    SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(path));
    SHARDLAB_RETURN_IF_ERROR(db.Exec(pragmas).Wrap(path));
    SHARDLAB_ASSIGN_OR_RETURN(std::string mode, db.QueryText("PRAGMA journal_mode"));
    if (mode != journal_mode) return Status::Runtime(path + ": journal_mode is " + mode + ", not " + journal_mode);
    SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN; " + SchemaV1Sql(s.keys.integer_keys)).Wrap(path));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)"));
    for (uint64_t item : rows.items[id]) {
      keys.Fill(item, false, ref);
      if (s.keys.integer_keys) {
        insert.BindInt(1, ref.integer);
      } else {
        insert.BindText(1, ref.text);
      }
      insert.BindText(2, FleetValue(s.seed, item, migrate.value_bytes));
      if (insert.Step() != SQLITE_DONE) return db.Error("load " + path);
      insert.Reset();
    }
    insert = Stmt();
    SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT").Wrap(path));
    fleet.paths_.push_back(std::move(path));
    if (progress != nullptr) progress->Add(1);
  }
  for (const std::string& base : bases) {
    if (sync) SHARDLAB_RETURN_IF_ERROR(SyncFilesystemOf(base));
  }
  fleet.seconds_ = SecondsSince(t0);
  return fleet;
}

}  // namespace shardlab
