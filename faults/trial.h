#pragma once
// One crash trial, as the driver runs it: copy the prepared shard files into a fresh trial
// directory, fork a child that runs the transfers through the crash shim and reports each
// transfer's start and COMMIT result over a pipe, wait for it (a child past the timeout is
// killed and the trial is `hung`), then recover the way a restarted server would — a process
// that never had the files open opens each shard alone, checks and reads it (and, for saga,
// runs the compensations) — and judge the result with the checker.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "faults/bank.h"
#include "faults/checker.h"
#include "faults/io_event.h"

namespace shardlab {

struct TrialSpec {
  std::string strategy = "attach";
  std::string journal_mode = "delete";
  std::string synchronous = "full";
  std::string fault = "none";   // none | process_crash | power_loss | io_error
  bool torn = false;            // power_loss: unsynced sectors old/new/garbage
  int64_t crash_event = -1;     // process_crash / power_loss: the event to die at
  bool crash_after = false;
  std::string fail_point;       // io_error
  int64_t fail_k = 0;           // the k-th evaluation fails (0: count only)
  int fail_errno = 5;           // EIO
  uint32_t transfers = 1;       // the first n transfers of the bank's plan
  uint64_t seed = 0;            // torn sectors' fate
  bool record_events = false;   // report every event (the clean run of enumerate)
  bool relocate = false;        // move the trial directory before recovery
  double timeout_s = 10;
  uint32_t prng_seed = 0;       // seeds SQLite's PRNG before the transfers (super-journal names); 0: not
};
Json TrialSpecToJson(const TrialSpec& spec);
StatusOr<TrialSpec> TrialSpecFromJson(const Json& j);

struct TrialResult {
  std::string outcome;          // old | new | mixed | lost | corrupt | hung
  std::string detail;
  bool crashed = false;         // the child killed itself at the planned event
  bool after_failed_commit = false;
  uint32_t event_count = 0;     // events the child numbered (when it finished)
  std::vector<IoEvent> events;  // record_events
  std::vector<TransferRecord> log;
  int64_t fail_evaluations = 0;
  bool fail_fired = false;
  bool intermediate = false;    // saga: the state before recovery was mixed
  int64_t compensated = 0, rolled_forward = 0;
  int leftover_journals = 0, orphan_super_journals = 0, leftover_wal = 0;
  std::string child_error;      // setup failure reported by the child
  std::vector<uint32_t> begun_at;  // events issued when each transfer began
};
Json TrialResultToJson(const TrialResult& r);
TrialResult TrialResultFromJson(const Json& j);

class TrialRunner {
 public:
  // `templates`: journal mode ("wal" or "rollback") -> shard file contents. `exec_child`:
  // the command that re-executes this program as a trial child (needed for libc-level
  // fail points, which need libfiu's preload from process start); empty: not available.
  TrialRunner(const Bank& bank, std::map<std::string, std::vector<std::string>> templates,
              std::vector<std::string> exec_child)
      : bank_(&bank), templates_(std::move(templates)), exec_child_(std::move(exec_child)) {}

  // Runs one trial in `trial_dir` (must not exist). The directory is removed afterwards
  // unless `keep` says to keep it for this result (a violation kept for a post-mortem).
  using KeepIf = std::function<bool(const TrialResult&)>;
  StatusOr<TrialResult> Run(const TrialSpec& spec, const std::string& trial_dir, const KeepIf& keep) const;

  // The parts of Run: the template shard files written into `dir` (which exists), and the
  // child run in `dir` with its report parsed (no recovery, the files left as they are).
  Status WriteTemplates(const std::string& journal_mode, const std::string& dir) const;
  StatusOr<TrialResult> RunChildIn(const TrialSpec& spec, const std::string& dir) const;
  const std::vector<std::string>* Templates(const std::string& journal_mode) const;
  const Bank& bank() const { return *bank_; }

 private:
  const Bank* bank_;
  std::map<std::string, std::vector<std::string>> templates_;
  std::vector<std::string> exec_child_;
};

// The template key for a journal mode: WAL files differ (the mode is in the header).
std::string TemplateKey(const std::string& journal_mode);

// Makes SQLite's PRNG (super-journal names) deterministic from here on; 0 leaves it alone.
void SeedSqliteRandomness(uint32_t seed);

// The child's side: runs the transfers of `spec` on the shards in `dir`, reporting on `fd`,
// and exits (or dies by SIGKILL at the planned event). Never returns.
[[noreturn]] void RunTrialChild(const Bank& bank, const TrialSpec& spec, const std::string& dir, int fd);

}  // namespace shardlab
