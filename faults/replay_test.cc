// The replay engine against real SQLite files: a recording is stable, a replayed prefix
// is byte for byte what a SIGKILLed child leaves, power_loss_reorder finds the mixed state
// a synchronous=off commit can leave (and power_loss cannot), and deduplication never
// merges different states.
#include "faults/replay.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <optional>

#include "core/test_temp_dir.h"
#include "faults/campaign.h"
#include "faults/recovery.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace replay_test {
namespace {

class ReplayTest : public ::testing::Test {
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
    std::map<std::string, std::vector<std::string>> templates;
    for (const char* mode : {"delete", "wal"}) {
      const std::string dir = tmp_ / (std::string("template-") + mode);
      ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
      ASSERT_TRUE(bank_->CreateShards(dir, mode).ok());
      auto files = ReadState(dir);
      ASSERT_TRUE(files.ok()) << files.status().message();
      for (const auto& [name, bytes] : *files) templates[TemplateKey(mode)].push_back(bytes);
    }
    runner_.emplace(*bank_, std::move(templates), std::vector<std::string>{});
    dir_ = tmp_ / "w0";
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
  }

  IoTrace Record(const CellSpec& cell, uint32_t transfers = 2) {
    auto trace = RecordTrace(*runner_, cell, transfers, 77, dir_);
    EXPECT_TRUE(trace.ok()) << trace.status().message();
    return trace.ok() ? std::move(*trace) : IoTrace{};
  }

  // The verdict on one state, recovered in dir_ (where the trace was recorded).
  std::string Judged(const CellSpec& cell, const IoTrace& trace, const CrashState& state) {
    EXPECT_TRUE(WriteState(dir_, Materialize(trace, state)).ok());
    return Judge(*bank_, RecoverShards(*bank_, dir_, cell.strategy == "saga"), LogAt(trace, state.point)).verdict.outcome;
  }

  TempDir tmp_;
  std::optional<Bank> bank_;
  std::optional<TrialRunner> runner_;
  std::string dir_;
};

TEST_F(ReplayTest, RecordingIsStable) {
  const CellSpec cell{"attach", "delete", "full", "process_crash"};
  const IoTrace a = Record(cell);
  const IoTrace b = Record(cell);
  ASSERT_GT(a.size(), 0u);
  EXPECT_EQ(TraceDigest(a), TraceDigest(b));
  ASSERT_EQ(a.transfers.size(), 2u);
  EXPECT_EQ(a.transfers[0].begun_at, 0u);
  EXPECT_EQ(a.transfers[1].begun_at, a.transfers[0].answered_at);
  EXPECT_EQ(a.transfers[1].answered_at, a.size());
  // The ATTACH commit's super-journal is created and deleted in each transfer.
  int super_deletes = 0;
  for (const TraceOp& op : a.ops) super_deletes += op.event.op == IoOp::kDelete && op.event.role == FileRole::kSuperJournal;
  EXPECT_EQ(super_deletes, 2);
}

TEST_F(ReplayTest, LogAtTellsWhatClientsHadBeenTold) {
  const IoTrace t = Record({"attach", "delete", "full", "process_crash"});
  const uint32_t first_answer = t.transfers[0].answered_at;
  std::vector<TransferRecord> log = LogAt(t, 0);
  EXPECT_TRUE(log[0].begun && !log[0].answered && !log[1].begun);
  log = LogAt(t, first_answer);  // the first COMMIT returned before event `first_answer`
  EXPECT_TRUE(log[0].acked() && log[1].begun && !log[1].answered);
  log = LogAt(t, t.size());
  EXPECT_TRUE(log[0].acked() && log[1].acked());
}

