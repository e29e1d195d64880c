#include "kinds/reshard/reshard_spec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "kinds/reshard/reshard_kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace reshard_spec_test {
namespace {

// The `reshard` block (kind = reshard) through the loader: routers (a ring with several
// vnode counts is one router each) and changes, defaults in the resolved copy, bad values
// with their JSON path, the checks of CheckReshardSpec, metric roots, and --quick (none).

constexpr char kOrigin[] = "mem/unit.json";

Json Base() {
  return Json::parse(R"({
    "name": "r", "kind": "reshard", "shards": {"count": 4}, "keys": {"count": 1000},
    "reshard": {"routers": [{"type": "mod"}, {"type": "ring", "vnodes": [16, 64]}],
                "changes": [{"add": 1}, {"remove_last": true}]}
  })");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, {&ReshardKind()});
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

TEST(ReshardSpecTest, DefaultsAreFilledAndResolved) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const ReshardSpec& r = s->Spec<ReshardSpec>();
  ASSERT_EQ(r.routers.size(), 3u);
  EXPECT_EQ(r.routers[0].name, "mod");
  EXPECT_EQ(r.routers[0].spec.type, "mod");
  EXPECT_EQ(r.routers[1].name, "ring_16");
  EXPECT_EQ(r.routers[1].spec.type, "ring");
  EXPECT_EQ(r.routers[1].spec.vnodes, 16u);
  EXPECT_EQ(r.routers[1].spec.point_hash, HashKind::kXxh3);  // follows keys.hash
  EXPECT_EQ(r.routers[2].name, "ring_64");
  EXPECT_EQ(r.routers[2].spec.vnodes, 64u);
  ASSERT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(r.changes[0].kind, "add");
  EXPECT_EQ(r.changes[0].count, 1);
  EXPECT_EQ(r.changes[1].kind, "remove_last");
  EXPECT_EQ(r.load_samples, 1'000'000);
  EXPECT_TRUE(r.lookup_ns);
  EXPECT_TRUE(r.sweep_shards.empty());
  EXPECT_EQ(r.sweep_vnodes, (std::vector<int64_t>{1, 10, 16, 64, 100, 256, 1000}));
  EXPECT_EQ(r.threads, 0);
  EXPECT_FALSE(r.migrate.enabled);
  EXPECT_EQ(s->resolved["reshard"], Json::parse(R"({
    "routers": [{"type": "mod", "name": ""},
                {"type": "ring", "name": "", "compat": "none", "vnodes": [16, 64], "point_hash": "xxh3"}],
    "changes": [{"add": 1}, {"remove_last": true}],
    "load_samples": 1000000, "lookup_ns": true,
    "vnode_sweep": {"shards": [], "vnodes": [1, 10, 16, 64, 100, 256, 1000]}, "threads": 0})"));
}

TEST(ReshardSpecTest, MigrateDefaultsAndRouterNames) {
  Json j = Base();
  j["keys"]["hash"] = "sha256";
  j["reshard"]["routers"] = Json::parse(R"([{"type": "ring", "compat": "blog"}, {"type": "jump", "name": "j"},
                                            {"type": "ring", "vnodes": 8, "name": "small"}])");
  j["reshard"]["changes"] = Json::parse(R"([{"remove": 3}])");
  j["reshard"]["migrate"] = {{"router", "j"}, {"change", "remove_3"}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  const ReshardSpec& r = s->Spec<ReshardSpec>();
  ASSERT_EQ(r.routers.size(), 3u);
  EXPECT_EQ(r.routers[0].name, "ring_blog");
  EXPECT_EQ(r.routers[0].spec.vnodes, 100u);
  EXPECT_EQ(r.routers[0].spec.point_hash, HashKind::kSha256);
  EXPECT_EQ(r.routers[1].name, "j");
  EXPECT_EQ(r.routers[2].name, "small");
  EXPECT_EQ(r.routers[2].spec.vnodes, 8u);
  EXPECT_EQ(r.changes[0].kind, "remove");
  EXPECT_EQ(r.changes[0].shard, 3);
  EXPECT_TRUE(r.migrate.enabled);
  EXPECT_EQ(r.migrate.router, "j");
  EXPECT_EQ(r.migrate.change, "remove_3");
  EXPECT_EQ(r.migrate.payload_bytes, 100);
  EXPECT_EQ(r.migrate.batch_rows, 1000);
  EXPECT_EQ(r.migrate.synchronous, "full");
  EXPECT_EQ(r.migrate.crash_trials, 0);
  EXPECT_FALSE(r.migrate.crash_every_batch);
  EXPECT_TRUE(r.migrate.bare);
  EXPECT_EQ(s->resolved["reshard"]["migrate"], Json::parse(R"({"router": "j", "change": "remove_3",
    "payload_bytes": 100, "batch_rows": 1000, "synchronous": "full", "crash_trials": 0, "crash_every_batch": false,
    "bare": true})"));
}

