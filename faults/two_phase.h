#pragma once
// Two-phase commit of the bank's transfers across PostgreSQL servers (strategy 2pc of the
// crash kind, claim C12). Each shard is one server with the bank's tables; a transfer
// touches two of them. The coordinator logs Begin, has each participant PREPARE
// TRANSACTION its part, logs the commit decision (the commit point), sends COMMIT
// PREPARED to each, and logs Done (faults/coordinator_log.h).
//
// Between any two of those steps the coordinator can die: RunTwoPhaseTransfer calls
// `at_step(i)` at each step point and stops there when it returns false (what a kill at
// that point leaves behind, for tests; the crash kind kills a child process instead).
// ResolveTwoPhase is what a restarted coordinator runs.
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "faults/bank.h"
#include "faults/coordinator_log.h"
#include "postgres/pg_client.h"

namespace shardlab {

// The step points of a transfer over `involved` participants: before any prepare; after
// each prepare (the last one: all prepared, no decision yet); after the decision is
// logged; after each COMMIT PREPARED. 2 * involved + 2 points, numbered from 0.
int TwoPhaseStepCount(int involved);
// "before any prepare", "after 1 of 2 prepares", "after all 2 prepares, before the
// decision", "after the decision", "after 1 of 2 commits", "after all 2 commits".
std::string TwoPhaseStepName(int step, int involved);
// Whether a crash at `step` leaves the transfer committed once resolved — the checker's
// expected outcome. A coordinator crash (`crashed_participant` -1): once the decision is
// logged. A crash of participant `crashed_participant` (its index in protocol order: 0
// the source, 1 the destination), restarted at once: once that participant had prepared,
// because a prepared transaction survives the restart and the coordinator, every PREPARE
// having succeeded, decides commit; a participant that crashed before its PREPARE fails
// it, and the coordinator decides abort.
bool TwoPhaseCommittedAt(int step, int involved, int crashed_participant = -1);

// The bank's schema and accounts on one participant (shard `shard` of `bank`).
Status CreateParticipantTables(PgConnection& conn, const Bank& bank, uint32_t shard);

// The global transaction id of transfer `t` in trial `trial`: "shardlab-<trial>-<id>".
std::string TransferGid(uint64_t trial, const Transfer& t);

// The participants of `t` in protocol order: its source's shard, its destination's, then
// every other participant in shard order (those record the transfer's id only, so that
// one transaction spans all N servers, as "after k of N prepares" means).
std::vector<uint32_t> TwoPhaseOrder(const Transfer& t, uint32_t participants);

// Runs `t` under 2PC on every participant; `participants[s]` is shard s's connection. OK also when stopped by
// `at_step`; kRuntime when a participant fails: before the decision the coordinator logs
// abort and rolls back the parts already prepared; after it, it still sends every other
// participant its COMMIT PREPARED. What it could not reach stays prepared for the resolver.
Status RunTwoPhaseTransfer(CoordinatorLog& log, const std::vector<PgConnection*>& participants, const Transfer& t,
                           const std::string& gid, const std::function<bool(int step)>& at_step);

struct TwoPhaseResolution {
  int committed = 0;    // COMMIT PREPARED sent (a logged commit decision)
  int rolled_back = 0;  // ROLLBACK PREPARED sent (no logged commit: presumed abort)
  int finished = 0;     // log entries marked done
};
// A restarted coordinator: every prepared transaction of shardlab's on every participant
// is committed or rolled back by the log, then every unfinished log entry that no
// participant holds any more is marked done. Idempotent: a second run changes nothing.
StatusOr<TwoPhaseResolution> ResolveTwoPhase(CoordinatorLog& log, const std::vector<PgConnection*>& participants);

// The coordinator as a real process: a forked child connects to every participant
// (`conninfos[s]` for shard s), opens the log at `log_path` and runs `t`. At step point
// `step` (-1: none) it either SIGKILLs itself (`pause` empty: a killed coordinator, its
// connections dropped by the kernel, nothing cleaned up) or stops (SIGSTOP) while the
// parent runs `pause` (a participant crash and restart), then goes on: a statement to a
// crashed participant fails, and the coordinator decides abort before the decision or
// leaves the commit to the resolver after it, as a real one would.
struct CoordinatorOutcome {
  bool killed = false;    // it died at the step
  bool finished = false;  // it ran the protocol to Done
  std::string failure;    // why it stopped otherwise (a participant it could not reach)
};
StatusOr<CoordinatorOutcome> RunCoordinatorChild(const std::string& log_path, const std::vector<std::string>& conninfos,
                                                 const Transfer& t, const std::string& gid, int step,
                                                 const std::function<Status()>& pause = nullptr);

// A writer on what a dead coordinator may have left prepared: a second client (`writer`,
// on that participant) runs `sql` while, `down_ms` later, `resolve` runs (the restarted
// coordinator). `waited_ms` is the writer's wait; it was blocked when it finished only
// after the resolver began (a prepared transaction held its row). kRuntime when its
// statement fails (lock_timeout `timeout_ms` passed).
struct BlockedWriter {
  double waited_ms = 0;
  bool blocked = false;
};
StatusOr<BlockedWriter> MeasureBlockedWriter(PgConnection& writer, const std::string& sql, double down_ms,
                                             const std::function<Status()>& resolve, double timeout_ms = 30000);

// The writer's statement on shard `shard`'s part of `t`: a no-op update of the source's or
// the destination's account row, or on another participant an insert of the transfer's id
// (rolled back), which waits on the prepared insert of that id.
std::string TwoPhaseWriterSql(const Transfer& t, uint32_t shard);

// A SQL string literal (names and gids are ours, but quoted properly anyway).
std::string PgLiteral(const std::string& text);

// Prepared transactions of shardlab's that `conn`'s server holds.
StatusOr<std::vector<std::string>> PreparedGids(PgConnection& conn);

}  // namespace shardlab
