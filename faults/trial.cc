#include "faults/trial.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <sqlite3.h>

#include "core/child_process.h"
#include "core/json.h"
#include "faults/crash_vfs.h"
#include "faults/disk_model.h"
#include "faults/fail_points.h"
#include "faults/fiu_schedule.h"
#include "faults/recovery.h"

extern char** environ;

namespace shardlab {
namespace {

void Say(int fd, const std::string& line) { WriteAll(fd, line + "\n"); }

Status WriteFile(const std::string& path, const std::string& bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Runtime("cannot create " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      close(fd);
      return Status::Runtime("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return Status::Ok();
}

// The trial directory holds only what this trial made: its shard copies and the files
// SQLite created next to them. Removes them and the directory.
void RemoveTrialDir(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) unlink((dir + "/" + e->d_name).c_str());
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

// Parses the child's report lines: E (event), B (begin), A (answer), F (fail point), N
// (events numbered), X (setup error).
void ParseReport(const std::string& text, TrialResult& r) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    char tag = 0;
    l >> tag;
    if (tag == 'E') {
      IoEvent e;
      std::string op, role;
      l >> e.index >> op >> role >> e.file;
      e.op = ParseIoOp(op).value_or(IoOp::kOpen);
      e.role = ParseFileRole(role).value_or(FileRole::kDb);
      r.events.push_back(std::move(e));
    } else if (tag == 'B' || tag == 'A') {
      int64_t tx = 0;
      l >> tx;
      if (tx < 1 || tx > static_cast<int64_t>(r.log.size())) continue;
      TransferRecord& rec = r.log[tx - 1];
      rec.begun = true;
      if (tag == 'B') {
        uint32_t at = 0;
        if (l >> at) r.begun_at.push_back(at);
      }
      if (tag == 'A') {
        rec.answered = true;
        l >> rec.rc;
      }
    } else if (tag == 'F') {
      int fired = 0;
      l >> r.fail_evaluations >> fired;
      r.fail_fired = fired != 0;
    } else if (tag == 'N') {
      l >> r.event_count;
    } else if (tag == 'X') {
      std::getline(l >> std::ws, r.child_error);
    }
  }
}

}  // namespace

std::string TemplateKey(const std::string& journal_mode) { return journal_mode == "wal" ? "wal" : "rollback"; }

Json TrialSpecToJson(const TrialSpec& s) {
  return {{"strategy", s.strategy},         {"journal_mode", s.journal_mode}, {"synchronous", s.synchronous},
          {"fault", s.fault},               {"torn", s.torn},                 {"crash_event", s.crash_event},
          {"crash_after", s.crash_after},   {"fail_point", s.fail_point},     {"fail_k", s.fail_k},
          {"fail_errno", s.fail_errno},     {"transfers", s.transfers},       {"seed", s.seed},
          {"record_events", s.record_events}, {"relocate", s.relocate},       {"timeout_s", s.timeout_s},
          {"prng_seed", s.prng_seed}};
}

StatusOr<TrialSpec> TrialSpecFromJson(const Json& j) {
  try {
    TrialSpec s;
    s.strategy = j.at("strategy");
    s.journal_mode = j.at("journal_mode");
    s.synchronous = j.at("synchronous");
    s.fault = j.at("fault");
    s.torn = j.at("torn");
    s.crash_event = IntegerAt<int64_t>(j, "crash_event");
    s.crash_after = j.at("crash_after");
    s.fail_point = j.at("fail_point");
    s.fail_k = IntegerAt<int64_t>(j, "fail_k");
    s.fail_errno = IntegerAt<int>(j, "fail_errno");
    s.transfers = IntegerAt<uint32_t>(j, "transfers");
    s.seed = IntegerAt<uint64_t>(j, "seed");
    s.record_events = j.at("record_events");
    s.relocate = j.at("relocate");
    s.timeout_s = j.at("timeout_s");
    s.prng_seed = j.contains("prng_seed") ? IntegerAt<uint32_t>(j, "prng_seed") : 0;
    return s;
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("trial spec: ") + e.what());
  }
}

Json TrialResultToJson(const TrialResult& r) {
  Json events = Json::array();
  for (const IoEvent& e : r.events) events.push_back({e.index, IoOpName(e.op), FileRoleName(e.role), e.file});
  Json log = Json::array();
  for (const TransferRecord& t : r.log) log.push_back({t.begun, t.answered, t.rc});
  return {{"outcome", r.outcome},
          {"detail", r.detail},
          {"crashed", r.crashed},
          {"after_failed_commit", r.after_failed_commit},
          {"event_count", r.event_count},
          {"events", events},
          {"log", log},
          {"fail_evaluations", r.fail_evaluations},
          {"fail_fired", r.fail_fired},
          {"intermediate", r.intermediate},
          {"compensated", r.compensated},
          {"rolled_forward", r.rolled_forward},
          {"leftover_journals", r.leftover_journals},
          {"orphan_super_journals", r.orphan_super_journals},
          {"leftover_wal", r.leftover_wal},
          {"child_error", r.child_error},
          {"begun_at", r.begun_at}};
}