TEST_F(ReplayTest, ReplayedPrefixEqualsWhatAKilledChildLeaves) {
  for (const char* mode : {"delete", "wal"}) {
    const CellSpec cell{"attach", mode, "full", "process_crash"};
    const IoTrace trace = Record(cell);
    ASSERT_GT(trace.size(), 0u);
    // Every 7th event and the last one: a real fork + SIGKILL just before it.
    std::vector<uint32_t> events;
    for (uint32_t e = 0; e < trace.size(); e += 7) events.push_back(e);
    events.push_back(trace.size() - 1);
    for (uint32_t e : events) {
      ASSERT_TRUE(WriteState(dir_, trace.initial).ok());
      TrialSpec spec;
      spec.strategy = cell.strategy;
      spec.journal_mode = mode;
      spec.fault = "process_crash";
      spec.crash_event = e;
      spec.transfers = 2;
      spec.prng_seed = 77;
      auto killed = runner_->RunChildIn(spec, dir_);
      ASSERT_TRUE(killed.ok()) << killed.status().message();
      ASSERT_TRUE(killed->crashed) << mode << " event " << e;
      auto real = ReadState(dir_);
      ASSERT_TRUE(real.ok());
      EXPECT_EQ(FirstDifference(Materialize(trace, CrashState{e, {}, {}, 0}), *real), "") << mode << " event " << e;
    }
  }
}

// The audit's state: with synchronous=off nothing is synced, so dropping every unsynced
// write gives back the starting files at every point — but a disk may have written the
// database pages back and not the journal, and that state is mixed.
TEST_F(ReplayTest, ReorderFindsTheMixedStateOfSynchronousOff) {
  const CellSpec cell{"attach", "delete", "off", "power_loss_reorder"};
  const IoTrace trace = Record(cell, 1);
  CampaignSpec plan;
  plan.transfers = 1;
  std::map<std::string, int> power_loss, reorder;
  for (const CrashState& s : GenerateStates(trace, "power_loss", plan, 1).states) ++power_loss[Judged(cell, trace, s)];
  EXPECT_EQ(power_loss.count("mixed"), 0u);
  EXPECT_EQ(power_loss["old"] + power_loss["lost"], static_cast<int>(trace.size()) + 1);
  int mixed_when_journals_dropped = 0;
  for (const CrashState& s : GenerateStates(trace, "power_loss_reorder", plan, 1).states) {
    const std::string outcome = Judged(cell, trace, s);
    ++reorder[outcome];
    // The state the audit named: the database writes persisted, a journal's creation did not.
    bool dropped_journal_create = false, dropped_db_write = false;
    for (uint32_t i : s.dropped) {
      const TraceOp& op = trace.ops[i];
      dropped_journal_create |= op.event.op == IoOp::kOpen && op.event.role == FileRole::kJournal;
      dropped_db_write |= op.event.op == IoOp::kWrite && op.event.role == FileRole::kDb;
    }
    if (dropped_journal_create && !dropped_db_write && outcome == "mixed") ++mixed_when_journals_dropped;
  }
  EXPECT_GT(reorder["mixed"], 0);
  EXPECT_GT(mixed_when_journals_dropped, 0);
}

TEST_F(ReplayTest, DeduplicationNeverMergesDifferentStates) {
  const CellSpec cell{"attach", "delete", "full", "power_loss_reorder"};
  const IoTrace trace = Record(cell, 1);
  CampaignSpec plan;
  plan.transfers = 1;
  // The first state seen with each key; a later state with that key must have its files.
  std::map<ContentKey, CrashState> by_key, by_signature;
  size_t states = 0, compared = 0;
  for (const std::string& model : ReplayModels()) {
    for (const CrashState& s : GenerateStates(trace, model, plan, 3).states) {
      const FileSet files = Materialize(trace, s);
      // The same persisted ops give the same files (the engine skips materialising them).
      const auto [same, new_signature] = by_signature.emplace(SignatureOf(trace, s), s);
      if (!new_signature) {
        EXPECT_EQ(Materialize(trace, same->second), files) << "one signature, two different states";
      }
      const auto [it, fresh] = by_key.emplace(KeyOf(files), s);
      if (!fresh) {
        EXPECT_EQ(Materialize(trace, it->second), files) << "two different states share a key";
        ++compared;
      }
      ++states;
    }
  }
  EXPECT_GT(compared, 0u);  // there were duplicates to merge, and each merge was checked
  EXPECT_EQ(by_key.size() + compared, states);
  EXPECT_LT(by_signature.size(), states);
}

}  // namespace
}  // namespace replay_test
}  // namespace shardlab
