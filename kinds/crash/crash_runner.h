#pragma once
// kind = crash: prepares the account shards (one template per journal-file format), runs
// the campaign over every cell of the scenario's matrix, and turns the tallies into the
// result's metrics (cells, matrix, commit points).
#include <optional>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "faults/cell.h"
#include "faults/crash_state.h"
#include "faults/trial.h"
#include "scenario/kind.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunCrash(const Scenario& s, RunContext& context);

// Replay workers materialise crash states in <prefix>XXXXXX on tmpfs, flock'ed while
// their run lives.
inline constexpr const char kStateDirPrefix[] = "/dev/shm/shardlab-states-";
// Those no live run holds (left by a SIGKILLed run), with their total size in bytes.
// Only listed: a user removes them (shardlab never removes what this run did not create).
std::vector<std::string> AbandonedStateDirs(uint64_t* bytes);

// This program's path (/proc/self/exe), for re-executing it as a trial child.
std::string SelfExecutable();

// What `repro` reruns, read from a crash result and checked, with nothing run: the
// scenario (validated like a file), the violation's cell, its recorded verdict and either
// the replayed state or the fork trial's spec.
struct ReproRequest {
  Scenario scenario;
  CellSpec cell;
  std::string outcome;
  std::optional<CrashState> state;  // the replay engine's violations
  std::optional<TrialSpec> spec;    // the fork engine's
};
// kInvalidInput, one line naming the file and the field, for a result that is not JSON,
// not a crash result, lacks the trial, or holds a value of the wrong type or out of range.
StatusOr<ReproRequest> ReadReproRequest(const std::string& text, const std::string& origin, uint64_t trial);
StatusOr<ReproRequest> ReproRequestFromJson(const Json& result, const std::string& origin, uint64_t trial);

// `shardlab repro RESULT.json --trial N`: reruns one recorded violating trial in a fresh
// directory under `data_root` (kept) and prints its verdict. 0 when the verdict matches
// the recorded one, 1 when it differs, 2 on bad input, 3 on a runtime failure.
int ReproTrial(const std::string& result_path, uint64_t trial, const std::string& data_root);

// The hidden `__trial-child` command (a re-executed trial child for libc-level faults).
int TrialChildMain(const std::string& scenario_file, const std::string& dir, int fd, const std::string& spec_json);

}  // namespace shardlab
