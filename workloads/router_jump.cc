// Jump consistent hash: no state beyond N, O(log N) per key, and growing N -> N+1
// moves only the keys that land in the new bucket.
#include "workloads/router_impl.h"

namespace shardlab {

// The paper's code, line for line (including -1 for buckets <= 0).
int32_t JumpConsistentHash(uint64_t key, int32_t buckets) {
  int64_t b = -1;
  int64_t j = 0;
  while (j < buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<int32_t>(b);
}

namespace {

class JumpRouter final : public Router {
 public:
  explicit JumpRouter(uint32_t shards) : shards_(shards) {}

  uint32_t Route(const KeyHash& hash, std::string_view /*route_key*/) const override {
    return static_cast<uint32_t>(JumpConsistentHash(hash.Top(), static_cast<int32_t>(shards_)));
  }
  uint32_t shard_count() const override { return shards_; }
  size_t MemoryBytes() const override { return sizeof(*this); }

 private:
  uint32_t shards_;  // <= INT32_MAX (checked by MakeRouter)
};

}  // namespace

std::unique_ptr<Router> NewJumpRouter(uint32_t shards) { return std::make_unique<JumpRouter>(shards); }

}  // namespace shardlab
