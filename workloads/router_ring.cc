// Consistent-hash ring (Karger et al.) with virtual nodes, built to match the blog's
// ring_positions/ring_shard: shard s owns points HashBytes("shard{s}:{v}") for each
// vnode v, and a key belongs to the first point at or clockwise after its hash.
//
// Positions are the hash's top 64 bits. For sha256 the blog compares all 256 bits; the
// prefixes decide the same order unless a key's prefix equals a point's prefix (or two
// points' prefixes tie), about 2^-64 per pair, so ownership is identical in practice.
#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "workloads/router_impl.h"

namespace shardlab {
namespace {

struct Point {
  uint64_t pos;
  uint32_t shard;
};

class RingRouter final : public Router {
 public:
  // `members`: the shard identities on the ring (0..N-1 normally; any set when resharding).
  RingRouter(const std::vector<uint32_t>& members, uint32_t vnodes, HashKind point_hash)
      : shards_(static_cast<uint32_t>(members.size())) {
    const size_t n = members.size() * vnodes;
    points_.reserve(n + 1);
    std::string name;
    for (uint32_t s : members) {
      for (uint32_t v = 0; v < vnodes; ++v) {
        name = "shard" + std::to_string(s) + ":" + std::to_string(v);
        points_.push_back({HashBytes(point_hash, name).Top(), s});
      }
    }
    // The blog sorts (pos, shard) tuples; equal prefixes therefore go to the lower shard.
    std::sort(points_.begin(), points_.end(), [](const Point& a, const Point& b) {
      return a.pos != b.pos ? a.pos < b.pos : a.shard < b.shard;
    });
    // Sentinel: a key past the last point wraps to the first one, with no branch.
    points_.push_back({~uint64_t{0}, points_.front().shard});

    // A flat binary search over 100k+ points misses cache on most of its ~17 steps.
    // Instead, index_[b] is the first point whose top `bits` bits are >= b; with about
    // one to two points per bucket a lookup is one index read plus one or two adjacent
    // points, whatever the ring size.
    const int bits = std::max(1, static_cast<int>(std::bit_width(n)) - 1);
    shift_ = 64 - bits;
    const size_t buckets = size_t{1} << bits;
    index_.resize(buckets + 1);
    size_t i = 0;
    for (size_t b = 0; b < buckets; ++b) {
      while (i < n && (points_[i].pos >> shift_) < b) ++i;
      index_[b] = static_cast<uint32_t>(i);
    }
    index_[buckets] = static_cast<uint32_t>(n);
  }

  uint32_t Route(const KeyHash& hash, std::string_view /*route_key*/) const override {
    const uint64_t h = hash.Top();
    const uint64_t b = h >> shift_;
    // The answer (first point with pos >= h) is in [lo, hi]: hi, the next bucket's first
    // point (or the sentinel), is the answer when no point in this bucket reaches h.
    const Point* base = points_.data() + index_[b];
    size_t len = index_[b + 1] - index_[b];
    if (len == 0) return base->shard;
    // Branchless lower bound; buckets are tiny unless the point hash clusters badly,
    // and then this still costs only log2(bucket size) steps.
    while (len > 1) {
      const size_t half = len / 2;
      base = base[half].pos < h ? base + half : base;
      len -= half;
    }
    return base->pos < h ? base[1].shard : base->shard;
  }

  uint32_t shard_count() const override { return shards_; }
  size_t MemoryBytes() const override {
    return sizeof(*this) + points_.capacity() * sizeof(Point) + index_.capacity() * sizeof(uint32_t);
  }

 private:
  uint32_t shards_;
  int shift_ = 63;
  std::vector<Point> points_;    // sorted by (pos, shard), plus the wrap sentinel
  std::vector<uint32_t> index_;  // bucket -> first point index (points < 2^32, see MakeRouter)
};

}  // namespace

std::unique_ptr<Router> NewRingRouter(const std::vector<uint32_t>& members, uint32_t vnodes, HashKind point_hash) {
  return std::make_unique<RingRouter>(members, vnodes, point_hash);
}

}  // namespace shardlab
