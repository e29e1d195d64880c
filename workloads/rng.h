#pragma once
// The only source of randomness in shardlab: xoshiro256** seeded through splitmix64.
// Every stream is derived from the scenario seed plus a label (thread, repetition,
// purpose), so a rerun with the same seed makes the same choices.
#include <cstdint>
#include <string_view>

namespace shardlab {

// 128-bit arithmetic for Lemire's reduction and wide modulo (__extension__ keeps -Wpedantic quiet).
__extension__ typedef unsigned __int128 Uint128;

constexpr uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A 64-bit finaliser (splitmix64's), used to mix integers into well-spread words.
constexpr uint64_t Mix64(uint64_t x) {
  uint64_t state = x;
  return SplitMix64(state);
}

// Seed for an independent stream: derive(seed, "ops", thread, repetition).
uint64_t DeriveSeed(uint64_t seed, std::string_view label, uint64_t a = 0, uint64_t b = 0);

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = SplitMix64(seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1) with 53 random bits.
  double NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n), unbiased (Lemire's multiply-and-reject). n > 0.
  uint64_t Below(uint64_t n) {
    Uint128 m = static_cast<Uint128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = -n % n;
      while (low < threshold) {
        m = static_cast<Uint128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace shardlab
