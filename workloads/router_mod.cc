// shard = hash mod N over the hash's full width, so sha256 keys land where the blog's
// int(sha256(key).hexdigest(), 16) % n puts them.
#include "workloads/router_impl.h"

namespace shardlab {
namespace {

class ModRouter final : public Router {
 public:
  explicit ModRouter(uint32_t shards) : shards_(shards) {}

  uint32_t Route(const KeyHash& hash, std::string_view /*route_key*/) const override {
    return static_cast<uint32_t>(hash.Mod(shards_));
  }
  uint32_t shard_count() const override { return shards_; }
  size_t MemoryBytes() const override { return sizeof(*this); }

 private:
  uint32_t shards_;
};

}  // namespace

std::unique_ptr<Router> NewModRouter(uint32_t shards) { return std::make_unique<ModRouter>(shards); }

}  // namespace shardlab
