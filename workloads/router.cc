// MakeRouter: checks a RouterSpec against the shard count, then builds the router.
// Every problem is kInvalidInput with a message that names the offending value.
#include <cstdint>
#include <limits>
#include <string>

#include "workloads/router_impl.h"

namespace shardlab {
namespace {

// Ring points are indexed with uint32 and cost 16 bytes each: 2^24 points is 256 MiB.
constexpr uint64_t kMaxRingPoints = uint64_t{1} << 24;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Range boundaries must give exactly `shards` shards and be strictly increasing.
template <typename T, typename Format>
Status CheckBoundaries(const std::vector<T>& boundaries, uint32_t shards, Format format) {
  if (boundaries.size() + 1 != shards) {
    return Status::Invalid("range router: " + std::to_string(boundaries.size()) + " boundaries make " +
                           std::to_string(boundaries.size() + 1) + " shards, but shards.count is " +
                           std::to_string(shards));
  }
  for (size_t i = 1; i < boundaries.size(); ++i) {
    if (!(boundaries[i - 1] < boundaries[i])) {
      return Status::Invalid("range router: boundaries must be strictly increasing, but boundary " +
                             std::to_string(i) + " (" + format(boundaries[i]) +
                             ") is not greater than boundary " + std::to_string(i - 1) + " (" +
                             format(boundaries[i - 1]) + ")");
    }
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Router>> MakeRangeRouter(const RouterSpec& spec, uint32_t shards) {
  if (spec.numeric_boundaries) {
    if (!spec.string_boundaries.empty()) {
      return Status::Invalid("range router: numeric_boundaries is set, but " +
                             std::to_string(spec.string_boundaries.size()) +
                             " string boundaries were given");
    }
    SHARDLAB_RETURN_IF_ERROR(
        CheckBoundaries(spec.int_boundaries, shards, [](int64_t b) { return std::to_string(b); }));
    return NewNumericRangeRouter(spec.int_boundaries);
  }
  if (!spec.int_boundaries.empty()) {
    return Status::Invalid("range router: " + std::to_string(spec.int_boundaries.size()) +
                           " integer boundaries were given, but numeric_boundaries is not set");
  }
  SHARDLAB_RETURN_IF_ERROR(CheckBoundaries(spec.string_boundaries, shards, Quote));
  return NewStringRangeRouter(spec.string_boundaries);
}

class MemberIndexRouter final : public Router {
 public:
  MemberIndexRouter(std::unique_ptr<Router> inner, std::vector<uint32_t> members)
      : inner_(std::move(inner)), members_(std::move(members)) {}
  uint32_t Route(const KeyHash& hash, std::string_view route_key) const override {
    return members_[inner_->Route(hash, route_key)];
  }
  uint32_t shard_count() const override { return static_cast<uint32_t>(members_.size()); }
  size_t MemoryBytes() const override {
    return sizeof(*this) + inner_->MemoryBytes() + members_.capacity() * sizeof(uint32_t);
  }

 private:
  std::unique_ptr<Router> inner_;
  std::vector<uint32_t> members_;
};

}  // namespace

std::vector<uint32_t> AllShards(uint32_t n) {
  std::vector<uint32_t> all(n);
  for (uint32_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

std::unique_ptr<Router> NewMemberIndexRouter(std::unique_ptr<Router> inner, std::vector<uint32_t> members) {
  return std::make_unique<MemberIndexRouter>(std::move(inner), std::move(members));
}

StatusOr<std::unique_ptr<Router>> MakeMemberRouter(const RouterSpec& spec, const std::vector<uint32_t>& members) {
  if (members.empty()) return Status::Invalid("router: no shards left");
  if (spec.type == "ring") {
    SHARDLAB_RETURN_IF_ERROR(MakeRouter(spec, static_cast<uint32_t>(members.size())).status());  // the same limits
    return NewRingRouter(members, spec.vnodes, spec.point_hash);
  }
  if (spec.type == "rendezvous") return NewRendezvousRouter(members);
  if (spec.type == "mod" || spec.type == "jump") {
    SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<Router> inner, MakeRouter(spec, static_cast<uint32_t>(members.size())));
    return NewMemberIndexRouter(std::move(inner), members);
  }
  return Status::Invalid("router " + spec.type + ": resharding is analysed for hash routers (mod, ring, jump, rendezvous)");
}

StatusOr<std::unique_ptr<Router>> MakeRouter(const RouterSpec& spec, uint32_t shards) {
  if (shards == 0) return Status::Invalid("router: shards.count must be at least 1, got 0");

  if (spec.type == "mod") return NewModRouter(shards);

  if (spec.type == "ring") {
    if (spec.vnodes == 0) return Status::Invalid("ring router: vnodes must be at least 1, got 0");
    const uint64_t points = uint64_t{shards} * spec.vnodes;
    if (points > kMaxRingPoints) {
      return Status::Invalid("ring router: " + std::to_string(shards) + " shards x " +
                             std::to_string(spec.vnodes) + " vnodes = " + std::to_string(points) +
                             " points, more than the " + std::to_string(kMaxRingPoints) + " supported");
    }
    return NewRingRouter(AllShards(shards), spec.vnodes, spec.point_hash);
  }

  if (spec.type == "jump") {
    // The paper's signature counts buckets in int32.
    if (shards > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
      return Status::Invalid("jump router: " + std::to_string(shards) + " shards is more than 2147483647");
    }
    return NewJumpRouter(shards);
  }

  if (spec.type == "rendezvous") return NewRendezvousRouter(AllShards(shards));

  if (spec.type == "range") return MakeRangeRouter(spec, shards);

  if (spec.type == "directory") {
    for (const auto& [key, shard] : spec.directory) {
      if (shard >= shards) {
        return Status::Invalid("directory router: entry " + Quote(key) + " -> " + std::to_string(shard) +
                               ", but there are only " + std::to_string(shards) + " shards (0.." +
                               std::to_string(shards - 1) + ")");
      }
    }
    return NewDirectoryRouter(spec.directory, shards);
  }

  return Status::Invalid("router: unknown type " + Quote(spec.type) +
                         " (expected mod, ring, jump, rendezvous, range or directory)");
}

}  // namespace shardlab
