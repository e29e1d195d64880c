#include "faults/two_phase.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/test_temp_dir.h"
#include "core/workspace.h"
#include "postgres/pg_server.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace two_phase_test {
namespace {

// `n` PostgreSQL servers that accept prepared transactions, in <tmp>/participant<s>.
StatusOr<std::vector<std::unique_ptr<PgServer>>> StartParticipants(const TempDir& tmp, Workspace& workspace, int n,
                                                                    const std::string& max_connections) {
  const PgBinaries bin = FindPgBinaries();
  SHARDLAB_ASSIGN_OR_RETURN(PgUser user, PgServerUser());
  std::vector<std::unique_ptr<PgServer>> servers;
  for (int s = 0; s < n; ++s) {
    const std::string parent = tmp.path() + "/participant" + std::to_string(s);
    if (::mkdir(parent.c_str(), 0755) != 0) return Status::Runtime("mkdir " + parent);
    SHARDLAB_ASSIGN_OR_RETURN(std::string dir, MakePgServerDir(workspace, parent, user));
    PgServerOptions o;
    o.bindir = bin.bindir;
    o.dir = dir;
    o.user = user;
    o.settings = {{"max_connections", max_connections}, {"max_prepared_transactions", "4"}};
    SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<PgServer> server, PgServer::Start(o));
    servers.push_back(std::move(server));
  }
  return servers;
}

TEST(TwoPhaseTest, StepNames) {
  EXPECT_EQ(TwoPhaseStepCount(2), 6);
  std::vector<std::string> names;
  for (int s = 0; s < TwoPhaseStepCount(2); ++s) names.push_back(TwoPhaseStepName(s, 2));
  EXPECT_EQ(names, (std::vector<std::string>{"before any prepare", "after 1 of 2 prepares",
                                             "after all 2 prepares, before the decision", "after the decision",
                                             "after 1 of 2 commits", "after all 2 commits"}));
  EXPECT_FALSE(TwoPhaseCommittedAt(2, 2));
  EXPECT_TRUE(TwoPhaseCommittedAt(3, 2));
  EXPECT_EQ(TwoPhaseStepCount(3), 8);
  EXPECT_EQ(TwoPhaseStepName(2, 3), "after 2 of 3 prepares");
  EXPECT_EQ(TwoPhaseStepName(6, 3), "after 2 of 3 commits");
  Transfer t;
  t.from_shard = 2;
  t.to_shard = 0;
  EXPECT_EQ(TwoPhaseOrder(t, 4), (std::vector<uint32_t>{2, 0, 1, 3}));
  EXPECT_EQ(TwoPhaseOrder(t, 3), (std::vector<uint32_t>{2, 0, 1}));
  t.id = 7;
  t.from = "a'b";
  EXPECT_EQ(TwoPhaseWriterSql(t, 2), "UPDATE accounts SET balance = balance WHERE name = 'a''b'");
  EXPECT_NE(TwoPhaseWriterSql(t, 1).find("INSERT INTO txlog(id) VALUES (7)"), std::string::npos);
  // A participant crash: committed once the crashed participant had prepared.
  EXPECT_FALSE(TwoPhaseCommittedAt(0, 2, 0));
  EXPECT_TRUE(TwoPhaseCommittedAt(1, 2, 0));
  EXPECT_FALSE(TwoPhaseCommittedAt(1, 2, 1));
  EXPECT_TRUE(TwoPhaseCommittedAt(2, 2, 1));
}

