#include "kinds/backup/backup_spec.h"
#include "kinds/concurrency/concurrency_spec.h"
#include "kinds/registry.h"
#include "kinds/tenants/tenants_spec.h"
#include "kinds/workload/workload_spec.h"
#include "scenario/scenario.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/test_temp_dir.h"
#include "sqlite/sqlite_facts.h"

namespace shardlab {
namespace {

// Every message line starts with this origin, so tests can check the "FILE: path:" prefix.
constexpr char kOrigin[] = "mem/unit.json";

// A small valid workload scenario; tests change one thing at a time.
Json Base() {
  return Json::parse(R"({
    "name": "unit-base",
    "kind": "workload",
    "shards": {"count": 4},
    "keys": {"count": 400, "format": "k{i}"},
    "workload": {
      "value_format": "v{i % 7}",
      "mix": {"get": 0.9, "put": 0.1},
      "ops": 5000,
      "warmup_ops": 500,
      "repetitions": 3,
      "threads": 2
    },
    "expect": [{"metric": "load.rows", "op": "eq", "value": 400}]
  })");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options);
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    const size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

// Loads `j`, which must fail with kInvalidInput; returns the message's lines.
std::vector<std::string> ProblemLines(const Json& j, const LoadOptions& options = {}) {
  auto s = Load(j, options);
  if (s.ok()) {
    ADD_FAILURE() << "expected the scenario to be rejected:\n" << j.dump(2);
    return {};
  }
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput) << s.status().message();
  return SplitLines(s.status().message());
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += "  " + l + "\n";
  return out;
}

// Expects exactly one line about `path` ("mem/unit.json: <path>: ...") containing every
// part; returns it.
std::string ExpectLine(const std::vector<std::string>& lines, const std::string& path,
                       std::initializer_list<std::string> parts) {
  const std::string prefix = std::string(kOrigin) + ": " + path + ": ";
  std::string found;
  int matches = 0;
  for (const std::string& line : lines) {
    if (line.rfind(prefix, 0) == 0) {
      found = line;
      ++matches;
    }
  }
  EXPECT_EQ(matches, 1) << "lines about " << path << " in:\n" << Joined(lines);
  for (const std::string& part : parts) {
    EXPECT_NE(found.find(part), std::string::npos) << "missing \"" << part << "\" in: " << found;
  }
  return found;
}

// The single problem line of `j`, which must be about `path`.
void ExpectOnlyProblem(const Json& j, const std::string& path, std::initializer_list<std::string> parts) {
  const std::vector<std::string> lines = ProblemLines(j);
  EXPECT_EQ(lines.size(), 1u) << Joined(lines);
  ExpectLine(lines, path, parts);
}

// --- The base and its defaults ---------------------------------------------------

TEST(ScenarioTest, BaseLoadsWithTypedFields) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->file, kOrigin);
  EXPECT_EQ(s->name, "unit-base");
  EXPECT_EQ(s->kind, "workload");
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->shards.count, 4u);
  EXPECT_EQ(s->shards.layout, "flat");
  EXPECT_EQ(s->shards.roots, std::vector<std::string>{"."});
  EXPECT_EQ(s->keys.count, 400u);
  EXPECT_EQ(s->keys.format, "k{i}");
  EXPECT_FALSE(s->keys.integer_keys);
  EXPECT_EQ(s->keys.hash, HashKind::kXxh3);
  EXPECT_EQ(s->distribution.type, "uniform");
  EXPECT_EQ(s->router.type, "mod");
  EXPECT_EQ(s->sqlite.journal_mode, "delete");
  EXPECT_EQ(s->sqlite.synchronous, "full");
  EXPECT_EQ(s->sqlite.page_size, 4096);
  EXPECT_EQ(s->sqlite.cache_size, -2000);
  EXPECT_EQ(s->sqlite.busy_timeout_ms, 5000);
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 5000);
  EXPECT_EQ(s->Spec<WorkloadSpec>().warmup_ops, 500);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 3);
  EXPECT_EQ(s->Spec<WorkloadSpec>().threads, 2);
  EXPECT_EQ(s->Spec<WorkloadSpec>().query.where, "v = ?1");
  EXPECT_EQ(s->Spec<WorkloadSpec>().query.param, "v{i % 7}");  // defaults to value_format
  // Weights are normalised and kept in file order.
  ASSERT_EQ(s->Spec<WorkloadSpec>().mix.size(), 2u);
  EXPECT_EQ(s->Spec<WorkloadSpec>().mix[0].first, OpType::kGet);
  EXPECT_DOUBLE_EQ(s->Spec<WorkloadSpec>().mix[0].second, 0.9);
  EXPECT_EQ(s->Spec<WorkloadSpec>().mix[1].first, OpType::kPut);
  EXPECT_DOUBLE_EQ(s->Spec<WorkloadSpec>().mix[1].second, 0.1);
  ASSERT_EQ(s->expect.size(), 1u);
  EXPECT_EQ(s->expect[0].metric, "load.rows");
  EXPECT_EQ(s->expect[0].op, "eq");
  EXPECT_EQ(s->expect[0].value, Json(400));
}

