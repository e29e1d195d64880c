#include "faults/checker.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "faults/bank.h"
#include "faults/trial.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace checker_test {
namespace {

class CheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BankSpec spec;
    spec.shards = 2;
    spec.files = {"shard_0000.db", "shard_0001.db"};  // as the crash kind names 2 shards
    spec.accounts = 16;
    spec.keys.count = 16;
    spec.keys.format = "acct:{i}";
    spec.transfers = 2;
    StatusOr<Bank> bank = Bank::Make(spec);
    ASSERT_TRUE(bank.ok()) << bank.status().message();
    bank_.emplace(std::move(*bank));
    ASSERT_EQ(bank_->transfers().size(), 2u);
    for (const Transfer& t : bank_->transfers()) {
      ASSERT_NE(t.from_shard, t.to_shard);
      ASSERT_GT(t.amount, 0);
    }
  }

  const Bank& bank() const { return *bank_; }
  const Transfer& transfer(int64_t id) const { return bank_->transfers()[static_cast<size_t>(id - 1)]; }

  // Every shard opened, integrity ok, every account at the initial balance, no log.
  std::vector<ShardReading> Untouched() const {
    std::vector<ShardReading> state(bank_->spec().shards);
    for (ShardReading& r : state) {
      r.opened = true;
      r.integrity = "ok";
    }
    for (const auto& [name, shard] : bank_->accounts()) state[shard].balances[name] = bank_->spec().initial_balance;
    return state;
  }

  // One side of transfer `id`: the balance change and its log row, as the runner writes it.
  void ApplySource(std::vector<ShardReading>& state, int64_t id, const char* kind = "apply") const {
    const Transfer& t = transfer(id);
    const int64_t delta = std::string(kind) == "apply" ? -t.amount : t.amount;
    state[t.from_shard].balances[t.from] += delta;
    state[t.from_shard].txlog.push_back({id, t.from, delta, kind});
  }
  void ApplyDestination(std::vector<ShardReading>& state, int64_t id) const {
    const Transfer& t = transfer(id);
    state[t.to_shard].balances[t.to] += t.amount;
    state[t.to_shard].txlog.push_back({id, t.to, t.amount, "apply"});
  }
  void ApplyBoth(std::vector<ShardReading>& state, int64_t id) const {
    ApplySource(state, id);
    ApplyDestination(state, id);
  }

  static TransferRecord Begun() { return TransferRecord{true, false, 0}; }
  static TransferRecord Acked() { return TransferRecord{true, true, 0}; }
  static TransferRecord Failed(int rc) { return TransferRecord{true, true, rc}; }

  std::optional<Bank> bank_;
};

TEST_F(CheckerTest, UntouchedIsOld) {
  Verdict v = CheckTrial(bank(), {}, Untouched());
  EXPECT_EQ(v.outcome, "old") << v.detail;
  EXPECT_FALSE(v.after_failed_commit);
  v = CheckTrial(bank(), {Begun()}, Untouched());
  EXPECT_EQ(v.outcome, "old") << v.detail;
  EXPECT_FALSE(v.after_failed_commit);
}

TEST_F(CheckerTest, BothSidesAppliedIsNew) {
  std::vector<ShardReading> state = Untouched();
  ApplyBoth(state, 1);
  Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "new") << v.detail;
  EXPECT_FALSE(v.after_failed_commit);
  v = CheckTrial(bank(), {Acked()}, state);
  EXPECT_EQ(v.outcome, "new") << v.detail;
  EXPECT_FALSE(v.after_failed_commit);
}

TEST_F(CheckerTest, SecondTransferInFlight) {
  std::vector<ShardReading> state = Untouched();
  ApplyBoth(state, 1);
  Verdict v = CheckTrial(bank(), {Acked(), Begun()}, state);
  EXPECT_EQ(v.outcome, "old") << v.detail;
  ApplyBoth(state, 2);
  v = CheckTrial(bank(), {Acked(), Begun()}, state);
  EXPECT_EQ(v.outcome, "new") << v.detail;
}

TEST_F(CheckerTest, SourceSideOnlyIsMixed) {
  std::vector<ShardReading> state = Untouched();
  ApplySource(state, 1);
  const Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
  EXPECT_FALSE(v.detail.empty());
}

TEST_F(CheckerTest, DestinationSideOnlyIsMixed) {
  std::vector<ShardReading> state = Untouched();
  ApplyDestination(state, 1);
  const Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
}

