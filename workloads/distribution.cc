#include "workloads/distribution.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

namespace shardlab {
namespace {

// YCSB's exact-summation order: 1/pow(i, theta) for i = st+1..n, increasing i.
double ZetaSum(uint64_t st, uint64_t n, double theta, double initial_sum) {
  double sum = initial_sum;
  for (uint64_t i = st; i < n; ++i) sum += 1.0 / std::pow(static_cast<double>(i + 1), theta);
  return sum;
}

// Saturating double -> index conversion: NaN or >= n gives n-1 (the defensive clamp
// Gray's formula needs when rounding pushes it to n), negatives give 0.
uint64_t ClampToIndex(double x, uint64_t n) {
  if (!(x < static_cast<double>(n))) return n - 1;
  if (!(x >= 0.0)) return 0;
  return std::min(static_cast<uint64_t>(x), n - 1);
}

// YCSB's Utils.fnvhash64: FNV-1a over the 8 octets of the value, low to high, then
// Java's Math.abs of the signed result. Math.abs(Long.MIN_VALUE) stays negative in
// Java (and would make YCSB return a negative key); we return 2^63 instead.
uint64_t YcsbFnvHash64(uint64_t value) {
  uint64_t hash = 0xCBF29CE484222325ULL;
  for (int i = 0; i < 8; ++i) {
    hash ^= value & 0xFF;
    hash *= 1099511628211ULL;
    value >>= 8;
  }
  return (hash >> 63) != 0 ? ~hash + 1 : hash;  // two's-complement negation = |signed|
}

// The constants of YCSB's ZipfianGenerator(0, items-1, theta). Precomputed once; Clone()
// copies them, so no clone pays for another zeta computation.
struct ZipfianConstants {
  uint64_t items = 1;
  double theta = 0.99;
  double zetan = 1.0;
  double alpha = 0.0;
  double eta = 0.0;
  double second_threshold = 0.0;  // 1 + 0.5^theta: u*zetan below this picks item 1

  static ZipfianConstants Make(uint64_t items, double theta, double zetan) {
    ZipfianConstants c;
    c.items = items;
    c.theta = theta;
    c.zetan = zetan;
    const double zeta2theta = ZetaSum(0, 2, theta, 0.0);
    c.alpha = 1.0 / (1.0 - theta);
    // With two items zeta2theta == zetan and YCSB's eta is 0/0 (NaN); that branch of
    // Next is then reached only through rounding, where the clamp gives item 1 anyway.
    const double denominator = 1.0 - zeta2theta / zetan;
    c.eta = denominator != 0.0 ? (1.0 - std::pow(2.0 / static_cast<double>(items), 1.0 - theta)) / denominator
                               : 0.0;
    c.second_threshold = 1.0 + std::pow(0.5, theta);
    return c;
  }

  // Gray et al., "Quickly Generating Billion-Record Synthetic Databases", as in YCSB.
  uint64_t Next(Rng& rng) const {
    const double u = rng.NextDouble();
    const double uz = u * zetan;
    if (uz < 1.0) return 0;
    if (uz < second_threshold) return std::min<uint64_t>(1, items - 1);
    return ClampToIndex(static_cast<double>(items) * std::pow(eta * u - eta + 1.0, alpha), items);
  }
};

class UniformChooser final : public KeyChooser {
 public:
  explicit UniformChooser(uint64_t n) : n_(n) {}
  uint64_t Next(Rng& rng) override { return rng.Below(n_); }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<UniformChooser>(*this); }

 private:
  uint64_t n_;
};

class ZipfianChooser final : public KeyChooser {
 public:
  explicit ZipfianChooser(const ZipfianConstants& c) : c_(c) {}
  uint64_t Next(Rng& rng) override { return c_.Next(rng); }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<ZipfianChooser>(*this); }

 private:
  ZipfianConstants c_;
};

// YCSB's ScrambledZipfianGenerator: a zipfian over a huge fixed item space, hashed and
// folded onto [0, n), so popular items are scattered and do not move when n changes.
class ScrambledZipfianChooser final : public KeyChooser {
 public:
  ScrambledZipfianChooser(const ZipfianConstants& c, uint64_t n) : c_(c), n_(n) {}
  uint64_t Next(Rng& rng) override { return YcsbFnvHash64(c_.Next(rng)) % n_; }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<ScrambledZipfianChooser>(*this); }

 private:
  ZipfianConstants c_;
  uint64_t n_;
};

