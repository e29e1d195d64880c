#pragma once
// Runs one validated scenario: claims its data directory (and absolute roots), dispatches
// on kind, checks the expectations, fingerprints the environment, writes the result
// without replacing anything, then removes the shard files it created (unless kept).
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
  Json result;              // empty when no result was written
  std::string result_path;  // where the result goes
  bool result_written = false;
  std::string data_dir;
  bool data_kept = false;   // the data directory is still there (--keep, a failure, no result)
  size_t removed = 0;       // files and directories of the run removed at its end
  bool interrupted = false; // SIGINT/SIGTERM: no result, data removed unless --keep
  double seconds = 0;
  Status status;  // kInvalidInput: its places were taken, nothing ran; kRuntime: it failed
  int passed = 0, failed = 0, unknown = 0;
};

ScenarioOutcome RunScenario(const Scenario& s, const RunOptions& options);

// Where a scenario's shard files go: <--data or scenario data_dir or run_dir/data>/<name>.
// It must not exist yet.
std::string DataDirFor(const Scenario& s, const RunOptions& options);

// Where its result goes: <run_dir>/<name>.json.
std::string ResultPathFor(const Scenario& s, const RunOptions& options);

// Before a run: kInvalidInput when the scenario's data directory or result exists, or an
// absolute root holds a file the run would create or SQLite would create beside one.
Status CheckPlacesFree(const Scenario& s, const RunOptions& options);

}  // namespace shardlab
