// Harness micro-benchmarks: the workload runner's cost over bare SQLite, and the shard
// walk of source 000 (scenarios/CLAIMS.md). Shard files live in a temporary directory created (and removed)
// by this binary.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/bench_loop.h"
#include "core/workspace.h"
#include "core/elapsed.h"
#include "kinds/workload/op_executor.h"
#include "kinds/workload/workload_kind.h"
#include "kinds/workload/workload_runner.h"
#include "scenario/scenario.h"
#include "shards/shard_set.h"

namespace shardlab {
namespace {

// A scenario loaded into real shard files under a fresh temporary directory.
struct LoadedFixture {
  std::string dir;
  Workspace workspace;
  std::unique_ptr<Scenario> scenario;
  std::unique_ptr<LoadedWorkload> loaded;

  explicit LoadedFixture(const char* json) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/shardlab-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    dir = pattern;
    auto s = LoadScenarioFromJson(Json::parse(json), "workload_bench", LoadOptions{}, {&WorkloadKind()});
    if (!s.ok()) Fail(s.status());
    scenario = std::make_unique<Scenario>(std::move(s).value());
    Json metrics;
    auto l = LoadedWorkload::Create(*scenario, dir, workspace, metrics);
    if (!l.ok()) Fail(l.status());
    loaded = std::move(l).value();
  }
  ~LoadedFixture() {
    loaded.reset();
    workspace.RemoveCreated();
    ::rmdir(dir.c_str());
  }
  [[noreturn]] static void Fail(const Status& st) {
    std::fprintf(stderr, "workload_bench setup: %s\n", st.message().c_str());
    std::abort();
  }
};

constexpr const char* kGetScenario = R"({
  "name": "bench-get", "kind": "workload", "seed": 7,
  "shards": {"count": 4},
  "keys": {"count": 10000, "format": "user:{i}", "hash": "xxh3"},
  "router": {"type": "mod"},
  "sqlite": {"journal_mode": "wal", "synchronous": "normal", "cache_size": -16384},
  "workload": {"mix": {"get": 1}, "ops": 1000}
})";

constexpr const char* kWalkScenario = R"({
  "name": "bench-walk", "kind": "workload", "seed": 7,
  "shards": {"count": 256},
  "keys": {"count": 25600, "format": "user:{i}", "hash": "xxh3"},
  "router": {"type": "mod"},
  "sqlite": {"journal_mode": "wal", "synchronous": "normal", "cache_size": -4096},
  "workload": {"walk": {"shards": [100]}}
})";

LoadedFixture& GetFixture() {
  static LoadedFixture f(kGetScenario);
  return f;
}
LoadedFixture& WalkFixture() {
  static LoadedFixture f(kWalkScenario);
  return f;
}

// The same point lookups as a bare loop over the same prepared statement on the same
// files: keys and shards precomputed, no timing, no bookkeeping.
class BareGets {
 public:
  explicit BareGets(LoadedFixture& f) {
    const ShardSet& shards = f.loaded->shards;
    for (uint32_t s = 0; s < shards.count(); ++s) {
      auto db = shards.Connect(s);
      if (!db.ok()) LoadedFixture::Fail(db.status());
      dbs_.push_back(std::move(db).value());
      auto stmt = dbs_.back().Prepare("SELECT v FROM kv WHERE k = ?1");
      if (!stmt.ok()) LoadedFixture::Fail(stmt.status());
      stmts_.push_back(std::move(stmt).value());
    }
    auto chooser = f.loaded->chooser->Clone();
    Rng rng(43);
    KeyRef ref;
    for (int i = 0; i < 4096; ++i) {
      const uint64_t item = chooser->Next(rng);
      const uint32_t shard = f.loaded->keys.ShardOf(item, *f.loaded->router, ref);
      lookups_.push_back({shard, ref.text});
    }
  }
  void Run(int n) {
    for (int i = 0; i < n; ++i) {
      const Lookup& l = lookups_[next_++ & 4095];
      Stmt& stmt = stmts_[l.shard];
      stmt.BindTextStatic(1, l.key);
      if (stmt.Step() == SQLITE_ROW) value_.assign(stmt.ColumnText(0));
      stmt.Reset();
    }
    benchmark::DoNotOptimize(value_.data());
  }

 private:
  struct Lookup {
    uint32_t shard;
    std::string key;
  };
  std::vector<Db> dbs_;
  std::vector<Stmt> stmts_;
  std::vector<Lookup> lookups_;
  std::string value_;
  size_t next_ = 0;
};

// Harness overhead: point gets through the runner's own loop (op choice, key choice from
// the distribution, key formatting, hashing, routing, the query, timing, histogram) vs
// the bare loop. The two alternate in small batches within each iteration, so the
// machine's drift hits both alike; the counters are the paired ratio. Target:
// runner_over_bare_throughput >= 0.90.
void BM_RunnerOverhead(benchmark::State& state) {
  constexpr int kBatch = 100;
  LoadedFixture& f = GetFixture();
  OpExecutor ex(f.loaded->Context(), 1);
  BareGets bare(f);
  Rng rng(42);
  ex.RunMix(kBatch, rng, false);  // open connections, warm
  bare.Run(kBatch);
  int64_t runner_ns = 0, bare_ns = 0;
  bool runner_first = true;
  SHARDLAB_BENCH_LOOP(state) {
    for (int pass = 0; pass < 2; ++pass) {
      const int64_t t0 = MonotonicNanos();
      if (runner_first == (pass == 0)) {
        Status st = ex.RunMix(kBatch, rng, /*record=*/true);
        if (!st.ok()) state.SkipWithError(st.message().c_str());
        runner_ns += MonotonicNanos() - t0;
      } else {
        bare.Run(kBatch);
        bare_ns += MonotonicNanos() - t0;
      }
    }
    runner_first = !runner_first;
  }
  const double gets = static_cast<double>(state.iterations()) * kBatch;
  state.counters["runner_ns_per_get"] = static_cast<double>(runner_ns) / gets;
  state.counters["bare_ns_per_get"] = static_cast<double>(bare_ns) / gets;
  state.counters["runner_over_bare_throughput"] = static_cast<double>(bare_ns) / static_cast<double>(runner_ns);
  state.SetItemsProcessed(state.iterations() * 2 * kBatch);
}

// source 000's shard walk: one lookup on each of 100 of 256 cached shards, on
// state.range(0) threads (1 = sequential; 2 = fan-out over both cores).
void BM_ShardWalk(benchmark::State& state) {
  LoadedFixture& f = WalkFixture();
  OpExecutor ex(f.loaded->Context(), static_cast<int>(state.range(0)));
  if (!ex.OpenAllConnections().ok()) state.SkipWithError("cannot open the shards");
  Rng warm(1);
  for (int i = 0; i < 3; ++i) {
    if (!ex.Walk(f.loaded->shards.count(), warm, nullptr).ok()) state.SkipWithError("warm-up walk failed");
  }
  Rng rng(42);
  SHARDLAB_BENCH_LOOP(state) {
    auto out = ex.Walk(100, rng, nullptr);
    if (!out.ok()) state.SkipWithError(out.status().message().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RunnerOverhead)->SHARDLAB_COUNTED(20)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ShardWalk)->SHARDLAB_COUNTED(20)->Arg(1)->ArgName("threads")->Unit(benchmark::kMicrosecond)->UseRealTime();
// Two threads: the pool's waits make its instruction count vary by ~1 % run to run.
BENCHMARK(BM_ShardWalk)->SHARDLAB_NOT_COUNTED()->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace shardlab