// Two real PostgreSQL servers; the coordinator stopped at every step point in turn, then
// the resolver: a transfer is applied on both servers or on neither, as the log decided,
// and nothing stays prepared.
TEST(TwoPhaseTest, EveryStopResolvesToOneSide) {
  const PgBinaries bin = FindPgBinaries();
  if (!bin.found()) GTEST_SKIP() << bin.reason;
  if (!PgClientAvailable()) GTEST_SKIP() << "built without libpq";
  TempDir tmp;
  Workspace workspace;
  BankSpec spec;
  spec.shards = 2;
  spec.accounts = 8;
  spec.files = {"p0", "p1"};
  spec.transfers = 1;
  auto bank = Bank::Make(spec);
  ASSERT_TRUE(bank.ok()) << bank.status().message();
  const Transfer& t = bank->transfers().at(0);

  auto started = StartParticipants(tmp, workspace, 2, "5");
  ASSERT_TRUE(started.ok()) << started.status().message();
  std::vector<std::unique_ptr<PgServer>> servers = std::move(started).value();
  std::vector<PgConnection> conns;
  for (uint32_t s = 0; s < 2; ++s) {
    auto conn = PgConnection::Connect(servers[s]->ConnInfo());
    ASSERT_TRUE(conn.ok()) << conn.status().message();
    ASSERT_TRUE(conn->Exec("SET client_min_messages = warning").ok());
    conns.push_back(std::move(conn).value());
  }
  auto log = CoordinatorLog::Open(tmp.path() + "/coordinator.db");
  ASSERT_TRUE(log.ok());
  std::vector<PgConnection*> participants = {&conns[0], &conns[1]};

  for (int stop = 0; stop < TwoPhaseStepCount(2); ++stop) {
    for (uint32_t s = 0; s < 2; ++s) {
      ASSERT_TRUE(conns[s].Exec("DROP TABLE IF EXISTS accounts; DROP TABLE IF EXISTS txlog").ok());
      ASSERT_TRUE(CreateParticipantTables(conns[s], *bank, s).ok());
    }
    const std::string gid = TransferGid(static_cast<uint64_t>(stop), t);
    if (stop % 2 == 0) {
      // In process, stopped at the step.
      const Status ran = RunTwoPhaseTransfer(*log, participants, t, gid, [&](int step) { return step != stop; });
      ASSERT_TRUE(ran.ok()) << ran.message();
    } else {
      // A real coordinator process, SIGKILLed at the step.
      auto outcome = RunCoordinatorChild(tmp.path() + "/coordinator.db",
                                         {servers[0]->ConnInfo(), servers[1]->ConnInfo()}, t, gid, stop);
      ASSERT_TRUE(outcome.ok()) << outcome.status().message();
      EXPECT_TRUE(outcome->killed);
    }
    // Held while the coordinator is "dead": prepared but not yet committed parts.
    size_t held = 0;
    for (PgConnection* c : participants) held += PreparedGids(*c)->size();
    const size_t expected_held = stop == 0 ? 0 : stop <= 3 ? static_cast<size_t>(std::min(stop, 2)) : 2 - (stop - 3);
    EXPECT_EQ(held, expected_held) << TwoPhaseStepName(stop, 2);

    // A writer on the debited account is blocked until the restarted coordinator runs
    // (half a second after the kill) exactly when a prepared part holds its row.
    StatusOr<TwoPhaseResolution> resolved = Status::Runtime("not run");
    auto writer = PgConnection::Connect(servers[t.from_shard]->ConnInfo());
    ASSERT_TRUE(writer.ok());
    auto from_held = PreparedGids(conns[t.from_shard]);
    ASSERT_TRUE(from_held.ok());
    auto w = MeasureBlockedWriter(*writer, TwoPhaseWriterSql(t, t.from_shard), 500, [&] {
      resolved = ResolveTwoPhase(*log, participants);
      return resolved.ok() ? Status::Ok() : resolved.status();
    });
    ASSERT_TRUE(w.ok()) << w.status().message();
    EXPECT_EQ(w->blocked, !from_held->empty()) << TwoPhaseStepName(stop, 2) << ": waited " << w->waited_ms << " ms";
    ASSERT_TRUE(resolved.ok()) << resolved.status().message();
    const bool committed = TwoPhaseCommittedAt(stop, 2);
    EXPECT_EQ(resolved->committed, committed ? static_cast<int>(held) : 0) << TwoPhaseStepName(stop, 2);
    EXPECT_EQ(resolved->rolled_back, committed ? 0 : static_cast<int>(held)) << TwoPhaseStepName(stop, 2);
    for (uint32_t s = 0; s < 2; ++s) {
      auto ids = conns[s].Query("SELECT count(*) FROM txlog");
      ASSERT_TRUE(ids.ok());
      EXPECT_EQ(ids->at(0).at(0), committed ? "1" : "0") << TwoPhaseStepName(stop, 2) << ", shard " << s;
      EXPECT_TRUE(PreparedGids(conns[s])->empty());
    }
    // Idempotent: nothing is left to do.
    auto again = ResolveTwoPhase(*log, participants);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->committed + again->rolled_back + again->finished, 0);
    auto logged = log->Find(gid);
    ASSERT_TRUE(logged.ok() && logged->has_value());
    EXPECT_TRUE((*logged)->done);
    EXPECT_EQ((*logged)->decision, committed ? TxnDecision::kCommit : TxnDecision::kAbort);
  }
  conns.clear();
  for (auto& s : servers) EXPECT_TRUE(s->Stop().ok());
}

