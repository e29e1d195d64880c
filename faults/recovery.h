#pragma once
// What a restarted server finds in a directory of shard files after a crash, and the
// verdict on it: each shard opened alone (never attached: a hot journal is rolled back by
// the file's own recovery), checked and read; for saga, read again after the compensations
// ran. Both crash engines end every trial or state here.
#include <string>
#include <vector>

#include "faults/bank.h"
#include "faults/checker.h"

namespace shardlab {

struct Recovered {
  std::vector<ShardReading> raw, after;  // raw: before saga recovery (saga only)
  bool saga = false;
  SagaRecovery saga_counts;
  std::string saga_error;
  int leftover_journals = 0, orphan_super_journals = 0, leftover_wal = 0;
};

// Recovers the shards of `bank` in `dir`. This may run in any process that does not hold
// the files open: SQLite keeps no per-file state once a file's last connection closes, so
// for these files it is a fresh process in every way SQLite can tell.
// `vfs`: open the shards through it (nullptr: the default VFS).
Recovered RecoverShards(const Bank& bank, const std::string& dir, bool saga, const char* vfs = nullptr);

// The checker's verdict on a recovered state, given what the transfers' clients were told.
struct Judged {
  Verdict verdict;
  bool intermediate = false;  // saga: the state before recovery was mixed
};
Judged Judge(const Bank& bank, const Recovered& recovered, const std::vector<TransferRecord>& log);

}  // namespace shardlab
