#pragma once
// The keys of a scenario: item i has a key (text, or an integer for integer keys), a
// routing key (the key itself unless the scenario routes by another attribute, like
// the blog's events keyed e{i} but routed by year) and the hash of the routing key.
#include <cstdint>
#include <string>

#include "core/status.h"
#include "workloads/key_hash.h"
#include "workloads/key_template.h"
#include "workloads/router.h"

namespace shardlab {

struct KeySpec {
  uint64_t count = 0;
  bool integer_keys = false;    // keys are 64-bit integers: format must be one expression
  std::string format = "key:{i}";
  std::string route_format;     // empty: route by the key itself
  HashKind hash = HashKind::kXxh3;
};

// One key, materialised. Reused across calls so the hot path does not allocate.
struct KeyRef {
  uint64_t index = 0;
  std::string text;   // the key as stored (decimal for integer keys)
  int64_t integer = 0;
  std::string route;  // routing key text (== text unless route_format is set)
  KeyHash hash;
};

class KeySpace {
 public:
  // kInvalidInput names the template problem ("format: column 6: ...").
  static StatusOr<KeySpace> Make(const KeySpec& spec);

  uint64_t count() const { return spec_.count; }
  const KeySpec& spec() const { return spec_; }

  // Fills key i; hashes the routing key only when with_hash (range routers skip it).
  void Fill(uint64_t i, bool with_hash, KeyRef& out) const;
  // Shard of item i under a router, using `scratch` as the buffer.
  uint32_t ShardOf(uint64_t i, const Router& router, KeyRef& scratch) const {
    Fill(i, router.UsesHash(), scratch);
    return router.Route(scratch.hash, scratch.route);
  }

 private:
  KeySpace(KeySpec spec, KeyTemplate key, KeyTemplate route, bool has_route)
      : spec_(std::move(spec)), key_(std::move(key)), route_(std::move(route)), has_route_(has_route) {}
  KeySpec spec_;
  KeyTemplate key_;
  KeyTemplate route_;
  bool has_route_;
};

}  // namespace shardlab
