#pragma once
// The Json type without nlohmann/json's 25,000 lines: for headers that only pass Json
// values through (declarations, references). Code that builds or reads Json includes
// core/json.h.
#include <nlohmann/json_fwd.hpp>

namespace shardlab {

using Json = nlohmann::ordered_json;

}  // namespace shardlab
