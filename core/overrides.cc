#include "core/overrides.h"

#include <cerrno>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {
namespace {

// One step of a path: a key, or an array index written `[i]` (`routers[0].vnodes`) or
// as a bare number segment (`routers.0.vnodes`) on an array.
struct Segment {
  std::string text;
  bool bracketed = false;  // `[i]`: must index an array
};

// "a.b[0].c" -> a, b, [0], c. kInvalidInput on an empty segment or a bad bracket.
StatusOr<std::vector<Segment>> SplitPath(const std::string& path, const std::string& origin) {
  std::vector<Segment> parts;
  size_t i = 0;
  for (;;) {
    const size_t end = std::min(path.find_first_of(".[", i), path.size());
    if (end == i) return Status::Invalid(origin + ": empty path segment");  // "", ".a", "a..b", "a."
    parts.push_back({path.substr(i, end - i), false});
    i = end;
    while (i < path.size() && path[i] == '[') {
      const size_t close = path.find(']', i + 1);
      if (close == std::string::npos || close == i + 1) {
        return Status::Invalid(origin + ": expected an index and ']' after '[' (like routers[0].vnodes)");
      }
      parts.push_back({path.substr(i + 1, close - i - 1), true});
      i = close + 1;
    }
    if (i == path.size()) return parts;
    if (path[i] != '.') return Status::Invalid(origin + ": expected '.' or '[' after ']'");
    ++i;
  }
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

  SHARDLAB_ASSIGN_OR_RETURN(const std::vector<Segment> parts, SplitPath(path, origin));
  if (parts.size() > static_cast<size_t>(kMaxJsonDepth)) {
    return Status::Invalid(origin + ": a path deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  Json edited = scenario;  // a rejected override leaves the scenario as it was
  Json* node = &edited;
  std::string walked;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i].text;
    const bool last = i + 1 == parts.size();
    if (parts[i].bracketed && !node->is_array()) {
      return Status::Invalid(origin + ": " + Printable(walked, 200) + " is " + DescribeJsonValue(*node) +
                             ", not an array; [" + Printable(part, 40) + "] indexes arrays");
    }
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
    walked += parts[i].bracketed ? "[" + part + "]" : (walked.empty() ? "" : ".") + part;
    if (last) *node = parsed;
  }
  scenario = std::move(edited);
  return Status::Ok();
}

}  // namespace shardlab
