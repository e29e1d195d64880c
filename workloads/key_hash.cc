#include "workloads/key_hash.h"

#include <openssl/evp.h>
#include <xxhash.h>

#include <cstdlib>

#include "core/enum_table.h"

namespace shardlab {

constexpr EnumName<HashKind> kHashNames[] = {
    {HashKind::kSha256, "sha256"}, {HashKind::kXxh3, "xxh3"}, {HashKind::kFnv1a, "fnv1a"}};

std::optional<HashKind> ParseHashKind(std::string_view name) { return ValueOf(kHashNames, name); }
const char* HashKindName(HashKind kind) { return NameOf(kHashNames, kind); }

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {

// OpenSSL 3's one-shot SHA256() looks the digest up on every call (~4x slower for short
// keys); fetch it once and keep one context per thread.
void Sha256(std::string_view bytes, unsigned char out[32]) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Ctx ctx;
  unsigned int len = 0;
  if (md == nullptr || ctx.ctx == nullptr || EVP_DigestInit_ex(ctx.ctx, md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.ctx, bytes.data(), bytes.size()) != 1 || EVP_DigestFinal_ex(ctx.ctx, out, &len) != 1) {
    std::abort();  // libcrypto without SHA-256: nothing sensible to route with
  }
}

}  // namespace

KeyHash HashBytes(HashKind kind, std::string_view bytes) {
  KeyHash h;
  switch (kind) {
    case HashKind::kSha256: {
      unsigned char digest[32];
      Sha256(bytes, digest);
      for (int w = 0; w < 4; ++w) {
        uint64_t v = 0;
        for (int b = 0; b < 8; ++b) v = (v << 8) | digest[w * 8 + b];
        h.word[w] = v;
      }
      h.words = 4;
      break;
    }
    case HashKind::kXxh3:
      h.word[0] = XXH3_64bits(bytes.data(), bytes.size());
      break;
    case HashKind::kFnv1a:
      h.word[0] = Fnv1a64(bytes);
      break;
  }
  return h;
}

}  // namespace shardlab
