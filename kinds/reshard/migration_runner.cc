#include "kinds/reshard/migration_runner.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "core/child_process.h"
#include "core/progress.h"
#include "core/round.h"
#include "faults/crash_vfs.h"
#include "kinds/reshard/migration.h"
#include "kinds/reshard/reshard_spec.h"
#include "shards/layout.h"
#include "sqlite/io_counter.h"
#include "workloads/movement.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

// A fresh copy of the template's shards as the set `to.set` (every path claimed first:
// the `before` shards copied, the `after` ones and control.db for the migration to make).
Status CopyShards(const MigrationFiles& from, const MigrationFiles& to, const std::vector<uint32_t>& before,
                  const std::vector<uint32_t>& on_disk, Workspace& workspace) {
  SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(to.Control())));
  SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(to.Control()));
  for (uint32_t shard : on_disk) {
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(to.Shard(shard))));
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(to.Shard(shard)));
  }
  for (uint32_t shard : before) {
    std::ifstream in(from.Shard(shard), std::ios::binary);
    std::ofstream out(to.Shard(shard), std::ios::binary);
    out << in.rdbuf();
    if (!in || !out) return Status::Runtime("cannot copy " + from.Shard(shard) + " to " + to.Shard(shard));
  }
  return Status::Ok();
}

// Removes a copy's files at once (disk space; they were claimed, so the run's cleanup
// would remove them, and the directories, too).
void RemoveCopy(const MigrationFiles& files, const std::vector<uint32_t>& on_disk) {
  std::vector<std::string> paths{files.Control()};
  for (uint32_t shard : on_disk) paths.push_back(files.Shard(shard));
  for (const std::string& path : paths) {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) unlink((path + suffix).c_str());
  }
}

MigrationFiles FilesOf(const Scenario& s, const std::string& data_dir, const std::string& set) {
  return MigrationFiles{s.shards, data_dir, set};
}

struct Setup {
  std::string router_name;
  RouterSpec spec;
  ShardChange change;
  Membership membership;
  std::unique_ptr<Router> before, target;
};

StatusOr<Setup> MakeSetup(const Scenario& s) {
  const ReshardSpec& reshard = s.Spec<ReshardSpec>();
  const ReshardMigrationSpec& mig = reshard.migrate;
  Setup setup;
  setup.router_name = mig.router;
  for (const ReshardRouter& r : reshard.routers) {
    if (r.name == mig.router) setup.spec = r.spec;
  }
  for (const ReshardChangeSpec& c : reshard.changes) {
    ShardChange ch;
    ch.kind = c.kind == "add" ? ShardChange::Kind::kAdd
              : c.kind == "remove" ? ShardChange::Kind::kRemove : ShardChange::Kind::kRemoveLast;
    ch.count = static_cast<uint32_t>(c.count);
    ch.shard = static_cast<uint32_t>(c.shard);
    if (ch.Name() == mig.change) setup.change = ch;
  }
  SHARDLAB_ASSIGN_OR_RETURN(setup.membership, ApplyChange(setup.spec.type, s.shards.count, setup.change));
  SHARDLAB_ASSIGN_OR_RETURN(setup.before, MakeMemberRouter(setup.spec, setup.membership.before));
  SHARDLAB_ASSIGN_OR_RETURN(setup.target, MakeMemberRouter(setup.spec, setup.membership.after));
  return setup;
}

std::vector<uint32_t> ShardsOnDisk(const Setup& setup) {
  std::set<uint32_t> all(setup.membership.before.begin(), setup.membership.before.end());
  all.insert(setup.membership.after.begin(), setup.membership.after.end());
  return {all.begin(), all.end()};
}

// Forks a process that runs the migration (through the crash shim when `crash` says so)
// and waits for it. Returns the child's wait status.
StatusOr<int> MigrateInChild(MigrationPlan plan, int64_t crash_event, int64_t crash_batch, uint32_t* events) {
  auto child = ForkWithPipe([&](int fd) {
    auto shim = CrashVfs::Get();
    if (!shim.ok()) _exit(3);
    CrashVfs::Plan crash;
    crash.crash_event = crash_event;
    plan.vfs = CrashVfs::kName;
    if (crash_batch > 0) {
      plan.after_batch = [crash_batch](int64_t batch) {
        if (batch == crash_batch) raise(SIGKILL);
      };
    }
    (*shim)->Start(crash, nullptr);
    auto stats = Migrate(plan);
    const uint32_t n = (*shim)->events();
    (*shim)->Stop();
    WriteAll(fd, std::to_string(n) + "\n");
    _exit(stats.ok() ? 0 : 4);
  });
  if (!child.ok()) return child.status();
  bool timed_out = false;
  const std::string report = ReadUntilEof(child->read_fd, 600, &timed_out);
  close(child->read_fd);
  if (timed_out) kill(child->pid, SIGKILL);
  const int status = WaitForChild(child->pid);
  if (events != nullptr && !report.empty()) *events = static_cast<uint32_t>(std::stoul(report));
  return status;
}

}  // namespace

