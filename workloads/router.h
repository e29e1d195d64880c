#pragma once
// A router maps a key to a shard. Hash routers (mod, ring, jump, rendezvous) use the
// key's hash; range and directory routers use the routing key's text.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "workloads/key_hash.h"

namespace shardlab {

class Router {
 public:
  virtual ~Router() = default;
  // Shard in [0, shard_count()) for a key. `route_key` is the text range and directory
  // routers compare; hash routers read only `hash`.
  virtual uint32_t Route(const KeyHash& hash, std::string_view route_key) const = 0;
  virtual uint32_t shard_count() const = 0;
  // Bytes of routing state (ring points, boundaries, directory entries).
  virtual size_t MemoryBytes() const = 0;
  // False for routers that never look at the hash (range), so callers may skip hashing.
  virtual bool UsesHash() const { return true; }
};

// What a scenario's `router` block resolves to.
struct RouterSpec {
  std::string type = "mod";  // mod | ring | jump | rendezvous | range | directory
  // ring
  uint32_t vnodes = 100;
  HashKind point_hash = HashKind::kXxh3;  // hash of the point names "shard{s}:{v}"
  // range: shard i holds keys in [boundary[i-1], boundary[i]); numeric compares the
  // routing key as a signed 64-bit integer, otherwise bytewise.
  bool numeric_boundaries = false;
  std::vector<int64_t> int_boundaries;
  std::vector<std::string> string_boundaries;
  // directory: explicit key -> shard; keys not listed fall back to hash mod N.
  std::map<std::string, uint32_t, std::less<>> directory;
};

// Builds the router for `shards` shards. Invalid combinations (range boundaries that
// do not give `shards` shards, directory entries >= shards) are kInvalidInput.
StatusOr<std::unique_ptr<Router>> MakeRouter(const RouterSpec& spec, uint32_t shards);

// A hash router over an explicit set of shard identities, for resharding: identities are
// stable (shard 3 stays shard 3 when shard 1 goes) and Route returns one of `members`.
// mod and jump use `members` in order as their buckets; ring places points by identity
// ("shard{id}:{v}") and rendezvous scores by identity, so neither depends on the order.
StatusOr<std::unique_ptr<Router>> MakeMemberRouter(const RouterSpec& spec, const std::vector<uint32_t>& members);

// 0, 1, ..., n-1: the identities of a fresh set of n shards.
std::vector<uint32_t> AllShards(uint32_t n);

// Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014).
int32_t JumpConsistentHash(uint64_t key, int32_t buckets);

}  // namespace shardlab
