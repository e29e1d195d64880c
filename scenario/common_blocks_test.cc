#include "scenario/common_blocks.h"

#include <gtest/gtest.h>

#include <any>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "scenario/kind.h"
#include "scenario/scenario.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace common_blocks_test {
namespace {

// The blocks every kind shares (shards, keys with their distribution, sqlite; the router
// is common_blocks_router_test.cc's), read through the loader with a fake kind that has no
// block of its own: defaults, the resolved copy, and one line per bad value naming the path.

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

// --- Defaults, typed and resolved ----------------------------------------------------

TEST(CommonBlocksTest, DefaultsAreTypedAndResolvedInReadOrder) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->shards.count, 4u);
  EXPECT_EQ(s->shards.layout, "flat");
  EXPECT_EQ(s->shards.roots, std::vector<std::string>{"."});
  EXPECT_EQ(s->shards.digits_width, 0);
  EXPECT_EQ(s->keys.count, 400u);
  EXPECT_EQ(s->keys.format, "k{i}");
  EXPECT_EQ(s->keys.route_format, "");
  EXPECT_FALSE(s->keys.integer_keys);
  EXPECT_EQ(s->keys.hash, HashKind::kXxh3);
  EXPECT_EQ(s->distribution.type, "uniform");
  EXPECT_EQ(s->router.type, "mod");
  EXPECT_EQ(s->sqlite.journal_mode, "delete");
  EXPECT_EQ(s->sqlite.synchronous, "full");
  EXPECT_EQ(s->sqlite.page_size, 4096);
  EXPECT_EQ(s->sqlite.cache_size, -2000);
  EXPECT_EQ(s->sqlite.busy_timeout_ms, 5000);
  // ordered_json compares objects in order, so these also pin the key order.
  const Json& r = s->resolved;
  EXPECT_EQ(r["shards"], Json::parse(R"({"count": 4, "layout": "flat", "roots": ["."], "digits_width": 0})"));
  EXPECT_EQ(r["keys"], Json::parse(R"({"count": 400, "type": "string", "format": "k{i}", "route_format": "",
                                        "hash": "xxh3", "distribution": {"type": "uniform"}})"));
  EXPECT_EQ(r["router"], Json::parse(R"({"type": "mod"})"));
  EXPECT_EQ(r["sqlite"], Json::parse(R"({"journal_mode": "delete", "synchronous": "full", "page_size": 4096,
                                          "cache_size": -2000, "busy_timeout_ms": 5000})"));
}

TEST(CommonBlocksTest, UnknownKeysListTheBlocksKeys) {
  Json j = Base();
  j["shards"]["cuont"] = 4;
  ExpectOnlyProblem(j, "shards.cuont: unknown key; allowed keys here: count, layout, roots, digits_width");
  j = Base();
  j["keys"]["hsah"] = "sha256";
  ExpectOnlyProblem(j, "keys.hsah: unknown key; allowed keys here: count, type, format, route_format, hash, distribution");
  // A parameter of another distribution type is unknown for this one.
  j = Base();
  j["keys"]["distribution"] = {{"type", "uniform"}, {"theta", 0.5}};
  ExpectOnlyProblem(j, "keys.distribution.theta: unknown key; allowed keys here: type");
  // vnodes only exists for ring routers.
  j = Base();
  j["router"] = {{"type", "mod"}, {"vnodes", 10}};
  ExpectOnlyProblem(j, "router.vnodes: unknown key; allowed keys here: type");
  j = Base();
  j["sqlite"] = {{"wal", true}};
  ExpectOnlyProblem(j, "sqlite.wal: unknown key; allowed keys here: journal_mode, synchronous, page_size, cache_size, "
                       "busy_timeout_ms");
}

// --- shards ----------------------------------------------------------------------------

