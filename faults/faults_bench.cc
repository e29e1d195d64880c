// Crash-trial cost and the shim's overhead (Google Benchmark; run by `make bench`).
//  - BM_ForkExit: fork + _exit + waitpid, the floor of any fork-per-trial design here.
//  - BM_BareCrashTrial: the least a crash trial can do (copy two shard files, fork a child
//    that commits one ATTACH transfer and SIGKILLs itself, open each shard alone, check it).
//  - BM_CrashTrial: shardlab's trial (TrialRunner::Run: the same plus the shim, the report
//    pipe, the checker), killed mid-transaction. Compare it with the bare trial as a ratio.
//  - BM_ShimOverhead: gets and puts through the shim (no fault armed) vs plain "unix", in
//    alternating batches on two copies of one file; counter shim_over_unix_throughput.
//  - BM_ReplayState/<model>: the replay engine's cost per distinct crash state of a recorded
//    2-shard ATTACH/DELETE/FULL trace (2 transfers): write the state's files into the
//    recording's directory, recover, judge. The states are generated, materialised and
//    deduplicated once, in setup (counter prep_us_per_state: that setup, recording
//    included, per distinct state). One worker.
//  - BM_ReplayVsFork: the paired comparison: alternating batches of replayed process_crash
//    states and fork trials (TrialRunner::Run killed at an event of the same cell, round
//    robin); counters replay_states_per_s, fork_trials_per_s and replay_over_fork (fork
//    time per trial / replay time per state).
// Trials run in /dev/shm (tmpfs), as the target is stated there.
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "core/bench_loop.h"
#include "faults/bank.h"
#include "faults/campaign.h"
#include "faults/cell.h"
#include "faults/crash_state.h"
#include "faults/crash_vfs.h"
#include "faults/io_trace.h"
#include "faults/recovery.h"
#include "faults/replay.h"
#include "faults/trial.h"

