#include "kinds/crash/crash_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "faults/fail_points.h"
#include "kinds/crash/crash_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"
#include "sqlite/sqlite_facts.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace crash_spec_test {
namespace {

// The `crash` block (kind = crash) through the loader: the default account set and
// defaults in the resolved copy, bad values with their JSON path, the cross-field checks
// of CheckCrashSpec, the metric roots, and --quick.

constexpr char kOrigin[] = "mem/unit.json";

Json Base() { return Json::parse(R"({"name": "c", "kind": "crash", "shards": {"count": 2}})"); }

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&CrashKind()});
}

// The problem lines of `j`, which must be rejected with kInvalidInput.
std::vector<std::string> ProblemLines(const Json& j, const LoadOptions& options = {}) {
  return RejectedLines(Load(j, options), j);
}

// The expected lines: each "PATH: MESSAGE" after the origin.
std::vector<std::string> Lines(std::initializer_list<std::string> lines) { return WithOrigin(kOrigin, lines); }

// An `expect` array of one check on `metric`.
Json ExpectOn(const std::string& metric) {
  return Json::array({Json{{"metric", metric}, {"op", "ge"}, {"value", 0}}});
}

// --- Defaults ----------------------------------------------------------------------

TEST(CrashSpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const CrashSpec& c = s->Spec<CrashSpec>();
  EXPECT_EQ(c.strategies, (std::vector<std::string>{"naive", "attach"}));
  EXPECT_EQ(c.journal_modes, (std::vector<std::string>{"delete", "wal"}));
  EXPECT_EQ(c.synchronous, std::vector<std::string>{"full"});
  EXPECT_EQ(c.faults, std::vector<std::string>{"process_crash"});
  EXPECT_EQ(c.campaign, "enumerate");
  EXPECT_EQ(c.engine, "replay");
  EXPECT_EQ(c.max_states_per_point, 64);
  EXPECT_EQ(c.crosscheck, 0);
  EXPECT_EQ(c.transfers, 2);  // so that one transfer is acknowledged before the other's crash points
  EXPECT_EQ(c.initial_balance, 1000);
  EXPECT_EQ(c.trials, 100);
  EXPECT_TRUE(c.fail_points.empty());
  EXPECT_EQ(c.error, "EIO");
  EXPECT_EQ(c.max_k, 1000);
  EXPECT_FALSE(c.relocate);
  EXPECT_DOUBLE_EQ(c.timeout_s, 10);
  EXPECT_EQ(c.workers, 0);
  EXPECT_EQ(s->resolved["crash"], Json::parse(R"({
    "strategies": ["naive", "attach"], "journal_modes": ["delete", "wal"], "synchronous": ["full"],
    "faults": ["process_crash"], "campaign": "enumerate", "engine": "replay", "max_states_per_point": 64,
    "crosscheck": 0, "recovery_crashes": false, "transfers": 2, "initial_balance": 1000, "trials": 100,
    "fail_points": [], "error": "EIO", "max_k": 1000, "relocate": false, "timeout_s": 10.0, "workers": 0,
    "coordinator_down_ms": 50.0, "participants": []})"));
  // Without `keys`, a crash scenario has 64 accounts.
  EXPECT_EQ(s->keys.count, 64u);
  EXPECT_EQ(s->keys.format, "acct:{i}");
  EXPECT_EQ(s->resolved["keys"]["count"], Json(64));
  EXPECT_EQ(s->resolved["keys"]["format"], Json("acct:{i}"));

  // Given keys are kept as written.
  Json j = Base();
  j["keys"] = {{"count", 10}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->keys.count, 10u);
  EXPECT_EQ(s->keys.format, "key:{i}");
}

TEST(CrashSpecTest, RandomCampaignDefaultsToFiveTransfers) {
  Json j = Base();
  j["crash"] = {{"campaign", "random"}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().transfers, 5);
  EXPECT_EQ(s->resolved["crash"]["transfers"], Json(5));
  j["crash"]["transfers"] = 2;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().transfers, 2);
}

// --- Bad values, one line each --------------------------------------------------------

