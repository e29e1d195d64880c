// Crash states from a hand-written trace: what each persistence model keeps, how many
// states power_loss_reorder generates, the content key, and DurableAt.
#include "faults/crash_state.h"

#include <gtest/gtest.h>

#include <set>

#include "core/json.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace crash_state_test {
namespace {

TraceOp Op(IoOp op, FileRole role, const std::string& file, int64_t offset = 0, std::string data = "",
           bool creates = false) {
  return TraceOp{IoEvent{0, op, role, file}, offset, std::move(data), creates};
}

// db "AAAA"; create journal, write it, sync it (+ directory), write the db, sync the db,
// delete the journal (unsynced), then write the db again (unsynced).
IoTrace SmallTrace() {
  IoTrace t;
  t.initial = {{"x.db", "AAAA"}};
  t.ops = {Op(IoOp::kOpen, FileRole::kJournal, "x.db-journal", 0, "", true),   // 0
           Op(IoOp::kWrite, FileRole::kJournal, "x.db-journal", 0, "JJ"),      // 1
           Op(IoOp::kSync, FileRole::kJournal, "x.db-journal"),               // 2
           Op(IoOp::kSync, FileRole::kDirectory, "(directory)"),              // 3
           Op(IoOp::kWrite, FileRole::kDb, "x.db", 0, "BB"),                  // 4
           Op(IoOp::kSync, FileRole::kDb, "x.db"),                            // 5
           Op(IoOp::kDelete, FileRole::kJournal, "x.db-journal"),             // 6
           Op(IoOp::kWrite, FileRole::kDb, "x.db", 2, "CCCC")};               // 7
  for (uint32_t i = 0; i < t.ops.size(); ++i) t.ops[i].event.index = i;
  return t;
}

TEST(CrashStateTest, DurableAtNamesTheCoveringSync) {
  const IoTrace t = SmallTrace();
  const std::vector<uint32_t> d = DurableAt(t);
  EXPECT_EQ(d[0], 3u);  // the create: the directory sync
  EXPECT_EQ(d[1], 2u);  // the journal write: the journal's sync
  EXPECT_EQ(d[4], 5u);
  EXPECT_EQ(d[6], 8u);  // the delete: never synced
  EXPECT_EQ(d[7], 8u);
}

TEST(CrashStateTest, ProcessCrashKeepsEveryEventIssued) {
  const IoTrace t = SmallTrace();
  EXPECT_EQ(Materialize(t, {0, {}, {}, 0}), (FileSet{{"x.db", "AAAA"}}));
  EXPECT_EQ(Materialize(t, {2, {}, {}, 0}), (FileSet{{"x.db", "AAAA"}, {"x.db-journal", "JJ"}}));
  EXPECT_EQ(Materialize(t, {7, {}, {}, 0}), (FileSet{{"x.db", "BBAA"}}));
  EXPECT_EQ(Materialize(t, {8, {}, {}, 0}), (FileSet{{"x.db", "BBCCCC"}}));
}

TEST(CrashStateTest, PowerLossKeepsWhatWasSynced) {
  const IoTrace t = SmallTrace();
  const std::vector<uint32_t> d = DurableAt(t);
  auto at = [&](uint32_t p) { return Materialize(t, StatesAt(t, d, "power_loss", p, 1, 0).states.at(0)); };
  EXPECT_EQ(at(2), (FileSet{{"x.db", "AAAA"}}));  // created and written, not synced: gone
  EXPECT_EQ(at(3), (FileSet{{"x.db", "AAAA"}}));  // data synced, the entry not yet
  EXPECT_EQ(at(4), (FileSet{{"x.db", "AAAA"}, {"x.db-journal", "JJ"}}));
  EXPECT_EQ(at(5), (FileSet{{"x.db", "AAAA"}, {"x.db-journal", "JJ"}}));
  // The delete and the last write never synced: the journal comes back, the write is lost.
  EXPECT_EQ(at(8), (FileSet{{"x.db", "BBAA"}, {"x.db-journal", "JJ"}}));
}

TEST(CrashStateTest, ReorderGivesEveryPrefixAndOmissionOfTheUnsynced) {
  const IoTrace t = SmallTrace();
  const std::vector<uint32_t> d = DurableAt(t);
  // At point 8 the unsynced ops are 6 (delete) and 7 (write): 2^2 = 4 states, all of them.
  const PointStates all = StatesAt(t, d, "power_loss_reorder", 8, 64, 1);
  EXPECT_EQ(all.possible, 4);
  std::set<FileSet> files;
  for (const CrashState& s : all.states) files.insert(Materialize(t, s));
  EXPECT_EQ(files, (std::set<FileSet>{{{"x.db", "BBAA"}, {"x.db-journal", "JJ"}},
                                      {{"x.db", "BBCCCC"}, {"x.db-journal", "JJ"}},
                                      {{"x.db", "BBAA"}},
                                      {{"x.db", "BBCCCC"}}}));
  // Bounded to 3: prefixes first (none, {6}, {6,7}), so the omission of 6 alone is cut.
  const PointStates bounded = StatesAt(t, d, "power_loss_reorder", 8, 3, 1);
  ASSERT_EQ(bounded.states.size(), 3u);
  EXPECT_EQ(bounded.states[0].dropped, (std::vector<uint32_t>{6, 7}));
  EXPECT_EQ(bounded.states[1].dropped, (std::vector<uint32_t>{7}));
  EXPECT_TRUE(bounded.states[2].dropped.empty());
}

TEST(CrashStateTest, ReorderCountsPrefixesAndOmissionsWhenSubsetsDoNotFit) {
  IoTrace t;
  t.initial = {{"x.db", std::string(8 * 512, 'A')}};
  for (uint32_t i = 0; i < 8; ++i) {
    t.ops.push_back(Op(IoOp::kWrite, FileRole::kDb, "x.db", i * 512, std::string(512, static_cast<char>('a' + i))));
    t.ops.back().event.index = i;
  }
  const PointStates s = StatesAt(t, DurableAt(t), "power_loss_reorder", 8, 17, 1);
  EXPECT_EQ(s.possible, 256);
  // 9 prefixes + 8 omissions, one of which (the last) is a prefix too: 16, then 1 random.
  ASSERT_EQ(s.states.size(), 17u);
  std::set<std::vector<uint32_t>> dropped;
  for (const CrashState& c : s.states) dropped.insert(c.dropped);
  EXPECT_EQ(dropped.size(), 17u);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_TRUE(dropped.contains({i})) << i;
}

TEST(CrashStateTest, TornSectorsFollowTheSeed) {
  IoTrace t;
  t.initial = {{"x.db", std::string(4 * 512, 'A')}};
  t.ops = {Op(IoOp::kWrite, FileRole::kDb, "x.db", 0, std::string(4 * 512, 'B'))};
  const std::vector<uint32_t> d = DurableAt(t);
  const CrashState a = StatesAt(t, d, "power_loss_torn", 1, 1, 42).states.at(0);
  EXPECT_EQ(a.torn, std::vector<uint32_t>{0});
  EXPECT_EQ(Materialize(t, a), Materialize(t, StatesAt(t, d, "power_loss_torn", 1, 1, 42).states.at(0)));
  // Over a few seeds every sector fate shows: old ('A'), new ('B') and garbage.
  std::set<char> seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const FileSet f = Materialize(t, StatesAt(t, d, "power_loss_torn", 1, 1, seed).states.at(0));
    for (int s = 0; s < 4; ++s) {
      const char c = f.at("x.db")[s * 512];
      seen.insert(c == 'A' || c == 'B' ? c : '?');
    }
  }
  EXPECT_EQ(seen, (std::set<char>{'A', 'B', '?'}));
}

