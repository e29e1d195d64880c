#pragma once
// Key hashing. A hash is kept as an unsigned big-endian number of one or four 64-bit
// words, so `mod` routing over sha256 is the blog's `int(sha256(key).hexdigest(), 16) % n`
// exactly, while 64-bit hashes (xxh3, fnv1a) cost one word.
#include <cstdint>
#include <optional>
#include <string_view>

#include "workloads/rng.h"

namespace shardlab {

enum class HashKind { kSha256, kXxh3, kFnv1a };

std::optional<HashKind> ParseHashKind(std::string_view name);
const char* HashKindName(HashKind kind);

struct KeyHash {
  uint64_t word[4] = {0, 0, 0, 0};  // most significant first
  uint8_t words = 1;

  // The most significant 64 bits: what ring, jump and rendezvous routers consume.
  uint64_t Top() const { return word[0]; }
  // The whole number modulo n (n > 0).
  uint64_t Mod(uint64_t n) const {
    if (words == 1) return word[0] % n;
    Uint128 r = 0;
    for (int i = 0; i < words; ++i) r = ((r << 64) | word[i]) % n;
    return static_cast<uint64_t>(r);
  }
};

KeyHash HashBytes(HashKind kind, std::string_view bytes);

// 64-bit FNV-1a over bytes (also exposed for tests and the YCSB-style scrambler).
uint64_t Fnv1a64(std::string_view bytes);

}  // namespace shardlab
