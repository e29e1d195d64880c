#pragma once
// Resharding analysis: when the shard set changes (N -> N+k, the last shard or an
// arbitrary one removed), which keys change owner, where they go, and how even the load
// is before and after. Shard identities are stable across a change (MakeMemberRouter).
// Pure computation over hashes: no files.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "workloads/distribution.h"
#include "workloads/key_space.h"
#include "workloads/router.h"

namespace shardlab {

struct ShardChange {
  enum class Kind { kAdd, kRemoveLast, kRemove };
  Kind kind = Kind::kAdd;
  uint32_t count = 1;  // kAdd: shards added
  uint32_t shard = 0;  // kRemove: the shard removed
  std::string Name() const;  // "add_1", "remove_last", "remove_3"
};

// The shard identities a router serves before and after a change, in bucket order.
struct Membership {
  std::vector<uint32_t> before, after;
  std::vector<uint32_t> added, removed;
  std::string note;  // how the router handles the change, when it needs saying
};
// kInvalidInput when the change does not fit (removing shard >= N, or the only shard).
// jump cannot remove an arbitrary bucket: the usual remap moves the last bucket's
// identity into the removed one's place (and the note says so).
StatusOr<Membership> ApplyChange(const std::string& router_type, uint32_t shards, const ShardChange& change);

struct Balance {
  double max_over_mean = 0, min_over_mean = 0, stddev = 0, cv = 0;  // cv = stddev / mean
};
// Over the given shards' loads (one entry per shard in the set).
Balance BalanceOf(const std::vector<double>& loads);

struct MovementTask {
  std::string router;  // a name for results
  const Router* before = nullptr;
  const Router* after = nullptr;
  Membership membership;
};

struct MovementResult {
  uint64_t keys = 0;
  uint64_t moved = 0;
  uint64_t extra_moves = 0;  // moves neither out of a removed shard nor into an added one
  // (from, to) -> keys moved; empty beyond 1024 shard identities (too big to keep).
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> flows;
  std::map<uint32_t, uint64_t> keys_before, keys_after;      // per shard identity
  std::map<uint32_t, uint64_t> load_before, load_after;      // sampled requests per identity
};

struct MovementOptions {
  int threads = 1;
  uint64_t load_samples = 0;  // requests drawn from the distribution (0: no weighted load)
  uint64_t seed = 1;
};

// Routes every key of `keys` through each task's before and after routers (hashing each
// key once), and `load_samples` draws of `chooser` for the weighted load.
std::vector<MovementResult> AnalyzeMovement(const KeySpace& keys, const std::vector<MovementTask>& tasks,
                                            const KeyChooser* chooser, const MovementOptions& options);

}  // namespace shardlab
