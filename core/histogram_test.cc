#include "core/histogram.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/json.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace histogram_test {
namespace {

using H = LatencyHistogram;

TEST(HistogramTest, EmptyHistogram) {
  H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.Percentile(50), 0u);
  EXPECT_EQ(h.ToJsonMicros(), Json::parse(R"({"count": 0, "mean": 0.0, "min": 0.0, "p50": 0.0, "p95": 0.0,
                                                "p99": 0.0, "p999": 0.0, "max": 0.0})"));
}

TEST(HistogramTest, ExactBelow256) {
  for (uint64_t v = 0; v < 256; ++v) {
    EXPECT_EQ(H::BucketOf(v), v);
    EXPECT_EQ(H::HighestInBucket(v), v);
  }
  EXPECT_EQ(H::BucketOf(256), 256u);
  EXPECT_EQ(H::BucketOf(257), 256u);  // the first bucket two values wide
  EXPECT_EQ(H::HighestInBucket(256), 257u);

  H h;
  for (uint64_t v = 0; v < 256; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(50), 127u);  // rank 128 of 0..255
  EXPECT_EQ(h.Percentile(100), 255u);
  EXPECT_EQ(h.Percentile(0), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 255u);
  EXPECT_DOUBLE_EQ(h.mean(), 127.5);
}

TEST(HistogramTest, PercentilesOfSmallValuesAreExact) {
  H h;
  for (int i = 0; i < 100; ++i) h.Record(10);
  h.Record(200);
  EXPECT_EQ(h.Percentile(50), 10u);
  EXPECT_EQ(h.Percentile(99), 10u);    // rank ceil(99.99) = 100
  EXPECT_EQ(h.Percentile(99.5), 200u);  // rank 101
  EXPECT_EQ(h.Percentile(100), 200u);
}

// Every value maps to a bucket whose highest value is at least the value and less than
// 1/128 above it (exactly the value below 256), and the previous bucket ends below it.
void CheckValue(uint64_t v, bool& failed) {
  const size_t b = H::BucketOf(v);
  const uint64_t high = H::HighestInBucket(b);
  const bool within = v < 256 ? high == v : (high - v) * 128 < v;
  const bool ok = b < H::kBuckets && high >= v && within && (b == 0 || H::HighestInBucket(b - 1) < v);
  if (!ok && !failed) {
    failed = true;
    ADD_FAILURE() << "value " << v << " -> bucket " << b << " [.., " << high << "], previous bucket ends at "
                  << (b == 0 ? 0 : H::HighestInBucket(b - 1));
  }
}

TEST(HistogramTest, BucketsAreConsistentForAllValuesBelow2To20) {
  bool failed = false;
  for (uint64_t v = 0; v < (uint64_t{1} << 20) && !failed; ++v) CheckValue(v, failed);
}

TEST(HistogramTest, RelativeErrorBelowOnePart128ForRandomValuesTo2To40) {
  std::mt19937_64 rng(42);
  bool failed = false;
  for (int i = 0; i < 200000 && !failed; ++i) {
    const int bits = 1 + static_cast<int>(rng() % 40);  // log-uniform over 1..2^40
    const uint64_t v = rng() >> (64 - bits);
    CheckValue(v, failed);
    const uint64_t high = H::HighestInBucket(H::BucketOf(v));
    if (!failed && v >= 256 && static_cast<double>(high - v) >= static_cast<double>(v) / 128.0) {
      failed = true;
      ADD_FAILURE() << v << " reports as " << high;
    }
  }
  // The edges of each power of two.
  for (int msb = 8; msb <= H::kMaxMsb && !failed; ++msb) {
    for (uint64_t v : {(uint64_t{1} << msb) - 1, uint64_t{1} << msb, (uint64_t{1} << msb) + 1}) CheckValue(v, failed);
  }
}

TEST(HistogramTest, BucketsTileTheRangeWithoutGaps) {
  for (size_t b = 1; b < H::kBuckets; ++b) {
    const uint64_t first = H::HighestInBucket(b - 1) + 1;
    const uint64_t last = H::HighestInBucket(b);
    if (H::BucketOf(first) != b || H::BucketOf(last) != b || last < first) {
      ADD_FAILURE() << "bucket " << b << " covers [" << first << ", " << last << "] but BucketOf gives "
                    << H::BucketOf(first) << " and " << H::BucketOf(last);
      break;
    }
  }
  EXPECT_EQ(H::HighestInBucket(H::kBuckets - 1), (uint64_t{1} << (H::kMaxMsb + 1)) - 1);
}

