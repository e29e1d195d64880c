#include "core/overrides.h"

#include <charconv>
#include <vector>

#include "core/json.h"

namespace shardlab {
namespace {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    const size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

}  // namespace

StatusOr<std::pair<std::string, std::string>> ParseOverride(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::Invalid("--set " + text + ": expected path=value, like --set router.vnodes=64");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

Status ApplyOverride(Json& scenario, const std::string& path, const std::string& value) {
  Json parsed = Json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) parsed = value;  // a bare word: a string

  const std::vector<std::string> parts = SplitPath(path);
  Json* node = &scenario;
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) return Status::Invalid("--set " + path + "=" + value + ": empty path segment");
    const bool last = i + 1 == parts.size();
    if (node->is_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size() || index >= node->size()) {
        return Status::Invalid("--set " + path + "=" + value + ": " + walked + " is an array of " +
                               std::to_string(node->size()) + " items; '" + part + "' is not an index in it");
      }
      node = &(*node)[index];
    } else {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object()) {
        return Status::Invalid("--set " + path + "=" + value + ": " + walked + " is " + DescribeJsonValue(*node) +
                               ", not an object");
      }
      node = &(*node)[part];
    }
    walked += (walked.empty() ? "" : ".") + part;
    if (last) *node = parsed;
  }
  return Status::Ok();
}

}  // namespace shardlab