TEST(CrashSpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["crash"] = {{"trials", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.trials: found 0 (an integer); expected an integer from 1 to 10000000"}));
  j["crash"] = {{"timeout_s", 0}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.timeout_s: found 0 (an integer); expected a number > 0 and <= 3600"}));
  j["crash"] = {{"workers", 257}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.workers: found 257 (an integer); expected an integer from 0 to 256"}));
  j["crash"] = {{"campaign", "all"}};
  EXPECT_EQ(ProblemLines(j),
            Lines({"crash.campaign: found \"all\" (a string); expected one of enumerate, random, errors"}));
  j["crash"] = {{"error", "EPERM"}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.error: found \"EPERM\" (a string); expected one of EIO, ENOSPC"}));
  j["crash"] = {{"relocate", "yes"}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.relocate: found \"yes\" (a string); expected true or false"}));
}

TEST(CrashSpecTest, EngineGoesWithWhatItCanRun) {
  Json j = Base();
  j["crash"] = {{"engine", "fork"}, {"faults", {"power_loss_reorder"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.faults: found \"power_loss_reorder\" with engine \"fork\"; reordered writes "
                                    "are generated from a recorded trace: use engine \"replay\""}));
  j["crash"] = {{"engine", "fork"}, {"crosscheck", 5}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.crosscheck: found 5 with engine \"fork\"; crosscheck compares the replay "
                                    "engine with fork trials"}));
  j["crash"] = {{"engine", "replay"}, {"campaign", "errors"}, {"faults", {"io_error"}}, {"fail_points", {"vfs/sync/db"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.engine: found \"replay\"; the errors campaign needs the fork engine: "
                                    "SQLite's reaction to an I/O error needs the live writer"}));
  // The errors campaign defaults to the fork engine, the others to replay.
  j["crash"] = {{"campaign", "errors"}, {"faults", {"io_error"}}, {"fail_points", {"vfs/sync/db"}}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().engine, "fork");
}

TEST(CrashSpecTest, ListsTakeKnownValuesOnceEach) {
  Json j = Base();
  j["crash"] = {{"strategies", {"naive", "bogus", "naive"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.strategies: found \"bogus\"; expected values from naive, attach, saga, 2pc",
                                    "crash.strategies: found \"naive\" twice; each value once"}));
  j["crash"] = {{"strategies", Json::array()}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.strategies: found an empty array; expected at least one of naive, attach, saga, 2pc"}));
  j["crash"] = {{"journal_modes", {"WAL"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.journal_modes: found \"WAL\"; expected values from delete, truncate, "
                                    "persist, wal, memory, off"}));
  j["crash"] = {{"synchronous", {"fast"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.synchronous: found \"fast\"; expected values from off, normal, full, extra"}));
  j["crash"] = {{"faults", {"meteor"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.faults: found \"meteor\"; expected values from process_crash, power_loss, "
                                    "power_loss_reorder, power_loss_torn, io_error, coordinator_crash, participant_crash"}));
  j["crash"] = {{"faults", "power_loss"}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.faults: found \"power_loss\" (a string); expected an array of strings"}));

  std::string known;
  for (const std::string& n : KnownFailPoints()) known += (known.empty() ? "" : ", ") + n;
  j["crash"] = {{"campaign", "errors"}, {"faults", {"io_error"}}, {"fail_points", {"vfs/nope"}}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.fail_points: found \"vfs/nope\"; expected a known fail point: " + known}));
}

TEST(CrashSpecTest, UnknownKeyInTheBlockIsRefused) {
  Json j = Base();
  j["crash"] = {{"trails", 5}};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.trails: unknown key; allowed keys here: strategies, journal_modes, "
                                    "synchronous, faults, campaign, engine, max_states_per_point, crosscheck, recovery_crashes, transfers, "
                                    "initial_balance, trials, fail_points, "
                                    "error, max_k, relocate, timeout_s, workers, coordinator_down_ms, participants"}));
}

// --- CheckCrashSpec --------------------------------------------------------------------

