#pragma once
// What `shardlab run` prints: each result's lines (its kind's summary, then one line per
// check with the observed value), and the closing tally of the whole run, as a line or
// as JSON (--format json, --summary-json). Lines fit kConsoleWidth (core/str_format.h).
#include <string>
#include <vector>

#include "core/json_fwd.h"

namespace shardlab {

// Colour for verdict words: only when `fd` is a terminal and NO_COLOR is unset or empty
// (https://no-color.org).
bool UseColour(int fd);

struct ConsoleStyle {
  bool colour = false;
  bool only_problems = false;  // --quiet: header, failed and unknown checks only
};

// A result's console lines: its header, its kind's summary, its checks.
std::string SummarizeResult(const Json& result, const ConsoleStyle& style);

// One scenario of a run, as the closing tally counts it.
struct ScenarioTally {
  std::string name, kind, file, result_path;
  std::string outcome;  // passed | failed | unknown | error | interrupted
  int pass = 0, fail = 0, unknown = 0;
  double seconds = 0;
};

struct RunTally {
  std::string run_dir;
  std::vector<ScenarioTally> scenarios;
  int exit_code = 0;
};

// The outcome of a scenario from its checks: failed when a check failed, else unknown
// when one could not be evaluated, else passed.
std::string OutcomeOf(int fail, int unknown);

// "11 scenarios: 9 passed, 1 failed, 1 unknown (104 checks: 101 pass, 2 fail, 1 unknown)".
std::string ClosingLine(const RunTally& tally, bool colour);

// The tally as JSON (schema in README.md, "Results").
Json SummaryJson(const RunTally& tally);

}  // namespace shardlab