TEST(ScenarioTest, DefaultsAreFilledIntoResolvedInReadOrder) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const Json& r = s->resolved;
  // ordered_json compares objects in order, so these also pin the key order.
  EXPECT_EQ(r["shards"], Json::parse(R"({"count": 4, "layout": "flat", "roots": ["."], "digits_width": 0})"));
  EXPECT_EQ(r["keys"], Json::parse(R"({"count": 400, "type": "string", "format": "k{i}", "route_format": "",
                                        "hash": "xxh3", "distribution": {"type": "uniform"}})"));
  EXPECT_EQ(r["router"], Json::parse(R"({"type": "mod"})"));
  EXPECT_EQ(r["sqlite"], Json::parse(R"({"journal_mode": "delete", "synchronous": "full", "page_size": 4096,
                                          "cache_size": -2000, "busy_timeout_ms": 5000})"));
  EXPECT_EQ(r["seed"], Json(1));
  EXPECT_EQ(r["description"], Json(""));
  EXPECT_EQ(r["claims"], Json::array());
  EXPECT_EQ(r["workload"]["query"], Json::parse(R"({"where": "v = ?1", "param": "v{i % 7}"})"));
  EXPECT_EQ(r["workload"]["scan_length"], Json(10));
  EXPECT_EQ(r["workload"]["probes"], Json::array());
  EXPECT_FALSE(r["workload"].contains("walk"));  // absent unless given
  EXPECT_EQ(r["expect"][0], Json::parse(R"({"metric": "load.rows", "op": "eq", "value": 400, "claim": "", "note": ""})"));

  std::vector<std::string> top;
  for (auto it = r.begin(); it != r.end(); ++it) top.push_back(it.key());
  EXPECT_EQ(top, (std::vector<std::string>{"name", "kind", "description", "claims", "seed", "data_dir", "shards",
                                           "keys", "router", "sqlite", "workload", "expect"}));
}

TEST(ScenarioTest, RingDefaultsAndPointHashFollowKeyHash) {
  Json j = Base();
  j["router"] = {{"type", "ring"}};
  j["keys"]["hash"] = "fnv1a";
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->router.vnodes, 100u);
  EXPECT_EQ(s->router.point_hash, HashKind::kFnv1a);
  EXPECT_EQ(s->resolved["router"], Json::parse(R"({"type": "ring", "compat": "none", "vnodes": 100,
                                                    "point_hash": "fnv1a"})"));
}

TEST(ScenarioTest, RingCompatBlogWithSha256Loads) {
  Json j = Base();
  j["router"] = {{"type", "ring"}, {"compat", "blog"}};
  j["keys"]["hash"] = "sha256";
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->router.point_hash, HashKind::kSha256);
  EXPECT_EQ(s->resolved["router"]["point_hash"], Json("sha256"));
}

TEST(ScenarioTest, DistributionDefaultsDependOnType) {
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
}

TEST(ScenarioTest, IntegerKeysDefaultFormat) {
  Json j = Base();
  j["keys"] = {{"count", 10}, {"type", "integer"}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->keys.integer_keys);
  EXPECT_EQ(s->keys.format, "{i}");
}

// --- One test per class of bad input ---------------------------------------------

TEST(ScenarioTest, UnknownKeyAtRoot) {
  Json j = Base();
  j["nmae"] = "typo";
  ExpectOnlyProblem(j, "nmae", {"unknown key", "allowed keys here: name, kind, description", "expect"});
}

TEST(ScenarioTest, UnknownKeyNested) {
  Json j = Base();
  j["shards"]["cuont"] = 4;
  ExpectOnlyProblem(j, "shards.cuont", {"unknown key", "allowed keys here: count, layout, roots, digits_width"});

  // A parameter of another distribution type is unknown for this one.
  j = Base();
  j["keys"]["distribution"] = {{"type", "uniform"}, {"theta", 0.5}};
  ExpectOnlyProblem(j, "keys.distribution.theta", {"unknown key", "allowed keys here: type"});

  // vnodes only exists for ring routers.
  j = Base();
  j["router"] = {{"type", "mod"}, {"vnodes", 10}};
  ExpectOnlyProblem(j, "router.vnodes", {"unknown key", "allowed keys here: type"});

  // Inside an array item.
  j = Base();
  j["expect"][0]["tolerence"] = 1;
  ExpectOnlyProblem(j, "expect[0].tolerence", {"unknown key", "metric, op, value"});
}

TEST(ScenarioTest, WrongType) {
  Json j = Base();
  j["shards"]["count"] = "4";
  ExpectOnlyProblem(j, "shards.count", {"found \"4\" (a string)", "expected an integer from 1 to 1000000"});

  j = Base();
  j["workload"]["index_values"] = "yes";
  ExpectOnlyProblem(j, "workload.index_values", {"found \"yes\" (a string)", "expected true or false"});

  j = Base();
  j["claims"] = "C1";
  ExpectOnlyProblem(j, "claims", {"found \"C1\" (a string)", "expected an array of strings"});

  j = Base();
  j["workload"]["ops"] = 2.5;
  ExpectOnlyProblem(j, "workload.ops", {"found 2.5 (a number)", "expected an integer >= 0"});

  // A block of the wrong type is one problem, not one per missing field.
  j = Base();
  j["shards"] = Json::array({4});
  ExpectOnlyProblem(j, "shards", {"found [4] (an array)", "expected an object"});

  j = Base();
  j["expect"] = Json::object();
  ExpectOnlyProblem(j, "expect", {"found {} (an object)", "expected an array of objects"});

  j = Base();
  j["expect"][0] = 3;
  ExpectOnlyProblem(j, "expect[0]", {"found 3 (an integer)", "expected an object"});
}

TEST(ScenarioTest, NameMustBeUsableAsAFileName) {
  for (const char* bad : {"", "../escape", "a/b", ".hidden", "with space"}) {
    Json j = Base();
    j["name"] = bad;
    ExpectOnlyProblem(j, "name", {std::string("found \"") + bad + "\"", "letters, digits, '.', '_' or '-'"});
  }
  for (const char* good : {"a", "blog-hash.v2_1", "_x", "9lives"}) {
    Json j = Base();
    j["name"] = good;
    EXPECT_TRUE(Load(j).ok()) << good;
  }
}

