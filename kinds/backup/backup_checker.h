#pragma once
// Judges one restored shard backup against the model of what the writers committed
// (kinds/backup/backup_model.h). The outcomes (scenarios/README.md defines them for users):
//   consistent         the content is exactly the state after some commit c, and c is at
//                      least the last commit acknowledged before the backup began;
//   stale              the state after some commit c, but c is older than a commit that
//                      had been acknowledged before the backup began (stale but consistent);
//   missing_committed  opens and passes integrity_check, but is no committed state: the
//                      counter says c while rows lack c's (or earlier) changes, or carry
//                      later ones — committed data went missing without SQLite noticing;
//   corrupt            cannot be opened or read, integrity_check fails, or the tables are gone;
//   failed             the backup method itself gave up (nothing to restore).
#include <cstdint>
#include <string>

#include "kinds/backup/backup_model.h"

namespace shardlab {

enum class BackupOutcome { kConsistent, kStale, kMissingCommitted, kCorrupt, kFailed };
inline constexpr BackupOutcome kAllBackupOutcomes[] = {BackupOutcome::kConsistent, BackupOutcome::kStale,
                                                       BackupOutcome::kMissingCommitted, BackupOutcome::kCorrupt,
                                                       BackupOutcome::kFailed};
const char* BackupOutcomeName(BackupOutcome outcome);

struct RestoreVerdict {
  BackupOutcome outcome = BackupOutcome::kCorrupt;
  bool counter_read = false;
  uint64_t counter = 0;        // the copy's counter.c
  uint64_t stale_commits = 0;  // stale: acknowledged-at-start minus counter
  int64_t rows_behind = 0;     // rows older than commit `counter` left them, or absent
  int64_t rows_ahead = 0;      // rows newer than commit `counter`, or present too early
  std::string detail;          // why, for anything but consistent
};

// Opens the restored database at `path` read-write (so SQLite replays a -wal beside it or
// rolls back a hot journal, as on any restore), runs PRAGMA integrity_check, reads the
// counter and every row, and compares them with m.StateAfter(counter).
// `acked_at_start`: the last commit acknowledged before the backup began; `max_commit`:
// the highest commit the writers could have made by now (a counter past it is no state).
RestoreVerdict CheckRestoredShard(const std::string& path, const BackupModel& m, uint64_t acked_at_start,
                                  uint64_t max_commit);

}  // namespace shardlab
