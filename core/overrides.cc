#include "core/overrides.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

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

// "1e400": a number no double holds (JSON's grammar rejects it, so it is no bare word).
bool NumberOverflows(const std::string& value) {
  if (value.empty() || value.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  errno = 0;
  char* end = nullptr;
  const double d = std::strtod(value.c_str(), &end);
  return end == value.c_str() + value.size() && std::isinf(d) && errno == ERANGE;
}

}  // namespace

StatusOr<std::pair<std::string, std::string>> ParseOverride(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::Invalid("--set " + Printable(text) + ": expected path=value, like --set router.vnodes=64");
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

Status ApplyOverride(Json& scenario, const std::string& path, const std::string& value) {
  // The same bounds as a scenario file's text (nesting, NUL bytes, numbers in range).
  const std::string origin = "--set " + Printable(path, 80) + "=" + Printable(value, 80);
  if (value.size() > kMaxScenarioBytes) return CheckJsonText(value, origin);
  if (path.find('\0') != std::string::npos) return Status::Invalid(origin + ": a NUL byte in the path");
  Json parsed;
  if (Json::accept(value, /*ignore_comments=*/true)) {
    SHARDLAB_ASSIGN_OR_RETURN(parsed, ParseJsonText(value, origin));
  } else if (NumberOverflows(value)) {
    return Status::Invalid(origin + ": " + Printable(path, 80) + ": number " + Printable(value, 40) +
                           " is out of range (a number here is at most about 1.8e308)");
  } else {
    SHARDLAB_RETURN_IF_ERROR(CheckJsonText(value, origin));  // a bare word (a string): no NUL byte
    parsed = value;
  }

  const std::vector<std::string> parts = SplitPath(path);
  if (parts.size() > static_cast<size_t>(kMaxJsonDepth)) {
    return Status::Invalid(origin + ": a path deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  Json* node = &scenario;
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) return Status::Invalid(origin + ": empty path segment");
    const bool last = i + 1 == parts.size();
    if (node->is_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size() || index >= node->size()) {
        return Status::Invalid(origin + ": " + Printable(walked, 200) + " is an array of " +
                               std::to_string(node->size()) + " items; " + Quoted(part) + " is not an index in it");
      }
      node = &(*node)[index];
    } else {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object()) {
        return Status::Invalid(origin + ": " + Printable(walked, 200) + " is " + DescribeJsonValue(*node) +
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
