#include "workloads/movement.h"

#include <gtest/gtest.h>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace movement_test {
namespace {

KeySpace Keys(uint64_t n) {
  KeySpec spec;
  spec.count = n;
  spec.format = "user:{i}";
  return *KeySpace::Make(spec);
}

RouterSpec Spec(const std::string& type, uint32_t vnodes = 100) {
  RouterSpec s;
  s.type = type;
  s.vnodes = vnodes;
  return s;
}

// Routes 50,000 keys before and after `change` with a `type` router over `shards` shards.
MovementResult Analyze(const std::string& type, uint32_t shards, ShardChange change, Membership* out = nullptr) {
  const Membership m = *ApplyChange(type, shards, change);
  auto before = std::move(MakeMemberRouter(Spec(type), m.before).value());
  auto after = std::move(MakeMemberRouter(Spec(type), m.after).value());
  if (out != nullptr) *out = m;
  MovementOptions options;
  options.threads = 2;
  return AnalyzeMovement(Keys(50'000), {{type, before.get(), after.get(), m}}, nullptr, options)[0];
}

ShardChange Add(uint32_t k) { return {ShardChange::Kind::kAdd, k, 0}; }
ShardChange Remove(uint32_t j) { return {ShardChange::Kind::kRemove, 1, j}; }
ShardChange RemoveLast() { return {ShardChange::Kind::kRemoveLast, 1, 0}; }

TEST(MovementTest, ConsistentRoutersOnlyMoveKeysIntoNewShardsOnGrowth) {
  for (const char* type : {"jump", "rendezvous", "ring"}) {
    for (uint32_t n : {4u, 10u, 33u}) {
      SCOPED_TRACE(std::string(type) + " " + std::to_string(n));
      const MovementResult r = Analyze(type, n, Add(2));
      EXPECT_EQ(r.extra_moves, 0u);
      ASSERT_GT(r.moved, 0u);
      for (const auto& [flow, keys] : r.flows) EXPECT_GE(flow.second, n) << flow.first << "->" << flow.second;
    }
  }
}

TEST(MovementTest, JumpAndRendezvousMoveTheMinimumOnGrowth) {
  for (const char* type : {"jump", "rendezvous"}) {
    const MovementResult r = Analyze(type, 9, Add(1));
    EXPECT_NEAR(static_cast<double>(r.moved) / static_cast<double>(r.keys), 0.1, 0.01) << type;
  }
}

TEST(MovementTest, ModMovesAlmostEverything) {
  const MovementResult r = Analyze("mod", 9, Add(1));
  EXPECT_NEAR(static_cast<double>(r.moved) / static_cast<double>(r.keys), 0.9, 0.01);
  EXPECT_GT(r.extra_moves, r.moved / 2);
}

TEST(MovementTest, RemovingAnArbitraryShardMovesOnlyItsKeysOnRingAndRendezvous) {
  for (const char* type : {"ring", "rendezvous"}) {
    Membership m;
    const MovementResult r = Analyze(type, 10, Remove(3), &m);
    EXPECT_EQ(r.extra_moves, 0u) << type;
    EXPECT_EQ(r.moved, r.keys_before.at(3)) << type;  // every key of shard 3, nothing else
    for (const auto& [flow, keys] : r.flows) EXPECT_EQ(flow.first, 3u) << type;
    EXPECT_EQ(r.keys_after.count(3), 0u);
  }
}

TEST(MovementTest, JumpRemapsTheLastBucketWhenAnArbitraryShardGoes) {
  Membership m;
  const MovementResult r = Analyze("jump", 10, Remove(3), &m);
  EXPECT_FALSE(m.note.empty());
  EXPECT_EQ(m.after[3], 9u);
  EXPECT_GT(r.extra_moves, 0u);  // shard 9's keys move too
  for (const auto& [flow, keys] : r.flows) EXPECT_TRUE(flow.first == 3 || flow.first == 9) << flow.first;
  EXPECT_EQ(Analyze("jump", 10, RemoveLast()).extra_moves, 0u);
}

TEST(MovementTest, ResultsDoNotDependOnThreads) {
  const Membership m = *ApplyChange("ring", 7, Add(1));
  auto before = std::move(MakeMemberRouter(Spec("ring"), m.before).value());
  auto after = std::move(MakeMemberRouter(Spec("ring"), m.after).value());
  MovementOptions one, three;
  one.threads = 1;
  three.threads = 3;
  DistributionSpec zipf;
  zipf.type = "zipfian";
  auto chooser = std::move(MakeKeyChooser(zipf, 20'000).value());
  one.load_samples = three.load_samples = 30'000;
  const MovementResult a = AnalyzeMovement(Keys(20'000), {{"ring", before.get(), after.get(), m}}, chooser.get(), one)[0];
  const MovementResult b = AnalyzeMovement(Keys(20'000), {{"ring", before.get(), after.get(), m}}, chooser.get(), three)[0];
  EXPECT_EQ(a.moved, b.moved);
  EXPECT_EQ(a.flows, b.flows);
  EXPECT_EQ(a.keys_after, b.keys_after);
  EXPECT_EQ(a.load_after, b.load_after);
  uint64_t load = 0;
  for (const auto& [s, n] : a.load_after) load += n;
  EXPECT_EQ(load, 30'000u);
}

TEST(MovementTest, ChangesThatDoNotFitAreErrors) {
  EXPECT_FALSE(ApplyChange("ring", 1, RemoveLast()).ok());
  EXPECT_FALSE(ApplyChange("ring", 5, Remove(5)).ok());
  EXPECT_EQ(ShardChange(Add(3)).Name(), "add_3");
  EXPECT_EQ(ShardChange(Remove(2)).Name(), "remove_2");
  EXPECT_EQ(ShardChange(RemoveLast()).Name(), "remove_last");
}

TEST(MovementTest, MemberRoutersMatchTheOrdinaryOnesOnAFreshSet) {
  const KeySpace keys = Keys(5'000);
  for (const char* type : {"mod", "ring", "jump", "rendezvous"}) {
    auto plain = std::move(MakeRouter(Spec(type), 6).value());
    auto member = std::move(MakeMemberRouter(Spec(type), AllShards(6)).value());
    KeyRef ref;
    for (uint64_t i = 0; i < keys.count(); ++i) {
      keys.Fill(i, true, ref);
      ASSERT_EQ(plain->Route(ref.hash, ref.route), member->Route(ref.hash, ref.route)) << type << " key " << i;
    }
  }
  EXPECT_FALSE(MakeMemberRouter(Spec("range"), AllShards(3)).ok());
}

TEST(MovementTest, BalanceOf) {
  const Balance b = BalanceOf({10, 10, 20, 0});
  EXPECT_DOUBLE_EQ(b.max_over_mean, 2.0);
  EXPECT_DOUBLE_EQ(b.min_over_mean, 0.0);
  EXPECT_NEAR(b.stddev, 7.0710678, 1e-6);
  EXPECT_NEAR(b.cv, 7.0710678 / 10, 1e-6);
}

}  // namespace
}  // namespace movement_test
}  // namespace shardlab