TEST(ScenarioTest, RootMustBeAnObject) {
  auto s = Load(Json::array({1, 2}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(s.status().message(), std::string(kOrigin) + ": found [1,2] (an array); expected a JSON object");
}

TEST(ScenarioTest, MissingRequiredKeys) {
  Json j = Base();
  j.erase("name");
  ExpectOnlyProblem(j, "name", {"missing", "expected a string"});

  j = Base();
  j.erase("kind");
  const std::vector<std::string> lines = ProblemLines(j);
  ExpectLine(lines, "kind", {"missing", "expected one of workload"});

  j = Base();
  j["shards"].erase("count");
  ExpectOnlyProblem(j, "shards.count", {"missing", "expected an integer from 1 to 1000000"});

  j = Base();
  j["keys"].erase("count");
  ExpectOnlyProblem(j, "keys.count", {"missing", "expected an integer from 1 to 1000000000"});

  // A missing block is reported once, without its required fields.
  j = Base();
  j.erase("shards");
  ExpectOnlyProblem(j, "shards", {"missing", "expected an object"});

  // Probes: name and op are required.
  j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"op": "get", "index": 1}])");
  ExpectOnlyProblem(j, "workload.probes[0].name", {"missing", "expected a string"});

  // expect: metric, op and value are required.
  j = Base();
  j["expect"] = Json::parse(R"([{"op": "eq", "value": 1}, {"metric": "load.rows", "value": 1},
                                {"metric": "load.rows", "op": "eq"}])");
  const std::vector<std::string> expect_lines = ProblemLines(j);
  EXPECT_EQ(expect_lines.size(), 3u) << Joined(expect_lines);
  ExpectLine(expect_lines, "expect[0].metric", {"missing", "expected a string"});
  ExpectLine(expect_lines, "expect[1].op", {"missing", "expected one of eq, approx, lt, le, gt, ge"});
  ExpectLine(expect_lines, "expect[2].value", {"missing"});
}

TEST(ScenarioTest, OutOfRange) {
  Json j = Base();
  j["shards"]["count"] = 0;
  ExpectOnlyProblem(j, "shards.count", {"found 0 (an integer)", "expected an integer from 1 to 1000000"});

  j = Base();
  j["shards"]["count"] = 1000001;
  ExpectOnlyProblem(j, "shards.count", {"found 1000001 (an integer)", "from 1 to 1000000"});

  j = Base();
  j["router"] = {{"type", "ring"}, {"vnodes", 0}};
  ExpectOnlyProblem(j, "router.vnodes", {"found 0 (an integer)", "expected an integer from 1 to 100000"});

  j = Base();
  j["workload"]["ops"] = -1;
  ExpectOnlyProblem(j, "workload.ops", {"found -1 (an integer)", "expected an integer >= 0"});

  j = Base();
  j["keys"]["count"] = -1;
  ExpectOnlyProblem(j, "keys.count", {"found -1 (an integer)", "expected an integer from 1 to 1000000000"});

  j = Base();
  j["workload"]["repetitions"] = 0;
  ExpectOnlyProblem(j, "workload.repetitions", {"found 0 (an integer)", "from 1 to 1000"});

  j = Base();
  j["seed"] = -5;
  ExpectOnlyProblem(j, "seed", {"found -5 (an integer)", "expected an integer"});

  j = Base();
  j["shards"]["digits_width"] = 3;
  ExpectOnlyProblem(j, "shards.digits_width", {"found 3", "0 (automatic) or a width from 4 to 18"});
}

TEST(ScenarioTest, ZipfianThetaMustBePositiveAndNotOne) {
  for (const char* type : {"zipfian", "scrambled_zipfian", "latest"}) {
    SCOPED_TRACE(type);
    for (double theta : {0.0, -0.5}) {
      Json j = Base();
      j["keys"]["distribution"] = {{"type", type}, {"theta", theta}};
      ExpectOnlyProblem(j, "keys.distribution.theta", {"found ", "expected a number > 0"});
    }
    Json j = Base();
    j["keys"]["distribution"] = {{"type", type}, {"theta", 1}};
    ExpectOnlyProblem(j, "keys.distribution.theta", {"found 1", "other than 1"});
    j["keys"]["distribution"]["theta"] = 1.0;
    ExpectOnlyProblem(j, "keys.distribution.theta", {"found 1", "other than 1"});
    j["keys"]["distribution"]["theta"] = 1.2;  // > 1 is fine (YCSB allows it)
    EXPECT_TRUE(Load(j).ok());
  }
}

TEST(ScenarioTest, JournalModeMustBeAKnownMode) {
  Json j = Base();
  j["sqlite"] = {{"journal_mode", "wall"}};
  ExpectOnlyProblem(j, "sqlite.journal_mode",
                    {"found \"wall\" (a string)", "expected one of delete, truncate, persist, wal, memory, off"});
  j["sqlite"]["journal_mode"] = "WAL";  // case matters: the value goes into the pragma as written
  ExpectOnlyProblem(j, "sqlite.journal_mode", {"found \"WAL\""});
  for (const char* mode : {"delete", "truncate", "persist", "wal", "memory", "off"}) {
    j["sqlite"]["journal_mode"] = mode;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << mode << ": " << s.status().message();
    EXPECT_EQ(s->sqlite.journal_mode, mode);
  }
}

TEST(ScenarioTest, SynchronousMustBeAKnownLevel) {
  Json j = Base();
  j["sqlite"] = {{"synchronous", 2}};
  ExpectOnlyProblem(j, "sqlite.synchronous", {"found 2 (an integer)", "expected one of off, normal, full, extra"});
  j["sqlite"]["synchronous"] = "fast";
  ExpectOnlyProblem(j, "sqlite.synchronous", {"found \"fast\"", "off, normal, full, extra"});
  for (const char* level : {"off", "normal", "full", "extra"}) {
    j["sqlite"]["synchronous"] = level;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << level << ": " << s.status().message();
    EXPECT_EQ(s->sqlite.synchronous, level);
  }
}

