#include "workloads/distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace distribution_test {
namespace {

constexpr const char* kAllTypes[] = {"uniform", "zipfian", "scrambled_zipfian", "latest",
                                     "hotspot", "sequential", "exponential"};

std::unique_ptr<KeyChooser> MustMake(const DistributionSpec& spec, uint64_t n) {
  auto chooser = MakeKeyChooser(spec, n);
  EXPECT_TRUE(chooser.ok()) << chooser.status().message();
  return chooser.ok() ? std::move(chooser).value() : nullptr;
}

DistributionSpec Spec(const std::string& type) {
  DistributionSpec spec;
  spec.type = type;
  return spec;
}

std::vector<uint64_t> Histogram(KeyChooser& chooser, uint64_t n, int samples, uint64_t seed) {
  std::vector<uint64_t> counts(n, 0);
  Rng rng(seed);
  for (int i = 0; i < samples; ++i) {
    const uint64_t v = chooser.Next(rng);
    if (v >= n) {
      ADD_FAILURE() << "value " << v << " out of [0, " << n << ")";
      break;
    }
    ++counts[v];
  }
  return counts;
}

// Binomial standard error of a frequency p measured over `samples` draws.
double StdErr(double p, int samples) { return std::sqrt(p * (1.0 - p) / samples); }

// Plain YCSB-order summation, independent of the library's branches.
double ExactZeta(uint64_t n, double theta) {
  double sum = 0;
  for (uint64_t i = 1; i <= n; ++i) sum += 1.0 / std::pow(static_cast<double>(i), theta);
  return sum;
}

// Reference copy of YCSB's Utils.fnvhash64 (for 0 <= value < 2^63).
uint64_t ReferenceFnvHash64(uint64_t value) {
  uint64_t hash = 0xCBF29CE484222325ULL;
  for (int i = 0; i < 8; ++i) {
    hash ^= value & 0xFF;
    hash *= 1099511628211ULL;
    value >>= 8;
  }
  const int64_t signed_hash = static_cast<int64_t>(hash);
  return static_cast<uint64_t>(signed_hash < 0 ? -signed_hash : signed_hash);
}

TEST(DistributionTest, EveryTypeStaysInRange) {
  for (const char* type : kAllTypes) {
    for (uint64_t n : {1ULL, 2ULL, 3ULL, 10ULL, 1000ULL}) {
      auto chooser = MustMake(Spec(type), n);
      ASSERT_NE(chooser, nullptr);
      Rng rng(DeriveSeed(7, type, n));
      for (int i = 0; i < 20000; ++i) {
        const uint64_t v = chooser->Next(rng);
        ASSERT_LT(v, n) << type << " n=" << n;
      }
    }
  }
}

TEST(DistributionTest, NonDefaultParametersStayInRange) {
  std::vector<DistributionSpec> specs;
  for (double theta : {0.01, 0.5, 1.5, 3.0}) {
    for (const char* type : {"zipfian", "scrambled_zipfian", "latest"}) {
      DistributionSpec spec = Spec(type);
      spec.theta = theta;
      if (std::string(type) == "scrambled_zipfian" && theta != 0.5) continue;  // zeta(10^10) costs ~5 ms each
      specs.push_back(spec);
    }
  }
  for (double hot_data : {0.0, 0.001, 0.5, 1.0}) {
    for (double hot_op : {0.0, 0.3, 1.0}) {
      DistributionSpec spec = Spec("hotspot");
      spec.hot_data_fraction = hot_data;
      spec.hot_op_fraction = hot_op;
      specs.push_back(spec);
    }
  }
  for (double fraction : {1e-6, 0.01, 1.0, 1e6}) {
    DistributionSpec spec = Spec("exponential");
    spec.exponential_fraction = fraction;
    spec.exponential_percentile = 99.9;
    specs.push_back(spec);
  }
  for (const DistributionSpec& spec : specs) {
    for (uint64_t n : {1ULL, 2ULL, 10ULL, 1000ULL, 1ULL << 40}) {
      auto chooser = MustMake(spec, n);
      ASSERT_NE(chooser, nullptr);
      Rng rng(n);
      for (int i = 0; i < 5000; ++i) ASSERT_LT(chooser->Next(rng), n) << spec.type << " theta=" << spec.theta;
    }
  }
}

TEST(DistributionTest, UniformPassesChiSquare) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 200000;
  auto chooser = MustMake(Spec("uniform"), kN);
  const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 1);
  std::vector<double> buckets(10, 0);
  for (uint64_t i = 0; i < kN; ++i) buckets[i / 100] += static_cast<double>(counts[i]);
  double chi2 = 0;
  const double expected = kSamples / 10.0;
  for (double b : buckets) chi2 += (b - expected) * (b - expected) / expected;
  // 9 degrees of freedom: P(chi2 > 30) ~ 4e-4.
  EXPECT_LT(chi2, 30.0);
}