TEST_F(CheckerTest, BalanceChangeWithoutLogIsMixed) {
  std::vector<ShardReading> state = Untouched();
  const Transfer& t = transfer(1);
  state[t.from_shard].balances[t.from] -= t.amount;
  state[t.to_shard].balances[t.to] += t.amount;  // total preserved, logs empty
  const Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
  EXPECT_NE(v.detail.find("log"), std::string::npos) << v.detail;
}

TEST_F(CheckerTest, MissingOrExtraAccountIsMixed) {
  std::vector<ShardReading> state = Untouched();
  state[0].balances.erase(state[0].balances.begin());
  Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
  state = Untouched();
  state[1].balances["acct:nobody"] = 0;  // total unchanged, but no such account
  v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
}

TEST_F(CheckerTest, LogRowForUnplannedTransferIsMixed) {
  std::vector<ShardReading> state = Untouched();
  const Transfer& t = transfer(1);
  state[t.from_shard].balances[t.from] -= 1;
  state[t.from_shard].txlog.push_back({3, t.from, -1, "apply"});
  state[t.to_shard].balances[t.to] += 1;
  state[t.to_shard].txlog.push_back({3, t.to, 1, "apply"});
  const Verdict v = CheckTrial(bank(), {Acked(), Acked()}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
}

TEST_F(CheckerTest, AcknowledgedButAbsentIsLost) {
  Verdict v = CheckTrial(bank(), {Acked()}, Untouched());
  EXPECT_EQ(v.outcome, "lost") << v.detail;
  EXPECT_NE(v.detail.find("transfer 1"), std::string::npos) << v.detail;
  // The second one acknowledged and missing while the first is there.
  std::vector<ShardReading> state = Untouched();
  ApplyBoth(state, 1);
  v = CheckTrial(bank(), {Acked(), Acked()}, state);
  EXPECT_EQ(v.outcome, "lost") << v.detail;
  EXPECT_NE(v.detail.find("transfer 2"), std::string::npos) << v.detail;
}

TEST_F(CheckerTest, BadIntegrityIsCorrupt) {
  std::vector<ShardReading> state = Untouched();
  state[1].integrity = "*** in database main ***\nPage 3: btreeInitPage() returns error code 11";
  Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "corrupt") << v.detail;
  EXPECT_NE(v.detail.find(bank_->ShardFile(1)), std::string::npos) << v.detail;
}

TEST_F(CheckerTest, UnopenedShardIsCorrupt) {
  std::vector<ShardReading> state = Untouched();
  state[0].opened = false;
  state[0].integrity = "cannot open shard_0000.db: file is not a database";
  state[0].balances.clear();
  Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "corrupt") << v.detail;
  EXPECT_NE(v.detail.find(bank_->ShardFile(0)), std::string::npos) << v.detail;
  // Corruption wins over everything else, even a consistent "new" elsewhere.
  state = Untouched();
  ApplyBoth(state, 1);
  state[1].opened = false;
  v = CheckTrial(bank(), {Acked()}, state);
  EXPECT_EQ(v.outcome, "corrupt") << v.detail;
}

TEST_F(CheckerTest, CompensatedSagaIsOld) {
  std::vector<ShardReading> state = Untouched();
  ApplySource(state, 1, "apply");
  ApplySource(state, 1, "compensate");
  const Transfer& t = transfer(1);
  ASSERT_EQ(state[t.from_shard].balances[t.from], bank().spec().initial_balance);
  const Verdict v = CheckTrial(bank(), {Begun()}, state);
  EXPECT_EQ(v.outcome, "old") << v.detail;
}

