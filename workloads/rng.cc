#include "workloads/rng.h"

namespace shardlab {

uint64_t DeriveSeed(uint64_t seed, std::string_view label, uint64_t a, uint64_t b) {
  // FNV-1a over the label, then three rounds of mixing with the numbers.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : label) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix64(Mix64(Mix64(seed ^ h) ^ a) ^ b);
}

}  // namespace shardlab
