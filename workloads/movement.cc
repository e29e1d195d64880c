#include "workloads/movement.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr uint64_t kChunk = 1 << 14;  // keys hashed at a time, then routed by every task
constexpr uint32_t kMaxFlowShards = 1024;  // a from x to matrix beyond this is too big to keep

bool Contains(const std::vector<uint32_t>& v, uint32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Per-thread tallies, merged at the end (sums, so the result does not depend on threads).
struct Tally {
  uint64_t moved = 0, extra = 0;
  uint32_t width = 0;            // identities 0..width-1; flows is width x width (or empty)
  std::vector<uint64_t> flows;   // [from * width + to]
  std::vector<uint64_t> before, after, load_before, load_after;  // indexed by identity
};

void Count(const MovementTask& task, const KeyHash* hashes, const std::string* routes, size_t n, bool moves,
           std::vector<uint64_t>& before_counts, std::vector<uint64_t>& after_counts, Tally* t) {
  const bool need_route = !task.before->UsesHash();
  for (size_t i = 0; i < n; ++i) {
    const std::string_view route = need_route ? std::string_view(routes[i]) : std::string_view();
    const uint32_t a = task.before->Route(hashes[i], route);
    const uint32_t b = task.after->Route(hashes[i], route);
    ++before_counts[a];
    ++after_counts[b];
    if (moves && a != b) {
      ++t->moved;
      if (!t->flows.empty()) ++t->flows[size_t{a} * t->width + b];
      if (!Contains(task.membership.removed, a) && !Contains(task.membership.added, b)) ++t->extra;
    }
  }
}

}  // namespace

std::string ShardChange::Name() const {
  switch (kind) {
    case Kind::kAdd: return "add_" + std::to_string(count);
    case Kind::kRemoveLast: return "remove_last";
    case Kind::kRemove: return "remove_" + std::to_string(shard);
  }
  return "?";
}

StatusOr<Membership> ApplyChange(const std::string& router_type, uint32_t shards, const ShardChange& change) {
  Membership m;
  m.before = AllShards(shards);
  switch (change.kind) {
    case ShardChange::Kind::kAdd:
      m.after = AllShards(shards + change.count);
      for (uint32_t s = shards; s < shards + change.count; ++s) m.added.push_back(s);
      return m;
    case ShardChange::Kind::kRemoveLast:
    case ShardChange::Kind::kRemove: {
      const uint32_t j = change.kind == ShardChange::Kind::kRemove ? change.shard : shards - 1;
      if (shards < 2) return Status::Invalid("cannot remove the only shard");
      if (j >= shards) {
        return Status::Invalid("remove " + std::to_string(j) + ": there are only " + std::to_string(shards) +
                               " shards (0.." + std::to_string(shards - 1) + ")");
      }
      m.removed.push_back(j);
      if (router_type == "jump" && j != shards - 1) {
        // Jump hash only ever drops its last bucket. The usual remap: the last shard's
        // identity takes over bucket j, so its keys move too.
        m.after = AllShards(shards - 1);
        m.after[j] = shards - 1;
        m.note = "jump hash cannot remove an arbitrary bucket: shard " + std::to_string(shards - 1) +
                 " takes over bucket " + std::to_string(j) + ", so its keys move as well";
        return m;
      }
      for (uint32_t s = 0; s < shards; ++s) {
        if (s != j) m.after.push_back(s);
      }
      return m;
    }
  }
  return Status::Invalid("unknown change");
}

Balance BalanceOf(const std::vector<double>& loads) {
  Balance b;
  if (loads.empty()) return b;
  double sum = 0, mx = loads[0], mn = loads[0];
  for (double l : loads) {
    sum += l;
    mx = std::max(mx, l);
    mn = std::min(mn, l);
  }
  const double mean = sum / static_cast<double>(loads.size());
  double var = 0;
  for (double l : loads) var += (l - mean) * (l - mean);
  b.stddev = std::sqrt(var / static_cast<double>(loads.size()));
  if (mean > 0) {
    b.max_over_mean = mx / mean;
    b.min_over_mean = mn / mean;
    b.cv = b.stddev / mean;
  }
  return b;
}

