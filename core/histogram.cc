#include "core/histogram.h"

#include <algorithm>
#include <cmath>

#include "core/json.h"

namespace shardlab {

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

uint64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  // Rank of the recording at percentile p (1-based), as HdrHistogram computes it.
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t b = 0; b < kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return std::min(HighestInBucket(b), max_);
  }
  return max_;
}

Json LatencyHistogram::ToJsonMicros() const {
  auto us = [](double ns) { return std::round(ns / 10.0) / 100.0; };  // 0.01 us resolution
  Json j;
  j["count"] = count_;
  j["mean"] = us(mean());
  j["min"] = us(static_cast<double>(min()));
  j["p50"] = us(static_cast<double>(Percentile(50)));
  j["p95"] = us(static_cast<double>(Percentile(95)));
  j["p99"] = us(static_cast<double>(Percentile(99)));
  j["p999"] = us(static_cast<double>(Percentile(99.9)));
  j["max"] = us(static_cast<double>(max_));
  return j;
}

}  // namespace shardlab
