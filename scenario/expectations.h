#pragma once
// Turns a scenario's `expect` claims into checks against the measured metrics.
#include <optional>
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
//
// A timed metric measured several times carries its per-repetition values: an object on
// the metric's path holds {"samples": {"<rest of the path>": [x1, x2, ...]}} (for
// preallocation.speedup, preallocation: {"speedup": 1.1, "samples": {"speedup": [...]}};
// the deepest such object wins). With n >= 2 numeric samples the check gets
// `interval: [lo, hi]` (the 95 % interval of MeanInterval95) and `samples: n`, and
// gt / ge / lt / le / approx are judged on the whole interval: pass when every value in it
// satisfies the claim, fail when none does, unknown when it straddles the expected value
// (an approx band's edge). eq is judged on the metric as before. With no samples or one,
// the single value is judged as before and nothing is added.
Json EvaluateExpectations(const std::vector<Expectation>& expect, const Json& metrics);

// The per-repetition values published for the metric at `path` (see above), or nullptr.
const Json* FindSamples(const Json& metrics, const std::string& path);

// The 95 % Student-t interval of the mean of `xs`: mean ± t(0.975, n-1) · s / sqrt(n),
// s the sample standard deviation; t from a table for 1..30 degrees of freedom, 1.96
// beyond. nullopt for fewer than 2 values.
struct Interval {
  double mean = 0, lo = 0, hi = 0;
  size_t n = 0;
};
std::optional<Interval> MeanInterval95(const std::vector<double>& xs);
// t(0.975, df) as MeanInterval95 uses it (df >= 1).
double StudentT975(size_t df);

}  // namespace shardlab
