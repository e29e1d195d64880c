#include "kinds/tenants/tenant_packings.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "core/elapsed.h"
#include "core/progress.h"
#include "kinds/tenants/tenant_provision.h"
#include "kinds/tenants/tenants_spec.h"
#include "shards/layout.h"
#include "shards/shard_set.h"
#include "workloads/key_hash.h"
#include "workloads/router.h"

namespace shardlab {

StatusOr<PackedLoad> BuildPackedFiles(const Scenario& s, const KeySpace& keys, const std::string& name,
                                      const std::string& data_dir, uint32_t files, Workspace& workspace) {
  const TenantsSpec& tenants = s.Spec<TenantsSpec>();
  const auto start = std::chrono::steady_clock::now();
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> router, MakeRouter(s.router, files));
  PackedLoad out;
  out.packing.name = name;
  const uint32_t users = s.shards.count;
  out.packing.file_of_user.resize(users);
  std::vector<std::vector<uint32_t>> users_of(files);
  for (uint32_t u = 0; u < users; ++u) {
    const std::string key = "user:" + std::to_string(u);
    const uint32_t f = router->Route(router->UsesHash() ? HashBytes(s.keys.hash, key) : KeyHash(), key);
    out.packing.file_of_user[u] = f;
    users_of[f].push_back(u);
  }
  ShardsSpec packed = s.shards;  // the scenario's layout and roots, `files` of them
  packed.count = files;
  std::set<std::string> made;
  SqliteSpec load = s.sqlite;
  load.synchronous = "off";  // like provisioning: synced once at the end
  const std::vector<std::string> row_keys = TenantRowKeys(keys);
  Progress progress("pack " + name, files);
  for (uint32_t f = 0; f < files; ++f) {
    const std::string path = ShardPath(packed, data_dir, f, name);
    if (made.insert(ShardParentDir(path)).second) SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(path)));
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(path));
    SHARDLAB_ASSIGN_OR_RETURN(Db db, ShardSet::ConnectPath(path, load));
    SHARDLAB_RETURN_IF_ERROR(
        db.Exec("CREATE TABLE kv(user INTEGER NOT NULL, k TEXT NOT NULL, v TEXT NOT NULL, PRIMARY KEY(user, k)); BEGIN")
            .Wrap(path));
    SHARDLAB_ASSIGN_OR_RETURN(Stmt insert, db.Prepare("INSERT INTO kv(user, k, v) VALUES(?1, ?2, ?3)"));
    for (uint32_t u : users_of[f]) {
      for (uint64_t i = 0; i < keys.count(); ++i) {
        const std::string value = TenantValue(u, i, tenants.value_bytes, 0);
        insert.BindInt(1, u);
        insert.BindTextStatic(2, row_keys[i]);
        insert.BindTextStatic(3, value);
        if (insert.Step() != SQLITE_DONE) return db.Error("insert into " + path);
        insert.Reset();
      }
    }
    insert = Stmt();
    SHARDLAB_RETURN_IF_ERROR(db.Exec("COMMIT").Wrap(path));
    out.packing.paths.push_back(path);
    progress.Add(1);
  }
  // `<root>/<name>` of every root that holds a file: one syncfs each.
  for (uint32_t f = 0; f < files && f < packed.roots.size(); ++f) {
    const std::string dir = ShardSetDir(packed, data_dir, f, name);
    if (std::find(out.dirs.begin(), out.dirs.end(), dir) != out.dirs.end()) continue;
    out.dirs.push_back(dir);
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      ::syncfs(fd);
      ::close(fd);
    }
  }
  out.seconds = SecondsSince(start);
  return out;
}

}  // namespace shardlab