TrialResult TrialResultFromJson(const Json& j) {
  TrialResult r;
  r.outcome = j.at("outcome");
  r.detail = j.at("detail");
  r.crashed = j.at("crashed");
  r.after_failed_commit = j.at("after_failed_commit");
  r.event_count = j.at("event_count");
  for (const Json& e : j.at("events")) {
    r.events.push_back({e[0].get<uint32_t>(), ParseIoOp(e[1].get<std::string>()).value_or(IoOp::kOpen),
                        ParseFileRole(e[2].get<std::string>()).value_or(FileRole::kDb), e[3].get<std::string>()});
  }
  for (const Json& t : j.at("log")) r.log.push_back({t[0].get<bool>(), t[1].get<bool>(), t[2].get<int>()});
  r.fail_evaluations = j.at("fail_evaluations");
  r.fail_fired = j.at("fail_fired");
  r.intermediate = j.at("intermediate");
  r.compensated = j.at("compensated");
  r.rolled_forward = j.at("rolled_forward");
  r.leftover_journals = j.at("leftover_journals");
  r.orphan_super_journals = j.at("orphan_super_journals");
  r.leftover_wal = j.at("leftover_wal");
  r.child_error = j.at("child_error");
  r.begun_at = j.value("begun_at", std::vector<uint32_t>{});
  return r;
}

void RunTrialChild(const Bank& bank, const TrialSpec& spec, const std::string& dir, int fd) {
  auto fail = [&](const std::string& message) {
    Say(fd, "X " + message);
    _exit(3);
  };
  auto shim = CrashVfs::Get();
  if (!shim.ok()) fail(shim.status().message());
  auto runner = TransferRunner::Open(spec.strategy, dir, bank, spec.journal_mode, spec.synchronous,
                                     CrashVfs::kName);
  if (!runner.ok()) fail(runner.status().message());

  DiskModel disk(spec.seed, spec.torn);
  CrashVfs::Plan plan;
  if (spec.fault == "process_crash" || spec.fault == "power_loss") {
    plan.crash_event = spec.crash_event;
    plan.crash_after = spec.crash_after;
  }
  if (spec.fault == "power_loss") plan.disk = &disk;
  if (spec.fault == "io_error") {
    auto point = ParseFailPoint(spec.fail_point);
    if (!point.ok()) fail(point.status().message());
    plan.vfs_fail_points = point->level == FailPoint::Level::kVfs;
    // Armed only now, so that only the transfers' own calls are counted.
    if (Status st = ArmFailPoint(spec.fail_point, spec.fail_k, spec.fail_errno); !st.ok()) fail(st.message());
  }
  CrashVfs::EventSink sink;
  if (spec.record_events) {
    sink = [fd](const IoEvent& e) {
      Say(fd, "E " + std::to_string(e.index) + " " + IoOpName(e.op) + " " + FileRoleName(e.role) + " " + e.file);
    };
  }
  SeedSqliteRandomness(spec.prng_seed);
  (*shim)->Start(plan, sink);
  const uint32_t n = std::min<uint32_t>(spec.transfers, static_cast<uint32_t>(bank.transfers().size()));
  for (uint32_t i = 0; i < n; ++i) {
    const Transfer& t = bank.transfers()[i];
    Say(fd, "B " + std::to_string(t.id) + " " + std::to_string((*shim)->events()));
    const int rc = (*runner)->Run(t);
    Say(fd, "A " + std::to_string(t.id) + " " + std::to_string(rc));
  }
  const uint32_t events = (*shim)->events();
  (*shim)->Stop();
  const int64_t evaluations = FailPointEvaluations();
  const bool fired = FailPointFired();
  DisarmFailPoint();
  Say(fd, "F " + std::to_string(evaluations) + " " + (fired ? "1" : "0"));
  Say(fd, "N " + std::to_string(events));
  runner->reset();  // a server that keeps running closes its connections normally
  _exit(0);
}

Status TrialRunner::WriteTemplates(const std::string& journal_mode, const std::string& dir) const {
  auto tmpl = templates_.find(TemplateKey(journal_mode));
  if (tmpl == templates_.end()) return Status::Runtime("no template for journal mode " + journal_mode);
  for (size_t s = 0; s < tmpl->second.size(); ++s) {
    SHARDLAB_RETURN_IF_ERROR(WriteFile(dir + "/" + bank_->ShardFile(static_cast<uint32_t>(s)), tmpl->second[s]));
  }
  return Status::Ok();
}

