#pragma once
// Reading and writing JSON files: `//` and `/* */` comments allowed on input; parse
// errors carry line and column; output is written atomically (temp file + rename).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_fwd.h"
#include "core/status.h"

namespace shardlab {

// Bounds on input read as JSON, checked before anything is parsed: the file's size (a
// scenario is a few KiB; the largest shipped one is 7 KiB), its nesting (scenarios nest 6
// levels, results 10; nlohmann recurses once per level) and no NUL byte (nlohmann would
// stop reading there and ignore the rest).
inline constexpr size_t kMaxScenarioBytes = size_t{1} << 20;  // 1 MiB
inline constexpr size_t kMaxResultBytes = size_t{256} << 20;  // 256 MiB: crash results list violations
inline constexpr int kMaxJsonDepth = 64;
struct JsonLimits {
  size_t max_bytes = kMaxScenarioBytes;
  int max_depth = kMaxJsonDepth;
  const char* what = "a scenario file";  // "FILE: 2000000 bytes; a scenario file is at most ..."
};
inline constexpr JsonLimits kResultLimits{kMaxResultBytes, kMaxJsonDepth, "a result file"};

// kInvalidInput: "cannot read FILE: No such file or directory",
// "FILE: not a regular file (a FIFO)", "FILE: 2000000 bytes; a scenario file is at most
// 1048576 bytes (1 MiB)", "FILE: a NUL byte at offset 17 (line 2, column 3)",
// "FILE: nesting deeper than 64 levels at line 1, column 65",
// "FILE: invalid JSON at line 3, column 14: <what the parser expected>" or
// "FILE: seed: number 1e400 is out of range". Never throws.
StatusOr<Json> ReadJsonFile(const std::string& path, const JsonLimits& limits = {});
// The same for text in memory (ReadJsonFile's second half; `origin` names it).
StatusOr<Json> ParseJsonText(const std::string& text, const std::string& origin, const JsonLimits& limits = {});
// The whole of a regular file of at most `limits.max_bytes` bytes; opened without
// blocking (a FIFO) and refused unless it is a regular file (/dev/zero, a directory).
StatusOr<std::string> ReadRegularFile(const std::string& path, const JsonLimits& limits = {});
// The checks ParseJsonText makes before parsing: size, NUL bytes, nesting depth (brackets
// outside strings and comments). Ok or kInvalidInput.
Status CheckJsonText(std::string_view text, const std::string& origin, const JsonLimits& limits = {});

// Writes `json` (indented) to path.tmp.PID, fsyncs, and moves it to `path` without ever
// replacing a file there (renameat2 RENAME_NOREPLACE, or link). kRuntime on failure,
// when `path` exists included; the temp file never stays behind.
Status WriteNewJsonFile(const std::string& path, const Json& json);

// One-line description of a value for error messages: `"wall" (a string)`, `0 (an integer)`;
// control characters escaped, long values cut with "…" (core/str_format.h Printable).
std::string DescribeJsonValue(const Json& value);

// j.at(key) (or v, named `name`) as an integer of type T. Throws (a std::exception, like j.at) when the key is
// missing or its value is not an integer that T holds: nlohmann's own get<T>() converts
// 1e300 or -1 to T without a check (undefined behaviour for a float).
template <typename T>
T IntegerOf(const Json& v, const std::string& name) {
  static_assert(std::is_integral_v<T>);
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(u);
  } else if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if constexpr (std::is_signed_v<T>) {
      if (i >= static_cast<int64_t>(std::numeric_limits<T>::min()) && i <= static_cast<int64_t>(std::numeric_limits<T>::max())) {
        return static_cast<T>(i);
      }
    } else {
      if (i >= 0 && static_cast<uint64_t>(i) <= static_cast<uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(i);
    }
  }
  throw std::out_of_range(name + ": found " + DescribeJsonValue(v) + "; expected an integer from " +
                          std::to_string(std::numeric_limits<T>::min()) + " to " +
                          std::to_string(std::numeric_limits<T>::max()));
}
template <typename T>
T IntegerAt(const Json& j, const char* key) {
  return IntegerOf<T>(j.at(key), key);
}

// j.at(key) as an array of such integers.
template <typename T>
std::vector<T> IntegerListAt(const Json& j, const char* key) {
  const Json& v = j.at(key);
  if (!v.is_array()) throw std::out_of_range(std::string(key) + ": found " + DescribeJsonValue(v) + "; expected an array");
  std::vector<T> out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) out.push_back(IntegerOf<T>(v[i], std::string(key) + "[" + std::to_string(i) + "]"));
  return out;
}

}  // namespace shardlab
