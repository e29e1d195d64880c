#include "scenario/path_check.h"

#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string QuotedPath(const std::string& path) {
  return Json(path).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<std::string> PathProblem(const std::string& path, size_t max_bytes) {
  for (size_t i = 0; i < path.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(path[i]);
    if (c < 0x20 || c == 0x7f) {
      return StrFormat("found %s; byte %zu is a %s (0x%02x); expected a path without control characters",
                       QuotedPath(path).c_str(), i, c == 0 ? "NUL" : "control character", c);
    }
  }
  if (path.size() > max_bytes) {
    return "found a path of " + std::to_string(path.size()) + " bytes; at most " + std::to_string(max_bytes) +
           " (PATH_MAX is 4096 with the data directory, the scenario name and the shard files below it)";
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash - start > kNameMaxBytes) {
      return "found a path component of " + std::to_string(slash - start) + " bytes (\"" + path.substr(start, 24) +
             "...\"); at most " + std::to_string(kNameMaxBytes) + " (NAME_MAX)";
    }
    start = slash + 1;
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeLexically(const std::string& path) {
  const bool absolute = !path.empty() && path[0] == '/';
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) {
        parts.pop_back();
      } else if (!absolute) {
        return std::nullopt;  // above where a relative path starts
      }  // "/.." is "/"
      continue;
    }
    parts.push_back(part);
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : "/") + parts[i];
  if (out.empty()) out = ".";
  return out;
}

}  // namespace shardlab