TEST(CrashSpecTest, ErrorsCampaignGoesWithIoErrorAlone) {
  const std::string campaign = "; the errors campaign goes with faults [\"io_error\"] alone, and io_error only "
                               "with the errors campaign";
  Json j = Base();
  j["crash"] = {{"campaign", "errors"}, {"fail_points", {"posix/io/sync/fsync"}}};  // faults: process_crash
  EXPECT_EQ(ProblemLines(j), Lines({"crash.campaign: found \"errors\" with faults as given" + campaign}));
  j["crash"]["faults"] = {"io_error", "process_crash"};
  EXPECT_EQ(ProblemLines(j), Lines({"crash.campaign: found \"errors\" with faults as given" + campaign}));
  j["crash"]["faults"] = {"io_error"};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().fail_points, std::vector<std::string>{"posix/io/sync/fsync"});

  j["crash"]["campaign"] = "enumerate";
  EXPECT_EQ(ProblemLines(j), Lines({"crash.campaign: found \"enumerate\" with faults as given" + campaign}));
  j["crash"]["campaign"] = "errors";
  j["crash"].erase("fail_points");
  EXPECT_EQ(ProblemLines(j), Lines({"crash.fail_points: missing; the errors campaign needs at least one fail point"}));
}

TEST(CrashSpecTest, ShardsMustSuitTransfersAndAttach) {
  Json j = Base();
  j["shards"]["count"] = 1;
  EXPECT_EQ(ProblemLines(j), Lines({"shards.count: found 1; transfers need at least 2 shards"}));

  const int limit = LinkedAttachLimit();
  j["shards"]["count"] = limit + 2;
  EXPECT_EQ(ProblemLines(j), Lines({"shards.count: found " + std::to_string(limit + 2) +
                                    "; the attach strategy opens shard 0 and ATTACHes the rest, and the linked "
                                    "SQLite allows " + std::to_string(limit) +
                                    " attached databases (SQLITE_LIMIT_ATTACHED), so at most " +
                                    std::to_string(limit + 1) + " shards"}));
  j["shards"]["count"] = limit + 1;
  EXPECT_TRUE(Load(j).ok());
  j["shards"]["count"] = limit + 2;
  j["crash"] = {{"strategies", {"naive", "saga"}}};  // no attach: no limit
  EXPECT_TRUE(Load(j).ok());

  // One trial directory: no layout, no roots; each refused by its own field.
  j = Base();
  j["shards"]["layout"] = "digits";
  EXPECT_EQ(ProblemLines(j), Lines({"shards.layout: found \"digits\"; the crash kind supports only \"flat\": every "
                                    "trial keeps all shards in one directory, the one directory its crash models "
                                    "simulate"}));
  j = Base();
  j["shards"]["roots"] = {"a", "/b"};
  EXPECT_EQ(ProblemLines(j), Lines({"shards.roots: found [\"a\", \"/b\"]; the crash kind supports only [\".\"]: "
                                    "every trial keeps all shards in one fresh directory under the data directory"}));
  j["shards"]["roots"] = {"."};
  j["shards"]["layout"] = "flat";
  EXPECT_TRUE(Load(j).ok());
}

// --- Metrics and --quick ------------------------------------------------------------------

TEST(CrashSpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"cells", "matrix", "trials", "trials_per_s", "model.ok", "accounts", "cells[0].ok"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("load.rows");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"load.rows\"; a crash result has no metric \"load\" "
                                    "(metrics: accounts, cells, engine, matrix, model, states_distinct, states_on, states_per_s, trials, trials_per_s)"}));
}

// The matrix below `matrix` has the scenario's own strategies, modes and faults.
TEST(CrashSpecTest, MatrixPathsAreCheckedAgainstTheSpec) {
  Json j = Base();
  j["crash"] = {{"strategies", {"naive", "attach"}}, {"journal_modes", {"delete", "wal"}},
                {"faults", {"process_crash"}}};
  j["expect"] = ExpectOn("matrix.attach.wal.full.process_crash.mixed");
  EXPECT_TRUE(Load(j).ok());
  j["expect"] = ExpectOn("matrix.attach.wal.full.power_loss.mixed");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"matrix.attach.wal.full.power_loss.mixed\"; no "
                                    "\"power_loss\" under matrix.attach.wal.full (names there: process_crash)"}));
  j["expect"] = ExpectOn("matrix.atach.wal.full.process_crash.mixed");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"matrix.atach.wal.full.process_crash.mixed\"; no "
                                    "\"atach\" under matrix (did you mean \"attach\"? names there: naive, attach)"}));
}