TEST(ScenarioTest, PageSizeMustBeAPowerOfTwoInRange) {
  Json j = Base();
  j["sqlite"] = {{"page_size", 1000}};
  ExpectOnlyProblem(j, "sqlite.page_size", {"found 1000", "expected a power of two from 512 to 65536"});
  j["sqlite"]["page_size"] = 256;
  ExpectOnlyProblem(j, "sqlite.page_size", {"found 256 (an integer)", "from 512 to 65536"});
  j["sqlite"]["page_size"] = 131072;
  ExpectOnlyProblem(j, "sqlite.page_size", {"found 131072 (an integer)", "from 512 to 65536"});
  for (int64_t size : {512, 8192, 65536}) {
    j["sqlite"]["page_size"] = size;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << size << ": " << s.status().message();
    EXPECT_EQ(s->sqlite.page_size, size);
  }
}

TEST(ScenarioTest, RangeBoundariesMustIncrease) {
  Json j = Base();
  j["keys"]["format"] = "{i}";  // numeric boundaries need integer routing keys
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [100, 50, 200]})");
  ExpectOnlyProblem(j, "router.boundaries",
                    {"found [100,50,200] (an array)", "strictly increasing integers, or of strictly increasing strings"});

  j["router"]["boundaries"] = Json::parse(R"([100, 100, 200])");  // equal is not increasing
  ExpectOnlyProblem(j, "router.boundaries", {"found [100,100,200]"});

  j["router"]["boundaries"] = Json::parse(R"(["m", "c", "x"])");
  ExpectOnlyProblem(j, "router.boundaries", {"found [\"m\",\"c\",\"x\"]"});

  j["router"]["boundaries"] = Json::parse(R"([100, "m", 200])");  // mixed types
  ExpectOnlyProblem(j, "router.boundaries", {"found [100,\"m\",200]"});

  j["router"]["boundaries"] = Json::array();
  ExpectOnlyProblem(j, "router.boundaries", {"found [] (an array)"});

  j["router"].erase("boundaries");
  ExpectOnlyProblem(j, "router.boundaries", {"missing; expected an array of strictly increasing"});

  j["router"]["boundaries"] = Json::parse(R"([100, 200, 300])");
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->router.numeric_boundaries);
  EXPECT_EQ(s->router.int_boundaries, (std::vector<int64_t>{100, 200, 300}));

  j["router"]["boundaries"] = Json::parse(R"(["c", "m", "x"])");
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_FALSE(s->router.numeric_boundaries);
  EXPECT_EQ(s->router.string_boundaries, (std::vector<std::string>{"c", "m", "x"}));
}

TEST(ScenarioTest, RangeBoundaryCountMustMatchShardCount) {
  Json j = Base();
  j["keys"]["format"] = "{i}";
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [100, 200]})");  // 3 shards, not 4
  ExpectOnlyProblem(j, "router", {"2 boundaries make 3 shards, but shards.count is 4"});
  j["router"]["boundaries"] = Json::parse(R"([1, 2, 3, 4])");  // 5 shards
  ExpectOnlyProblem(j, "router", {"4 boundaries make 5 shards, but shards.count is 4"});
}

TEST(ScenarioTest, NumericRangeNeedsIntegerRoutingKeys) {
  Json j = Base();  // keys "k0", "k1", ...
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [100, 200, 300]})");
  ExpectOnlyProblem(j, "keys.format", {"item 0 routes by \"k0\", which is not an integer"});
  j["keys"]["route_format"] = "{i % 10 < 7 ? 2026 : 2023 + i % 3}x";
  ExpectOnlyProblem(j, "keys.route_format", {"item 0 routes by \"2026x\""});
  j["keys"]["route_format"] = "{i}";
  EXPECT_TRUE(Load(j).ok());
}

TEST(ScenarioTest, RingCompatBlogNeedsSha256Keys) {
  Json j = Base();
  j["router"] = {{"type", "ring"}, {"compat", "blog"}};  // keys.hash defaults to xxh3
  ExpectOnlyProblem(j, "router.compat", {"compat \"blog\" needs keys.hash = \"sha256\""});

  j["keys"]["hash"] = "sha256";
  j["router"]["vnodes"] = 64;
  ExpectOnlyProblem(j, "router.vnodes", {"compat \"blog\" places 100 vnodes per shard; found 64"});

  j["router"].erase("vnodes");
  j["router"]["point_hash"] = "xxh3";
  ExpectOnlyProblem(j, "router.point_hash", {"compat \"blog\" hashes ring points with sha256"});

  j["router"]["compat"] = "ketama";
  j["router"].erase("point_hash");
  ExpectOnlyProblem(j, "router.compat", {"found \"ketama\"", "expected one of none, blog"});
}

TEST(ScenarioTest, AttachUnionIsLimitedByTheLinkedLibrary) {
  const int limit = LinkedAttachLimit();
  ASSERT_GT(limit, 0);
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "all", "op": "attach_union", "where": "1"}])");
  j["shards"]["count"] = limit;
  auto at_limit = Load(j);
  EXPECT_TRUE(at_limit.ok()) << at_limit.status().message();

  j["shards"]["count"] = limit + 1;
  ExpectOnlyProblem(j, "workload", {"attach_union attaches all " + std::to_string(limit + 1) + " shards",
                                    "attaches at most " + std::to_string(limit), "SQLITE_LIMIT_ATTACHED"});

  // The same through the mix instead of a probe.
  j["workload"].erase("probes");
  j["workload"]["mix"] = {{"get", 0.5}, {"attach_union", 0.5}};
  ExpectOnlyProblem(j, "workload", {"attaches at most " + std::to_string(limit)});
}