TEST(CommonBlocksTest, ShardsCountLayoutRootsAndDigitsWidth) {
  Json j = Base();
  j["shards"]["count"] = "4";
  ExpectOnlyProblem(j, "shards.count: found \"4\" (a string); expected an integer from 1 to 1000000");
  j["shards"]["count"] = 0;
  ExpectOnlyProblem(j, "shards.count: found 0 (an integer); expected an integer from 1 to 1000000");
  j["shards"]["count"] = 1000001;
  ExpectOnlyProblem(j, "shards.count: found 1000001 (an integer); expected an integer from 1 to 1000000");
  j["shards"].erase("count");
  ExpectOnlyProblem(j, "shards.count: missing; expected an integer from 1 to 1000000");

  j = Base();
  j["shards"]["layout"] = "tree";
  ExpectOnlyProblem(j, "shards.layout: found \"tree\" (a string); expected one of flat, digits");
  j = Base();
  j["shards"]["roots"] = Json::array();
  ExpectOnlyProblem(j, "shards.roots: found an empty array; expected at least one directory");
  j["shards"]["roots"] = {"a", ""};
  ExpectOnlyProblem(j, "shards.roots[1]: found an empty string; expected a directory path");
  j["shards"]["roots"] = {"a", "b/../.."};
  ExpectOnlyProblem(j, "shards.roots[1]: found \"b/../..\", which climbs out of the data directory; expected a "
                       "directory inside it, or an absolute path");
  j["shards"]["roots"] = {"a/b", "./a//b/"};
  ExpectOnlyProblem(j, "shards.roots[1]: found \"./a//b/\", the same directory as an earlier root (a/b); roots must differ");
  j = Base();
  j["shards"]["digits_width"] = 3;
  ExpectOnlyProblem(j, "shards.digits_width: found 3; expected 0 (automatic) or a width from 4 to 18 "
                       "(first digit / next two / rest)");
  j["shards"]["digits_width"] = 19;
  ExpectOnlyProblem(j, "shards.digits_width: found 19 (an integer); expected an integer from 0 to 18");

  j = Base();
  j["shards"] = {{"count", 2}, {"layout", "digits"}, {"roots", {"/a", "/b"}}, {"digits_width", 4}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->shards.layout, "digits");
  EXPECT_EQ(s->shards.roots, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(s->shards.digits_width, 4);
}

// --- keys and their distribution ---------------------------------------------------------

TEST(CommonBlocksTest, KeysCountTypeAndHash) {
  Json j = Base();
  j["keys"].erase("count");
  ExpectOnlyProblem(j, "keys.count: missing; expected an integer from 1 to 1000000000");
  j["keys"]["count"] = -1;
  ExpectOnlyProblem(j, "keys.count: found -1 (an integer); expected an integer from 1 to 1000000000");
  j = Base();
  j["keys"]["hash"] = "md5";
  ExpectOnlyProblem(j, "keys.hash: found \"md5\" (a string); expected one of xxh3, sha256, fnv1a");

  // Integer keys default to the bare index.
  j = Base();
  j["keys"] = {{"count", 10}, {"type", "integer"}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->keys.integer_keys);
  EXPECT_EQ(s->keys.format, "{i}");
  EXPECT_EQ(s->resolved["keys"]["format"], Json("{i}"));
}

TEST(CommonBlocksTest, BadKeyTemplatesAreReportedWithTheColumn) {
  Json j = Base();
  j["keys"]["format"] = "k{j}";
  ExpectOnlyProblem(j, "keys.format: column 3: expected a number, 'i' or '(' but found 'j'");
  j = Base();
  j["keys"]["route_format"] = "{i % 10 <}";
  ExpectOnlyProblem(j, "keys.route_format: column 10: expected a number, 'i' or '(' but found '}'");
  j = Base();
  j["keys"]["type"] = "integer";  // "k{i}" is not one expression
  ExpectOnlyProblem(j, "keys.format: found \"k{i}\"; integer keys need a template that is one expression, like "
                       "\"{i}\" or \"{i * 7919}\"");
}

TEST(CommonBlocksTest, DistributionDefaultsDependOnType) {
  Json j = Base();
  j["keys"]["distribution"] = {{"type", "zipfian"}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_DOUBLE_EQ(s->distribution.theta, 0.99);
  EXPECT_EQ(s->resolved["keys"]["distribution"], Json::parse(R"({"type": "zipfian", "theta": 0.99})"));

  j["keys"]["distribution"] = {{"type", "hotspot"}, {"hot_op_fraction", 0.5}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_DOUBLE_EQ(s->distribution.hot_data_fraction, 0.2);
  EXPECT_DOUBLE_EQ(s->distribution.hot_op_fraction, 0.5);
  EXPECT_EQ(s->resolved["keys"]["distribution"],
            Json::parse(R"({"type": "hotspot", "hot_data_fraction": 0.2, "hot_op_fraction": 0.5})"));

  j["keys"]["distribution"] = {{"type", "exponential"}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->resolved["keys"]["distribution"],
            Json::parse(R"({"type": "exponential", "percentile": 95, "fraction": 0.8571428571})"));

  j["keys"]["distribution"] = {{"type", "pareto"}};
  ExpectOnlyProblem(j, "keys.distribution.type: found \"pareto\" (a string); expected one of uniform, zipfian, "
                       "scrambled_zipfian, latest, hotspot, sequential, exponential");
}

TEST(CommonBlocksTest, ZipfianThetaMustBePositiveAndNotOne) {
  for (const char* type : {"zipfian", "scrambled_zipfian", "latest"}) {
    SCOPED_TRACE(type);
    Json j = Base();
    j["keys"]["distribution"] = {{"type", type}, {"theta", 0.0}};
    ExpectOnlyProblem(j, "keys.distribution.theta: found 0.0 (a number); expected a number > 0");
    j["keys"]["distribution"]["theta"] = -0.5;
    ExpectOnlyProblem(j, "keys.distribution.theta: found -0.5 (a number); expected a number > 0");
    const std::string not_one =
        "keys.distribution.theta: found 1; expected a number > 0 other than 1 (YCSB's alpha = 1/(1-theta))";
    j["keys"]["distribution"]["theta"] = 1;
    ExpectOnlyProblem(j, not_one);
    j["keys"]["distribution"]["theta"] = 1.0;
    ExpectOnlyProblem(j, not_one);
    j["keys"]["distribution"]["theta"] = 1.2;  // > 1 is fine (YCSB allows it)
    EXPECT_TRUE(Load(j).ok());
  }
}

TEST(CommonBlocksTest, YcsbCompatIsReadForLatestAndScrambledZipfianOnly) {
  Json j = Base();
  j["keys"]["distribution"] = {{"type", "latest"}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_FALSE(s->distribution.ycsb_compat);
  // Absent, it stays out of the resolved scenario (results of existing files unchanged).
  EXPECT_EQ(s->resolved["keys"]["distribution"], Json::parse(R"({"type": "latest", "theta": 0.99})"));

  j["keys"]["distribution"] = {{"type", "latest"}, {"ycsb_compat", true}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->distribution.ycsb_compat);

  j["keys"]["distribution"] = {{"type", "scrambled_zipfian"}, {"ycsb_compat", true}, {"ycsb_expected_new_keys", 50}};
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->distribution.ycsb_compat);
  EXPECT_EQ(s->distribution.ycsb_expected_new_keys, 50u);

  // Only with ycsb_compat; and not for zipfian, whose YCSB class CoreWorkload does not use.
  j["keys"]["distribution"] = {{"type", "scrambled_zipfian"}, {"ycsb_expected_new_keys", 50}};
  EXPECT_FALSE(Load(j).ok());
  j["keys"]["distribution"] = {{"type", "zipfian"}, {"ycsb_compat", true}};
  EXPECT_FALSE(Load(j).ok());
}

// --- sqlite ------------------------------------------------------------------------------

TEST(CommonBlocksTest, JournalModeMustBeAKnownMode) {
  Json j = Base();
  j["sqlite"] = {{"journal_mode", "wall"}};
  const std::string modes = "expected one of delete, truncate, persist, wal, memory, off";
  ExpectOnlyProblem(j, "sqlite.journal_mode: found \"wall\" (a string); " + modes);
  j["sqlite"]["journal_mode"] = "WAL";  // case matters: the value goes into the pragma as written
  ExpectOnlyProblem(j, "sqlite.journal_mode: found \"WAL\" (a string); " + modes);
  for (const char* mode : {"delete", "truncate", "persist", "wal", "memory", "off"}) {
    j["sqlite"]["journal_mode"] = mode;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << mode << ": " << s.status().message();
    EXPECT_EQ(s->sqlite.journal_mode, mode);
  }
}

TEST(CommonBlocksTest, SynchronousMustBeAKnownLevel) {
  Json j = Base();
  j["sqlite"] = {{"synchronous", 2}};
  ExpectOnlyProblem(j, "sqlite.synchronous: found 2 (an integer); expected one of off, normal, full, extra");
  j["sqlite"]["synchronous"] = "fast";
  ExpectOnlyProblem(j, "sqlite.synchronous: found \"fast\" (a string); expected one of off, normal, full, extra");
  for (const char* level : {"off", "normal", "full", "extra"}) {
    j["sqlite"]["synchronous"] = level;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << level << ": " << s.status().message();
    EXPECT_EQ(s->sqlite.synchronous, level);
  }
}

TEST(CommonBlocksTest, PageSizeBusyTimeoutAndCacheSize) {
  Json j = Base();
  j["sqlite"] = {{"page_size", 1000}};
  ExpectOnlyProblem(j, "sqlite.page_size: found 1000; expected a power of two from 512 to 65536");
  j["sqlite"]["page_size"] = 256;
  ExpectOnlyProblem(j, "sqlite.page_size: found 256 (an integer); expected an integer from 512 to 65536");
  j["sqlite"]["page_size"] = 131072;
  ExpectOnlyProblem(j, "sqlite.page_size: found 131072 (an integer); expected an integer from 512 to 65536");
  for (int64_t size : {512, 8192, 65536}) {
    j["sqlite"]["page_size"] = size;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << size << ": " << s.status().message();
    EXPECT_EQ(s->sqlite.page_size, size);
  }
  j = Base();
  j["sqlite"] = {{"busy_timeout_ms", -1}};
  ExpectOnlyProblem(j, "sqlite.busy_timeout_ms: found -1 (an integer); expected an integer from 0 to 3600000");
  j["sqlite"] = {{"cache_size", 100000}, {"busy_timeout_ms", 0}};  // any integer: pages, or -KiB
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->sqlite.cache_size, 100000);
  EXPECT_EQ(s->sqlite.busy_timeout_ms, 0);
}

}  // namespace
}  // namespace common_blocks_test
}  // namespace shardlab
