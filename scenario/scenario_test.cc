#include "scenario/scenario.h"

#include <gtest/gtest.h>

#include <any>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "scenario/kind.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace scenario_test {
namespace {

// The loader on its own, with fake kinds instead of the real ones (kinds/ is a layer up):
// the root keys, the order of reading and checking, the Kind hooks. LoadOptions and files
// are scenario_options_test.cc's, the common blocks common_blocks_test.cc's, `expect`
// scenario_expect_test.cc's.

constexpr char kOrigin[] = "mem/unit.json";

// What the fake kind "test" reads: {"size": 1..100, default 3}, and the shard count its
// Read saw (the common blocks are read before the kind's).
struct TestSpec {
  int64_t size = 3;
  uint32_t shards_seen = 0;
};

// kind = test: PrepareRaw gives a scenario without `keys` seven of them (as crash gives
// accounts); Check wants test.size <= shards.count; metrics "rows" and "size", and
// "rows.nope" is refused by CheckMetric.
class TestKind final : public FakeKind {
 public:
  void PrepareRaw(Json& raw) const override {
    if (!raw.contains("keys")) raw["keys"] = {{"count", 7}};
  }
  std::any Read(FieldReader& root, const Scenario& s) const override {
    FieldReader r = root.Object("test");
    TestSpec t;
    t.size = r.Int("size", 3, 1, 100);
    t.shards_seen = s.shards.count;
    r.Finish();
    return t;
  }
  void Check(const Scenario& s, Problems& problems) const override {
    const int64_t size = s.Spec<TestSpec>().size;
    if (size > static_cast<int64_t>(s.shards.count)) {
      problems.Add("test.size", "found " + std::to_string(size) + "; expected at most shards.count");
    }
  }
  const std::set<std::string>& MetricRoots() const override {
    static const std::set<std::string> kRoots = {"rows", "size"};
    return kRoots;
  }
  void CheckMetric(const Scenario&, const std::string& metric, const std::string& path,
                   Problems& problems) const override {
    if (metric == "rows.nope") problems.Add(path, "no rows metric \"nope\"");
  }
};

// kind = other: a block {"flag": bool} and no hooks; a second kind for the kind choice.
class OtherKind final : public FakeKind {
 public:
  const char* name() const override { return "other"; }
  std::any Read(FieldReader& root, const Scenario&) const override {
    FieldReader r = root.Object("other");
    const bool flag = r.Bool("flag", false);
    r.Finish();
    return flag;
  }
  const std::set<std::string>& MetricRoots() const override {
    static const std::set<std::string> kRoots = {"flag"};
    return kRoots;
  }
};

const TestKind kTestKind;
const OtherKind kOtherKind;

const Kinds& TestKinds() {
  static const Kinds kKinds = {&kTestKind, &kOtherKind};
  return kKinds;
}

// A small valid scenario of the fake kind; tests change one thing at a time.
Json Base() {
  return Json::parse(R"({
    "name": "unit-base",
    "kind": "test",
    "shards": {"count": 4},
    "keys": {"count": 400, "format": "k{i}"},
    "test": {"size": 2},
    "expect": [{"metric": "rows", "op": "eq", "value": 400}]
  })");
}

StatusOr<Scenario> Load(const Json& j, const LoadOptions& options = {}) {
  return LoadScenarioFromJson(j, kOrigin, options, TestKinds());
}

// Loads `j`, which must fail with kInvalidInput; returns the message's lines.
std::vector<std::string> ProblemLines(const Json& j, const LoadOptions& options = {}) {
  return RejectedLines(Load(j, options), j);
}

// The expected lines: each "PATH: MESSAGE" prefixed with the origin.
std::vector<std::string> Lines(std::initializer_list<std::string> lines) { return WithOrigin(kOrigin, lines); }

constexpr char kRootKeys[] = "name, kind, description, claims, seed, data_dir, shards, keys, router, sqlite, test, expect";

// --- The base, its typed fields and the resolved copy --------------------------------

TEST(ScenarioTest, BaseLoadsWithTypedFields) {
  Json j = Base();
  j["description"] = "a base";
  j["claims"] = {"C1", "C2"};
  j["data_dir"] = "/tmp/x";
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->file, kOrigin);
  EXPECT_EQ(s->name, "unit-base");
  EXPECT_EQ(s->kind, "test");
  EXPECT_EQ(s->description, "a base");
  EXPECT_EQ(s->claims, (std::vector<std::string>{"C1", "C2"}));
  EXPECT_EQ(s->data_dir, "/tmp/x");
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->shards.count, 4u);
  EXPECT_EQ(s->keys.count, 400u);
  EXPECT_EQ(s->keys.format, "k{i}");
  EXPECT_EQ(s->Spec<TestSpec>().size, 2);
  EXPECT_EQ(s->Spec<TestSpec>().shards_seen, 4u);  // the kind's Read sees the common blocks
  ASSERT_EQ(s->expect.size(), 1u);
  EXPECT_EQ(s->expect[0].metric, "rows");
  EXPECT_EQ(s->expect[0].op, "eq");
  EXPECT_EQ(s->expect[0].value, Json(400));
}