TEST(ScenarioTest, ApproxNeedsATolerance) {
  Json j = Base();
  j["expect"] = Json::parse(R"([{"metric": "load.rows", "op": "approx", "value": 400}])");
  ExpectOnlyProblem(j, "expect[0].tolerance", {"missing", "expected a number >= 0"});
  j["expect"][0]["tolerance"] = -1;
  ExpectOnlyProblem(j, "expect[0].tolerance", {"found -1 (an integer)", "expected a number >= 0"});
  j["expect"][0]["tolerance"] = 2.5;
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_DOUBLE_EQ(s->expect[0].tolerance, 2.5);
}

TEST(ScenarioTest, ToleranceOnlyForApprox) {
  Json j = Base();
  j["expect"][0]["tolerance"] = 1;  // op is eq
  ExpectOnlyProblem(j, "expect[0].tolerance", {"only applies to op \"approx\""});
  j["expect"][0]["op"] = "lt";
  ExpectOnlyProblem(j, "expect[0].tolerance", {"only applies to op \"approx\""});
}

TEST(ScenarioTest, NumericOpsNeedANumber) {
  Json j = Base();
  j["expect"] = Json::parse(R"([{"metric": "load.rows", "op": "lt", "value": "400"}])");
  ExpectOnlyProblem(j, "expect[0].value", {"found \"400\" (a string)", "op \"lt\" expects a number"});
}

TEST(ScenarioTest, ExpectClaimMustLookLikeAClaimId) {
  Json j = Base();
  j["expect"][0]["claim"] = "claim1";
  ExpectOnlyProblem(j, "expect[0].claim", {"found \"claim1\"", "like \"C1\""});
}

TEST(ScenarioTest, ExpectMetricMustExist) {
  Json j = Base();
  j["expect"][0]["metric"] = "latency.p50";
  ExpectOnlyProblem(j, "expect[0].metric", {"found \"latency.p50\"", "no metric \"latency\"",
                                            "(metrics: attach, balance, load, ops, per_shard_counts, postgres, "
                                            "probes, shards, throughput, walk)"});

  j["expect"][0]["metric"] = "per_shard_counts[2]";  // an index after a known root is fine
  EXPECT_TRUE(Load(j).ok());

  j["expect"][0]["metric"] = "probes.nope.rows";
  ExpectOnlyProblem(j, "expect[0].metric", {"no probe is named \"nope\""});

  j["expect"][0]["metric"] = "ops.scan.count";  // the mix has get and put only
  ExpectOnlyProblem(j, "expect[0].metric", {"operation \"scan\" is not in workload.mix"});
  j["expect"][0]["metric"] = "ops.put.count";
  EXPECT_TRUE(Load(j).ok());
}

TEST(ScenarioTest, ProbeNamesMustBeUnique) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 1},
                                            {"name": "q", "op": "get", "index": 2},
                                            {"name": "p", "op": "scan", "key": "k3"}])");
  ExpectOnlyProblem(j, "workload.probes[2].name", {"\"p\" is used by an earlier probe"});

  j["workload"]["probes"][2]["name"] = "bad-name";  // it becomes a metric name
  ExpectOnlyProblem(j, "workload.probes[2].name", {"found \"bad-name\"", "letters, digits and '_'"});
}

TEST(ScenarioTest, ProbeIndexMustBeBelowKeyCount) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 400}])");
  ExpectOnlyProblem(j, "workload.probes[0].index", {"found 400", "below keys.count (400)"});
  j["workload"]["probes"][0]["index"] = 399;
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE(s->Spec<WorkloadSpec>().probes[0].index.has_value());
  EXPECT_EQ(*s->Spec<WorkloadSpec>().probes[0].index, 399u);
  EXPECT_FALSE(s->Spec<WorkloadSpec>().probes[0].key.has_value());
}

TEST(ScenarioTest, ProbeNeedsExactlyOneOfKeyOrIndex) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get"}])");
  ExpectOnlyProblem(j, "workload.probes[0].key", {"exactly one of key"});
  j["workload"]["probes"][0]["key"] = "k1";
  j["workload"]["probes"][0]["index"] = 1;
  ExpectOnlyProblem(j, "workload.probes[0].key", {"exactly one of key"});
}

TEST(ScenarioTest, BadWhereSqlIsReportedWithSqlitesMessage) {
  Json j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "s", "op": "scatter", "where": "v = = 1"}])");
  ExpectOnlyProblem(j, "workload.probes[0].where", {"syntax error"});

  j = Base();
  j["workload"]["query"] = {{"where", "nope = ?1"}};
  ExpectOnlyProblem(j, "workload.query.where", {"no such column: nope"});
}

TEST(ScenarioTest, BadTemplatesAreReportedWithTheColumn) {
  Json j = Base();
  j["workload"]["value_format"] = "v{i";
  const std::vector<std::string> lines = ProblemLines(j);
  // The query's param defaults to value_format, so both report the same template.
  EXPECT_EQ(lines.size(), 2u) << Joined(lines);
  ExpectLine(lines, "workload.value_format", {"column 4"});
  ExpectLine(lines, "workload.query.param", {"column 4"});

  j = Base();
  j["workload"]["probes"] = Json::parse(R"([{"name": "s", "op": "scatter", "param": "{i % 0}"}])");
  ExpectOnlyProblem(j, "workload.probes[0].param", {"division by zero"});

  j = Base();
  j["keys"]["format"] = "k{j}";
  ExpectOnlyProblem(j, "keys.format", {"column 3"});

  j = Base();
  j["keys"]["route_format"] = "{i % 10 <}";
  ExpectOnlyProblem(j, "keys.route_format", {"column "});

  j = Base();
  j["keys"]["type"] = "integer";  // "k{i}" is not one expression
  ExpectOnlyProblem(j, "keys.format", {"found \"k{i}\"", "one expression"});
}

