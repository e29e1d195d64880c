#include "scenario/common_blocks.h"

#include <gtest/gtest.h>

#include <any>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/test_temp_dir.h"
#include "scenario/kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace common_blocks_router_test {
namespace {

// The `router` block (common_blocks.cc's ReadRouter) through the loader, with a fake kind
// that has no block of its own: ring defaults and compat "blog", range boundaries and the
// checks across router, shards and keys, directory entries inline or from a file.

constexpr char kOrigin[] = "mem/unit.json";

const FakeKind kTestKind;

Json Base() {
  return Json::parse(R"({"name": "unit-base", "kind": "test", "shards": {"count": 4},
                         "keys": {"count": 400, "format": "k{i}"}})");
}

StatusOr<Scenario> Load(const Json& j) { return LoadScenarioFromJson(j, kOrigin, {}, {&kTestKind}); }

// The problem lines of `j`, which must be rejected with kInvalidInput.
std::vector<std::string> ProblemLines(const Json& j) {
  return RejectedLines(Load(j), j);
}

// `j` must give exactly this one problem ("PATH: MESSAGE", after the origin).
void ExpectOnlyProblem(const Json& j, const std::string& line) {
  EXPECT_EQ(ProblemLines(j), std::vector<std::string>{std::string(kOrigin) + ": " + line});
}

TEST(CommonBlocksRouterTest, RingDefaultsAndPointHashFollowKeyHash) {
  Json j = Base();
  j["router"] = {{"type", "ring"}};
  j["keys"]["hash"] = "fnv1a";
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->router.vnodes, 100u);
  EXPECT_EQ(s->router.point_hash, HashKind::kFnv1a);
  EXPECT_EQ(s->resolved["router"], Json::parse(R"({"type": "ring", "compat": "none", "vnodes": 100,
                                                    "point_hash": "fnv1a"})"));
  j["router"]["vnodes"] = 0;
  ExpectOnlyProblem(j, "router.vnodes: found 0 (an integer); expected an integer from 1 to 100000");
}

TEST(CommonBlocksRouterTest, RingCompatBlogNeedsSha256Keys) {
  Json j = Base();
  j["router"] = {{"type", "ring"}, {"compat", "blog"}};
  j["keys"]["hash"] = "sha256";
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->router.point_hash, HashKind::kSha256);
  EXPECT_EQ(s->resolved["router"]["point_hash"], Json("sha256"));

  j["keys"].erase("hash");  // xxh3
  ExpectOnlyProblem(j, "router.compat: compat \"blog\" needs keys.hash = \"sha256\", as in the sharding blog post "
                       "(source 003 in scenarios/CLAIMS.md)");
  j["keys"]["hash"] = "sha256";
  j["router"]["vnodes"] = 64;
  ExpectOnlyProblem(j, "router.vnodes: compat \"blog\" places 100 vnodes per shard; found 64");
  j["router"].erase("vnodes");
  j["router"]["point_hash"] = "xxh3";
  ExpectOnlyProblem(j, "router.point_hash: compat \"blog\" hashes ring points with sha256");
  j["router"]["compat"] = "ketama";
  j["router"].erase("point_hash");
  ExpectOnlyProblem(j, "router.compat: found \"ketama\" (a string); expected one of none, blog");
}

TEST(CommonBlocksRouterTest, RangeBoundariesMustIncrease) {
  Json j = Base();
  j["keys"]["format"] = "{i}";  // numeric boundaries need integer routing keys
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [100, 50, 200]})");
  const std::string expected =
      "; expected an array of strictly increasing integers, or of strictly increasing strings";
  ExpectOnlyProblem(j, "router.boundaries: found [100,50,200] (an array)" + expected);
  j["router"]["boundaries"] = Json::parse(R"([100, 100, 200])");  // equal is not increasing
  ExpectOnlyProblem(j, "router.boundaries: found [100,100,200] (an array)" + expected);
  j["router"]["boundaries"] = Json::parse(R"(["m", "c", "x"])");
  ExpectOnlyProblem(j, "router.boundaries: found [\"m\",\"c\",\"x\"] (an array)" + expected);
  j["router"]["boundaries"] = Json::parse(R"([100, "m", 200])");  // mixed types
  ExpectOnlyProblem(j, "router.boundaries: found [100,\"m\",200] (an array)" + expected);
  j["router"]["boundaries"] = Json::array();
  ExpectOnlyProblem(j, "router.boundaries: found [] (an array)" + expected);
  j["router"].erase("boundaries");
  ExpectOnlyProblem(j, "router.boundaries: missing; expected an array of strictly increasing integers, or of "
                       "strictly increasing strings");

  j["router"]["boundaries"] = Json::parse(R"([100, 200, 300])");
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->router.numeric_boundaries);
  EXPECT_EQ(s->router.int_boundaries, (std::vector<int64_t>{100, 200, 300}));
  EXPECT_EQ(s->resolved["router"], Json::parse(R"({"type": "range", "boundaries": [100, 200, 300]})"));

  j["router"]["boundaries"] = Json::parse(R"(["c", "m", "x"])");
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_FALSE(s->router.numeric_boundaries);
  EXPECT_EQ(s->router.string_boundaries, (std::vector<std::string>{"c", "m", "x"}));
}