TEST(CrashStateTest, SignaturesNameWhatPersisted) {
  const IoTrace t = SmallTrace();
  // Points 2 and 3 differ by a sync only: a process crash there leaves the same files.
  EXPECT_TRUE(SignatureOf(t, {2, {}, {}, 0}) == SignatureOf(t, {3, {}, {}, 0}));
  EXPECT_FALSE(SignatureOf(t, {1, {}, {}, 0}) == SignatureOf(t, {2, {}, {}, 0}));
  EXPECT_FALSE(SignatureOf(t, {8, {}, {}, 0}) == SignatureOf(t, {8, {7}, {}, 0}));
  EXPECT_FALSE(SignatureOf(t, {8, {}, {7}, 1}) == SignatureOf(t, {8, {}, {7}, 2}));  // the seed tears
}

TEST(CrashStateTest, ContentKeysDifferWhenFilesDo) {
  EXPECT_EQ(KeyOf({{"a", "x"}}), KeyOf({{"a", "x"}}));
  EXPECT_FALSE(KeyOf({{"a", "x"}}) == KeyOf({{"a", "y"}}));
  EXPECT_FALSE(KeyOf({{"a", "x"}}) == KeyOf({{"b", "x"}}));
  EXPECT_FALSE(KeyOf({{"ab", ""}}) == KeyOf({{"a", "b"}}));  // names and bytes are delimited
  EXPECT_FALSE(KeyOf({{"a", "x"}}) == KeyOf({{"a", "x"}, {"b", ""}}));  // an empty file is a file
}

TEST(CrashStateTest, StateRoundTripsThroughJson) {
  const CrashState s{12, {3, 5}, {7}, 99};
  auto back = CrashStateFromJson(CrashStateToJson(s));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->point, 12u);
  EXPECT_EQ(back->dropped, (std::vector<uint32_t>{3, 5}));
  EXPECT_EQ(back->torn, std::vector<uint32_t>{7});
  EXPECT_EQ(back->tear_seed, 99u);
  EXPECT_EQ(back->FateOf(5), Persistence::kDropped);
  EXPECT_EQ(back->FateOf(7), Persistence::kTorn);
  EXPECT_EQ(back->FateOf(6), Persistence::kPersisted);
  EXPECT_FALSE(CrashStateFromJson(Json::parse(R"({"point": 3, "dropped": [2, 1]})")).ok());
  EXPECT_FALSE(CrashStateFromJson(Json::parse(R"({"point": "x", "dropped": []})")).ok());
}

}  // namespace
}  // namespace crash_state_test
}  // namespace shardlab
