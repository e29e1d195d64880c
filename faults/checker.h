#pragma once
// What a restarted server finds after a trial, and the verdict on it. The reading opens
// each shard alone (never attached: a hot journal is rolled back by the file's own
// recovery), runs PRAGMA integrity_check and reads balances and the transfer log. The
// checker then judges the whole set of shards against what the trial child reported.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "faults/bank.h"

namespace shardlab {

struct ShardReading {
  bool opened = false;
  std::string integrity;  // "ok", or integrity_check's first line, or the error
  std::map<std::string, int64_t> balances;
  struct LogRow {
    int64_t tx = 0;
    std::string account;
    int64_t delta = 0;
    std::string kind;  // apply | compensate
  };
  std::vector<LogRow> txlog;
};

// `vfs`: the SQLite VFS to open them through (nullptr: the default), so that the I/O of
// recovery itself can be recorded.
std::vector<ShardReading> ReadShards(const std::vector<std::string>& paths, const char* vfs = nullptr);
// Same balances, logs and integrity (the log in any order).
bool SameReadings(const std::vector<ShardReading>& a, const std::vector<ShardReading>& b);
Json ReadingsToJson(const std::vector<ShardReading>& readings);
std::vector<ShardReading> ReadingsFromJson(const Json& j);

// What the trial child told the driver about one transfer.
struct TransferRecord {
  bool begun = false;
  bool answered = false;  // COMMIT (or the failing statement) returned
  int rc = 0;             // its extended result code when answered
  bool acked() const { return answered && rc == 0; }
};

struct Verdict {
  // corrupt: a shard cannot be opened or read, or integrity_check is not ok.
  // mixed:   atomicity violation: a transfer applied on one side only, the total balance
  //          changed, a balance disagrees with its log, or a transfer never begun applied.
  // lost:    an acknowledged transfer is missing (durability).
  // new/old: the last transfer begun is applied / not applied (all else consistent).
  std::string outcome;
  std::string detail;          // one line: which transfer and why
  bool after_failed_commit = false;  // the last transfer's COMMIT failed: old and new both legitimate
};

Verdict CheckTrial(const Bank& bank, const std::vector<TransferRecord>& log, const std::vector<ShardReading>& state);

}  // namespace shardlab