TEST(ScenarioTest, DefaultsAreFilledIntoResolvedInReadOrder) {
  auto s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  const Json& r = s->resolved;
  EXPECT_EQ(r["seed"], Json(1));
  EXPECT_EQ(r["description"], Json(""));
  EXPECT_EQ(r["claims"], Json::array());
  EXPECT_EQ(r["data_dir"], Json(""));
  EXPECT_EQ(r["test"], Json::parse(R"({"size": 2})"));
  // ordered_json keeps read order: the common blocks, then the kind's block, then expect.
  std::vector<std::string> top;
  for (auto it = r.begin(); it != r.end(); ++it) top.push_back(it.key());
  EXPECT_EQ(top, (std::vector<std::string>{"name", "kind", "description", "claims", "seed", "data_dir", "shards",
                                           "keys", "router", "sqlite", "test", "expect"}));

  // The kind's block is resolved with its defaults when absent.
  Json j = Base();
  j.erase("test");
  s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->resolved["test"], Json::parse(R"({"size": 3})"));
}

// --- Root keys ---------------------------------------------------------------------

TEST(ScenarioTest, RootMustBeAnObject) {
  auto s = Load(Json::array({1, 2}));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(s.status().message(), std::string(kOrigin) + ": found [1,2] (an array); expected a JSON object");
}

TEST(ScenarioTest, UnknownKeyAtRootListsTheAllowedKeys) {
  Json j = Base();
  j["nmae"] = "typo";
  EXPECT_EQ(ProblemLines(j), Lines({std::string("nmae: unknown key; allowed keys here: ") + kRootKeys}));
}

TEST(ScenarioTest, WrongTypeAtRoot) {
  Json j = Base();
  j["claims"] = "C1";
  EXPECT_EQ(ProblemLines(j), Lines({"claims: found \"C1\" (a string); expected an array of strings"}));
  j = Base();
  j["description"] = 3;
  EXPECT_EQ(ProblemLines(j), Lines({"description: found 3 (an integer); expected a string"}));
  // A block of the wrong type is one problem, not one per missing field.
  j = Base();
  j["shards"] = Json::array({4});
  EXPECT_EQ(ProblemLines(j), Lines({"shards: found [4] (an array); expected an object"}));
  j = Base();
  j["test"] = "big";
  EXPECT_EQ(ProblemLines(j), Lines({"test: found \"big\" (a string); expected an object"}));
}

TEST(ScenarioTest, NameMustBeUsableAsAFileName) {
  {
    Json j = Base();
    j["name"] = 5;  // the type problem alone, not a second line about its characters
    EXPECT_EQ(ProblemLines(j), Lines({"name: found 5 (an integer); expected a string"}));
  }
  for (const char* bad : {"", "../escape", "a/b", ".hidden", "-dash", "with space", "caf\xc3\xa9"}) {
    Json j = Base();
    j["name"] = bad;
    EXPECT_EQ(ProblemLines(j), Lines({std::string("name: found \"") + bad +
                                      "\"; expected letters, digits, '.', '_' or '-' (it names the result file)"}));
  }
  for (const char* good : {"a", "blog-hash.v2_1", "_x", "9lives", "x-", "x."}) {
    Json j = Base();
    j["name"] = good;
    auto s = Load(j);
    ASSERT_TRUE(s.ok()) << good << ": " << s.status().message();
    EXPECT_EQ(s->name, good);
  }
}

TEST(ScenarioTest, MissingRequiredKeys) {
  Json j = Base();
  j.erase("name");
  EXPECT_EQ(ProblemLines(j), Lines({"name: missing; expected a string"}));

  // Without a kind no block is a kind's, so the kind's block is unknown too.
  j = Base();
  j.erase("kind");
  EXPECT_EQ(ProblemLines(j), Lines({"kind: missing; expected one of test, other",
                                    "test: unknown key; allowed keys here: name, kind, description, claims, seed, "
                                    "data_dir, shards, keys, router, sqlite, expect"}));

  // A missing block is reported once, without its required fields.
  j = Base();
  j.erase("shards");
  EXPECT_EQ(ProblemLines(j), Lines({"shards: missing; expected an object"}));
}

