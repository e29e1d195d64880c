#include "kinds/migrate/schema_migration_crash.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>

#include "core/child_process.h"
#include "faults/crash_vfs.h"
#include "kinds/migrate/schema_migration_check.h"
#include "kinds/migrate/schema_migration_spec.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr size_t kMaxFailuresListed = 20;

// How a migrator child ended and what it logged: "s i" started file i, "d i" migrated it,
// "k i" skipped it, "f i message" failed, "n events" the shim's count at the end.
struct ChildRun {
  int status = 0;
  bool timed_out = false;
  std::set<size_t> started, done, skipped, failed;
  std::string first_error;
  uint32_t events = 0;
  bool killed() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }
  bool exited_ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

struct Kill {
  int64_t event = -1;       // SIGKILL at this I/O event (-1: none)
  bool after = false;       // just after it, else just before
  int64_t after_file = 0;   // SIGKILL right after the n-th file's migration (0: none)
};

StatusOr<ChildRun> MigrateInChild(FleetMigration m, bool shim, const Kill& kill_at, double timeout_s) {
  auto child = ForkWithPipe([&](int fd) {
    CrashVfs* vfs = nullptr;
    if (shim) {
      auto got = CrashVfs::Get();
      if (!got.ok()) _exit(3);
      vfs = *got;
      m.vfs = CrashVfs::kName;
    }
    int64_t migrated = 0;
    m.workers = 1;
    m.progress = nullptr;
    m.on_step = [&](size_t file, FileStep step, const std::string& detail) {
      static constexpr char kCode[] = {'s', 'd', 'k', 'f'};
      std::string line = std::string(1, kCode[static_cast<int>(step)]) + " " + std::to_string(file);
      if (step == FileStep::kFailed) line += " " + OneLine(detail);
      WriteAll(fd, line + "\n");
      if (step == FileStep::kDone && ++migrated == kill_at.after_file) raise(SIGKILL);
    };
    if (vfs != nullptr) {
      CrashVfs::Plan plan;
      plan.crash_event = kill_at.event;
      plan.crash_after = kill_at.after;
      vfs->Start(plan, nullptr);
    }
    const FleetMigrationStats stats = MigrateFleet(m);
    if (vfs != nullptr) {
      WriteAll(fd, "n " + std::to_string(vfs->events()) + "\n");
      vfs->Stop();
    }
    _exit(stats.failed == 0 ? 0 : 4);
  });
  if (!child.ok()) return child.status();
  ChildRun run;
  const std::string log = ReadUntilEof(child->read_fd, timeout_s, &run.timed_out);
  close(child->read_fd);
  if (run.timed_out) kill(child->pid, SIGKILL);
  run.status = WaitForChild(child->pid);
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 3) continue;
    const size_t space = line.find(' ', 2);
    const uint64_t n = std::stoull(line.substr(2, space == std::string::npos ? std::string::npos : space - 2));
    switch (line[0]) {
      case 's': run.started.insert(n); break;
      case 'd': run.done.insert(n); break;
      case 'k': run.skipped.insert(n); break;
      case 'f':
        run.failed.insert(n);
        if (run.first_error.empty()) run.first_error = "file " + std::to_string(n) + ": " + line.substr(space + 1);
        break;
      case 'n': run.events = static_cast<uint32_t>(n); break;
      default: break;
    }
  }
  return run;
}

void Bump(Json& j, const std::string& key, int64_t by = 1) { j[key] = j.value(key, int64_t{0}) + by; }

// Kills from the seed: random events below the clean run's count (before or after), then
// optionally one right after each file.
std::vector<Kill> PlanKills(const Scenario& s, const std::string& label, uint32_t events, uint32_t files) {
  const SchemaMigrationSpec& migrate = s.Spec<SchemaMigrationSpec>();
  std::vector<Kill> kills;
  for (int64_t t = 0; t < migrate.crash_trials; ++t) {
    Rng rng(DeriveSeed(s.seed, "migrate-crash/" + label, static_cast<uint64_t>(t)));
    Kill k;
    k.event = static_cast<int64_t>(rng.Below(std::max<uint32_t>(events, 1)));
    k.after = rng.Below(2) == 1;
    kills.push_back(k);
  }
  if (migrate.crash_every_file) {
    for (uint32_t n = 1; n <= files; ++n) kills.push_back(Kill{-1, false, n});
  }
  return kills;
}

