#include "faults/two_phase.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/child_process.h"
#include "core/elapsed.h"

namespace shardlab {
namespace {

enum class Part { kDebit, kCredit, kRecord };

// One participant's part of `t`: its balance change (the source and the destination) and
// the transfer's id in txlog (every participant).
std::string PartSql(const Transfer& t, Part part) {
  std::string sql;
  if (part != Part::kRecord) {
    const bool debit = part == Part::kDebit;
    sql = "UPDATE accounts SET balance = balance " + std::string(debit ? "-" : "+") + " " + std::to_string(t.amount) +
          " WHERE name = " + PgLiteral(debit ? t.from : t.to) + "; ";
  }
  return sql + "INSERT INTO txlog(id) VALUES (" + std::to_string(t.id) + ");";
}

}  // namespace

std::string PgLiteral(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::vector<uint32_t> TwoPhaseOrder(const Transfer& t, uint32_t participants) {
  std::vector<uint32_t> order = {t.from_shard, t.to_shard};
  for (uint32_t s = 0; s < participants; ++s) {
    if (s != t.from_shard && s != t.to_shard) order.push_back(s);
  }
  return order;
}

int TwoPhaseStepCount(int involved) { return 2 * involved + 2; }

std::string TwoPhaseStepName(int step, int involved) {
  const std::string n = std::to_string(involved);
  if (step == 0) return "before any prepare";
  if (step < involved) return "after " + std::to_string(step) + " of " + n + " prepares";
  if (step == involved) return "after all " + n + " prepares, before the decision";
  if (step == involved + 1) return "after the decision";
  const int commits = step - involved - 1;
  if (commits < involved) return "after " + std::to_string(commits) + " of " + n + " commits";
  return "after all " + n + " commits";
}

bool TwoPhaseCommittedAt(int step, int involved, int crashed_participant) {
  return crashed_participant >= 0 ? step > crashed_participant : step > involved;
}

Status CreateParticipantTables(PgConnection& conn, const Bank& bank, uint32_t shard) {
  std::string sql =
      "CREATE TABLE accounts(name text PRIMARY KEY, balance bigint NOT NULL);"
      "CREATE TABLE txlog(id bigint PRIMARY KEY);";
  std::string values;
  for (const auto& [name, s] : bank.accounts()) {
    if (s != shard) continue;
    values += (values.empty() ? "" : ",") + std::string("(") + PgLiteral(name) + "," +
              std::to_string(bank.spec().initial_balance) + ")";
  }
  if (!values.empty()) sql += "INSERT INTO accounts VALUES " + values + ";";
  return conn.Exec(sql);
}

std::string TransferGid(uint64_t trial, const Transfer& t) {
  return "shardlab-" + std::to_string(trial) + "-" + std::to_string(t.id);
}

Status RunTwoPhaseTransfer(CoordinatorLog& log, const std::vector<PgConnection*>& participants, const Transfer& t,
                           const std::string& gid, const std::function<bool(int step)>& at_step) {
  if (t.from_shard >= participants.size() || t.to_shard >= participants.size()) {
    return Status::Runtime("transfer " + std::to_string(t.id) + " names a shard without a participant");
  }
  std::vector<std::pair<PgConnection*, Part>> parts;
  for (uint32_t s : TwoPhaseOrder(t, static_cast<uint32_t>(participants.size()))) {
    parts.push_back({participants[s], s == t.from_shard ? Part::kDebit : s == t.to_shard ? Part::kCredit : Part::kRecord});
  }
  SHARDLAB_RETURN_IF_ERROR(log.Begin(gid));
  int step = 0;
  if (!at_step(step++)) return Status::Ok();
  size_t prepared_parts = 0;
  for (const auto& [conn, part] : parts) {
    const Status prepared = conn->Exec("BEGIN;" + PartSql(t, part) + "PREPARE TRANSACTION " + PgLiteral(gid));
    if (!prepared.ok()) {
      // Abort: logged first, then the parts already prepared are rolled back at once, as a
      // live coordinator does; one it cannot reach is left to the resolver.
      (void)conn->Exec("ROLLBACK");
      SHARDLAB_RETURN_IF_ERROR(log.Decide(gid, false));
      bool all_rolled_back = true;
      for (size_t p = 0; p < prepared_parts; ++p) {
        all_rolled_back = parts[p].first->Exec("ROLLBACK PREPARED " + PgLiteral(gid)).ok() && all_rolled_back;
      }
      if (all_rolled_back) SHARDLAB_RETURN_IF_ERROR(log.Done(gid));
      return Status::Runtime("prepare of " + gid + ": " + prepared.message());
    }
    ++prepared_parts;
    if (!at_step(step++)) return Status::Ok();
  }
  SHARDLAB_RETURN_IF_ERROR(log.Decide(gid, true));  // the commit point
  if (!at_step(step++)) return Status::Ok();
  // Every participant is sent its COMMIT PREPARED even when an earlier one failed (a
  // crashed server): the decision is final, and what failed is left to the resolver.
  std::string failed;
  for (const auto& part : parts) {
    if (Status committed = part.first->Exec("COMMIT PREPARED " + PgLiteral(gid)); !committed.ok() && failed.empty()) {
      failed = committed.message();
    }
    if (!at_step(step++)) return Status::Ok();
  }
  if (!failed.empty()) return Status::Runtime("commit of " + gid + ": " + failed);
  return log.Done(gid);
}

StatusOr<CoordinatorOutcome> RunCoordinatorChild(const std::string& log_path, const std::vector<std::string>& conninfos,
                                                 const Transfer& t, const std::string& gid, int step,
                                                 const std::function<Status()>& pause) {
  const bool stop_for_parent = static_cast<bool>(pause);
  SHARDLAB_ASSIGN_OR_RETURN(ChildPipe child, ForkWithPipe([&](int fd) {
    // The child: report a failure as text on the pipe, exit 0 when the protocol finished.
    // Ctrl-C and SIGTERM reach the whole process group: the parent handles them, the
    // coordinator finishes its step first.
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
    auto fail = [fd](const std::string& why) {
      WriteAll(fd, why);
      ::_exit(1);
    };
    std::vector<PgConnection> conns;
    for (const std::string& info : conninfos) {
      auto conn = PgConnection::Connect(info);
      if (!conn.ok()) fail(conn.status().message());
      conns.push_back(std::move(conn).value());
    }
    std::vector<PgConnection*> participants;
    for (PgConnection& c : conns) participants.push_back(&c);
    auto log = CoordinatorLog::Open(log_path);
    if (!log.ok()) fail(log.status().message());
    const Status ran = RunTwoPhaseTransfer(*log, participants, t, gid, [step, stop_for_parent](int at) {
      if (at == step) ::raise(stop_for_parent ? SIGSTOP : SIGKILL);
      return true;
    });
    if (!ran.ok()) fail(ran.message());
    ::_exit(0);
  }));
  if (stop_for_parent) {
    // Wait for the child to stop at the step (or to end before it), then crash what the
    // caller crashes while the coordinator is frozen, and let it go on.
    int status = 0;
    pid_t got;
    while ((got = ::waitpid(child.pid, &status, WUNTRACED)) < 0 && errno == EINTR) {
    }
    if (got == child.pid && WIFSTOPPED(status)) {
      const Status paused = pause();
      ::kill(child.pid, SIGCONT);
      if (!paused.ok()) {
        ::kill(child.pid, SIGKILL);
        ::close(child.read_fd);
        WaitForChild(child.pid);
        return paused;
      }
    }
  }
  bool timed_out = false;
  const std::string why = ReadUntilEof(child.read_fd, 60, &timed_out);
  ::close(child.read_fd);
  if (timed_out) ::kill(child.pid, SIGKILL);
  const int status = WaitForChild(child.pid);
  CoordinatorOutcome out;
  if (timed_out) return Status::Runtime("the coordinator of " + gid + " did not end within 60 s");
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    out.killed = true;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    out.finished = true;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
    out.failure = why;
  } else {
    return Status::Runtime("the coordinator of " + gid + " ended with status " + std::to_string(status) +
                           (why.empty() ? "" : ": " + why));
  }
  return out;
}

std::string TwoPhaseWriterSql(const Transfer& t, uint32_t shard) {
  if (shard == t.from_shard || shard == t.to_shard) {
    return "UPDATE accounts SET balance = balance WHERE name = " + PgLiteral(shard == t.from_shard ? t.from : t.to);
  }
  // The part holds only its txlog row: an insert of the same id waits on it, then is undone.
  return "BEGIN; INSERT INTO txlog(id) VALUES (" + std::to_string(t.id) + ") ON CONFLICT DO NOTHING; ROLLBACK";
}

StatusOr<BlockedWriter> MeasureBlockedWriter(PgConnection& writer, const std::string& sql, double down_ms,
                                             const std::function<Status()>& resolve, double timeout_ms) {
  using Clock = std::chrono::steady_clock;
  SHARDLAB_RETURN_IF_ERROR(writer.Exec("SET lock_timeout = " + std::to_string(static_cast<int64_t>(timeout_ms))));
  Status written;
  Clock::time_point start, end;
  std::thread client([&] {
    start = Clock::now();
    written = writer.Exec(sql);
    if (!written.ok()) (void)writer.Exec("ROLLBACK");
    end = Clock::now();
  });
  std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(down_ms));
  const Clock::time_point resolving = Clock::now();
  const Status resolved = resolve();
  client.join();
  SHARDLAB_RETURN_IF_ERROR(resolved);
  if (!written.ok()) return Status::Runtime("the concurrent writer (" + sql + "): " + written.message());
  return BlockedWriter{std::chrono::duration<double, std::milli>(end - start).count(), end >= resolving};
}