TEST(DistributionTest, ZipfianMatchesZipfLawAtTheHead) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 1000000;
  for (double theta : {0.99, 0.5}) {
    DistributionSpec spec = Spec("zipfian");
    spec.theta = theta;
    auto chooser = MustMake(spec, kN);
    const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 2);
    const double zetan = Zeta(kN, theta);
    const double p0 = 1.0 / zetan;
    const double p1 = 1.0 / (std::pow(2.0, theta) * zetan);
    EXPECT_NEAR(static_cast<double>(counts[0]) / kSamples, p0, 5 * StdErr(p0, kSamples)) << theta;
    EXPECT_NEAR(static_cast<double>(counts[1]) / kSamples, p1, 5 * StdErr(p1, kSamples)) << theta;
    for (int rank = 1; rank < 8; ++rank) EXPECT_GT(counts[rank - 1], counts[rank]) << theta << " rank " << rank;
  }
}

TEST(DistributionTest, ZipfianOverManyItemsUsesTheLargeZeta) {
  // n above the exact-summation limit: construction uses Euler-Maclaurin and stays fast.
  constexpr uint64_t kN = 1'000'000'000;
  constexpr int kSamples = 300000;
  auto chooser = MustMake(Spec("zipfian"), kN);
  Rng rng(3);
  int zeros = 0;
  for (int i = 0; i < kSamples; ++i) {
    const uint64_t v = chooser->Next(rng);
    ASSERT_LT(v, kN);
    zeros += v == 0;
  }
  const double p0 = 1.0 / 23.6033641041251;  // mpmath: zeta(0.99) - zeta(0.99, 10^9 + 1)
  EXPECT_NEAR(static_cast<double>(zeros) / kSamples, p0, 5 * StdErr(p0, kSamples));
}

// YCSB's ZipfianGenerator.nextLong, written out independently: item for uniform u.
uint64_t ReferenceZipfian(double u, uint64_t items, double theta, double zetan) {
  const double zeta2theta = 1.0 + 1.0 / std::pow(2.0, theta);
  const double alpha = 1.0 / (1.0 - theta);
  const double eta = (1 - std::pow(2.0 / static_cast<double>(items), 1 - theta)) / (1 - zeta2theta / zetan);
  const double uz = u * zetan;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + std::pow(0.5, theta)) return 1;
  return static_cast<uint64_t>(static_cast<double>(items) * std::pow(eta * u - eta + 1, alpha));
}

