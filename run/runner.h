#pragma once
// Runs one validated scenario: prepares its data directory, dispatches on kind, checks
// the expectations, fingerprints the environment and writes the result atomically.
#include <optional>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

struct RunOptions {
  std::string run_dir;                  // results/<run>: where result files go (exists)
  std::optional<std::string> data_dir;  // --data: where shard files go
  bool keep = false;                    // --keep: leave the shard files after a successful run
  bool keep_failures = false;           // --keep-failures: keep each violating crash trial's directory
  std::string self_executable;          // the shardlab binary (crash trials with libc-level faults re-execute it)
  LoadOptions load;                     // as the scenario was loaded (recorded in results)
  std::string command_line;
};

struct ScenarioOutcome {
  Json result;
  std::string result_path;
  Status status;  // kRuntime when the scenario could not run
  int passed = 0, failed = 0, unknown = 0;
};

ScenarioOutcome RunScenario(const Scenario& s, const RunOptions& options);

// Where a scenario's shard files go: <--data or scenario data_dir or run_dir/data>/<name>.
// It must not exist yet.
std::string DataDirFor(const Scenario& s, const RunOptions& options);

// A short human summary of a result for the terminal.
std::string SummarizeResult(const Json& result);

}  // namespace shardlab