// --- Bad values, one line each --------------------------------------------------------

TEST(ReshardSpecTest, BadValuesNameTheFileAndPath) {
  Json j = Base();
  j["reshard"]["load_samples"] = -1;
  EXPECT_EQ(ProblemLines(j),
            Lines({"reshard.load_samples: found -1 (an integer); expected an integer from 0 to 1000000000"}));
  j = Base();
  j["reshard"]["routers"][0]["type"] = "range";
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[0].type: found \"range\" (a string); expected one of mod, ring, "
                                    "jump, rendezvous"}));
  j = Base();
  j["reshard"]["routers"][1]["vnodes"] = 0;
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[1].vnodes: found 0; expected 1 to 100000"}));
  j["reshard"]["routers"][1]["vnodes"] = "x";
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[1].vnodes: found \"x\" (a string); expected a vnode count or a "
                                    "non-empty array of them"}));
  j["reshard"]["routers"][1]["vnodes"] = Json::array();
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[1].vnodes: found [] (an array); expected a vnode count or a "
                                    "non-empty array of them"}));
  j = Base();
  j["reshard"]["vnode_sweep"] = {{"vnodes", {0}}};
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.vnode_sweep.vnodes: found [0] (an array); expected an array of integers "
                                    "from 1 to 100000"}));
  j = Base();
  j["reshard"]["migrate"] = {{"change", "add_1"}, {"synchronous", "fast"}};
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.migrate.router: missing; expected a string",
                                    "reshard.migrate.synchronous: found \"fast\" (a string); expected one of off, "
                                    "normal, full, extra"}));
}

TEST(ReshardSpecTest, BlockRoutersAndChangesAreRequired) {
  Json j = Base();
  j.erase("reshard");
  EXPECT_EQ(ProblemLines(j), Lines({"reshard: missing; expected an object"}));
  j["reshard"] = Json::object();
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers: missing; expected an array of objects",
                                    "reshard.changes: missing; expected an array of objects"}));
  // A reshard scenario compares its own routers: a root router is refused.
  j = Base();
  j["router"] = {{"type", "mod"}};
  EXPECT_EQ(ProblemLines(j), Lines({"router: a reshard scenario compares the routers in reshard.routers"}));
}

TEST(ReshardSpecTest, UnknownKeysAreRefused) {
  Json j = Base();
  j["reshard"]["rooters"] = Json::array();
  const std::vector<std::string> lines = ProblemLines(j);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind(std::string(kOrigin) + ": reshard.rooters: unknown key; allowed keys here: routers, "
                                                  "changes, load_samples, lookup_ns, vnode_sweep, threads",
                           0),
            0u)
      << lines[0];
  j = Base();
  j["reshard"]["routers"][0]["vnodes"] = 3;  // only rings have vnodes
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[0].vnodes: unknown key; allowed keys here: type, name"}));
  j = Base();
  j["reshard"]["migrate"] = {{"router", "mod"}, {"change", "add_1"}, {"trials", 3}};
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.migrate.trials: unknown key; allowed keys here: router, change, "
                                    "payload_bytes, batch_rows, synchronous, crash_trials, crash_every_batch, bare"}));
}