TEST(ScenarioTest, OpsAndMixGoTogether) {
  Json j = Base();
  j["workload"].erase("mix");
  ExpectOnlyProblem(j, "workload.mix", {"workload.ops is 5000 but no operation has a weight > 0"});
  j = Base();
  j["workload"]["ops"] = 0;
  ExpectOnlyProblem(j, "workload.ops", {"found 0 but a mix is given"});
  j = Base();
  j["workload"]["mix"]["teleport"] = 1;
  ExpectOnlyProblem(j, "workload.mix.teleport", {"unknown operation"});
}

TEST(ScenarioTest, SeveralProblemsGiveSeveralLines) {
  Json j = Base();
  j.erase("name");
  j["bogus"] = true;
  j["sqlite"] = {{"journal_mode", "wall"}, {"page_size", 1000}};
  j["shards"]["count"] = 0;
  const std::vector<std::string> lines = ProblemLines(j);
  EXPECT_EQ(lines.size(), 5u) << Joined(lines);
  for (const std::string& line : lines) EXPECT_EQ(line.rfind(std::string(kOrigin) + ": ", 0), 0u) << line;
  ExpectLine(lines, "name", {"missing"});
  ExpectLine(lines, "bogus", {"unknown key"});
  ExpectLine(lines, "sqlite.journal_mode", {"found \"wall\""});
  ExpectLine(lines, "sqlite.page_size", {"power of two"});
  ExpectLine(lines, "shards.count", {"found 0"});
  // Unknown keys are found when a block finishes, after the fields it read.
  EXPECT_EQ(lines.back().rfind(std::string(kOrigin) + ": bogus: ", 0), 0u) << Joined(lines);
}

TEST(ScenarioTest, CrossFieldChecksWaitForWellFormedFields) {
  // Both an unknown key (field check) and a bad probe index (cross-field check): only the
  // first is reported, since cross-field checks assume well-formed values.
  Json j = Base();
  j["bogus"] = 1;
  j["workload"]["probes"] = Json::parse(R"([{"name": "p", "op": "get", "index": 400}])");
  ExpectOnlyProblem(j, "bogus", {"unknown key"});
}

// --- LoadOptions -------------------------------------------------------------------

TEST(ScenarioTest, OverridesApplyBeforeValidation) {
  LoadOptions options;
  options.overrides = {{"sqlite.journal_mode", "wal"}, {"router.type", "ring"}, {"router.vnodes", "64"},
                       {"workload.threads", "4"}, {"keys.distribution", R"({"type": "zipfian", "theta": 0.8})"}};
  auto s = Load(Base(), options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->sqlite.journal_mode, "wal");
  EXPECT_EQ(s->router.type, "ring");
  EXPECT_EQ(s->router.vnodes, 64u);
  EXPECT_EQ(s->Spec<WorkloadSpec>().threads, 4);
  EXPECT_EQ(s->distribution.type, "zipfian");
  EXPECT_DOUBLE_EQ(s->distribution.theta, 0.8);
  EXPECT_EQ(s->resolved["sqlite"]["journal_mode"], Json("wal"));
  EXPECT_EQ(s->resolved["router"]["vnodes"], Json(64));

  // Later overrides win.
  options.overrides = {{"shards.count", "8"}, {"shards.count", "2"}};
  s = Load(Base(), options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->shards.count, 2u);

  // An override can make an invalid file valid: validation sees the result.
  Json j = Base();
  j["shards"]["count"] = 0;
  options.overrides = {{"shards.count", "3"}};
  EXPECT_TRUE(Load(j, options).ok());
}

TEST(ScenarioTest, BadOverrideValueIsReportedWithThePath) {
  LoadOptions options;
  options.overrides = {{"sqlite.journal_mode", "wall"}};
  ExpectLine(ProblemLines(Base(), options), "sqlite.journal_mode", {"found \"wall\" (a string)", "one of delete"});

  options.overrides = {{"router.vnodes", "64"}};  // vnodes on a mod router
  ExpectLine(ProblemLines(Base(), options), "router.vnodes", {"unknown key"});

  options.overrides = {{"shards.count", "four"}};
  ExpectLine(ProblemLines(Base(), options), "shards.count", {"found \"four\" (a string)"});

  // A path through a non-object fails before validation, naming the origin and the --set.
  options.overrides = {{"name.first", "x"}};
  auto s = Load(Base(), options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(s.status().message(), std::string(kOrigin) +
                                      ": --set name.first=x: name is \"unit-base\" (a string), not an object");
}

TEST(ScenarioTest, SeedOptionOverridesTheFile) {
  Json j = Base();
  j["seed"] = 7;
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 7u);

  LoadOptions options;
  options.seed = 12345;
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 12345u);
  EXPECT_EQ(s->resolved["seed"], Json(12345));

  // --seed wins over --set seed=.
  options.overrides = {{"seed", "99"}};
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 12345u);

  options.seed = 0;
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, 0u);

  options.seed = uint64_t{std::numeric_limits<int64_t>::max()};
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, uint64_t{std::numeric_limits<int64_t>::max()});
}

// The CLI's --seed takes any uint64 (cli.cc parses it with from_chars into uint64_t), so
// the file's seed must accept the whole range too.
TEST(ScenarioTest, SeedAcceptsTheWholeUint64Range) {
  LoadOptions options;
  options.seed = std::numeric_limits<uint64_t>::max();
  auto s = Load(Base(), options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, std::numeric_limits<uint64_t>::max());

  Json j = Base();
  j["seed"] = uint64_t{1} << 63;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, uint64_t{1} << 63);
  EXPECT_EQ(s->resolved["seed"], Json(uint64_t{1} << 63));

  j["seed"] = 1.5;
  ExpectOnlyProblem(j, "seed", {"found 1.5 (a number)", "expected an integer"});
}