TEST(DistributionTest, ReferenceFnvHashMatchesYcsb) {
  // Values printed by YCSB's Utils.fnvhash64 under a JVM; 0 exercises Math.abs.
  EXPECT_EQ(ReferenceFnvHash64(0), 6284781860667377211ULL);
  EXPECT_EQ(ReferenceFnvHash64(1), 8517097267634966620ULL);
  EXPECT_EQ(ReferenceFnvHash64(12345), 1792800413050876852ULL);
  EXPECT_EQ(ReferenceFnvHash64(10'000'000'000ULL), 1201321332300452516ULL);
}

TEST(DistributionTest, ZipfianFamilyFollowsYcsbDrawForDraw) {
  struct Case {
    const char* type;
    uint64_t n;
    double theta;
  };
  for (const Case& c : {Case{"zipfian", 1000, 0.99}, Case{"zipfian", 1, 0.99}, Case{"zipfian", 2, 0.99},
                        Case{"zipfian", 12345, 1.5}, Case{"zipfian", 1'000'000, 0.5}, Case{"latest", 1000, 0.99},
                        Case{"scrambled_zipfian", 1000, 0.99}, Case{"scrambled_zipfian", 123457, 0.99}}) {
    DistributionSpec spec = Spec(c.type);
    spec.theta = c.theta;
    auto chooser = MustMake(spec, c.n);
    ASSERT_NE(chooser, nullptr);
    const std::string type = c.type;
    const bool scrambled = type == "scrambled_zipfian";
    // Scrambled: YCSB's ZipfianGenerator(0, ITEM_COUNT) has ITEM_COUNT + 1 items and ZETAN.
    const uint64_t items = scrambled ? 10'000'000'001ULL : c.n;
    const double zetan = scrambled ? 26.46902820178302 : ExactZeta(c.n, c.theta);
    Rng rng(21), reference_rng(21);
    for (int i = 0; i < 100000; ++i) {
      uint64_t expected = ReferenceZipfian(reference_rng.NextDouble(), items, c.theta, zetan);
      if (scrambled) expected = ReferenceFnvHash64(expected) % c.n;
      if (type == "latest") expected = c.n - 1 - expected;
      ASSERT_EQ(chooser->Next(rng), expected) << type << " n=" << c.n << " theta=" << c.theta << " draw " << i;
    }
  }
}

TEST(DistributionTest, ScrambledZipfianIsSkewedAndScattered) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 1000000;
  auto chooser = MustMake(Spec("scrambled_zipfian"), kN);
  std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 4);
  const uint64_t top = static_cast<uint64_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  // The head of a zipfian over 10^10 items: item 0 alone has 1/26.469 of the mass and lands
  // on fnvhash64(0) % n, which is where the most popular key must be, not at index 0.
  EXPECT_EQ(top, ReferenceFnvHash64(0) % kN);
  EXPECT_NE(top, 0u);
  const double top_share = static_cast<double>(counts[top]) / kSamples;
  EXPECT_GT(top_share, 0.9 / 26.46902820178302);
  EXPECT_LT(top_share, 0.15);  // the same order as zipfian(1000)'s 13.4%, not more
  // Skew: the 1% most popular keys get far more than 1% of the samples (~11% expected).
  std::sort(counts.begin(), counts.end(), std::greater<>());
  const double top1pct = static_cast<double>(std::accumulate(counts.begin(), counts.begin() + kN / 100, 0ULL)) / kSamples;
  EXPECT_GT(top1pct, 0.08);
}

TEST(DistributionTest, ScrambledZipfianWithOtherThetaComputesItsZeta) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 200000;
  DistributionSpec spec = Spec("scrambled_zipfian");
  spec.theta = 0.8;
  auto chooser = MustMake(spec, kN);
  const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 5);
  // Zipf item 0 has 1/zeta(10^10 + 1, 0.8) of the mass (~0.6%, plus a uniform-ish background).
  const double p0 = 1.0 / Zeta(10'000'000'001ULL, 0.8);
  const double share = static_cast<double>(counts[ReferenceFnvHash64(0) % kN]) / kSamples;
  EXPECT_GT(share, p0);
  EXPECT_LT(share, p0 + 0.004);
}

TEST(DistributionTest, LatestFavoursTheLastItem) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 1000000;
  auto chooser = MustMake(Spec("latest"), kN);
  const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 6);
  const uint64_t top = static_cast<uint64_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
  EXPECT_EQ(top, kN - 1);
  const double p = 1.0 / Zeta(kN, 0.99);
  EXPECT_NEAR(static_cast<double>(counts[kN - 1]) / kSamples, p, 5 * StdErr(p, kSamples));
  EXPECT_GT(counts[kN - 2], counts[kN - 3]);
}

