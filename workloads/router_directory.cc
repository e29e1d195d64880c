// Directory routing: an explicit routing key -> shard table, so single keys (the hot
// ones) can be placed by hand; keys not listed fall back to hash mod N.
#include <functional>
#include <string>
#include <unordered_map>

#include "workloads/router_impl.h"

namespace shardlab {
namespace {

// Transparent, so Route looks up a string_view without building a std::string.
struct KeyHasher {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

class DirectoryRouter final : public Router {
 public:
  DirectoryRouter(const std::map<std::string, uint32_t, std::less<>>& directory, uint32_t shards)
      : shards_(shards), table_(directory.begin(), directory.end()) {}

  uint32_t Route(const KeyHash& hash, std::string_view route_key) const override {
    const auto it = table_.find(route_key);
    return it != table_.end() ? it->second : static_cast<uint32_t>(hash.Mod(shards_));
  }
  uint32_t shard_count() const override { return shards_; }

  // Approximate: per entry a node (next pointer, key, shard, cached hash) plus the key's
  // heap buffer when it is too long for the small-string buffer; plus the bucket array.
  size_t MemoryBytes() const override {
    constexpr size_t kNode =
        sizeof(void*) + sizeof(std::pair<const std::string, uint32_t>) + sizeof(size_t);
    const size_t sso = std::string().capacity();
    size_t bytes = sizeof(*this) + table_.bucket_count() * sizeof(void*) + table_.size() * kNode;
    for (const auto& [key, shard] : table_) {
      if (key.capacity() > sso) bytes += key.capacity() + 1;
    }
    return bytes;
  }

 private:
  uint32_t shards_;
  std::unordered_map<std::string, uint32_t, KeyHasher, std::equal_to<>> table_;
};

}  // namespace

std::unique_ptr<Router> NewDirectoryRouter(const std::map<std::string, uint32_t, std::less<>>& directory,
                                           uint32_t shards) {
  return std::make_unique<DirectoryRouter>(directory, shards);
}

}  // namespace shardlab
