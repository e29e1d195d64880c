#pragma once
// Reading and writing JSON files: `//` and `/* */` comments allowed on input; parse
// errors carry line and column; output is written atomically (temp file + rename).
#include <string>

#include <nlohmann/json.hpp>

#include "core/json_fwd.h"
#include "core/status.h"

namespace shardlab {

// kInvalidInput: "cannot read FILE: No such file or directory" or
// "FILE: invalid JSON at line 3, column 14: <what the parser expected>".
StatusOr<Json> ReadJsonFile(const std::string& path);
StatusOr<Json> ParseJsonText(const std::string& text, const std::string& origin);

// Writes `json` (indented) to path.tmp.PID, fsyncs, and moves it to `path` without ever
// replacing a file there (renameat2 RENAME_NOREPLACE, or link). kRuntime on failure,
// when `path` exists included; the temp file never stays behind.
Status WriteNewJsonFile(const std::string& path, const Json& json);

// One-line description of a value for error messages: `"wall" (a string)`, `0 (an integer)`.
std::string DescribeJsonValue(const Json& value);

}  // namespace shardlab