// YCSB's SkewedLatestGenerator over a fixed key space: item n-1 is the most popular.
class LatestChooser final : public KeyChooser {
 public:
  explicit LatestChooser(const ZipfianConstants& c) : c_(c) {}
  uint64_t Next(Rng& rng) override { return c_.items - 1 - c_.Next(rng); }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<LatestChooser>(*this); }

 private:
  ZipfianConstants c_;
};

// CoreWorkload's requestdistribution=zipfian: ScrambledZipfianGenerator(0, n + e), that is
// n + e + 1 items, and nextKeynum redraws every key above the last loaded one (n - 1).
class YcsbCoreScrambledZipfianChooser final : public KeyChooser {
 public:
  YcsbCoreScrambledZipfianChooser(const ZipfianConstants& c, uint64_t n, uint64_t space) : c_(c), n_(n), space_(space) {}
  uint64_t Next(Rng& rng) override {
    for (;;) {
      const uint64_t key = YcsbFnvHash64(c_.Next(rng)) % space_;
      if (key < n_) return key;
    }
  }
  std::unique_ptr<KeyChooser> Clone() const override {
    return std::make_unique<YcsbCoreScrambledZipfianChooser>(*this);
  }

 private:
  ZipfianConstants c_;
  uint64_t n_;
  uint64_t space_;
};

// CoreWorkload's requestdistribution=latest over a loaded, fixed key space: YCSB's
// SkewedLatestGenerator with max = n - 1 returns max - ZipfianGenerator(max items), so
// it draws over n - 1 items, [1, n - 1], and never returns item 0 (when n > 1).
class YcsbLatestChooser final : public KeyChooser {
 public:
  YcsbLatestChooser(const ZipfianConstants& c, uint64_t n) : c_(c), n_(n) {}
  uint64_t Next(Rng& rng) override {
    if (n_ == 1) return 0;  // YCSB's ZipfianGenerator(0) has zetan 0: always 0 - 0
    return (n_ - 1) - c_.Next(rng);
  }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<YcsbLatestChooser>(*this); }

 private:
  ZipfianConstants c_;
  uint64_t n_;
};

// YCSB's HotspotIntegerGenerator(0, n-1, hot_data_fraction, hot_op_fraction).
class HotspotChooser final : public KeyChooser {
 public:
  HotspotChooser(uint64_t n, double hot_data_fraction, double hot_op_fraction) : hot_op_fraction_(hot_op_fraction) {
    const double hot = static_cast<double>(n) * hot_data_fraction;
    hot_interval_ = hot >= static_cast<double>(n) ? n : static_cast<uint64_t>(hot);
    cold_interval_ = n - hot_interval_;
  }
  uint64_t Next(Rng& rng) override {
    // Always draw the coin so the stream advances the same way whatever the intervals.
    const bool hot = rng.NextDouble() < hot_op_fraction_;
    // YCSB divides by zero for an empty set; we send the operation to the other set.
    if ((hot && hot_interval_ > 0) || cold_interval_ == 0) return rng.Below(hot_interval_);
    return hot_interval_ + rng.Below(cold_interval_);
  }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<HotspotChooser>(*this); }

 private:
  double hot_op_fraction_;
  uint64_t hot_interval_;
  uint64_t cold_interval_;
};

// YCSB's SequentialGenerator(0, n-1): a per-instance counter.
class SequentialChooser final : public KeyChooser {
 public:
  explicit SequentialChooser(uint64_t n) : n_(n) {}
  uint64_t Next(Rng&) override { return counter_++ % n_; }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<SequentialChooser>(n_); }

 private:
  uint64_t n_;
  uint64_t counter_ = 0;
};

// YCSB's ExponentialGenerator(percentile, n * fraction) used the way CoreWorkload's
// nextKeynum uses it: keynum = (n-1) - (long)x, redrawn while that is negative.
class ExponentialChooser final : public KeyChooser {
 public:
  ExponentialChooser(uint64_t n, double gamma)
      : n_(n), gamma_(gamma), n_double_(static_cast<double>(n)),
        // P(x < n): scales the uniform for the truncated fallback draw below.
        below_n_mass_(-std::expm1(-gamma * static_cast<double>(n))) {}

