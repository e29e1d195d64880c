#pragma once
// `--set path=value` overrides, applied to a scenario's JSON before validation so an
// override is checked exactly like the file's own value.
#include <string>
#include <utility>

#include "core/json_fwd.h"
#include "core/status.h"

namespace shardlab {

// "router.vnodes=64" -> {"router.vnodes", "64"}. kInvalidInput when there is no '='
// or the path is empty.
StatusOr<std::pair<std::string, std::string>> ParseOverride(const std::string& text);

// Sets the value at a dotted path (`[i]` or a numeric segment indexes an array:
// routers[0].vnodes or routers.0.vnodes), creating missing
// objects. The value is read as JSON when it parses (64, true, [1,2], "x"), otherwise
// as a plain string (wal). kInvalidInput when the path crosses a non-object.
Status ApplyOverride(Json& scenario, const std::string& path, const std::string& value);

}  // namespace shardlab