TEST(ReshardSpecTest, EachChangeIsExactlyOneOfAddRemoveLastRemove) {
  const std::string one = "expected exactly one of {\"add\": k}, {\"remove_last\": true}, {\"remove\": shard}";
  Json j = Base();
  j["reshard"]["changes"] = Json::parse(R"([{}])");
  std::vector<std::string> lines = ProblemLines(j);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], std::string(kOrigin) + ": reshard.changes[0]: " + one);
  j["reshard"]["changes"] = Json::parse(R"([{"add": 1, "remove": 2}])");
  lines = ProblemLines(j);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(one), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1], std::string(kOrigin) + ": reshard.changes[0].remove: unknown key; allowed keys here: add");

  j["reshard"]["changes"] = Json::parse(R"([{"remove_last": false}])");
  EXPECT_EQ(ProblemLines(j),
            Lines({"reshard.changes[0].remove_last: found false; expected true (or leave the change out)"}));
  j["reshard"]["changes"] = Json::parse(R"([{"add": 0}])");
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.changes[0].add: found 0 (an integer); expected an integer from 1 to 1000000"}));
}

TEST(ReshardSpecTest, RingNamesAndCompatBlog) {
  Json j = Base();
  j["reshard"]["routers"][1]["name"] = "r";  // one name for two vnode counts
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[1].name: a name needs a single vnodes value"}));
  j = Base();
  j["reshard"]["routers"][1] = {{"type", "ring"}, {"compat", "blog"}};  // keys.hash is xxh3
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers[1].compat: compat \"blog\" is the sharding blog post's ring "
                                    "(source 003 in scenarios/CLAIMS.md): 100 vnodes, points and keys by sha256"}));
}

// --- CheckReshardSpec ------------------------------------------------------------------

TEST(ReshardSpecTest, RouterNamesMustBeUnique) {
  Json j = Base();
  j["reshard"]["routers"] = Json::parse(R"([{"type": "mod"}, {"type": "mod"}])");
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers: two routers are named \"mod\"; give one a \"name\""}));
  j["reshard"]["routers"] = Json::parse(R"([{"type": "ring", "vnodes": 16}, {"type": "ring", "vnodes": [16, 64]}])");
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.routers: two routers are named \"ring_16\"; give one a \"name\""}));
  j["reshard"]["routers"] = Json::parse(R"([{"type": "mod"}, {"type": "mod", "name": "mod_again"}])");
  EXPECT_TRUE(Load(j).ok());
}

TEST(ReshardSpecTest, ChangesMustFitTheShards) {
  Json j = Base();
  j["shards"]["count"] = 1;
  j["reshard"]["changes"] = Json::parse(R"([{"add": 2}, {"remove_last": true}, {"remove": 0}])");
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.changes[1]: cannot remove the only shard (shards.count is 1)",
                                    "reshard.changes[2]: cannot remove the only shard (shards.count is 1)"}));
  j = Base();
  j["reshard"]["changes"] = Json::parse(R"([{"remove": 4}])");
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.changes[0].remove: found 4; shards are 0..3"}));
  j["reshard"]["changes"][0]["remove"] = 3;
  EXPECT_TRUE(Load(j).ok());
}

TEST(ReshardSpecTest, MigrationMustNameARouterAndAChange) {
  Json j = Base();
  j["reshard"]["migrate"] = {{"router", "nope"}, {"change", "add_2"}};
  EXPECT_EQ(ProblemLines(j),
            Lines({"reshard.migrate.router: found \"nope\"; expected the name of one of reshard.routers",
                   "reshard.migrate.change: found \"add_2\"; expected one of add_1, remove_last"}));
  j["reshard"]["migrate"] = {{"router", "ring_64"}, {"change", "remove_last"}};
  EXPECT_TRUE(Load(j).ok());

  j["keys"]["route_format"] = "{i % 10}";
  EXPECT_EQ(ProblemLines(j), Lines({"keys.route_format: a migration routes rows by their key; route_format is not "
                                    "supported here"}));
  j["keys"].erase("route_format");
  j["keys"]["count"] = 10'000'001;
  EXPECT_EQ(ProblemLines(j), Lines({"keys.count: a migration writes every key as a row; at most 10,000,000"}));
  j["reshard"].erase("migrate");  // without a migration, more keys are fine
  EXPECT_TRUE(Load(j).ok());
}

