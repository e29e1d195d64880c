#pragma once
// Turns a scenario's `expect` claims into checks against the measured metrics.
#include <vector>

#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// The metric at a dotted path ("probes.v3.rows", "per_shard_counts[2]"), or nullptr.
const Json* FindMetric(const Json& metrics, const std::string& path);

// One check per expectation: {name, claim, metric, op, expected, tolerance, observed,
// verdict: pass | fail | unknown, reason}. `unknown` when the metric was not produced;
// its reason is the `unavailable` text of the deepest object on the metric's path that
// has one (e.g. walk.shards_100.postgres: {"unavailable": "peer not available (...)"}).
// Also `unknown` when the metric could not have moved in this run: an object on its path
// lists the next key under `vacuous` with the reason (e.g. a crash cell where nothing was
// acknowledged: {"lost": 0, "vacuous": {"lost": "no transfer was acknowledged ..."}}).
Json EvaluateExpectations(const std::vector<Expectation>& expect, const Json& metrics);

}  // namespace shardlab