  uint64_t Next(Rng& rng) override {
    // YCSB's rejection loop, bounded: a huge exponential_fraction makes x >= n nearly
    // certain. After kMaxRejections, one draw from the exponential conditioned on
    // x < n (inverse CDF) gives exactly the distribution the loop would have produced.
    constexpr int kMaxRejections = 64;
    for (int i = 0; i < kMaxRejections; ++i) {
      // 1 - NextDouble() is in (0, 1]: log(0) cannot happen (Java's can, yielding +inf).
      const double x = -std::log(1.0 - rng.NextDouble()) / gamma_;
      if (x < n_double_) return n_ - 1 - ClampToIndex(x, n_);
    }
    const double x = -std::log1p(-rng.NextDouble() * below_n_mass_) / gamma_;
    return n_ - 1 - ClampToIndex(x, n_);
  }
  std::unique_ptr<KeyChooser> Clone() const override { return std::make_unique<ExponentialChooser>(*this); }

 private:
  uint64_t n_;
  double gamma_;
  double n_double_;
  double below_n_mass_;
};

// YCSB's ScrambledZipfianGenerator constants.
constexpr double kYcsbScrambledZetan = 26.46902820178302;  // zeta(ITEM_COUNT, 0.99)
constexpr double kYcsbScrambledTheta = 0.99;
constexpr uint64_t kYcsbScrambledItemCount = 10'000'000'000ULL;

template <typename T>
std::string Str(const T& value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

Status CheckTheta(const DistributionSpec& spec) {
  if (!(spec.theta > 0.0) || spec.theta == 1.0 || !std::isfinite(spec.theta)) {
    return Status::Invalid("distribution '" + spec.type + "': theta = " + Str(spec.theta) +
                           " is out of range; theta must be finite, > 0 and != 1 (YCSB's alpha = 1/(1-theta))");
  }
  return Status::Ok();
}

Status CheckFraction(const DistributionSpec& spec, const char* name, double value) {
  if (!(value >= 0.0 && value <= 1.0)) {
    return Status::Invalid("distribution '" + spec.type + "': " + name + " = " + Str(value) +
                           " is out of range; it must be in [0, 1]");
  }
  return Status::Ok();
}

}  // namespace

double Zeta(uint64_t n, double theta) {
  constexpr uint64_t kExactLimit = 10'000'000;
  constexpr uint64_t kHead = 1'000'000;
  if (n <= kExactLimit) return ZetaSum(0, n, theta, 0.0);

  // Terms 1..m exactly, then terms m+1..n by Euler-Maclaurin on f(x) = x^-theta:
  //   sum_{i=m}^{n} f(i) = integral_m^n f + (f(m) + f(n))/2
  //                        + sum_k B_2k/(2k)! (f^(2k-1)(n) - f^(2k-1)(m)),
  // minus f(m). At m = 10^6 the third derivative term is already ~1e-26 relative,
  // so the truncation error is far below double rounding.
  const double head = ZetaSum(0, kHead, theta, 0.0);
  const double a = static_cast<double>(kHead);
  const double b = static_cast<double>(n);
  const double s = 1.0 - theta;
  const double log_ratio = std::log(b / a);
  // (b^s - a^s)/s written with expm1: no cancellation when theta is close to 1.
  const double integral = s == 0.0 ? log_ratio : std::pow(a, s) * std::expm1(s * log_ratio) / s;
  const auto f = [theta](double x) { return std::pow(x, -theta); };
  // f^(2k-1)(x) = -theta (theta+1) ... (theta+2k-2) x^(-theta-2k+1).
  const double c1 = -theta;
  const double c3 = c1 * (theta + 1.0) * (theta + 2.0);
  const double c5 = c3 * (theta + 3.0) * (theta + 4.0);
  const auto diff = [theta, a, b](double c, double k) { return c * (std::pow(b, -theta - k) - std::pow(a, -theta - k)); };
  const double corrections = diff(c1, 1.0) / 12.0 - diff(c3, 3.0) / 720.0 + diff(c5, 5.0) / 30240.0;
  const double tail = integral + (f(b) - f(a)) / 2.0 + corrections;
  return head + tail;
}