// Before the rerun: each file's class, against what the migrator had logged. Adds to the
// cell's counts in `out`; returns the trial's class counts.
Json JudgeBeforeRerun(const Fleet& fleet, const ChildRun& crashed, const std::set<size_t>& in_flight, Json& out,
                      std::string& detail) {
  Json counts = Json::object();
  int64_t mixed = 0;
  for (size_t f = 0; f < fleet.paths().size(); ++f) {
    const FileState st = ReadFileState(fleet.paths()[f]);
    const FileClass c = Classify(st);
    Bump(counts, FileClassName(c));
    Bump(out["before_rerun"], FileClassName(c));
    if (c == FileClass::kStaleVersion || c == FileClass::kHalfMigrated) {
      ++mixed;
      Bump(out, c == FileClass::kStaleVersion ? "stale_version" : "half_migrated");
      if (!in_flight.count(f)) Bump(out, "mixed_outside_in_flight");
    }
    if (c == FileClass::kCorrupt && detail.empty()) detail = "file " + std::to_string(f) + " before the rerun: " + st.error;
    // A file the migrator finished must be at version 2; one it never started at 1.
    const bool finished = crashed.done.count(f) > 0;
    const bool untouched = crashed.started.count(f) == 0;
    if ((finished && c != FileClass::kV2) || (untouched && c != FileClass::kV1)) {
      Bump(out, "log_mismatch");
      if (detail.empty()) {
        detail = "file " + std::to_string(f) + " is " + FileClassName(c) + " but the migrator " +
                 (finished ? "had finished it" : "never started it");
      }
    }
  }
  Bump(out, "mixed_before_rerun", mixed);
  if (counts.size() > 1) Bump(out, "fleet_mixed_trials");  // not every file in one state
  return counts;
}

// After the rerun: every file at version 2 with its data. Returns the trial's verdict.
std::string JudgeAfterRerun(const Fleet& fleet, const FleetRows& rows, bool rerun_ok, bool corrupt_before, Json& out,
                            std::string& detail) {
  int64_t not_v2 = 0, lost = 0, wrong = 0, corrupt = 0;
  for (size_t f = 0; f < fleet.paths().size(); ++f) {
    const FileState st = ReadFileState(fleet.paths()[f]);
    const FileClass c = Classify(st);
    if (c == FileClass::kCorrupt) {
      ++corrupt;
      if (detail.empty()) detail = "file " + std::to_string(f) + " after the rerun: " + st.error;
      continue;
    }
    if (c != FileClass::kV2) ++not_v2;
    if (c == FileClass::kWrongBackfill) ++wrong;
    if (st.rows != static_cast<int64_t>(rows.items[f].size()) || st.checksum != rows.checksums[f]) {
      ++lost;
      if (detail.empty()) {
        detail = "file " + std::to_string(f) + " holds " + std::to_string(st.rows) + " rows, expected " +
                 std::to_string(rows.items[f].size()) + " (or a changed checksum)";
      }
    }
  }
  Bump(out, "not_at_v2", not_v2);
  Bump(out, "data_lost", lost);
  Bump(out, "wrong_backfill", wrong);
  Bump(out, "corrupt", corrupt);
  if (corrupt > 0 || corrupt_before) return "corrupt";
  if (lost > 0) return "data_lost";
  if (wrong > 0) return "wrong_backfill";
  if (!rerun_ok) return "rerun_failed";
  return not_v2 > 0 ? "not_at_v2" : "ok";
}

}  // namespace

uint32_t MigrationCrashFiles(const Scenario& s) {
  const SchemaMigrationSpec& migrate = s.Spec<SchemaMigrationSpec>();
  return migrate.crash_files > 0 ? static_cast<uint32_t>(migrate.crash_files) : s.shards.count;
}

int64_t MigrationCrashTrials(const Scenario& s) {
  const SchemaMigrationSpec& migrate = s.Spec<SchemaMigrationSpec>();
  return migrate.crash_trials + (migrate.crash_every_file ? MigrationCrashFiles(s) : 0);
}

