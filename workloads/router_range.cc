// Range routing: shard i holds routing keys in [boundary[i-1], boundary[i]), so shard
// = number of boundaries <= key (upper_bound). Adjacent keys stay together, which keeps
// range scans on one shard and lets skew make a hotspot (the blog's year example).
#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "workloads/router_impl.h"

namespace shardlab {

std::optional<int64_t> ParseNumericRouteKey(std::string_view key) {
  int64_t value = 0;
  const char* end = key.data() + key.size();
  const auto [ptr, ec] = std::from_chars(key.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

namespace {

// A key that is not an integer sorts after every integer boundary and so goes to the
// last shard. That is SQLite's own order (every INTEGER sorts before every TEXT value),
// so the shards still partition the keys the way ORDER BY on the key column would, and
// a stray key lands in one predictable shard rather than being mistaken for a small
// number. The harness rejects such keys up front with ParseNumericRouteKey.
class NumericRangeRouter final : public Router {
 public:
  explicit NumericRangeRouter(std::vector<int64_t> boundaries) : boundaries_(std::move(boundaries)) {}

  uint32_t Route(const KeyHash& /*hash*/, std::string_view route_key) const override {
    const std::optional<int64_t> key = ParseNumericRouteKey(route_key);
    if (!key) return static_cast<uint32_t>(boundaries_.size());
    return static_cast<uint32_t>(std::upper_bound(boundaries_.begin(), boundaries_.end(), *key) -
                                 boundaries_.begin());
  }
  uint32_t shard_count() const override { return static_cast<uint32_t>(boundaries_.size() + 1); }
  size_t MemoryBytes() const override { return sizeof(*this) + boundaries_.capacity() * sizeof(int64_t); }
  bool UsesHash() const override { return false; }

 private:
  std::vector<int64_t> boundaries_;  // strictly increasing
};

// Bytewise (unsigned, memcmp) order, as std::string_view compares.
class StringRangeRouter final : public Router {
 public:
  explicit StringRangeRouter(std::vector<std::string> boundaries) : boundaries_(std::move(boundaries)) {}

  uint32_t Route(const KeyHash& /*hash*/, std::string_view route_key) const override {
    const auto it = std::upper_bound(boundaries_.begin(), boundaries_.end(), route_key,
                                     [](std::string_view key, const std::string& b) { return key < b; });
    return static_cast<uint32_t>(it - boundaries_.begin());
  }
  uint32_t shard_count() const override { return static_cast<uint32_t>(boundaries_.size() + 1); }
  size_t MemoryBytes() const override {
    size_t bytes = sizeof(*this) + boundaries_.capacity() * sizeof(std::string);
    for (const std::string& b : boundaries_) {
      if (b.capacity() > std::string().capacity()) bytes += b.capacity() + 1;  // heap, not SSO
    }
    return bytes;
  }
  bool UsesHash() const override { return false; }

 private:
  std::vector<std::string> boundaries_;  // strictly increasing
};

}  // namespace

std::unique_ptr<Router> NewNumericRangeRouter(std::vector<int64_t> boundaries) {
  return std::make_unique<NumericRangeRouter>(std::move(boundaries));
}

std::unique_ptr<Router> NewStringRangeRouter(std::vector<std::string> boundaries) {
  return std::make_unique<StringRangeRouter>(std::move(boundaries));
}

}  // namespace shardlab