const std::vector<std::string>* TrialRunner::Templates(const std::string& journal_mode) const {
  auto tmpl = templates_.find(TemplateKey(journal_mode));
  return tmpl == templates_.end() ? nullptr : &tmpl->second;
}

StatusOr<TrialResult> TrialRunner::RunChildIn(const TrialSpec& spec, const std::string& trial_dir) const {
  bool libc_level = false;
  if (spec.fault == "io_error") {
    auto point = ParseFailPoint(spec.fail_point);
    if (!point.ok()) return point.status();
    libc_level = point->level == FailPoint::Level::kLibc;
    if (libc_level && exec_child_.empty()) return Status::Runtime("libc-level fail points need the shardlab executable");
  }
  auto child = ForkWithPipe([&](int fd) {
    if (!libc_level) RunTrialChild(*bank_, spec, trial_dir, fd);
    // libfiu's POSIX wrappers must be preloaded from the start: re-execute this program.
    std::vector<std::string> args = exec_child_;
    args.push_back(trial_dir);
    args.push_back(std::to_string(fd));
    args.push_back(TrialSpecToJson(spec).dump());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0 && std::strncmp(*e, "ASAN_OPTIONS=", 13) != 0) {
        env_strings.emplace_back(*e);
      }
    }
    env_strings.push_back(std::string("LD_PRELOAD=") + kFiuPosixPreload);
#if defined(__SANITIZE_ADDRESS__)
    // Sanitizer builds: ASan insists on being the first library loaded; the preload is.
    const char* asan = std::getenv("ASAN_OPTIONS");
    env_strings.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                          "verify_asan_link_order=0");
#endif
    std::vector<char*> envp;
    for (std::string& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    Say(fd, std::string("X cannot execute ") + argv[0] + ": " + std::strerror(errno));
    _exit(3);
  });
  if (!child.ok()) return child.status();
  const pid_t pid = child->pid;
  TrialResult r;
  r.log.resize(std::min<size_t>(spec.transfers, bank_->transfers().size()));
  bool timed_out = false;
  const std::string report = ReadUntilEof(child->read_fd, spec.timeout_s, &timed_out);
  close(child->read_fd);
  if (timed_out) kill(pid, SIGKILL);
  const int status = WaitForChild(pid);
  ParseReport(report, r);
  if (timed_out) {
    r.outcome = "hung";
    r.detail = "the trial child did not finish within " + std::to_string(spec.timeout_s) + " s";
    return r;
  }
  if (!r.child_error.empty()) return Status::Runtime("trial child: " + r.child_error);
  r.crashed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (!r.crashed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    return Status::Runtime("trial child ended with status " + std::to_string(status));
  }
  return r;
}

StatusOr<TrialResult> TrialRunner::Run(const TrialSpec& spec, const std::string& trial_dir, const KeepIf& keep) const {
  if (mkdir(trial_dir.c_str(), 0755) != 0) {
    return Status::Runtime("cannot create " + trial_dir + ": " + std::strerror(errno));
  }
  std::string dir = trial_dir;
  auto cleanup = [&] { RemoveTrialDir(dir); };
  if (Status st = WriteTemplates(spec.journal_mode, trial_dir); !st.ok()) {
    cleanup();
    return st;
  }
  auto child = RunChildIn(spec, trial_dir);
  if (!child.ok() || child->outcome == "hung") {
    cleanup();
    return child;
  }
  TrialResult r = std::move(*child);
  if (spec.relocate) {
    // As a restore or a move to another disk does: the files, at another path.
    const std::string moved = trial_dir + ".moved";
    if (rename(trial_dir.c_str(), moved.c_str()) != 0) {
      cleanup();
      return Status::Runtime("cannot move " + trial_dir + ": " + std::strerror(errno));
    }
    dir = moved;
  }
  const Recovered rec = RecoverShards(*bank_, dir, spec.strategy == "saga");
  const Judged judged = Judge(*bank_, rec, r.log);
  r.outcome = judged.verdict.outcome;
  r.detail = judged.verdict.detail;
  r.after_failed_commit = judged.verdict.after_failed_commit;
  if (rec.saga) {
    r.intermediate = judged.intermediate;
    r.compensated = rec.saga_counts.compensated;
    r.rolled_forward = rec.saga_counts.rolled_forward;
  }
  r.leftover_journals = rec.leftover_journals;
  r.orphan_super_journals = rec.orphan_super_journals;
  r.leftover_wal = rec.leftover_wal;
  if (!keep || !keep(r)) cleanup();
  return r;
}

void SeedSqliteRandomness(uint32_t seed) {
  if (seed != 0) sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SEED, static_cast<int>(seed), static_cast<sqlite3*>(nullptr));
}

}  // namespace shardlab