TEST(DistributionTest, HotspotSendsHotOpsToTheHotSet) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 200000;
  auto chooser = MustMake(Spec("hotspot"), kN);  // hot set [0, 200), 80% of ops
  const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 7);
  const uint64_t hot = std::accumulate(counts.begin(), counts.begin() + 200, 0ULL);
  EXPECT_NEAR(static_cast<double>(hot) / kSamples, 0.8, 5 * StdErr(0.8, kSamples));
  // Uniform inside each set: each half of the hot set gets 40%, each half of the cold set 10%.
  const uint64_t hot_low = std::accumulate(counts.begin(), counts.begin() + 100, 0ULL);
  const uint64_t cold_low = std::accumulate(counts.begin() + 200, counts.begin() + 600, 0ULL);
  EXPECT_NEAR(static_cast<double>(hot_low) / kSamples, 0.4, 5 * StdErr(0.4, kSamples));
  EXPECT_NEAR(static_cast<double>(cold_low) / kSamples, 0.1, 5 * StdErr(0.1, kSamples));
}

TEST(DistributionTest, HotspotDegenerateIntervals) {
  constexpr uint64_t kN = 10;
  {
    DistributionSpec spec = Spec("hotspot");
    spec.hot_data_fraction = 0.25;  // hot interval (uint64)(2.5) = 2
    spec.hot_op_fraction = 1.0;
    auto chooser = MustMake(spec, kN);
    const std::vector<uint64_t> counts = Histogram(*chooser, kN, 10000, 8);
    EXPECT_GT(counts[0], 0u);
    EXPECT_GT(counts[1], 0u);
    EXPECT_EQ(std::accumulate(counts.begin() + 2, counts.end(), 0ULL), 0u);
  }
  {
    DistributionSpec spec = Spec("hotspot");
    spec.hot_data_fraction = 0.0;  // empty hot set: every op goes to the cold set
    spec.hot_op_fraction = 0.9;
    auto chooser = MustMake(spec, kN);
    const std::vector<uint64_t> counts = Histogram(*chooser, kN, 10000, 9);
    for (uint64_t c : counts) EXPECT_NEAR(static_cast<double>(c), 1000.0, 150.0);
  }
  {
    DistributionSpec spec = Spec("hotspot");
    spec.hot_data_fraction = 1.0;  // empty cold set: every op goes to the hot set
    spec.hot_op_fraction = 0.1;
    auto chooser = MustMake(spec, kN);
    const std::vector<uint64_t> counts = Histogram(*chooser, kN, 10000, 10);
    for (uint64_t c : counts) EXPECT_NEAR(static_cast<double>(c), 1000.0, 150.0);
  }
}

TEST(DistributionTest, SequentialCountsAndCloneRestarts) {
  auto chooser = MustMake(Spec("sequential"), 5);
  Rng rng(1);
  std::vector<uint64_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(chooser->Next(rng));
  EXPECT_EQ(got, (std::vector<uint64_t>{0, 1, 2, 3, 4, 0, 1}));
  auto clone = chooser->Clone();
  EXPECT_EQ(clone->Next(rng), 0u);
  EXPECT_EQ(clone->Next(rng), 1u);
  EXPECT_EQ(chooser->Next(rng), 2u);  // the original's counter is untouched by the clone
  EXPECT_EQ(clone->Next(rng), 2u);
}

// Expected share of exponential draws landing in the `k` most recent items: YCSB keeps
// x < n only, and item n-1-floor(x) is among the last k iff x < k.
double ExponentialTopShare(uint64_t n, double percentile, double fraction, uint64_t k) {
  const double gamma = -std::log(1.0 - percentile / 100.0) / (static_cast<double>(n) * fraction);
  return -std::expm1(-gamma * static_cast<double>(k)) / -std::expm1(-gamma * static_cast<double>(n));
}

