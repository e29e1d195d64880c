// Rendezvous (highest random weight) hashing: every shard scores the key and the
// highest score wins. O(N) per key, but no ring: adding shard N changes no other
// shard's score, so keys only ever move into the new shard.
#include <vector>

#include "workloads/rng.h"
#include "workloads/router_impl.h"

namespace shardlab {
namespace {

// Arbitrary odd constant so shard 0's seed is not Mix64(0).
constexpr uint64_t kShardSeedSalt = 0x5a4d3c2b1a096f7eULL;

class RendezvousRouter final : public Router {
 public:
  // `members`: the shard identities (0..N-1 normally; any set when resharding). A shard's
  // score depends only on its identity, so other shards' keys never move.
  explicit RendezvousRouter(const std::vector<uint32_t>& members) : seeds_(members.size()), members_(members) {
    for (size_t i = 0; i < members.size(); ++i) seeds_[i] = Mix64(members[i] + kShardSeedSalt);
  }

  uint32_t Route(const KeyHash& hash, std::string_view /*route_key*/) const override {
    const uint64_t key = hash.Top();
    uint32_t best = 0;
    uint64_t best_score = Mix64(key ^ seeds_[0]);
    const uint32_t n = static_cast<uint32_t>(seeds_.size());
    for (uint32_t s = 1; s < n; ++s) {
      const uint64_t score = Mix64(key ^ seeds_[s]);
      if (score > best_score) {  // strict: ties stay with the lower shard id
        best_score = score;
        best = s;
      }
    }
    return members_[best];
  }
  uint32_t shard_count() const override { return static_cast<uint32_t>(seeds_.size()); }
  size_t MemoryBytes() const override {
    return sizeof(*this) + seeds_.capacity() * sizeof(uint64_t) + members_.capacity() * sizeof(uint32_t);
  }

 private:
  std::vector<uint64_t> seeds_;     // per-shard seed, precomputed
  std::vector<uint32_t> members_;   // identity of each scored shard
};

}  // namespace

std::unique_ptr<Router> NewRendezvousRouter(const std::vector<uint32_t>& members) {
  return std::make_unique<RendezvousRouter>(members);
}

}  // namespace shardlab
