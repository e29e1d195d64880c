// Micro-benchmarks of the per-operation building blocks: routing a hashed key, hashing
// a 16-byte key, drawing the next key index. main() comes from benchmark_main.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bench_loop.h"
#include "workloads/distribution.h"
#include "workloads/key_hash.h"
#include "workloads/rng.h"
#include "workloads/router.h"

namespace shardlab {
namespace {

constexpr size_t kBatch = 4096;  // inputs cycled through; a power of two
constexpr uint64_t kNumericKeySpace = 1'000'000'000;
constexpr uint64_t kStringKeySpace = 100'000'000'000;

// "user:" plus 11 digits: exactly 16 bytes.
std::string UserKey(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "user:%011llu", static_cast<unsigned long long>(i));
  return buf;
}

// `label` is the router type, except range_numeric / range_string pick the boundaries.
RouterSpec SpecFor(std::string_view label, uint32_t shards) {
  RouterSpec spec;
  spec.type = std::string(label.substr(0, label.find('_')));
  spec.vnodes = 100;
  spec.point_hash = HashKind::kXxh3;
  if (label == "range_numeric") {
    spec.numeric_boundaries = true;
    for (uint64_t b = 1; b < shards; ++b) {
      spec.int_boundaries.push_back(static_cast<int64_t>(b * kNumericKeySpace / shards));
    }
  } else if (label == "range_string") {
    for (uint64_t b = 1; b < shards; ++b) {
      spec.string_boundaries.push_back(UserKey(b * kStringKeySpace / shards));
    }
  }
  return spec;
}

// Route() over precomputed xxh3 hashes, so the time is the lookup, not the hashing.
// Each lookup's index depends on the previous result, so lookups cannot overlap and
// the figure is latency rather than throughput.
void BM_Route(benchmark::State& state, std::string_view label) {
  const auto shards = static_cast<uint32_t>(state.range(0));
  RouterSpec spec = SpecFor(label, shards);
  Rng rng(DeriveSeed(42, "bench_route"));
  std::vector<std::string> keys(kBatch);
  std::vector<KeyHash> hashes(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    keys[i] = label == "range_numeric" ? std::to_string(rng.Below(kNumericKeySpace))
                                       : UserKey(rng.Below(kStringKeySpace));
    hashes[i] = HashBytes(HashKind::kXxh3, keys[i]);
    // Directory: half the keys listed, half falling back to hash mod N.
    if (spec.type == "directory" && i % 2 == 0) spec.directory[keys[i]] = static_cast<uint32_t>(i % shards);
  }
  auto made = MakeRouter(spec, shards);
  if (!made.ok()) {
    state.SkipWithError(made.status().message().c_str());
    return;
  }
  const Router& router = **made;

  uint32_t shard = 0;
  size_t i = 0;
  SHARDLAB_BENCH_LOOP(state) {
    const size_t k = (i++ + shard) & (kBatch - 1);
    shard = router.Route(hashes[k], keys[k]);
    benchmark::DoNotOptimize(shard);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["memory_bytes"] = static_cast<double>(router.MemoryBytes());
}

BENCHMARK_CAPTURE(BM_Route, mod, "mod")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);
BENCHMARK_CAPTURE(BM_Route, ring, "ring")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);
BENCHMARK_CAPTURE(BM_Route, jump, "jump")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);
BENCHMARK_CAPTURE(BM_Route, rendezvous, "rendezvous")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);
BENCHMARK_CAPTURE(BM_Route, range_numeric, "range_numeric")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);
BENCHMARK_CAPTURE(BM_Route, range_string, "range_string")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);
BENCHMARK_CAPTURE(BM_Route, directory, "directory")->SHARDLAB_COUNTED(20000)->Arg(4)->Arg(256)->Arg(1024);

// One 16-byte key per call, cycling through distinct keys.
void BM_Hash(benchmark::State& state, HashKind kind) {
  std::vector<std::string> keys(kBatch);
  for (size_t i = 0; i < kBatch; ++i) keys[i] = UserKey(i * 7919);
  size_t i = 0;
  SHARDLAB_BENCH_LOOP(state) {
    KeyHash h = HashBytes(kind, keys[i++ & (kBatch - 1)]);
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 16);
}

BENCHMARK_CAPTURE(BM_Hash, sha256, HashKind::kSha256)->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Hash, xxh3, HashKind::kXxh3)->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Hash, fnv1a, HashKind::kFnv1a)->SHARDLAB_COUNTED(20000);

// KeyChooser::Next() over one million items, YCSB default parameters.
void BM_Distribution(benchmark::State& state, const char* type) {
  DistributionSpec spec;
  spec.type = type;
  auto made = MakeKeyChooser(spec, 1'000'000);
  if (!made.ok()) {
    state.SkipWithError(made.status().message().c_str());
    return;
  }
  KeyChooser& chooser = **made;
  Rng rng(DeriveSeed(42, "bench_distribution"));
  SHARDLAB_BENCH_LOOP(state) benchmark::DoNotOptimize(chooser.Next(rng));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_Distribution, uniform, "uniform")->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Distribution, zipfian, "zipfian")->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Distribution, scrambled_zipfian, "scrambled_zipfian")->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Distribution, latest, "latest")->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Distribution, hotspot, "hotspot")->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Distribution, sequential, "sequential")->SHARDLAB_COUNTED(20000);
BENCHMARK_CAPTURE(BM_Distribution, exponential, "exponential")->SHARDLAB_COUNTED(20000);

}  // namespace
}  // namespace shardlab