TEST(DistributionTest, ExponentialPutsPercentileInTheRecentFraction) {
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 200000;
  {
    // A small fraction keeps the truncation at n negligible (0.05^10), so YCSB's
    // definition holds as stated: 95% of draws hit the most recent 10% of the items.
    DistributionSpec spec = Spec("exponential");
    spec.exponential_fraction = 0.1;
    auto chooser = MustMake(spec, kN);
    const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 11);
    const uint64_t recent = std::accumulate(counts.end() - 100, counts.end(), 0ULL);
    EXPECT_NEAR(static_cast<double>(recent) / kSamples, 0.95, 5 * StdErr(0.95, kSamples));
    EXPECT_EQ(std::max_element(counts.begin(), counts.end()) - counts.begin(), static_cast<long>(kN - 1));
  }
  {
    // Defaults (95% in the last 6/7): the redraws for x >= n lift the share to ~98%.
    auto chooser = MustMake(Spec("exponential"), kN);
    const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 12);
    const uint64_t k = 857;  // floor(0.8571428571 * 1000)
    const double expected = ExponentialTopShare(kN, 95, 0.8571428571, k);
    const uint64_t recent = std::accumulate(counts.end() - k, counts.end(), 0ULL);
    EXPECT_NEAR(static_cast<double>(recent) / kSamples, expected, 5 * StdErr(expected, kSamples));
    // Half the mass (before truncation) within ln 2 / gamma of the newest item.
    const uint64_t half = std::accumulate(counts.end() - 198, counts.end(), 0ULL);
    const double half_expected = ExponentialTopShare(kN, 95, 0.8571428571, 198);
    EXPECT_NEAR(static_cast<double>(half) / kSamples, half_expected, 5 * StdErr(half_expected, kSamples));
  }
}

TEST(DistributionTest, ExponentialWithHugeFractionIsStillTruncatedExponential) {
  // fraction = 1000: P(x < n) = 1 - 0.05^0.001 ~ 0.3%, so the bounded redraw loop mostly
  // falls back to the inverse-CDF draw; the result must still be exponential within [0, n).
  constexpr uint64_t kN = 1000;
  constexpr int kSamples = 100000;
  DistributionSpec spec = Spec("exponential");
  spec.exponential_fraction = 1000;
  auto chooser = MustMake(spec, kN);
  const std::vector<uint64_t> counts = Histogram(*chooser, kN, kSamples, 13);
  const double expected = ExponentialTopShare(kN, 95, 1000, 500);  // ~0.5004, nearly uniform
  const uint64_t recent = std::accumulate(counts.end() - 500, counts.end(), 0ULL);
  EXPECT_NEAR(static_cast<double>(recent) / kSamples, expected, 5 * StdErr(expected, kSamples));
}

TEST(ZetaTest, SmallValuesAreExact) {
  for (double theta : {0.5, 0.99, 1.5}) {
    EXPECT_EQ(Zeta(0, theta), 0.0);
    EXPECT_EQ(Zeta(1, theta), 1.0);
    EXPECT_DOUBLE_EQ(Zeta(2, theta), 1.0 + std::pow(2.0, -theta));
    EXPECT_DOUBLE_EQ(Zeta(3, theta), 1.0 + std::pow(2.0, -theta) + std::pow(3.0, -theta));
  }
  EXPECT_NEAR(Zeta(1000, 0.99), ExactZeta(1000, 0.99), 1e-12);
}

TEST(ZetaTest, EulerMaclaurinAgreesWithExactSummation) {
  constexpr uint64_t kN = 20'000'000;
  for (double theta : {0.99, 0.5}) {
    const double exact = ExactZeta(kN, theta);
    EXPECT_NEAR(Zeta(kN, theta) / exact, 1.0, 1e-10) << theta;
  }
  // Both sides of the switch at 10^7 differ by exactly one term.
  const double below = Zeta(10'000'000, 0.99);
  const double above = Zeta(10'000'001, 0.99);
  EXPECT_NEAR(above - below, std::pow(10'000'001.0, -0.99), 1e-11);
}