StatusOr<std::vector<std::string>> PreparedGids(PgConnection& conn) {
  SHARDLAB_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT gid FROM pg_prepared_xacts WHERE gid LIKE 'shardlab-%' "
                                                  "ORDER BY gid"));
  std::vector<std::string> gids;
  for (const auto& row : rows) gids.push_back(row.at(0));
  return gids;
}

StatusOr<TwoPhaseResolution> ResolveTwoPhase(CoordinatorLog& log, const std::vector<PgConnection*>& participants) {
  TwoPhaseResolution r;
  for (PgConnection* conn : participants) {
    SHARDLAB_ASSIGN_OR_RETURN(std::vector<std::string> gids, PreparedGids(*conn));
    for (const std::string& gid : gids) {
      SHARDLAB_ASSIGN_OR_RETURN(std::optional<LoggedTxn> logged, log.Find(gid));
      if (ResolvePrepared(logged) == ResolveAction::kCommitPrepared) {
        SHARDLAB_RETURN_IF_ERROR(conn->Exec("COMMIT PREPARED " + PgLiteral(gid)));
        ++r.committed;
      } else {
        SHARDLAB_RETURN_IF_ERROR(conn->Exec("ROLLBACK PREPARED " + PgLiteral(gid)));
        ++r.rolled_back;
      }
    }
  }
  // Nothing is prepared any more: every unfinished entry is finished (an undecided one
  // was rolled back everywhere, so it is decided abort).
  SHARDLAB_ASSIGN_OR_RETURN(std::vector<LoggedTxn> open, log.Unfinished());
  for (const LoggedTxn& txn : open) {
    if (txn.decision == TxnDecision::kNone) SHARDLAB_RETURN_IF_ERROR(log.Decide(txn.gid, false));
    SHARDLAB_RETURN_IF_ERROR(log.Done(txn.gid));
    ++r.finished;
  }
  return r;
}

}  // namespace shardlab