// A boundary above INT64_MAX must be reported, not wrap to a negative number.
TEST(ScenarioTest, RangeBoundaryAboveInt64IsRejected) {
  Json j = Base();
  j["shards"]["count"] = 2;
  j["keys"]["format"] = "{i}";
  j["router"] = Json::parse(R"({"type": "range", "boundaries": [9223372036854775808]})");
  ExpectOnlyProblem(j, "router.boundaries", {"found [9223372036854775808]"});
}

TEST(ScenarioTest, WalkShardsMustBeNonEmptyAndAtMostShardCount) {
  Json j = Base();
  j["workload"]["walk"] = {{"shards", Json::array()}};
  ExpectOnlyProblem(j, "workload.walk.shards", {"found an empty array"});
  j["workload"]["walk"]["shards"] = {2, 5};
  ExpectOnlyProblem(j, "workload.walk.shards", {"found 5", "at most shards.count (4)"});
  j["workload"]["walk"]["shards"] = {2, 4};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.shards, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.fanout_threads, std::vector<int64_t>{1});
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.iterations, 200);
}

TEST(ScenarioTest, PostgresMetricsNeedThePeer) {
  Json j = Base();
  j["workload"]["walk"] = {{"shards", {2, 4}}};
  j["expect"][0]["metric"] = "walk.shards_4.postgres.walk_over_one_query_p50";
  ExpectOnlyProblem(j, "expect[0].metric", {"need workload.walk.postgres: true"});
  j["expect"][0]["metric"] = "postgres.rows";
  ExpectOnlyProblem(j, "expect[0].metric", {"found \"postgres.rows\"", "need workload.walk.postgres: true"});
  j["workload"]["walk"]["postgres"] = true;
  EXPECT_TRUE(Load(j).ok());
  j["expect"][0]["metric"] = "walk.shards_4.postgres.walk_over_one_query_p50";
  EXPECT_TRUE(Load(j).ok());
}

TEST(ScenarioTest, WalkPostgresIsABooleanDefaultingToFalse) {
  Json j = Base();
  j["workload"]["walk"] = {{"shards", {2, 4}}};
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_FALSE(s->Spec<WorkloadSpec>().walk.postgres);
  EXPECT_EQ(s->resolved["workload"]["walk"]["postgres"], Json(false));
  j["workload"]["walk"]["postgres"] = true;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->Spec<WorkloadSpec>().walk.postgres);
  j["workload"]["walk"]["postgres"] = "yes";
  ExpectOnlyProblem(j, "workload.walk.postgres", {"found \"yes\" (a string)", "expected true or false"});
  j["workload"]["walk"]["postgres"] = 1;
  ExpectOnlyProblem(j, "workload.walk.postgres", {"found 1", "expected true or false"});
}

// A missing or mistyped walk.shards is one problem, not also "an empty array".
TEST(ScenarioTest, MissingWalkShardsIsReportedOnce) {
  Json j = Base();
  j["workload"]["walk"] = Json::object();
  ExpectOnlyProblem(j, "workload.walk.shards", {"missing"});
  j["workload"]["walk"]["shards"] = "x";
  ExpectOnlyProblem(j, "workload.walk.shards", {"found \"x\" (a string)"});
}

TEST(ScenarioTest, QuickModeCapsOperationsAndRepetitions) {
  Json j = Base();
  j["workload"]["ops"] = 50000;
  j["workload"]["warmup_ops"] = 5000;
  j["workload"]["walk"] = {{"shards", {2, 4}}, {"iterations", 500}};
  LoadOptions options;
  options.quick = true;
  auto s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 2000);
  EXPECT_EQ(s->Spec<WorkloadSpec>().warmup_ops, 200);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 1);
  EXPECT_EQ(s->Spec<WorkloadSpec>().walk.iterations, 20);
  EXPECT_EQ(s->resolved["workload"]["ops"], Json(2000));
  EXPECT_EQ(s->resolved["workload"]["warmup_ops"], Json(200));
  EXPECT_EQ(s->resolved["workload"]["repetitions"], Json(1));
  EXPECT_EQ(s->resolved["workload"]["walk"]["iterations"], Json(20));
  // Loaded data is unchanged.
  EXPECT_EQ(s->keys.count, 400u);
  EXPECT_EQ(s->resolved["keys"]["count"], Json(400));

  // Small values are kept; ops stays at least one per thread.
  j = Base();
  j["workload"]["ops"] = 10;
  j["workload"]["warmup_ops"] = 7;
  j["workload"]["threads"] = 8;
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 10);
  EXPECT_EQ(s->Spec<WorkloadSpec>().warmup_ops, 7);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 1);
  EXPECT_FALSE(s->resolved["workload"].contains("walk"));  // quick mode adds no walk block

  // Without --quick nothing is capped.
  j = Base();
  j["workload"]["ops"] = 50000;
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<WorkloadSpec>().ops, 50000);
  EXPECT_EQ(s->Spec<WorkloadSpec>().repetitions, 3);
}