namespace shardlab {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Removes a directory this benchmark made and the files in it (one level deep; the
// fixture's root holds directories of files).
void RemoveDir(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      const std::string path = dir + "/" + name;
      if (unlink(path.c_str()) != 0) RemoveDir(path);
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

struct TrialFixture {
  std::string root;
  std::unique_ptr<Bank> bank;
  std::vector<std::string> files;  // template shard files
  std::unique_ptr<TrialRunner> runner;
  TrialFixture() {
    char tmpl[] = "/dev/shm/shardlab-bench-XXXXXX";
    root = mkdtemp(tmpl);
    BankSpec spec;
    spec.shards = 2;
    spec.files = {"shard_0000.db", "shard_0001.db"};  // as the crash kind names 2 shards
    spec.accounts = 64;
    spec.keys.format = "acct:{i}";
    spec.transfers = 1;
    bank = std::make_unique<Bank>(*Bank::Make(spec));
    mkdir((root + "/template").c_str(), 0755);
    if (!bank->CreateShards(root + "/template", "delete").ok()) std::abort();
    for (uint32_t s = 0; s < 2; ++s) files.push_back(ReadFile(root + "/template/" + bank->ShardFile(s)));
    runner = std::make_unique<TrialRunner>(*bank, std::map<std::string, std::vector<std::string>>{{"rollback", files}},
                                           std::vector<std::string>{});
  }
  ~TrialFixture() { RemoveDir(root); }
};

TrialFixture& Fixture() {
  static TrialFixture* f = new TrialFixture();  // removed at exit by the atexit below
  static const bool registered = [] {
    std::atexit([] { delete f; });
    return true;
  }();
  (void)registered;
  return *f;
}

void BM_ForkExit(benchmark::State& state) {
  SHARDLAB_BENCH_LOOP(state) {
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    int status;
    waitpid(pid, &status, 0);
  }
}

void BM_BareCrashTrial(benchmark::State& state) {
  TrialFixture& f = Fixture();
  const Transfer& t = f.bank->transfers()[0];
  int n = 0;
  SHARDLAB_BENCH_LOOP(state) {
    const std::string dir = f.root + "/bare" + std::to_string(n++);
    mkdir(dir.c_str(), 0755);
    for (uint32_t s = 0; s < 2; ++s) WriteFile(dir + "/" + f.bank->ShardFile(s), f.files[s]);
    const pid_t pid = fork();
    if (pid == 0) {
      sqlite3* db;
      sqlite3_open((dir + "/" + f.bank->ShardFile(0)).c_str(), &db);
      sqlite3_exec(db, ("ATTACH '" + dir + "/" + f.bank->ShardFile(1) + "' AS s1").c_str(), nullptr, nullptr, nullptr);
      const std::string a = t.from_shard == 0 ? "main" : "s1", b = t.to_shard == 0 ? "main" : "s1";
      const std::string sql = "BEGIN; UPDATE " + a + ".accounts SET balance = balance - 1 WHERE id = '" + t.from +
                              "'; UPDATE " + b + ".accounts SET balance = balance + 1 WHERE id = '" + t.to + "'; COMMIT;";
      sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
      raise(SIGKILL);
    }
    int status;
    waitpid(pid, &status, 0);
    int64_t total = 0;
    for (uint32_t s = 0; s < 2; ++s) {
      auto db = Db::Open(dir + "/" + f.bank->ShardFile(s));
      if (!db.ok() || *db->QueryText("PRAGMA integrity_check") != "ok") state.SkipWithError("bare trial: check failed");
      total += *db->QueryInt("SELECT sum(balance) FROM accounts");
    }
    if (total != f.bank->total_balance()) state.SkipWithError("bare trial: balance changed");
    RemoveDir(dir);
  }
}

void BM_CrashTrial(benchmark::State& state) {
  TrialFixture& f = Fixture();
  TrialSpec spec;
  spec.strategy = "attach";
  spec.journal_mode = "delete";
  spec.fault = "process_crash";
  spec.crash_event = 30;  // mid-commit: after the super-journal is written
  int n = 0;
  SHARDLAB_BENCH_LOOP(state) {
    auto r = f.runner->Run(spec, f.root + "/t" + std::to_string(n++), nullptr);
    if (!r.ok() || r->outcome != "old") state.SkipWithError("shardlab trial: unexpected outcome");
  }
}

// Alternating batches of gets (and puts) on two copies of one file, one through the
// shim and one through "unix"; the counter is the paired throughput ratio.
void BM_ShimOverhead(benchmark::State& state) {
  TrialFixture& f = Fixture();
  auto shim = CrashVfs::Get();
  if (!shim.ok()) state.SkipWithError("no shim");
  const std::string dir = f.root + "/overhead";
  mkdir(dir.c_str(), 0755);
  WriteFile(dir + "/a.db", f.files[0]);
  WriteFile(dir + "/b.db", f.files[0]);
  auto a = Db::Open(dir + "/a.db", SQLITE_OPEN_READWRITE, CrashVfs::kName);
  auto b = Db::Open(dir + "/b.db", SQLITE_OPEN_READWRITE, nullptr);
  for (Db* db : {&*a, &*b}) {
    if (!db->Exec("PRAGMA journal_mode=wal; PRAGMA synchronous=normal").ok()) state.SkipWithError("pragmas");
  }
  std::vector<std::string> ids;
  for (const auto& [name, shard] : f.bank->accounts()) {
    if (shard == 0) ids.push_back(name);
  }
  auto get_a = a->Prepare("SELECT balance FROM accounts WHERE id = ?1");
  auto get_b = b->Prepare("SELECT balance FROM accounts WHERE id = ?1");
  auto put_a = a->Prepare("UPDATE accounts SET balance = balance + 1 WHERE id = ?1");
  auto put_b = b->Prepare("UPDATE accounts SET balance = balance + 1 WHERE id = ?1");
  constexpr int kBatch = 64;
  size_t next = 0;
  auto batch = [&](Stmt& get, Stmt& put) {
    for (int i = 0; i < kBatch; ++i) {
      Stmt& st = i % 8 == 0 ? put : get;  // 1 put in 8 operations
      st.BindText(1, ids[next++ % ids.size()]);
      st.Step();
      st.Reset();
    }
  };
  using Clock = std::chrono::steady_clock;
  int64_t shim_ns = 0, unix_ns = 0;
  bool shim_first = true;
  SHARDLAB_BENCH_LOOP(state) {
    for (int pass = 0; pass < 2; ++pass) {
      const auto t0 = Clock::now();
      const bool use_shim = shim_first == (pass == 0);
      if (use_shim) {
        batch(*get_a, *put_a);
        shim_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
      } else {
        batch(*get_b, *put_b);
        unix_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
      }
    }
    shim_first = !shim_first;
  }
  state.counters["shim_over_unix_throughput"] = static_cast<double>(unix_ns) / static_cast<double>(shim_ns);
  state.SetItemsProcessed(state.iterations() * 2 * kBatch);
}

// ---- the replay engine ----

// The cell of the target: a 2-shard ATTACH transfer, DELETE journal, synchronous
// FULL, 2 transfers; its trace recorded once, in `dir`, where every state is written back
// (journals name their super-journal by absolute path).
struct ReplayFixture {
  struct DistinctState {
    FileSet files;
    uint32_t point = 0;  // the first state with these files: the log it is judged against
  };
  std::string root, dir;
  std::unique_ptr<Bank> bank;
  std::unique_ptr<TrialRunner> runner;
  CellSpec cell{"attach", "delete", "full", "process_crash"};
  uint32_t prng_seed = PrngSeedOf(1);
  IoTrace trace;
  double record_seconds = 0;
  std::map<std::string, std::vector<DistinctState>> states;  // model -> distinct states
  std::map<std::string, double> prep_seconds;                // model -> record + generate + materialise + dedupe
  std::map<std::string, size_t> explored;                    // model -> states before deduplication
  std::map<std::string, size_t> distinct;                    // model -> distinct states (a sample kept)

  ReplayFixture() {
    char tmpl[] = "/dev/shm/shardlab-bench-replay-XXXXXX";
    root = mkdtemp(tmpl);
    BankSpec spec;
    spec.shards = 2;
    spec.files = {"shard_0000.db", "shard_0001.db"};  // as the crash kind names 2 shards
    spec.accounts = 64;
    spec.keys.format = "acct:{i}";
    spec.transfers = 2;
    bank = std::make_unique<Bank>(*Bank::Make(spec));
    mkdir((root + "/template").c_str(), 0755);
    if (!bank->CreateShards(root + "/template", "delete").ok()) std::abort();
    std::vector<std::string> files;
    for (uint32_t s = 0; s < 2; ++s) files.push_back(ReadFile(root + "/template/" + bank->ShardFile(s)));
    runner = std::make_unique<TrialRunner>(*bank, std::map<std::string, std::vector<std::string>>{{"rollback", files}},
                                           std::vector<std::string>{});
    dir = root + "/replay";
    mkdir(dir.c_str(), 0755);
    const auto t0 = std::chrono::steady_clock::now();
    auto t = RecordTrace(*runner, cell, 2, prng_seed, dir);
    if (!t.ok()) std::abort();
    trace = std::move(*t);
    record_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Both models' states now, in a fixed order, so the heap's layout (whether freeing a
    // state's allocations trims the heap, which costs a TLB flush) does not depend on which
    // benchmark runs first (make bench interleaves them at random).
    for (const char* model : {"process_crash", "power_loss_reorder"}) Prepare(model);
  }
  ~ReplayFixture() { RemoveDir(root); }

  // At most this many distinct states are kept in memory, evenly spread over the cell's:
  // power_loss_reorder has thousands, and holding all their files (hundreds of MB) would
  // make every fork of this process (BM_ReplayVsFork's trials) copy their page tables.
  static constexpr size_t kMaxKept = 256;

  // The distinct states of `model`: every state is generated, materialised and
  // deduplicated by content key, as the engine does; then the kept ones are materialised
  // again.
  void Prepare(const std::string& model) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const CellStates all = GenerateStates(trace, model, CampaignSpec{}, 1);
    std::set<ContentKey> seen;
    std::vector<size_t> first_of_each;  // index in all.states of each distinct state's first
    for (size_t i = 0; i < all.states.size(); ++i) {
      if (seen.insert(KeyOf(Materialize(trace, all.states[i]))).second) first_of_each.push_back(i);
    }
    prep_seconds[model] = record_seconds + std::chrono::duration<double>(Clock::now() - t0).count();
    explored[model] = all.states.size();
    distinct[model] = first_of_each.size();
    std::vector<DistinctState>& out = states[model];
    const size_t kept = std::min(kMaxKept, first_of_each.size());
    for (size_t k = 0; k < kept; ++k) {
      const CrashState& st = all.states[first_of_each[k * first_of_each.size() / kept]];
      out.push_back({Materialize(trace, st), st.point});
    }
  }
  const std::vector<DistinctState>& States(const std::string& model) const { return states.at(model); }

  // Writes, recovers and judges one state; false when the verdict is a violation.
  bool Check(const DistinctState& st, std::string* outcome) const {
    if (!WriteState(dir, st.files).ok()) return false;
    const Recovered rec = RecoverShards(*bank, dir, /*saga=*/false);
    const Judged judged = Judge(*bank, rec, LogAt(trace, st.point));
    *outcome = judged.verdict.outcome;
    return !IsViolation(cell, judged.verdict.outcome);
  }

  TrialSpec ForkSpec(uint32_t event) const {
    TrialSpec spec = TrialSpecOf(cell);
    spec.fault = "process_crash";
    spec.crash_event = event;
    spec.transfers = 2;
    spec.prng_seed = prng_seed;
    return spec;
  }
};

ReplayFixture& GetReplayFixture() {
  static ReplayFixture* f = new ReplayFixture();  // removed at exit by the atexit below
  static const bool registered = [] {
    std::atexit([] { delete f; });
    return true;
  }();
  (void)registered;
  return *f;
}

void BM_ReplayState(benchmark::State& state, const std::string& model) {
  ReplayFixture& f = GetReplayFixture();
  const auto& states = f.States(model);
  if (states.empty()) state.SkipWithError("no states");
  size_t next = 0;
  std::string outcome;
  std::map<std::string, int64_t> outcomes;
  SHARDLAB_BENCH_LOOP(state) {
    if (!f.Check(states[next++ % states.size()], &outcome)) {
      state.SkipWithError(("replay: a violation (" + outcome + ")").c_str());
      break;
    }
    ++outcomes[outcome];
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["distinct_states"] = static_cast<double>(f.distinct.at(model));
  state.counters["kept_states"] = static_cast<double>(states.size());
  state.counters["explored_states"] = static_cast<double>(f.explored.at(model));
  state.counters["prep_us_per_state"] = 1e6 * f.prep_seconds.at(model) / static_cast<double>(f.distinct.at(model));
  state.SetLabel("trace " + std::to_string(f.trace.size()) + " events; " + std::to_string(outcomes["old"]) + " old, " +
                 std::to_string(outcomes["new"]) + " new");
}

// Alternating batches: kReplayBatch replayed process_crash states, kForkBatch fork trials
// (crash events round robin over the trace's), the order swapped every iteration.
void BM_ReplayVsFork(benchmark::State& state) {
  constexpr int kReplayBatch = 8, kForkBatch = 2;
  ReplayFixture& f = GetReplayFixture();
  const auto& states = f.States("process_crash");
  if (states.empty() || f.trace.size() == 0) state.SkipWithError("no states");
  size_t next_state = 0;
  uint32_t next_event = 0;
  int n = 0;
  int64_t replay_ns = 0, fork_ns = 0, replayed = 0, forked = 0;
  bool replay_first = true;
  std::string outcome;
  using Clock = std::chrono::steady_clock;
  SHARDLAB_BENCH_LOOP(state) {
    for (int pass = 0; pass < 2; ++pass) {
      const auto t0 = Clock::now();
      if (replay_first == (pass == 0)) {
        for (int i = 0; i < kReplayBatch; ++i) {
          if (!f.Check(states[next_state++ % states.size()], &outcome)) state.SkipWithError("replay: a violation");
        }
        replay_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
        replayed += kReplayBatch;
      } else {
        for (int i = 0; i < kForkBatch; ++i) {
          const uint32_t e = next_event++ % f.trace.size();
          auto r = f.runner->Run(f.ForkSpec(e), f.root + "/f" + std::to_string(n++), nullptr);
          if (!r.ok() || !r->crashed || IsViolation(f.cell, r->outcome)) state.SkipWithError("fork: unexpected trial");
        }
        fork_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
        forked += kForkBatch;
      }
    }
    replay_first = !replay_first;
  }
  // Rates from the totals, set once: reported as given (no counter flags).
  const double replay_s = static_cast<double>(replay_ns) * 1e-9, fork_s = static_cast<double>(fork_ns) * 1e-9;
  state.counters["replay_states_per_s"] = static_cast<double>(replayed) / replay_s;
  state.counters["fork_trials_per_s"] = static_cast<double>(forked) / fork_s;
  state.counters["replay_over_fork"] =
      (fork_s / static_cast<double>(forked)) / (replay_s / static_cast<double>(replayed));
}

BENCHMARK(BM_ForkExit)->SHARDLAB_NOT_COUNTED()->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_BareCrashTrial)->SHARDLAB_NOT_COUNTED()->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CrashTrial)->SHARDLAB_NOT_COUNTED()->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ShimOverhead)->SHARDLAB_COUNTED(20)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ReplayState, process_crash, std::string("process_crash"))->SHARDLAB_COUNTED(32)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ReplayState, power_loss_reorder, std::string("power_loss_reorder"))
    ->SHARDLAB_COUNTED(32)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_ReplayVsFork)->SHARDLAB_NOT_COUNTED()->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace shardlab