TEST(ZetaTest, MatchesYcsbsPrecomputedConstant) {
  // ScrambledZipfianGenerator.ZETAN = zeta(10^10, 0.99); mpmath gives 26.46902820175148.
  EXPECT_NEAR(Zeta(10'000'000'000ULL, 0.99) / 26.46902820178302, 1.0, 1e-9);
  EXPECT_NEAR(Zeta(10'000'000'000ULL, 0.99) / 26.46902820175148, 1.0, 1e-12);
}

TEST(DistributionTest, SameSeedSameSequence) {
  for (const char* type : kAllTypes) {
    auto a = MustMake(Spec(type), 12345);
    auto b = MustMake(Spec(type), 12345);
    Rng ra(99), rb(99), rc(100);
    std::vector<uint64_t> seq_a, seq_b, seq_c;
    auto c = a->Clone();
    for (int i = 0; i < 1000; ++i) {
      seq_a.push_back(a->Next(ra));
      seq_b.push_back(b->Next(rb));
      seq_c.push_back(c->Next(rc));
    }
    EXPECT_EQ(seq_a, seq_b) << type;
    if (std::string(type) != "sequential") {
      EXPECT_NE(seq_a, seq_c) << type;
    }
  }
}

TEST(DistributionTest, CloneSharesConstantsButNotState) {
  for (const char* type : kAllTypes) {
    auto original = MustMake(Spec(type), 777);
    auto clone = original->Clone();
    Rng r1(5), r2(5);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(original->Next(r1), clone->Next(r2)) << type;
  }
}

void ExpectInvalid(const DistributionSpec& spec, uint64_t n, const std::string& mention) {
  auto chooser = MakeKeyChooser(spec, n);
  ASSERT_FALSE(chooser.ok()) << spec.type << " should be rejected (" << mention << ")";
  EXPECT_EQ(chooser.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_NE(chooser.status().message().find(mention), std::string::npos) << chooser.status().message();
}

TEST(DistributionTest, InvalidSpecsAreRejected) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  ExpectInvalid(Spec("pareto"), 10, "pareto");
  ExpectInvalid(Spec("uniform"), 0, "item_count");
  for (const char* type : {"zipfian", "scrambled_zipfian", "latest"}) {
    for (double theta : {0.0, -0.5, 1.0, kNaN, kInf}) {
      DistributionSpec spec = Spec(type);
      spec.theta = theta;
      ExpectInvalid(spec, 10, "theta");
    }
  }
  for (double bad : {-0.1, 1.1, kNaN}) {
    DistributionSpec spec = Spec("hotspot");
    spec.hot_data_fraction = bad;
    ExpectInvalid(spec, 10, "hot_data_fraction");
    spec = Spec("hotspot");
    spec.hot_op_fraction = bad;
    ExpectInvalid(spec, 10, "hot_op_fraction");
  }
  for (double bad : {0.0, 100.0, -5.0, 150.0, kNaN}) {
    DistributionSpec spec = Spec("exponential");
    spec.exponential_percentile = bad;
    ExpectInvalid(spec, 10, "exponential_percentile");
  }
  for (double bad : {0.0, -1.0, kNaN, kInf}) {
    DistributionSpec spec = Spec("exponential");
    spec.exponential_fraction = bad;
    ExpectInvalid(spec, 10, "exponential_fraction");
  }
  // Parameters of other distributions are not looked at.
  DistributionSpec spec = Spec("uniform");
  spec.theta = 1.0;
  spec.hot_op_fraction = 7;
  EXPECT_TRUE(MakeKeyChooser(spec, 10).ok());
}

}  // namespace
}  // namespace distribution_test
}  // namespace shardlab