// --quick in the kinds built on windows and rounds: the timed parts shrink, the data not.
TEST(ScenarioTest, QuickModeShrinksConcurrencyBackupAndTenants) {
  LoadOptions quick;
  quick.quick = true;
  Json c = {{"name", "q-cc"}, {"kind", "concurrency"}, {"shards", {{"count", 2}}}, {"keys", {{"count", 100}}},
            {"concurrency", {{"writers", {1, 2}}, {"duration_s", 3}}}};
  auto s = Load(c, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ConcurrencySpec>().duration_s, 0.25);
  EXPECT_EQ(s->resolved["concurrency"]["duration_s"], Json(0.25));
  s = Load(c);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<ConcurrencySpec>().duration_s, 3);

  Json b = {{"name", "q-backup"}, {"kind", "backup"}, {"shards", {{"count", 2}}}, {"keys", {{"count", 100}}},
            {"backup", {{"rounds", 9}}}};
  s = Load(b, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<BackupSpec>().rounds, 2);
  EXPECT_EQ(s->resolved["backup"]["rounds"], Json(2));
  EXPECT_EQ(s->keys.count, 100u);

  Json t = {{"name", "q-tenants"},
            {"kind", "tenants"},
            {"shards", {{"count", 3000}, {"layout", "digits"}}},
            {"keys", {{"count", 10}}},
            {"tenants", {{"requests", 50000}, {"bare_files", 3000}, {"chunk_rows", 8000}, {"minishards", 30},
                         {"packed_shards", 8}}}};
  s = Load(t, quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<TenantsSpec>().requests, 10000);
  EXPECT_EQ(s->Spec<TenantsSpec>().bare_files, 2000);
  EXPECT_EQ(s->Spec<TenantsSpec>().chunk_rounds, 1);
  EXPECT_EQ(s->Spec<TenantsSpec>().chunk_rows, 5000);
  EXPECT_EQ(s->resolved["tenants"]["requests"], Json(10000));
  EXPECT_EQ(s->shards.count, 3000u);  // the tenants provisioned are unchanged
}

// --- Files -------------------------------------------------------------------------

TEST(ScenarioTest, ReadJsonFileAllowsComments) {
  TempDir dir;
  const std::string file = dir.Write("c.json",
                                     "// leading comment\n"
                                     "{\n"
                                     "  \"a\": 1, // trailing comment\n"
                                     "  /* block\n"
                                     "     comment */ \"b\": [true, \"x // not a comment\"]\n"
                                     "}\n");
  auto j = ReadJsonFile(file);
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ(*j, Json::parse(R"({"a": 1, "b": [true, "x // not a comment"]})"));
}

TEST(ScenarioTest, ReadJsonFileReportsLineAndColumn) {
  TempDir dir;
  // The ']' is on line 5, column 8; comment lines count as lines.
  const std::string file = dir.Write("bad.json",
                                     "// comment\n"
                                     "/* two-line\n"
                                     "   comment */ {\n"
                                     "  \"a\": 1,\n"
                                     "  \"b\": ]\n"
                                     "}\n");
  auto j = ReadJsonFile(file);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(j.status().message().rfind(file + ": invalid JSON at line 5, column 8: ", 0), 0u)
      << j.status().message();

  // The first character of the file.
  const std::string first = dir.Write("first.json", "]");
  j = ReadJsonFile(first);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message().rfind(first + ": invalid JSON at line 1, column 1: ", 0), 0u)
      << j.status().message();

  // A missing closing brace is found at the end of the input: just after the last character.
  const std::string truncated = dir.Write("truncated.json", "{\n  \"a\": 1\n");
  j = ReadJsonFile(truncated);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message().rfind(truncated + ": invalid JSON at line 3, column 1: ", 0), 0u)
      << j.status().message();
}

TEST(ScenarioTest, ReadJsonFileRejectsDuplicateKeys) {
  TempDir dir;
  // The same key in different objects, or in array items, is fine.
  const std::string fine = dir.Write("fine.json", R"({"a": {"x": 1}, "b": {"x": 2}, "x": [{"x": 3}, {"x": 4}]})");
  auto j = ReadJsonFile(fine);
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ((*j)["x"][1]["x"], Json(4));

  const std::string twice = dir.Write("twice.json", R"({"router": {"type": "ring", "vnodes": 8, "vnodes": 16}})");
  j = ReadJsonFile(twice);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(j.status().message().rfind(twice + ": key \"vnodes\" appears twice", 0), 0u) << j.status().message();
}

TEST(ScenarioTest, ReadJsonFileMissingFile) {
  TempDir dir;
  const std::string file = dir.path() + "/absent.json";
  auto j = ReadJsonFile(file);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(j.status().message(), "cannot read " + file + ": No such file or directory");
}

TEST(ScenarioTest, LoadScenarioFromAFileWithComments) {
  TempDir dir;
  const std::string file = dir.Write("s.json", "// a scenario\n" + Base().dump(2) + "\n/* the end */\n");
  auto s = LoadScenario(file, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->file, file);
  EXPECT_EQ(s->name, "unit-base");

  Json j = Base();
  j["shards"]["count"] = 0;
  const std::string bad = dir.Write("bad.json", j.dump(2));
  s = LoadScenario(bad, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().rfind(bad + ": shards.count: found 0", 0), 0u) << s.status().message();
}

TEST(ScenarioTest, DirectoryRouterFileIsRelativeToTheScenario) {
  TempDir dir;
  dir.Write("map.json", "// key -> shard\n{\"k1\": 3, \"k2\": 0}");
  Json j = Base();
  j["router"] = {{"type", "directory"}, {"file", "map.json"}};
  const std::string file = dir.Write("s.json", j.dump());
  auto s = LoadScenario(file, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->router.directory.size(), 2u);
  EXPECT_EQ(s->router.directory.at("k1"), 3u);

  // Both entries and file: one problem.
  j["router"]["entries"] = {{"k1", 1}};
  const std::string both = dir.Write("both.json", j.dump());
  s = LoadScenario(both, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find(both + ": router.entries: expected exactly one of"), std::string::npos)
      << s.status().message();
}

}  // namespace
}  // namespace shardlab