// A boundary above INT64_MAX must be reported, not wrap to a negative number.
TEST(CommonBlocksRouterTest, RangeBoundaryAboveInt64IsRejected) {
  Json j = Base();
  j["shards"]["count"] = 2;
  j["keys"]["format"] = "{i}";
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [9223372036854775808]})");
  ExpectOnlyProblem(j, "router.boundaries: found [9223372036854775808] (an array); expected an array of strictly "
                       "increasing integers, or of strictly increasing strings");
}

TEST(CommonBlocksRouterTest, RangeBoundaryCountMustMatchShardCount) {
  Json j = Base();
  j["keys"]["format"] = "{i}";
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [100, 200]})");  // 3 shards, not 4
  ExpectOnlyProblem(j, "router: range router: 2 boundaries make 3 shards, but shards.count is 4");
  j["router"]["boundaries"] = Json::parse(R"([1, 2, 3, 4])");  // 5 shards
  ExpectOnlyProblem(j, "router: range router: 4 boundaries make 5 shards, but shards.count is 4");
}

TEST(CommonBlocksRouterTest, NumericRangeNeedsIntegerRoutingKeys) {
  Json j = Base();  // keys "k0", "k1", ...
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [100, 200, 300]})");
  ExpectOnlyProblem(j, "keys.format: item 0 routes by \"k0\", which is not an integer; router.boundaries are integers");
  j["keys"]["route_format"] = "{i % 10 < 7 ? 2026 : 2023 + i % 3}x";
  ExpectOnlyProblem(j, "keys.route_format: item 0 routes by \"2026x\", which is not an integer; router.boundaries "
                       "are integers");
  j["keys"]["route_format"] = "{i}";
  EXPECT_TRUE(Load(j).ok());
}

TEST(CommonBlocksRouterTest, DirectoryRouterEntriesOrAFileRelativeToTheScenario) {
  TempDir dir;
  dir.Write("map.json", "// key -> shard\n{\"k1\": 3, \"k2\": 0}");
  Json j = Base();
  j["router"] = {{"type", "directory"}, {"file", "map.json"}};
  const std::string file = dir.Write("s.json", j.dump());
  auto s = LoadScenario(file, {}, {&kTestKind});
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->router.directory.size(), 2u);
  EXPECT_EQ(s->router.directory.at("k1"), 3u);
  EXPECT_EQ(s->router.directory.at("k2"), 0u);

  // Both entries and file: one problem.
  j["router"]["entries"] = {{"k1", 1}};
  const std::string both = dir.Write("both.json", j.dump());
  s = LoadScenario(both, {}, {&kTestKind});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), both + ": router.entries: expected exactly one of router.entries (an object key "
                                         "-> shard) or router.file");

  // A file that is not there is named as the loader looked for it.
  j["router"] = {{"type", "directory"}, {"file", "absent.json"}};
  const std::string absent = dir.Write("absent_map.json", j.dump());
  s = LoadScenario(absent, {}, {&kTestKind});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            absent + ": router.file: cannot read " + dir.path() + "/absent.json: No such file or directory");

  // Inline entries: each a shard number below shards.count.
  j = Base();
  j["router"] = {{"type", "directory"}, {"entries", {{"k1", 3}, {"k2", 0}}}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->router.directory.at("k1"), 3u);
  EXPECT_EQ(s->resolved["router"], Json::parse(R"({"type": "directory", "file": "", "entries": {"k1": 3, "k2": 0}})"));
  j["router"]["entries"]["k1"] = -1;
  ExpectOnlyProblem(j, "router.entries.k1: found -1 (an integer); expected a shard number >= 0");
  j["router"]["entries"]["k1"] = 7;
  ExpectOnlyProblem(j, "router: directory router: entry \"k1\" -> 7, but there are only 4 shards (0..3)");
  j["router"].erase("entries");
  ExpectOnlyProblem(j, "router.entries: expected exactly one of router.entries (an object key -> shard) or router.file");
}

}  // namespace
}  // namespace common_blocks_router_test
}  // namespace shardlab