StatusOr<Json> RunMigrationCrashCell(const Scenario& s, const FleetRows& rows, const MigrationCrashCell& cell,
                                     const std::string& data_dir, Progress* progress) {
  const SchemaMigrationSpec& migrate = s.Spec<SchemaMigrationSpec>();
  const uint32_t files = MigrationCrashFiles(s);
  const std::string label = std::string(MigrationStrategyName(cell.strategy)) + "-" + cell.journal_mode;
  FleetMigration m;
  m.strategy = cell.strategy;
  m.sqlite = s.sqlite;
  m.sqlite.journal_mode = cell.journal_mode;

  // A clean run through the shim counts the I/O events kills are drawn from.
  uint32_t events = 0;
  {
    SHARDLAB_ASSIGN_OR_RETURN(Fleet fleet, Fleet::Provision(s, rows, files, "crash-" + label + "-clean",
                                                            cell.journal_mode, data_dir, false, nullptr));
    m.files = fleet.paths();
    SHARDLAB_ASSIGN_OR_RETURN(ChildRun clean, MigrateInChild(m, true, Kill{}, migrate.timeout_s));
    if (!clean.exited_ok()) {
      return Status::Runtime("the clean migration run (" + label + ") failed: " +
                             (clean.first_error.empty() ? "status " + std::to_string(clean.status) : clean.first_error));
    }
    events = clean.events;
    fleet.Remove();
  }
  const std::vector<Kill> kills = PlanKills(s, label, events, files);

  Json out = {{"files", files}, {"events", events}, {"trials", 0}, {"killed", 0}, {"timed_out", 0}, {"ok", 0},
              {"in_flight", 0}, {"fleet_mixed_trials", 0}, {"mixed_before_rerun", 0}, {"stale_version", 0},
              {"half_migrated", 0}, {"mixed_outside_in_flight", 0}, {"log_mismatch", 0}, {"rerun_failed", 0},
              {"not_at_v2", 0}, {"data_lost", 0}, {"wrong_backfill", 0}, {"corrupt", 0}};
  out["before_rerun"] = Json::object();  // class -> files, summed over trials
  for (FileClass c : {FileClass::kV1, FileClass::kV2, FileClass::kStaleVersion, FileClass::kHalfMigrated,
                      FileClass::kWrongBackfill, FileClass::kCorrupt}) {
    out["before_rerun"][FileClassName(c)] = 0;
  }
  out["rerun_errors"] = Json::object();
  Json per_trial = Json::array(), failures = Json::array();
  for (size_t t = 0; t < kills.size(); ++t) {
    SHARDLAB_ASSIGN_OR_RETURN(Fleet fleet, Fleet::Provision(s, rows, files, "crash-" + label + "-" + std::to_string(t),
                                                            cell.journal_mode, data_dir, false, nullptr));
    m.files = fleet.paths();
    SHARDLAB_ASSIGN_OR_RETURN(ChildRun crashed, MigrateInChild(m, true, kills[t], migrate.timeout_s));
    Bump(out, "trials");
    if (crashed.killed()) Bump(out, "killed");
    if (crashed.timed_out) Bump(out, "timed_out");
    std::set<size_t> in_flight;  // started, never reported finished, skipped or failed
    for (size_t f : crashed.started) {
      if (!crashed.done.count(f) && !crashed.skipped.count(f) && !crashed.failed.count(f)) in_flight.insert(f);
    }
    Bump(out, "in_flight", static_cast<int64_t>(in_flight.size()));
    std::string detail;
    const Json before = JudgeBeforeRerun(fleet, crashed, in_flight, out, detail);

    // The rerun, in a fresh process without the shim.
    SHARDLAB_ASSIGN_OR_RETURN(ChildRun rerun, MigrateInChild(m, false, Kill{}, migrate.timeout_s));
    const bool rerun_ok = rerun.exited_ok();
    if (!rerun_ok) {
      Bump(out, "rerun_failed");
      const std::string error = rerun.first_error.empty() ? "status " + std::to_string(rerun.status) : rerun.first_error;
      // Grouped without the file number: "file 3: ALTER ...: duplicate column name: v_len".
      const size_t colon = error.find(": ");
      Bump(out["rerun_errors"], colon == std::string::npos ? error : error.substr(colon + 2));
      if (detail.empty()) detail = "rerun: " + error;
    }
    const std::string verdict = JudgeAfterRerun(fleet, rows, rerun_ok, before.contains("corrupt"), out, detail);
    if (verdict == "ok") Bump(out, "ok");
    Json trial = {{"trial", t},
                  {"event", kills[t].event},
                  {"after_event", kills[t].after},
                  {"after_file", kills[t].after_file},
                  {"killed", crashed.killed()},
                  {"in_flight", Json(std::vector<size_t>(in_flight.begin(), in_flight.end()))},
                  {"before_rerun", before},
                  {"rerun_ok", rerun_ok},
                  {"rerun_migrated", rerun.done.size()},
                  {"verdict", verdict}};
    if (!detail.empty()) trial["detail"] = detail;
    if (verdict != "ok" && failures.size() < kMaxFailuresListed) failures.push_back(trial);
    per_trial.push_back(std::move(trial));
    fleet.Remove();
    if (progress != nullptr) progress->Add(1);
  }
  out["failures"] = failures;
  out["per_trial"] = per_trial;
  return out;
}

}  // namespace shardlab