// 2pc cells sit at matrix.2pc.postgres.<N>_servers.<fault>, with only the 2pc faults; the
// SQLite strategies keep theirs.
TEST(CrashSpecTest, TwoPhaseMatrixPaths) {
  Json j = Base();
  j["crash"] = {{"strategies", {"saga", "2pc"}}, {"journal_modes", {"delete"}},
                {"faults", {"process_crash", "coordinator_crash"}}, {"participants", {2, 3}}, {"trials", 12}};
  j["expect"] = ExpectOn("matrix.2pc.postgres.3_servers.coordinator_crash.blocked");
  EXPECT_TRUE(Load(j).ok());
  j["expect"] = ExpectOn("matrix.saga.delete.full.process_crash.intermediate");
  EXPECT_TRUE(Load(j).ok());
  j["expect"] = ExpectOn("matrix.2pc.postgres.4_servers.coordinator_crash.blocked");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"matrix.2pc.postgres.4_servers.coordinator_crash.blocked\"; "
                                    "no \"4_servers\" under matrix.2pc.postgres (names there: 2_servers, 3_servers)"}));
  j["expect"] = ExpectOn("matrix.saga.delete.full.coordinator_crash.mixed");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"matrix.saga.delete.full.coordinator_crash.mixed\"; no "
                                    "\"coordinator_crash\" under matrix.saga.delete.full (names there: process_crash)"}));
  // Without crash.participants: one cell count, shards.count.
  j["crash"].erase("participants");
  j["expect"] = ExpectOn("matrix.2pc.postgres.2_servers.coordinator_crash.blocked");
  EXPECT_TRUE(Load(j).ok());
}

TEST(CrashSpecTest, QuickModeKeepsARoundOfTwoPhaseSteps) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["crash"] = {{"strategies", {"2pc"}}, {"faults", {"coordinator_crash"}}, {"participants", {4}}, {"trials", 500}};
  j["shards"] = {{"count", 4}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().trials, 20);  // >= 10 step points of 4 servers
  j["crash"]["trials"] = 12;
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().trials, 12);
}

TEST(CrashSpecTest, QuickModeCapsTrialsPerCell) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["crash"] = {{"campaign", "random"}, {"trials", 500}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().trials, 20);
  EXPECT_EQ(s->resolved["crash"]["trials"], Json(20));
  EXPECT_EQ(s->Spec<CrashSpec>().transfers, 5);  // the rest is unchanged
  EXPECT_EQ(s->keys.count, 64u);

  j["crash"]["trials"] = 5;  // small values are kept
  s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().trials, 5);
  EXPECT_EQ(s->resolved["crash"]["trials"], Json(5));

  j["crash"]["trials"] = 500;  // without --quick nothing is capped
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().trials, 500);
  EXPECT_EQ(s->resolved["crash"]["trials"], Json(500));
}

TEST(CrashSpecTest, QuickModeBoundsReplayedStatesAndCrosschecks) {
  LoadOptions quick;
  quick.quick = true;
  Json j = Base();
  j["crash"] = {{"faults", {"power_loss_reorder"}}, {"max_states_per_point", 100}, {"crosscheck", 10}};
  auto s = Load(j, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().max_states_per_point, 8);
  EXPECT_EQ(s->Spec<CrashSpec>().crosscheck, 2);
  EXPECT_EQ(s->resolved["crash"]["max_states_per_point"], Json(8));
  EXPECT_EQ(s->resolved["crash"]["crosscheck"], Json(2));
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<CrashSpec>().max_states_per_point, 100);
  EXPECT_EQ(s->Spec<CrashSpec>().crosscheck, 10);
}

}  // namespace
}  // namespace crash_spec_test
}  // namespace shardlab