TEST(ReshardSpecTest, VnodeSweepIsLimitedInRingPoints) {
  Json j = Base();
  j["reshard"]["vnode_sweep"] = {{"shards", {20000}}};  // x 1000 (a default vnode count) > 2^24
  EXPECT_EQ(ProblemLines(j), Lines({"reshard.vnode_sweep: 20000 shards x 1000 vnodes is more than the 16777216 ring "
                                    "points supported"}));
  j["reshard"]["vnode_sweep"]["vnodes"] = {16, 256};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ReshardSpec>().sweep_shards, std::vector<int64_t>{20000});
  EXPECT_EQ(s->Spec<ReshardSpec>().sweep_vnodes, (std::vector<int64_t>{16, 256}));
}

// --- Metrics and --quick ------------------------------------------------------------------

TEST(ReshardSpecTest, MetricRoots) {
  Json j = Base();
  for (const char* good : {"movement.mod.add_1.moved_fraction", "movement.ring_64.remove_last.flows[0].keys",
                           "routers.ring_16.lookup_ns", "routers", "vnode_sweep", "analysis", "migration"}) {
    j["expect"] = ExpectOn(good);
    EXPECT_TRUE(Load(j).ok()) << good;
  }
  j["expect"] = ExpectOn("load.rows");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"load.rows\"; a reshard result has no metric \"load\" "
                                    "(metrics: analysis, migration, movement, routers, vnode_sweep)"}));
}

// validate knows the routers and changes of the scenario, and names the one meant.
TEST(ReshardSpecTest, MetricPathsBelowTheRootsAreChecked) {
  Json j = Base();
  j["reshard"]["vnode_sweep"] = {{"shards", {16}}, {"vnodes", {10, 100}}};
  struct Case {
    const char* metric;
    const char* message;
  };
  for (const Case& c : {
           Case{"movement.ring64.add_1.moved_fraction",
                "found \"movement.ring64.add_1.moved_fraction\"; no \"ring64\" under movement (did you mean "
                "\"ring_64\"? names there: mod, ring_16, ring_64)"},
           Case{"movement.mod.add1.moved_fraction",
                "found \"movement.mod.add1.moved_fraction\"; no \"add1\" under movement.mod (did you mean \"add_1\"? "
                "names there: add_1, remove_last)"},
           Case{"movement.jump.add_1.moved_fraction",
                "found \"movement.jump.add_1.moved_fraction\"; no \"jump\" under movement (names there: mod, ring_16, "
                "ring_64)"},
           Case{"vnode_sweep.shards_16.vnodes_1000.cv",
                "found \"vnode_sweep.shards_16.vnodes_1000.cv\"; no \"vnodes_1000\" under vnode_sweep.shards_16 (did "
                "you mean \"vnodes_100\"? names there: vnodes_10, vnodes_100)"},
       }) {
    j["expect"] = ExpectOn(c.metric);
    EXPECT_EQ(ProblemLines(j), Lines({std::string("expect[0].metric: ") + c.message})) << c.metric;
  }
  j["expect"] = ExpectOn("movment.mod.add_1.moved");
  EXPECT_EQ(ProblemLines(j), Lines({"expect[0].metric: found \"movment.mod.add_1.moved\"; a reshard result has no "
                                    "metric \"movment\" (did you mean \"movement\"? metrics: analysis, migration, "
                                    "movement, routers, vnode_sweep)"}));
}

// reshard has no --quick caps: the analysis is the same with and without it.
TEST(ReshardSpecTest, QuickModeChangesNothing) {
  Json j = Base();
  j["reshard"]["migrate"] = {{"router", "mod"}, {"change", "add_1"}, {"crash_trials", 50}};
  LoadOptions quick;
  quick.quick = true;
  auto fast = Load(j, quick);
  auto full = Load(j);
  ASSERT_TRUE(fast.ok()) << fast.status().message();
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(fast->resolved, full->resolved);
  EXPECT_EQ(fast->Spec<ReshardSpec>().load_samples, 1'000'000);
  EXPECT_EQ(fast->Spec<ReshardSpec>().migrate.crash_trials, 50);
}

}  // namespace
}  // namespace reshard_spec_test
}  // namespace shardlab