TEST(HistogramTest, HugeValuesClampToTheLastBucket) {
  const uint64_t top = (uint64_t{1} << (H::kMaxMsb + 1)) - 1;  // ~4.9 h in ns
  EXPECT_EQ(H::BucketOf(top), H::kBuckets - 1);
  EXPECT_EQ(H::BucketOf(top + 1), H::kBuckets - 1);
  EXPECT_EQ(H::BucketOf(uint64_t{1} << 50), H::kBuckets - 1);
  EXPECT_EQ(H::BucketOf(UINT64_MAX), H::kBuckets - 1);

  H h;
  h.Record(UINT64_MAX);
  h.Record(uint64_t{1} << 50);
  h.Record(1000);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.max(), UINT64_MAX);  // min/max are exact
  EXPECT_EQ(h.min(), 1000u);
  // Percentiles above the range report the top of the last bucket.
  EXPECT_EQ(h.Percentile(100), top);
  EXPECT_EQ(h.Percentile(50), top);
  EXPECT_EQ(h.Percentile(10), H::HighestInBucket(H::BucketOf(1000)));
}

TEST(HistogramTest, PercentilesOfAUniformDistribution) {
  H h;
  for (uint64_t v = 1; v <= 10000; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 10000u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 10000u);
  EXPECT_DOUBLE_EQ(h.mean(), 5000.5);
  struct Case {
    double p;
    uint64_t exact;
  };
  for (const Case& c : {Case{50, 5000}, Case{90, 9000}, Case{95, 9500}, Case{99, 9900}, Case{99.9, 9990}, Case{1, 100}}) {
    const uint64_t got = h.Percentile(c.p);
    EXPECT_GE(got, c.exact) << "p" << c.p;
    EXPECT_LT(static_cast<double>(got - c.exact), static_cast<double>(c.exact) / 128.0) << "p" << c.p;
  }
  EXPECT_EQ(h.Percentile(50), 5023u);  // the top of 5000's 32-wide bucket [4992, 5023]
  EXPECT_EQ(h.Percentile(100), 10000u);  // capped at the maximum, not the bucket's top (10047)
  EXPECT_EQ(h.Percentile(0), 1u);
}

TEST(HistogramTest, PercentilesOfATwoPointDistribution) {
  // 90 % fast (1 us), 10 % slow (1 ms): p50 and p90 fast, p91 and up slow.
  H h;
  for (int i = 0; i < 900; ++i) h.Record(1000);
  for (int i = 0; i < 100; ++i) h.Record(1000000);
  EXPECT_EQ(h.Percentile(50), 1003u);  // the top of 1000's bucket [1000, 1003]
  EXPECT_EQ(h.Percentile(90), 1003u);
  EXPECT_EQ(h.Percentile(90.1), 1000000u);
  EXPECT_EQ(h.Percentile(99), 1000000u);
}

TEST(HistogramTest, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(7);
  H a, b, all;
  for (int i = 0; i < 20000; ++i) {
    const uint64_t v = rng() >> (64 - (1 + rng() % 36));
    (i % 3 == 0 ? a : b).Record(v);
    all.Record(v);
  }
  H merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(merged.Percentile(p), all.Percentile(p)) << "p" << p;
  }
  EXPECT_EQ(merged.ToJsonMicros(), all.ToJsonMicros());

  // Merging an empty histogram changes nothing (its min is "none", not 0).
  H empty;
  merged.Merge(empty);
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.count(), all.count());
  // And merging into an empty one copies.
  H copy;
  copy.Merge(all);
  EXPECT_EQ(copy.ToJsonMicros(), all.ToJsonMicros());
}

TEST(HistogramTest, ToJsonMicros) {
  H h;
  h.Record(1500);
  EXPECT_EQ(h.ToJsonMicros(), Json::parse(R"({"count": 1, "mean": 1.5, "min": 1.5, "p50": 1.5, "p95": 1.5,
                                                "p99": 1.5, "p999": 1.5, "max": 1.5})"));
  h.Record(2500);
  const Json j = h.ToJsonMicros();
  EXPECT_EQ(j["count"], Json(2));
  EXPECT_DOUBLE_EQ(j["mean"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j["p50"].get<double>(), 1.5);  // min(1503, max) -> 1.503 -> 1.5 at 0.01 us
  EXPECT_DOUBLE_EQ(j["max"].get<double>(), 2.5);
}

}  // namespace
}  // namespace histogram_test
}  // namespace shardlab
