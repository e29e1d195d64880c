// Crash-trial cost and the shim's overhead (Google Benchmark; run by `make bench`).
//  - BM_ForkExit: fork + _exit + waitpid, the floor of any fork-per-trial design here.
//  - BM_BareCrashTrial: the least a crash trial can do (copy two shard files, fork a child
//    that commits one ATTACH transfer and SIGKILLs itself, open each shard alone, check it).
//  - BM_CrashTrial: shardlab's trial (TrialRunner::Run: the same plus the shim, the report
//    pipe, the checker), killed mid-transaction. Compare it with the bare trial as a ratio.
//  - BM_ShimOverhead: gets and puts through the shim (no fault armed) vs plain "unix", in
//    alternating batches on two copies of one file; counter shim_over_unix_throughput.
// Trials run in /dev/shm (tmpfs), as the target is stated there.
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "faults/bank.h"
#include "faults/crash_vfs.h"
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
    spec.accounts = 64;
    spec.keys.format = "acct:{i}";
    spec.transfers = 1;
    bank = std::make_unique<Bank>(*Bank::Make(spec));
    mkdir((root + "/template").c_str(), 0755);
    if (!bank->CreateShards(root + "/template", "delete").ok()) std::abort();
    for (uint32_t s = 0; s < 2; ++s) files.push_back(ReadFile(root + "/template/" + Bank::ShardFile(s)));
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
  for (auto _ : state) {
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
  for (auto _ : state) {
    const std::string dir = f.root + "/bare" + std::to_string(n++);
    mkdir(dir.c_str(), 0755);
    for (uint32_t s = 0; s < 2; ++s) WriteFile(dir + "/" + Bank::ShardFile(s), f.files[s]);
    const pid_t pid = fork();
    if (pid == 0) {
      sqlite3* db;
      sqlite3_open((dir + "/" + Bank::ShardFile(0)).c_str(), &db);
      sqlite3_exec(db, ("ATTACH '" + dir + "/" + Bank::ShardFile(1) + "' AS s1").c_str(), nullptr, nullptr, nullptr);
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
      auto db = Db::Open(dir + "/" + Bank::ShardFile(s));
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
  for (auto _ : state) {
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
  for (auto _ : state) {
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

BENCHMARK(BM_ForkExit)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_BareCrashTrial)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CrashTrial)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ShimOverhead)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace shardlab