StatusOr<std::unique_ptr<KeyChooser>> MakeKeyChooser(const DistributionSpec& spec, uint64_t item_count) {
  if (item_count == 0) {
    return Status::Invalid("distribution '" + spec.type + "': item_count = 0; item_count must be >= 1");
  }
  const std::string& type = spec.type;
  const uint64_t n = item_count;
  if (type == "uniform") return std::unique_ptr<KeyChooser>(std::make_unique<UniformChooser>(n));
  if (type == "sequential") return std::unique_ptr<KeyChooser>(std::make_unique<SequentialChooser>(n));
  if (type == "latest" && spec.ycsb_compat) {
    SHARDLAB_RETURN_IF_ERROR(CheckTheta(spec));
    const uint64_t items = n > 1 ? n - 1 : 1;
    const ZipfianConstants c = ZipfianConstants::Make(items, spec.theta, Zeta(items, spec.theta));
    return std::unique_ptr<KeyChooser>(std::make_unique<YcsbLatestChooser>(c, n));
  }
  if (type == "zipfian" || type == "latest") {
    SHARDLAB_RETURN_IF_ERROR(CheckTheta(spec));
    const ZipfianConstants c = ZipfianConstants::Make(n, spec.theta, Zeta(n, spec.theta));
    if (type == "zipfian") return std::unique_ptr<KeyChooser>(std::make_unique<ZipfianChooser>(c));
    return std::unique_ptr<KeyChooser>(std::make_unique<LatestChooser>(c));
  }
  if (type == "scrambled_zipfian") {
    SHARDLAB_RETURN_IF_ERROR(CheckTheta(spec));
    // YCSB builds ZipfianGenerator(0, ITEM_COUNT): ITEM_COUNT + 1 items, with the
    // precomputed zeta(ITEM_COUNT) for theta 0.99 and zeta(ITEM_COUNT + 1) otherwise.
    const uint64_t items = kYcsbScrambledItemCount + 1;
    const double zetan = spec.theta == kYcsbScrambledTheta ? kYcsbScrambledZetan : Zeta(items, spec.theta);
    if (spec.ycsb_compat) {
      const uint64_t e = spec.ycsb_expected_new_keys;
      // Every draw above n - 1 is redrawn: bound the redraws' share.
      if (static_cast<Uint128>(e) > static_cast<Uint128>(n) * 100) {
        return Status::Invalid("distribution 'scrambled_zipfian': ycsb_expected_new_keys = " + Str(e) +
                               " is out of range; it must be <= 100 * item_count (" + Str(n) + ")");
      }
      return std::unique_ptr<KeyChooser>(std::make_unique<YcsbCoreScrambledZipfianChooser>(
          ZipfianConstants::Make(items, spec.theta, zetan), n, n + e + 1));
    }
    return std::unique_ptr<KeyChooser>(
        std::make_unique<ScrambledZipfianChooser>(ZipfianConstants::Make(items, spec.theta, zetan), n));
  }
  if (type == "hotspot") {
    SHARDLAB_RETURN_IF_ERROR(CheckFraction(spec, "hot_data_fraction", spec.hot_data_fraction));
    SHARDLAB_RETURN_IF_ERROR(CheckFraction(spec, "hot_op_fraction", spec.hot_op_fraction));
    return std::unique_ptr<KeyChooser>(
        std::make_unique<HotspotChooser>(n, spec.hot_data_fraction, spec.hot_op_fraction));
  }
  if (type == "exponential") {
    const double percentile = spec.exponential_percentile;
    const double fraction = spec.exponential_fraction;
    if (!(percentile > 0.0 && percentile < 100.0)) {
      return Status::Invalid("distribution 'exponential': exponential_percentile = " + Str(percentile) +
                             " is out of range; it must be in (0, 100)");
    }
    if (!(fraction > 0.0) || !std::isfinite(fraction)) {
      return Status::Invalid("distribution 'exponential': exponential_fraction = " + Str(fraction) +
                             " is out of range; it must be finite and > 0");
    }
    // YCSB: gamma = -ln(1 - percentile/100) / (recordcount * frac).
    const double gamma = -std::log1p(-percentile / 100.0) / (static_cast<double>(n) * fraction);
    if (!(gamma > 0.0) || !std::isfinite(gamma)) {
      return Status::Invalid("distribution 'exponential': exponential_percentile = " + Str(percentile) +
                             " with exponential_fraction = " + Str(fraction) + " and item_count = " + Str(n) +
                             " gives a degenerate rate " + Str(gamma) + "; it must be finite and > 0");
    }
    return std::unique_ptr<KeyChooser>(std::make_unique<ExponentialChooser>(n, gamma));
  }
  return Status::Invalid("distribution type '" + type +
                         "' is unknown; type must be one of uniform, zipfian, scrambled_zipfian, latest, hotspot, "
                         "sequential, exponential");
}

}  // namespace shardlab
