#include "kinds/tenants/tenant_provision.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_set>

#include "core/interrupt.h"
#include "core/elapsed.h"
#include "core/progress.h"
#include "kinds/tenants/tenants_spec.h"
#include "shards/layout.h"
#include "shards/shard_set.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {
namespace {

using Clock = std::chrono::steady_clock;

std::string Parent(const std::string& path) { return path.substr(0, path.find_last_of('/')); }


// Runs fn(i) for i in [0, n) on `threads` threads (interleaved ids); the first error wins.
template <typename Fn>
Status ParallelFor(uint32_t n, int threads, Progress* progress, Fn&& fn) {
  std::atomic<bool> failed{false};
  std::vector<Status> errors(static_cast<size_t>(threads), Status::Ok());
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (uint32_t i = static_cast<uint32_t>(t); i < n && !failed; i += static_cast<uint32_t>(threads)) {
        Status st = Interrupted() ? CheckInterrupted() : fn(i);
        if (!st.ok()) {
          errors[static_cast<size_t>(t)] = st;
          failed = true;
        }
        if (progress != nullptr) progress->Add(1);
      }
    });
  }
  for (std::thread& th : pool) th.join();
  for (const Status& st : errors) {
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

// One tenant's file through the harness: its pragmas checked, a prepared insert.
Status CreateTenantFile(const Scenario& s, const std::vector<std::string>& row_keys, const SqliteSpec& provisioning,
                        uint32_t id, const std::string& path) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  SHARDLAB_ASSIGN_OR_RETURN(Db db, ShardSet::ConnectPath(path, provisioning));
  SHARDLAB_RETURN_IF_ERROR(db.Exec("BEGIN; " + TenantSchemaSql()).Wrap(path));
  SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)"));
  for (size_t i = 0; i < row_keys.size(); ++i) {
    insert.BindTextStatic(1, row_keys[i]);
    insert.BindText(2, TenantValue(id, i, tenants.value_bytes, 0));
    if (insert.Step() != SQLITE_DONE) return db.Error("insert into " + path);
    insert.Reset();
  }
  insert = Stmt();
  return db.Exec("COMMIT").Wrap(path);
}

// The same SQLite work with nothing around it: raw calls, no pragma checks, no
// bookkeeping, the journal mode and synchronous=off set in one exec.
Status CreateBareFile(const Scenario& s, const std::vector<std::string>& row_keys, uint32_t id, const std::string& path) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  const std::string setup = "PRAGMA journal_mode=" + s.sqlite.journal_mode + "; PRAGMA synchronous=off; BEGIN; " + TenantSchemaSql();
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(db, "INSERT INTO kv(k, v) VALUES(?1, ?2)", -1, &insert, nullptr);
  for (size_t i = 0; rc == SQLITE_OK && i < row_keys.size(); ++i) {
    const std::string value = TenantValue(id, i, tenants.value_bytes, 0);
    sqlite3_bind_text(insert, 1, row_keys[i].data(), static_cast<int>(row_keys[i].size()), SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    rc = sqlite3_step(insert) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  const std::string message = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
  sqlite3_close(db);
  return rc == SQLITE_OK ? Status::Ok() : Status::Runtime(path + ": " + message);
}

Status SyncFilesystem(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Runtime("open " + dir + " to sync it");
  const int rc = ::syncfs(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::Runtime("syncfs " + dir);
}

}  // namespace

std::string TenantPath(const ShardsSpec& shards, const std::string& data_dir, uint32_t id) {
  return ShardPath(shards, data_dir, id);
}

std::string TenantValue(uint64_t tenant, uint64_t row, int64_t value_bytes, uint64_t version) {
  std::string v = "t" + std::to_string(tenant) + ":r" + std::to_string(row) + ":w" + std::to_string(version) + ":";
  if (static_cast<int64_t>(v.size()) < value_bytes) v.resize(static_cast<size_t>(value_bytes), 'x');
  return v;
}

std::vector<std::string> TenantRowKeys(const KeySpace& keys) {
  std::vector<std::string> texts(keys.count());
  KeyRef ref;
  for (uint64_t i = 0; i < keys.count(); ++i) {
    keys.Fill(i, false, ref);
    texts[i] = ref.text;
  }
  return texts;
}

std::string TenantSchemaSql() { return "CREATE TABLE kv(k TEXT PRIMARY KEY, v TEXT NOT NULL)"; }

StatusOr<ProvisionTiming> ProvisionTenants(const Scenario& s, const KeySpace& keys, const std::string& data_dir,
                                           const std::vector<std::string>& paths, int threads, Workspace& workspace) {
  SqliteSpec provisioning = s.sqlite;
  provisioning.synchronous = "off";  // nothing to lose yet: the files are synced once at the end
  const std::vector<std::string> row_keys = TenantRowKeys(keys);  // once, not per file
  const auto t0 = Clock::now();
  std::unordered_set<std::string> made;
  {
    // Seconds for 100,000 files: directories made, every path claimed in the workspace.
    Progress claims("claim files", paths.size());
    for (const std::string& path : paths) {
      std::string dir = Parent(path);
      if (made.insert(dir).second) SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(dir));
      SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(path));
      claims.Add(1);
    }
  }
  {
    Progress progress("provision", paths.size());
    SHARDLAB_RETURN_IF_ERROR(ParallelFor(static_cast<uint32_t>(paths.size()), threads, &progress, [&](uint32_t id) {
      return CreateTenantFile(s, row_keys, provisioning, id, paths[id]);
    }));
  }
  ProvisionTiming timing;
  timing.files = paths.size();
  timing.seconds = SecondsSince(t0);
  // One syncfs per root makes every tenant durable before requests start.
  const auto t1 = Clock::now();
  std::unordered_set<std::string> synced;
  for (const std::string& root : s.shards.roots) {
    const std::string base = RootDirectory(root, data_dir);
    if (synced.insert(base).second) SHARDLAB_RETURN_IF_ERROR(SyncFilesystem(base));
  }
  timing.sync_seconds = SecondsSince(t1);
  return timing;
}

StatusOr<ProvisionTiming> BareProvisionLoop(const Scenario& s, const KeySpace& keys, const std::string& data_dir,
                                            uint32_t files, int threads) {
  Workspace bare;
  std::vector<std::string> paths;
  Status status = Status::Ok();
  std::unordered_set<std::string> made;
  for (uint32_t id = 0; id < files && status.ok(); ++id) {
    paths.push_back(ShardPath(s.shards, data_dir, id, "bare-loop"));  // same names, fan-out and roots
    if (made.insert(Parent(paths.back())).second) status = bare.MakeDirs(Parent(paths.back()));
    if (status.ok()) status = bare.ClaimNewDatabase(paths.back());
  }
  const std::vector<std::string> row_keys = TenantRowKeys(keys);
  ProvisionTiming timing;
  if (status.ok()) {
    Progress progress("bare loop", files);
    const auto t0 = Clock::now();
    status = ParallelFor(files, threads, &progress,
                         [&](uint32_t id) { return CreateBareFile(s, row_keys, id, paths[id]); });
    timing.files = files;
    timing.seconds = SecondsSince(t0);
  }
  bare.RemoveCreated();
  if (!status.ok()) return status;
  return timing;
}

}  // namespace shardlab
