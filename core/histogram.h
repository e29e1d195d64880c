#pragma once
// HDR-style latency histogram: exact below 256 ns, then 128 linear sub-buckets per
// power of two (relative error < 0.8 %), up to ~4.9 hours. Recording is a few
// instructions and never allocates; percentiles report the highest value equivalent
// to the bucket, as HdrHistogram does.
#include <cstdint>
#include <vector>

#include "core/json_fwd.h"

namespace shardlab {

class LatencyHistogram {
 public:
  LatencyHistogram() : counts_(kBuckets, 0) {}

  void Record(uint64_t ns) {
    ++counts_[BucketOf(ns)];
    ++count_;
    sum_ += ns;
    if (ns > max_) max_ = ns;
    if (ns < min_) min_ = ns;
  }
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  uint64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / static_cast<double>(count_); }
  // The value below which `p` percent of recordings fall (p in [0, 100]), in ns.
  uint64_t Percentile(double p) const;

  // {count, mean, min, p50, p95, p99, p999, max} in microseconds.
  Json ToJsonMicros() const;

  static constexpr int kSubBits = 7;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // 128
  static constexpr int kMaxMsb = 43;                          // 2^44 ns ~ 4.9 h, clamped above
  static constexpr size_t kBuckets = (kMaxMsb - kSubBits + 2) * kSub;

  static size_t BucketOf(uint64_t ns) {
    if (ns < 2 * kSub) return static_cast<size_t>(ns);
    int msb = 63 - __builtin_clzll(ns);
    if (msb > kMaxMsb) return kBuckets - 1;
    const int shift = msb - kSubBits;
    return static_cast<size_t>((shift + 1) * kSub + (ns >> shift) - kSub);
  }
  // Largest value that falls in bucket b.
  static uint64_t HighestInBucket(size_t b) {
    if (b < 2 * kSub) return b;
    const int shift = static_cast<int>(b / kSub) - 1;
    const uint64_t mantissa = b % kSub + kSub;
    return ((mantissa + 1) << shift) - 1;
  }

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace shardlab
