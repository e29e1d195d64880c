#pragma once
// The shape of a scenario's metrics, known before it runs, so `validate` refuses an
// expectation on a metric the run will not produce and suggests the name meant
// ("ring32" -> did you mean "ring_100"?).
//
// A shape is a JSON tree of names: each object key is a name at that level of a metric
// path, "*" stands for any name; a key's value is the shape below it. `null` accepts any
// deeper path unchecked (the kind does not describe that part); `true` is a value (a
// number, or an array that `[i]` may index).
#include <set>
#include <string>
#include <vector>

#include "core/json.h"

namespace shardlab {

// Only the top-level names, anything below them: the shape of a kind that describes no more.
Json OpenShape(const std::set<std::string>& roots);

// Every combination of `levels` (the names at each level, outermost first), each ending
// in `leaf`: {{"delete", "wal"}, {"copy_db"}} -> {"delete": {"copy_db": leaf}, "wal": {...}}.
Json ProductShape(const std::vector<std::vector<std::string>>& levels, const Json& leaf = nullptr);

// The names of metric path `metric` ("movement.ring_100.add_1.moved_fraction",
// "per_shard_counts[2]"): movement, ring_100, add_1, moved_fraction / per_shard_counts, [2].
std::vector<std::string> MetricPathParts(const std::string& metric);

// "" when `metric` fits `shape`; else why not, naming the level and a suggestion:
// `no "ring32" under movement (did you mean "ring_100"? there: mod, ring_100, jump)`.
std::string MetricPathProblem(const Json& shape, const std::string& metric);

// The name of `names` closest to `word` (edit distance, ignoring case and '_'), or "" when
// none is close enough to be a likely misspelling or two are equally close.
std::string ClosestName(const std::string& word, const std::vector<std::string>& names);

}  // namespace shardlab