TEST(ScenarioTest, KindMustBeOneOfTheKindsGiven) {
  Json j = Base();
  j["kind"] = "nope";
  const std::vector<std::string> lines = ProblemLines(j);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::string(kOrigin) + ": kind: found \"nope\" (a string); expected one of test, other");
  // The kinds list decides: the same scenario against the second kind alone.
  auto s = LoadScenarioFromJson(Base(), kOrigin, {}, {&kOtherKind});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().rfind(std::string(kOrigin) + ": kind: found \"test\" (a string); expected one of other\n", 0),
            0u)
      << s.status().message();
}

// Only the chosen kind reads: its block is known, another kind's block is not.
TEST(ScenarioTest, OnlyTheChosenKindReadsItsBlock) {
  Json j = Base();
  j["kind"] = "other";
  j.erase("test");
  j["other"] = {{"flag", true}};
  j["expect"][0]["metric"] = "flag";
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(std::any_cast<bool>(s->spec));
  EXPECT_FALSE(s->resolved.contains("test"));

  j["test"] = {{"size", 2}};
  EXPECT_EQ(ProblemLines(j), Lines({"test: unknown key; allowed keys here: name, kind, description, claims, seed, "
                                    "data_dir, shards, keys, router, sqlite, other, expect"}));
}

TEST(ScenarioTest, SeedIsAnUnsignedInteger) {
  Json j = Base();
  j["seed"] = -5;
  EXPECT_EQ(ProblemLines(j), Lines({"seed: found -5 (an integer); expected an integer from 0 to 18446744073709551615"}));
  j["seed"] = 1.5;
  EXPECT_EQ(ProblemLines(j), Lines({"seed: found 1.5 (a number); expected an integer from 0 to 18446744073709551615"}));
  j["seed"] = uint64_t{1} << 63;
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, uint64_t{1} << 63);
  EXPECT_EQ(s->resolved["seed"], Json(uint64_t{1} << 63));
}

// --- Reporting: every field problem at once; cross-field checks after them ------------

TEST(ScenarioTest, SeveralProblemsGiveSeveralLinesInReadOrder) {
  Json j = Base();
  j.erase("name");
  j["bogus"] = true;
  j["sqlite"] = {{"journal_mode", "wall"}, {"page_size", 1000}};
  j["shards"]["count"] = 0;
  j["test"]["size"] = 0;
  // Unknown keys are found when a block finishes, after the fields it read.
  EXPECT_EQ(ProblemLines(j),
            Lines({"name: missing; expected a string",
                   "shards.count: found 0 (an integer); expected an integer from 1 to 1000000",
                   "sqlite.journal_mode: found \"wall\" (a string); expected one of delete, truncate, persist, wal, "
                   "memory, off",
                   "sqlite.page_size: found 1000; expected a power of two from 512 to 65536",
                   "test.size: found 0 (an integer); expected an integer from 1 to 100",
                   std::string("bogus: unknown key; allowed keys here: ") + kRootKeys}));
}

TEST(ScenarioTest, CrossFieldChecksWaitForWellFormedFields) {
  // The kind's Check, on its own.
  Json j = Base();
  j["test"]["size"] = 9;
  EXPECT_EQ(ProblemLines(j), Lines({"test.size: found 9; expected at most shards.count"}));
  // With an unknown key too, only the field problem: cross-field checks assume well-formed values.
  j["bogus"] = 1;
  EXPECT_EQ(ProblemLines(j), Lines({std::string("bogus: unknown key; allowed keys here: ") + kRootKeys}));
  // The loader's own cross-field checks come first, then the kind's, then the metrics.
  j.erase("bogus");
  j["router"] = Json::parse(R"({"type": "range", "boundaries": ["m"]})");
  j["expect"][0]["metric"] = "rows.nope";
  EXPECT_EQ(ProblemLines(j), Lines({"router: range router: 1 boundaries make 2 shards, but shards.count is 4",
                                    "test.size: found 9; expected at most shards.count",
                                    "expect[0].metric: no rows metric \"nope\""}));
}

TEST(ScenarioTest, PrepareRawFillsTheKindsDefaultsBeforeReading) {
  Json j = Base();
  j.erase("keys");
  auto s = Load(j);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->keys.count, 7u);
  EXPECT_EQ(s->resolved["keys"]["count"], Json(7));
  // Only the chosen kind prepares: kind "other" has no default keys.
  j["kind"] = "other";
  j.erase("test");
  j["expect"] = Json::array();
  EXPECT_EQ(ProblemLines(j), Lines({"keys: missing; expected an object"}));
}

}  // namespace
}  // namespace scenario_test
}  // namespace shardlab
