// ycsb_compat for `latest` and `scrambled_zipfian`: checked draw for draw against a small
// independent transcription of YCSB's Java (ZipfianGenerator, SkewedLatestGenerator,
// ScrambledZipfianGenerator, Utils.fnvhash64, CoreWorkload.nextKeynum) fed the same
// uniform doubles, plus frequencies against YCSB's closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "workloads/distribution.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace distribution_ycsb_test {
namespace {

// Java's (long) cast of a double: NaN -> 0, saturating at the ends.
int64_t JavaLong(double x) {
  if (std::isnan(x)) return 0;
  if (x >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (x <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(x);
}

// YCSB's ZipfianGenerator(min, max, theta, zetan), nextLong(itemcount) with itemcount
// equal to its own item count (no incremental zeta).
struct JavaZipfian {
  int64_t items, base;
  double theta, zetan, zeta2theta, alpha, eta;
  static double ZetaStatic(int64_t n, double theta) {
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += 1 / std::pow(static_cast<double>(i + 1), theta);
    return sum;
  }
  JavaZipfian(int64_t min, int64_t max, double theta_, double zetan_)
      : items(max - min + 1), base(min), theta(theta_), zetan(zetan_) {
    zeta2theta = ZetaStatic(2, theta);
    alpha = 1.0 / (1.0 - theta);
    eta = (1 - std::pow(2.0 / static_cast<double>(items), 1 - theta)) / (1 - zeta2theta / zetan);
  }
  int64_t NextLong(int64_t itemcount, double u) const {
    const double uz = u * zetan;
    if (uz < 1.0) return base;
    if (uz < 1.0 + std::pow(0.5, theta)) return base + 1;
    return base + JavaLong(static_cast<double>(itemcount) * std::pow(eta * u - eta + 1, alpha));
  }
};

// Utils.fnvhash64: Java longs wrap; Math.abs of the signed result.
int64_t JavaFnvHash64(int64_t val) {
  uint64_t hashval = 0xCBF29CE484222325ULL;  // two's complement of Java's long constant
  for (int i = 0; i < 8; i++) {
    const int64_t octet = val & 0x00ff;
    val = val >> 8;
    hashval = hashval ^ static_cast<uint64_t>(octet);
    hashval = hashval * 1099511628211ULL;
  }
  const auto signed_hash = static_cast<int64_t>(hashval);
  return signed_hash < 0 ? -signed_hash : signed_hash;  // never Long.MIN_VALUE for these inputs
}

DistributionSpec Compat(const std::string& type, bool compat = true) {
  DistributionSpec spec;
  spec.type = type;
  spec.ycsb_compat = compat;
  return spec;
}

std::unique_ptr<KeyChooser> MustMake(const DistributionSpec& spec, uint64_t n) {
  auto chooser = MakeKeyChooser(spec, n);
  EXPECT_TRUE(chooser.ok()) << chooser.status().message();
  return chooser.ok() ? std::move(chooser).value() : nullptr;
}

// The 5-sigma half-width of a binomial proportion's estimate.
double FiveSigma(double p, int samples) { return 5.0 * std::sqrt(p * (1 - p) / samples); }

// CoreWorkload with requestdistribution=latest and recordcount n (no inserts):
// basis.lastValue() = n - 1; SkewedLatestGenerator builds ZipfianGenerator(n - 1) and
// returns max - zipfian.nextLong(max) with max = n - 1.
TEST(YcsbCompat, LatestMatchesSkewedLatestGeneratorDrawForDraw) {
  for (uint64_t n : {2u, 3u, 10u, 1000u}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    auto chooser = MustMake(Compat("latest"), n);
    ASSERT_NE(chooser, nullptr);
    const int64_t max = static_cast<int64_t>(n) - 1;
    const JavaZipfian zipfian(0, max - 1, 0.99, JavaZipfian::ZetaStatic(max, 0.99));
    Rng ours(42), theirs(42);
    for (int i = 0; i < 100'000; ++i) {
      const int64_t expected = max - zipfian.NextLong(max, theirs.NextDouble());
      ASSERT_EQ(static_cast<int64_t>(chooser->Next(ours)), expected) << "draw " << i;
    }
  }
}

TEST(YcsbCompat, LatestOverThreeItemsNeverReturnsItemZero) {
  constexpr int kSamples = 200'000;
  auto compat = MustMake(Compat("latest"), 3);
  auto plain = MustMake(Compat("latest", false), 3);
  ASSERT_NE(compat, nullptr);
  ASSERT_NE(plain, nullptr);
  std::vector<int> compat_counts(3, 0), plain_counts(3, 0);
  Rng a(7), b(7);
  for (int i = 0; i < kSamples; ++i) {
    ++compat_counts.at(compat->Next(a));
    ++plain_counts.at(plain->Next(b));
  }
  // YCSB: a zipfian over 2 items, P(newest) = 1 / zeta(2, 0.99) (about 0.665).
  const double ycsb_newest = 1.0 / (1.0 + std::pow(2.0, -0.99));
  // Without compat: a zipfian over 3 items, P(newest) = 1 / zeta(3, 0.99) (about 0.543).
  const double plain_newest = 1.0 / (1.0 + std::pow(2.0, -0.99) + std::pow(3.0, -0.99));
  EXPECT_EQ(compat_counts[0], 0);
  EXPECT_NEAR(static_cast<double>(compat_counts[2]) / kSamples, ycsb_newest, FiveSigma(ycsb_newest, kSamples));
  EXPECT_GT(plain_counts[0], 0);  // P(item 0) = 3^-0.99 / zeta(3) is about 0.18
  EXPECT_NEAR(static_cast<double>(plain_counts[2]) / kSamples, plain_newest, FiveSigma(plain_newest, kSamples));
  // The two are far apart compared with the bounds: the test tells them apart.
  EXPECT_GT(ycsb_newest - plain_newest, 10 * FiveSigma(ycsb_newest, kSamples));
}

// CoreWorkload with requestdistribution=zipfian, insertstart 0, insertcount n and
// expectednewkeys e: ScrambledZipfianGenerator(0, n + e) over n + e + 1 keys, each draw
// min + fnvhash64(ZipfianGenerator(0, ITEM_COUNT, 0.99, ZETAN).nextValue()) % itemcount,
// and nextKeynum redraws while the key is above transactioninsertkeysequence.lastValue() = n - 1.
TEST(YcsbCompat, ScrambledZipfianMatchesCoreWorkloadDrawForDraw) {
  constexpr int64_t kItemCount = 10'000'000'000LL;  // ScrambledZipfianGenerator.ITEM_COUNT
  constexpr double kZetan = 26.46902820178302;      // ScrambledZipfianGenerator.ZETAN
  const JavaZipfian zipfian(0, kItemCount, 0.99, kZetan);
  for (uint64_t e : {0u, 50u}) {
    for (uint64_t n : {1u, 10u, 1000u}) {
      SCOPED_TRACE("n = " + std::to_string(n) + ", e = " + std::to_string(e));
      DistributionSpec spec = Compat("scrambled_zipfian");
      spec.ycsb_expected_new_keys = e;
      auto chooser = MustMake(spec, n);
      ASSERT_NE(chooser, nullptr);
      const int64_t itemcount = static_cast<int64_t>(n + e) + 1;
      Rng ours(3), theirs(3);
      for (int i = 0; i < 50'000; ++i) {
        int64_t keynum;
        do {
          keynum = JavaFnvHash64(zipfian.NextLong(zipfian.items, theirs.NextDouble())) % itemcount;
        } while (keynum > static_cast<int64_t>(n) - 1);
        ASSERT_EQ(static_cast<int64_t>(chooser->Next(ours)), keynum) << "draw " << i;
      }
    }
  }
}

// The hottest zipfian item (0, probability 1/ZETAN) lands on key fnvhash64(0) % itemcount:
// 1000 keys without compat, 1001 with it (CoreWorkload with no inserts), so the hot key moves.
TEST(YcsbCompat, ScrambledZipfianHottestKeyFollowsCoreWorkloadsKeySpace) {
  constexpr int kSamples = 200'000;
  constexpr uint64_t n = 1000;
  const double p_hot = 1.0 / 26.46902820178302;
  for (bool compat : {false, true}) {
    SCOPED_TRACE(compat ? "compat" : "plain");
    auto chooser = MustMake(Compat("scrambled_zipfian", compat), n);
    ASSERT_NE(chooser, nullptr);
    const auto expected_hot = static_cast<uint64_t>(JavaFnvHash64(0) % static_cast<int64_t>(compat ? n + 1 : n));
    std::vector<int> counts(n, 0);
    Rng rng(11);
    for (int i = 0; i < kSamples; ++i) ++counts.at(chooser->Next(rng));
    uint64_t hottest = 0;
    for (uint64_t k = 1; k < n; ++k) {
      if (counts[k] > counts[hottest]) hottest = k;
    }
    EXPECT_EQ(hottest, expected_hot);
    // At least item 0's share (other items may share the key; rejections only raise it).
    EXPECT_GT(static_cast<double>(counts[hottest]) / kSamples, p_hot - FiveSigma(p_hot, kSamples));
  }
  EXPECT_NE(JavaFnvHash64(0) % 1000, JavaFnvHash64(0) % 1001);
}

TEST(YcsbCompat, TooManyExpectedNewKeysIsRefused) {
  DistributionSpec spec = Compat("scrambled_zipfian");
  spec.ycsb_expected_new_keys = 100'000;
  auto made = MakeKeyChooser(spec, 10);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("ycsb_expected_new_keys"), std::string::npos);
  spec.ycsb_expected_new_keys = 1001;
  EXPECT_FALSE(MakeKeyChooser(spec, 10).ok());
  spec.ycsb_expected_new_keys = 1000;  // 100 * item_count
  EXPECT_TRUE(MakeKeyChooser(spec, 10).ok());
}

}  // namespace
}  // namespace distribution_ycsb_test
}  // namespace shardlab