std::vector<MovementResult> AnalyzeMovement(const KeySpace& keys, const std::vector<MovementTask>& tasks,
                                            const KeyChooser* chooser, const MovementOptions& options) {
  uint32_t max_id = 0;
  for (const MovementTask& t : tasks) {
    for (uint32_t s : t.membership.before) max_id = std::max(max_id, s);
    for (uint32_t s : t.membership.after) max_id = std::max(max_id, s);
  }
  const int threads = std::max(1, options.threads);
  std::vector<std::vector<Tally>> tallies(threads, std::vector<Tally>(tasks.size()));
  for (auto& per_thread : tallies) {
    for (Tally& t : per_thread) {
      t.width = max_id + 1;
      if (t.width <= kMaxFlowShards) t.flows.assign(size_t{t.width} * t.width, 0);
      t.before.assign(max_id + 1, 0);
      t.after.assign(max_id + 1, 0);
      t.load_before.assign(max_id + 1, 0);
      t.load_after.assign(max_id + 1, 0);
    }
  }
  bool any_range = false;
  for (const MovementTask& t : tasks) any_range = any_range || !t.before->UsesHash();
  const uint64_t chunks = (keys.count() + kChunk - 1) / kChunk;
  const uint64_t sample_chunks = (options.load_samples + kChunk - 1) / kChunk;

  auto work = [&](int w) {
    std::vector<KeyHash> hashes(kChunk);
    std::vector<std::string> routes(any_range ? kChunk : 0);
    KeyRef ref;
    // Every key, once: movement and counts by key.
    for (uint64_t c = static_cast<uint64_t>(w); c < chunks; c += static_cast<uint64_t>(threads)) {
      const uint64_t begin = c * kChunk, end = std::min(keys.count(), begin + kChunk);
      for (uint64_t i = begin; i < end; ++i) {
        keys.Fill(i, true, ref);
        hashes[i - begin] = ref.hash;
        if (any_range) routes[i - begin] = ref.route;
      }
      for (size_t t = 0; t < tasks.size(); ++t) {
        Tally& tally = tallies[w][t];
        Count(tasks[t], hashes.data(), routes.data(), end - begin, true, tally.before, tally.after, &tally);
      }
    }
    // Requests drawn from the distribution: the load each shard serves.
    if (chooser == nullptr) return;
    std::unique_ptr<KeyChooser> mine = chooser->Clone();
    for (uint64_t c = static_cast<uint64_t>(w); c < sample_chunks; c += static_cast<uint64_t>(threads)) {
      Rng rng(DeriveSeed(options.seed, "load-samples", c));
      const uint64_t n = std::min(kChunk, options.load_samples - c * kChunk);
      for (uint64_t i = 0; i < n; ++i) {
        keys.Fill(mine->Next(rng), true, ref);
        hashes[i] = ref.hash;
        if (any_range) routes[i] = ref.route;
      }
      for (size_t t = 0; t < tasks.size(); ++t) {
        Tally& tally = tallies[w][t];
        Count(tasks[t], hashes.data(), routes.data(), n, false, tally.load_before, tally.load_after, nullptr);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int w = 1; w < threads; ++w) pool.emplace_back(work, w);
  work(0);
  for (std::thread& t : pool) t.join();

  std::vector<MovementResult> out(tasks.size());
  for (size_t t = 0; t < tasks.size(); ++t) {
    MovementResult& r = out[t];
    r.keys = keys.count();
    std::vector<uint64_t> before(max_id + 1), after(max_id + 1), lb(max_id + 1), la(max_id + 1);
    for (int w = 0; w < threads; ++w) {
      const Tally& tally = tallies[w][t];
      r.moved += tally.moved;
      r.extra_moves += tally.extra;
      for (size_t f = 0; f < tally.flows.size(); ++f) {
        if (tally.flows[f] != 0) r.flows[{static_cast<uint32_t>(f / tally.width), static_cast<uint32_t>(f % tally.width)}] += tally.flows[f];
      }
      for (uint32_t s = 0; s <= max_id; ++s) {
        before[s] += tally.before[s];
        after[s] += tally.after[s];
        lb[s] += tally.load_before[s];
        la[s] += tally.load_after[s];
      }
    }
    for (uint32_t s : tasks[t].membership.before) {
      r.keys_before[s] = before[s];
      r.load_before[s] = lb[s];
    }
    for (uint32_t s : tasks[t].membership.after) {
      r.keys_after[s] = after[s];
      r.load_after[s] = la[s];
    }
  }
  return out;
}

}  // namespace shardlab
