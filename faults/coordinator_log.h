#pragma once
// The durable log of a two-phase-commit coordinator (strategy 2pc of the crash kind,
// claim C12): a SQLite file with synchronous=FULL in rollback-journal mode, so a logged
// record survives a kill of the coordinator and of the machine's power alike.
//
// The protocol writes, in order: Begin(gid) before the first PREPARE TRANSACTION;
// Decide(gid, commit) after every participant prepared (the commit point: a transfer is
// committed exactly when its commit decision is in the log); Done(gid) after every
// COMMIT PREPARED / ROLLBACK PREPARED went through. A restarted coordinator (the
// resolver) reads the log back: presumed abort, so a prepared transaction without a
// logged commit decision is rolled back.
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {

enum class TxnDecision { kNone, kCommit, kAbort };

struct LoggedTxn {
  std::string gid;
  TxnDecision decision = TxnDecision::kNone;
  bool done = false;
};

class CoordinatorLog {
 public:
  // Opens (creating when absent) the log at `path`.
  static StatusOr<CoordinatorLog> Open(const std::string& path);

  Status Begin(const std::string& gid);
  // kRuntime when `gid` was never begun or already has a different decision.
  Status Decide(const std::string& gid, bool commit);
  Status Done(const std::string& gid);

  // The log's record of `gid`, or nullopt when it was never begun.
  StatusOr<std::optional<LoggedTxn>> Find(const std::string& gid);
  // Every transaction not yet done, in the order begun.
  StatusOr<std::vector<LoggedTxn>> Unfinished();

 private:
  explicit CoordinatorLog(Db db) : db_(std::move(db)) {}
  Db db_;
};

// What the resolver does with a transaction a participant holds prepared: commit it when
// the log holds a commit decision for it, otherwise roll it back (presumed abort: no
// participant can have committed a transaction whose commit decision was never logged).
enum class ResolveAction { kCommitPrepared, kRollbackPrepared };
ResolveAction ResolvePrepared(const std::optional<LoggedTxn>& logged);

}  // namespace shardlab
