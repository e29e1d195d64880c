#include "workloads/key_space.h"

#include <cstring>

namespace shardlab {

StatusOr<KeySpace> KeySpace::Make(const KeySpec& spec) {
  auto key = KeyTemplate::Compile(spec.format);
  if (!key.ok()) return key.status().Wrap("format");
  if (spec.integer_keys && !key->IsSingleExpression()) {
    return Status::Invalid("format: integer keys need a template that is one expression, like \"{i}\" or \"{i * 7919}\"; found \"" +
                           spec.format + "\"");
  }
  const bool has_route = !spec.route_format.empty();
  auto route = KeyTemplate::Compile(has_route ? spec.route_format : "{i}");
  if (!route.ok()) return route.status().Wrap("route_format");
  return KeySpace(spec, std::move(key).value(), std::move(route).value(), has_route);
}

void KeySpace::Fill(uint64_t i, bool with_hash, KeyRef& out) const {
  out.index = i;
  out.text.clear();
  key_.AppendTo(i, out.text);
  if (spec_.integer_keys) out.integer = key_.EvaluateInteger(i);
  out.route.clear();
  if (has_route_) {
    route_.AppendTo(i, out.route);
  } else {
    out.route = out.text;
  }
  if (!with_hash) return;
  if (spec_.integer_keys && !has_route_) {
    // Integer keys hash their 8 little-endian bytes, as integer-keyed stores do.
    char bytes[8];
    uint64_t v = static_cast<uint64_t>(out.integer);
    for (int b = 0; b < 8; ++b) bytes[b] = static_cast<char>((v >> (8 * b)) & 0xff);
    out.hash = HashBytes(spec_.hash, std::string_view(bytes, 8));
  } else {
    out.hash = HashBytes(spec_.hash, out.route);
  }
}

}  // namespace shardlab