TEST_F(CheckerTest, AppliedButNeverBegunIsMixed) {
  std::vector<ShardReading> state = Untouched();
  ApplyBoth(state, 1);
  Verdict v = CheckTrial(bank(), {}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
  v = CheckTrial(bank(), {TransferRecord{}}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
  EXPECT_NE(v.detail.find("never begun"), std::string::npos) << v.detail;
  // Transfer 2 applied while only transfer 1 began.
  ApplyBoth(state, 2);
  v = CheckTrial(bank(), {Acked(), TransferRecord{}}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
  EXPECT_NE(v.detail.find("transfer 2"), std::string::npos) << v.detail;
}

TEST_F(CheckerTest, AfterFailedCommitOldAndNewAreBothLegitimate) {
  const TransferRecord failed = Failed(SQLITE_IOERR_FSYNC);
  ASSERT_FALSE(failed.acked());
  Verdict v = CheckTrial(bank(), {failed}, Untouched());
  EXPECT_EQ(v.outcome, "old") << v.detail;
  EXPECT_TRUE(v.after_failed_commit);
  EXPECT_NE(v.detail.find("1034"), std::string::npos) << v.detail;

  std::vector<ShardReading> state = Untouched();
  ApplyBoth(state, 1);
  v = CheckTrial(bank(), {failed}, state);
  EXPECT_EQ(v.outcome, "new") << v.detail;
  EXPECT_TRUE(v.after_failed_commit);

  // A failed commit does not excuse a half-applied transfer.
  state = Untouched();
  ApplySource(state, 1);
  v = CheckTrial(bank(), {failed}, state);
  EXPECT_EQ(v.outcome, "mixed") << v.detail;
}

void ExpectSameReadings(const std::vector<ShardReading>& a, const std::vector<ShardReading>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t s = 0; s < a.size(); ++s) {
    SCOPED_TRACE("shard " + std::to_string(s));
    EXPECT_EQ(a[s].opened, b[s].opened);
    EXPECT_EQ(a[s].integrity, b[s].integrity);
    EXPECT_EQ(a[s].balances, b[s].balances);
    ASSERT_EQ(a[s].txlog.size(), b[s].txlog.size());
    for (size_t i = 0; i < a[s].txlog.size(); ++i) {
      EXPECT_EQ(a[s].txlog[i].tx, b[s].txlog[i].tx);
      EXPECT_EQ(a[s].txlog[i].account, b[s].txlog[i].account);
      EXPECT_EQ(a[s].txlog[i].delta, b[s].txlog[i].delta);
      EXPECT_EQ(a[s].txlog[i].kind, b[s].txlog[i].kind);
    }
  }
}

TEST_F(CheckerTest, ReadingsJsonRoundTrip) {
  std::vector<ShardReading> state = Untouched();
  ApplyBoth(state, 1);
  ApplySource(state, 2, "apply");
  ApplySource(state, 2, "compensate");
  state.push_back(ShardReading{});  // not opened, no balances
  state.back().integrity = "cannot open shard_0002.db: \"quoted\" \n newline";
  const Json j = ReadingsToJson(state);
  ExpectSameReadings(ReadingsFromJson(j), state);
  // Through text too, as results files carry it.
  const Json reparsed = Json::parse(j.dump());
  ExpectSameReadings(ReadingsFromJson(reparsed), state);
  // Verdicts do not change across the round trip.
  EXPECT_EQ(CheckTrial(bank(), {Acked(), Begun()}, ReadingsFromJson(reparsed)).outcome,
            CheckTrial(bank(), {Acked(), Begun()}, state).outcome);
}

TEST_F(CheckerTest, EmptyReadingsJsonRoundTrip) {
  const Json j = ReadingsToJson({});
  EXPECT_TRUE(j.is_array());
  EXPECT_TRUE(ReadingsFromJson(j).empty());
}

TEST(CheckerTrialSpecTest, JsonRoundTrip) {
  TrialSpec spec;
  spec.strategy = "saga";
  spec.journal_mode = "wal";
  spec.synchronous = "normal";
  spec.fault = "io_error";
  spec.torn = true;
  spec.crash_event = 17;
  spec.crash_after = true;
  spec.fail_point = "vfs/sync/journal";
  spec.fail_k = 3;
  spec.fail_errno = 28;
  spec.transfers = 5;
  spec.seed = 0xfedcba9876543210ULL;  // above INT64_MAX
  spec.record_events = true;
  spec.relocate = true;
  spec.timeout_s = 2.5;
  for (const Json& j : {TrialSpecToJson(spec), Json::parse(TrialSpecToJson(spec).dump())}) {
    StatusOr<TrialSpec> back = TrialSpecFromJson(j);
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->strategy, spec.strategy);
    EXPECT_EQ(back->journal_mode, spec.journal_mode);
    EXPECT_EQ(back->synchronous, spec.synchronous);
    EXPECT_EQ(back->fault, spec.fault);
    EXPECT_EQ(back->torn, spec.torn);
    EXPECT_EQ(back->crash_event, spec.crash_event);
    EXPECT_EQ(back->crash_after, spec.crash_after);
    EXPECT_EQ(back->fail_point, spec.fail_point);
    EXPECT_EQ(back->fail_k, spec.fail_k);
    EXPECT_EQ(back->fail_errno, spec.fail_errno);
    EXPECT_EQ(back->transfers, spec.transfers);
    EXPECT_EQ(back->seed, spec.seed);
    EXPECT_EQ(back->record_events, spec.record_events);
    EXPECT_EQ(back->relocate, spec.relocate);
    EXPECT_DOUBLE_EQ(back->timeout_s, spec.timeout_s);
  }
}

TEST(CheckerTrialSpecTest, DefaultsRoundTripWithNegativeCrashEvent) {
  const TrialSpec spec;
  StatusOr<TrialSpec> back = TrialSpecFromJson(Json::parse(TrialSpecToJson(spec).dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->crash_event, -1);
  EXPECT_EQ(back->strategy, "attach");
  EXPECT_EQ(back->fault, "none");
  EXPECT_EQ(back->fail_errno, spec.fail_errno);
  EXPECT_DOUBLE_EQ(back->timeout_s, spec.timeout_s);
}

TEST(CheckerTrialSpecTest, MissingOrMistypedFieldIsInvalidInput) {
  Json j = TrialSpecToJson(TrialSpec{});
  j.erase("fail_k");
  StatusOr<TrialSpec> missing = TrialSpecFromJson(j);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kInvalidInput);

  Json k = TrialSpecToJson(TrialSpec{});
  k["torn"] = "yes";
  StatusOr<TrialSpec> mistyped = TrialSpecFromJson(k);
  ASSERT_FALSE(mistyped.ok());
  EXPECT_EQ(mistyped.status().kind(), ErrorKind::kInvalidInput);
}

TEST(CheckerTrialSpecTest, TrialResultJsonRoundTrip) {
  TrialResult r;
  r.outcome = "mixed";
  r.detail = "transfer 1 applied on its source shard only";
  r.crashed = true;
  r.after_failed_commit = true;
  r.event_count = 42;
  r.events = {{0, IoOp::kOpen, FileRole::kJournal, "shard_0000.db-journal"},
              {1, IoOp::kSync, FileRole::kDirectory, "trial"},
              {2, IoOp::kDelete, FileRole::kSuperJournal, "shard_0000.db-mj1A2B3C901"}};
  r.log = {{true, true, 0}, {true, true, 1034}, {true, false, 0}};
  r.fail_evaluations = 7;
  r.fail_fired = true;
  r.intermediate = true;
  r.compensated = 2;
  r.rolled_forward = 1;
  r.leftover_journals = 3;
  r.orphan_super_journals = 1;
  r.leftover_wal = 4;
  r.child_error = "none";
  const TrialResult back = TrialResultFromJson(Json::parse(TrialResultToJson(r).dump()));
  EXPECT_EQ(back.outcome, r.outcome);
  EXPECT_EQ(back.detail, r.detail);
  EXPECT_EQ(back.crashed, r.crashed);
  EXPECT_EQ(back.after_failed_commit, r.after_failed_commit);
  EXPECT_EQ(back.event_count, r.event_count);
  ASSERT_EQ(back.events.size(), r.events.size());
  for (size_t i = 0; i < r.events.size(); ++i) {
    EXPECT_EQ(back.events[i].index, r.events[i].index);
    EXPECT_EQ(back.events[i].op, r.events[i].op);
    EXPECT_EQ(back.events[i].role, r.events[i].role);
    EXPECT_EQ(back.events[i].file, r.events[i].file);
  }
  ASSERT_EQ(back.log.size(), r.log.size());
  for (size_t i = 0; i < r.log.size(); ++i) {
    EXPECT_EQ(back.log[i].begun, r.log[i].begun);
    EXPECT_EQ(back.log[i].answered, r.log[i].answered);
    EXPECT_EQ(back.log[i].rc, r.log[i].rc);
  }
  EXPECT_EQ(back.fail_evaluations, r.fail_evaluations);
  EXPECT_EQ(back.fail_fired, r.fail_fired);
  EXPECT_EQ(back.intermediate, r.intermediate);
  EXPECT_EQ(back.compensated, r.compensated);
  EXPECT_EQ(back.rolled_forward, r.rolled_forward);
  EXPECT_EQ(back.leftover_journals, r.leftover_journals);
  EXPECT_EQ(back.orphan_super_journals, r.orphan_super_journals);
  EXPECT_EQ(back.leftover_wal, r.leftover_wal);
  EXPECT_EQ(back.child_error, r.child_error);
}

}  // namespace
}  // namespace checker_test
}  // namespace shardlab