// One participant (the credit side) SIGKILLed and restarted while the coordinator is
// frozen at each step point; the coordinator goes on, then the resolver: one side only,
// committed exactly when every participant had prepared, and nothing left prepared.
TEST(TwoPhaseTest, ParticipantCrashAtEveryStep) {
  const PgBinaries bin = FindPgBinaries();
  if (!bin.found()) GTEST_SKIP() << bin.reason;
  if (!PgClientAvailable()) GTEST_SKIP() << "built without libpq";
  TempDir tmp;
  Workspace workspace;
  BankSpec spec;
  spec.shards = 2;
  spec.accounts = 8;
  spec.files = {"p0", "p1"};
  auto bank = Bank::Make(spec);
  ASSERT_TRUE(bank.ok()) << bank.status().message();
  const Transfer& t = bank->transfers().at(0);
  auto started = StartParticipants(tmp, workspace, 2, "6");
  ASSERT_TRUE(started.ok()) << started.status().message();
  std::vector<std::unique_ptr<PgServer>> servers = std::move(started).value();
  auto log = CoordinatorLog::Open(tmp.path() + "/coordinator.db");
  ASSERT_TRUE(log.ok());
  PgServer& victim = *servers[t.to_shard];
  for (int stop = 0; stop < TwoPhaseStepCount(2); ++stop) {
    {
      for (uint32_t s = 0; s < 2; ++s) {
        auto c = PgConnection::Connect(servers[s]->ConnInfo());
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(c->Exec("SET client_min_messages = warning; DROP TABLE IF EXISTS accounts; "
                            "DROP TABLE IF EXISTS txlog").ok());
        ASSERT_TRUE(CreateParticipantTables(*c, *bank, s).ok());
      }
    }
    const std::string gid = TransferGid(100 + static_cast<uint64_t>(stop), t);
    auto outcome = RunCoordinatorChild(tmp.path() + "/coordinator.db",
                                       {servers[0]->ConnInfo(), servers[1]->ConnInfo()}, t, gid, stop, [&] {
                                         SHARDLAB_RETURN_IF_ERROR(victim.Kill());
                                         return victim.Restart();
                                       });
    ASSERT_TRUE(outcome.ok()) << outcome.status().message();
    EXPECT_FALSE(outcome->killed);
    // It reached a crashed participant unless it had nothing left to send it.
    EXPECT_EQ(outcome->finished, stop == TwoPhaseStepCount(2) - 1) << TwoPhaseStepName(stop, 2) << ": "
                                                                    << outcome->failure;
    std::vector<PgConnection> conns;
    for (auto& server : servers) conns.push_back(std::move(PgConnection::Connect(server->ConnInfo())).value());
    std::vector<PgConnection*> participants = {&conns[0], &conns[1]};
    auto resolved = ResolveTwoPhase(*log, participants);
    ASSERT_TRUE(resolved.ok()) << resolved.status().message();
    const bool committed = TwoPhaseCommittedAt(stop, 2, /*crashed_participant=*/1);
    for (uint32_t s = 0; s < 2; ++s) {
      auto ids = conns[s].Query("SELECT count(*) FROM txlog");
      ASSERT_TRUE(ids.ok());
      EXPECT_EQ(ids->at(0).at(0), committed ? "1" : "0") << TwoPhaseStepName(stop, 2) << ", shard " << s;
      EXPECT_TRUE(PreparedGids(conns[s])->empty());
    }
  }
  EXPECT_EQ(victim.kills(), TwoPhaseStepCount(2));
  for (auto& s : servers) EXPECT_TRUE(s->Stop().ok());
}

}  // namespace
}  // namespace two_phase_test
}  // namespace shardlab