StatusOr<Json> RunMigration(const Scenario& s, const std::string& data_dir, Workspace& workspace) {
  const ReshardMigrationSpec& mig = s.Spec<ReshardSpec>().migrate;
  SHARDLAB_ASSIGN_OR_RETURN(KeySpace keys, KeySpace::Make(s.keys));
  SHARDLAB_ASSIGN_OR_RETURN(Setup setup, MakeSetup(s));

  // The shards as they are before the change: the template every run starts from. Every
  // copy is a set of its own (`migration`, `migration-bare`, ...) in the scenario's
  // layout and roots.
  const MigrationFiles tmpl = FilesOf(s, data_dir, "migration-template");
  for (uint32_t shard : setup.membership.before) {
    SHARDLAB_RETURN_IF_ERROR(workspace.MakeDirs(ShardParentDir(tmpl.Shard(shard))));
    SHARDLAB_RETURN_IF_ERROR(workspace.ClaimNewDatabase(tmpl.Shard(shard)));
  }
  SHARDLAB_ASSIGN_OR_RETURN(std::vector<uint64_t> checksums,
                            CreateMigrationShards(tmpl, keys, *setup.before, mig.payload_bytes, s.seed));
  MigrationPlan plan;
  plan.before = setup.membership.before;
  plan.after = setup.membership.after;
  plan.target = setup.target.get();
  plan.key_hash = s.keys.hash;
  plan.router_name = setup.router_name;
  plan.batch_rows = mig.batch_rows;
  plan.synchronous = mig.synchronous;
  const std::vector<uint32_t> on_disk = ShardsOnDisk(setup);
  auto copy = [&](MigrationPlan& p, const std::string& set) {
    p.files = FilesOf(s, data_dir, set);
    return CopyShards(tmpl, p.files, setup.membership.before, on_disk, workspace);
  };

  Json out;
  out["router"] = setup.router_name;
  out["change"] = mig.change;
  out["rows"] = keys.count();
  out["payload_bytes"] = mig.payload_bytes;
  out["batch_rows"] = mig.batch_rows;
  out["synchronous"] = mig.synchronous;
  out["protocol"] = "ATTACH-based batches: copy + delete in one transaction over the two files, rollback journal "
                    "(DELETE); a rerun moves whatever is still misplaced";

  // 1. The migration, uninterrupted, and its verification.
  SHARDLAB_RETURN_IF_ERROR(copy(plan, "migration"));
  const IoCounts io_before = IoCounts::Snapshot();
  SHARDLAB_ASSIGN_OR_RETURN(MigrationStats stats, Migrate(plan));
  const IoCounts io = IoCounts::Snapshot() - io_before;
  const MigrationCheck check = VerifyMigration(plan.files, on_disk, keys, *setup.target, checksums);
  out["rows_moved"] = stats.rows_moved;
  out["bytes_moved"] = stats.bytes_moved;
  out["batches"] = stats.batches;
  out["seconds"] = RoundDigits(stats.seconds, 3);
  out["rows_per_s"] = RoundDigits(static_cast<double>(stats.rows_moved) / std::max(stats.seconds, 1e-9), 0);
  out["io_per_batch"] = io.PerOp(stats.batches);  // a batch is one transaction over two files
  out["verify"] = {{"ok", check.ok()}, {"lost", check.lost}, {"duplicated", check.duplicated},
                   {"misplaced", check.misplaced}, {"changed", check.changed}, {"corrupt", check.corrupt},
                   {"detail", check.detail}};
  // A rerun of a finished migration moves nothing.
  SHARDLAB_ASSIGN_OR_RETURN(MigrationStats again, Migrate(plan));
  out["rerun_rows_moved"] = again.rows_moved;
  if (check.ok()) RemoveCopy(plan.files, on_disk);

  // 2. The physical limit: the same rows by one INSERT ... SELECT per pair.
  if (mig.bare) {
    MigrationPlan bare = plan;
    SHARDLAB_RETURN_IF_ERROR(copy(bare, "migration-bare"));
    SHARDLAB_ASSIGN_OR_RETURN(MigrationStats limit, BareCopy(bare));
    RemoveCopy(bare.files, on_disk);
    const double bare_rate = static_cast<double>(limit.rows_moved) / std::max(limit.seconds, 1e-9);
    out["bare_rows_per_s"] = RoundDigits(bare_rate, 0);
    out["rows_per_s_over_bare"] = RoundDigits(out["rows_per_s"].get<double>() / std::max(bare_rate, 1e-9), 3);
  }

  // 3. Crashes: at random I/O events (from a clean count) and after every batch; each
  // trial resumes in a fresh process and is verified.
  Json crash = {{"trials", 0}, {"ok", 0}, {"lost", 0}, {"duplicated", 0}, {"corrupt", 0}, {"misplaced", 0},
                {"resume_failed", 0}, {"not_killed", 0}};
  Json failures = Json::array();
  Json per_trial = Json::array();
  if (mig.crash_trials > 0 || mig.crash_every_batch) {
    uint32_t events = 0;
    {
      MigrationPlan clean = plan;
      SHARDLAB_RETURN_IF_ERROR(copy(clean, "migration-clean"));
      SHARDLAB_ASSIGN_OR_RETURN(int status, MigrateInChild(clean, -1, 0, &events));
      RemoveCopy(clean.files, on_disk);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Status::Runtime("the clean migration run failed");
    }
    crash["events"] = events;
    std::vector<std::pair<int64_t, int64_t>> kills;  // (event, batch)
    for (int64_t t = 0; t < mig.crash_trials; ++t) {
      Rng rng(DeriveSeed(s.seed, "migration-crash", static_cast<uint64_t>(t)));
      kills.emplace_back(static_cast<int64_t>(rng.Below(std::max<uint32_t>(events, 1))), 0);
    }
    if (mig.crash_every_batch) {
      for (int64_t b = 1; b <= stats.batches; ++b) kills.emplace_back(-1, b);
    }
    Progress progress("kill+resume trials", kills.size());
    for (size_t t = 0; t < kills.size(); ++t) {
      MigrationPlan trial = plan;
      SHARDLAB_RETURN_IF_ERROR(copy(trial, "migration-trial" + std::to_string(t)));
      SHARDLAB_ASSIGN_OR_RETURN(int killed, MigrateInChild(trial, kills[t].first, kills[t].second, nullptr));
      const bool was_killed = WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL;
      // Resume in a fresh process, without the shim, then verify.
      SHARDLAB_ASSIGN_OR_RETURN(int resumed, MigrateInChild(trial, -1, 0, nullptr));
      const MigrationCheck c = VerifyMigration(trial.files, on_disk, keys, *setup.target, checksums);
      crash["trials"] = crash["trials"].get<int64_t>() + 1;
      if (!was_killed) crash["not_killed"] = crash["not_killed"].get<int64_t>() + 1;
      const bool resume_ok = WIFEXITED(resumed) && WEXITSTATUS(resumed) == 0;
      if (!resume_ok) crash["resume_failed"] = crash["resume_failed"].get<int64_t>() + 1;
      const char* verdict = c.corrupt ? "corrupt" : c.lost ? "lost" : c.duplicated ? "duplicated"
                            : c.misplaced ? "misplaced" : "ok";
      crash[verdict] = crash[verdict].get<int64_t>() + 1;
      per_trial.push_back({{"trial", t}, {"event", kills[t].first}, {"batch", kills[t].second}, {"killed", was_killed},
                           {"verdict", verdict}, {"lost", c.lost}, {"duplicated", c.duplicated}, {"corrupt", c.corrupt}});
      if (!c.ok() || !resume_ok) {
        failures.push_back({{"trial", t}, {"event", kills[t].first}, {"batch", kills[t].second}, {"verdict", verdict},
                            {"resume_ok", resume_ok}, {"detail", c.detail}, {"dir", ShardParentDir(trial.files.Control())}});
      } else {
        RemoveCopy(trial.files, on_disk);
      }
      progress.Add(1);
    }
    crash["failures"] = failures;
    crash["per_trial"] = per_trial;
    out["crash"] = crash;
  }
  return out;
}

}  // namespace shardlab
