#include "scenario/scenario.h"

#include <gtest/gtest.h>

#include <any>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/test_temp_dir.h"
#include "scenario/kind.h"
#include "scenario/test_loading.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace scenario_options_test {
namespace {

// LoadOptions (--set, --seed, --quick) and loading from a file, with a fake kind (kinds/
// is a layer up): overrides are applied before validation and PrepareRaw, --seed wins,
// --quick goes through the kind and its resolved copy.

constexpr char kOrigin[] = "mem/unit.json";

// kind = test: a block {"size": 1..100, default 3}; PrepareRaw gives a scenario without
// `keys` seven of them; --quick sets size to 1.
class TestKind final : public FakeKind {
 public:
  void PrepareRaw(Json& raw) const override {
    if (!raw.contains("keys")) raw["keys"] = {{"count", 7}};
  }
  std::any Read(FieldReader& root, const Scenario&) const override {
    FieldReader r = root.Object("test");
    const int64_t size = r.Int("size", 3, 1, 100);
    r.Finish();
    return size;
  }
  const std::set<std::string>& MetricRoots() const override {
    static const std::set<std::string> kRoots = {"rows"};
    return kRoots;
  }
  void ApplyQuick(Scenario& s) const override {
    s.MutableSpec<int64_t>() = 1;
    s.resolved["test"]["size"] = 1;
  }
};

const TestKind kTestKind;

const Kinds& TestKinds() {
  static const Kinds kKinds = {&kTestKind};
  return kKinds;
}

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

std::vector<std::string> Lines(std::initializer_list<std::string> lines) { return WithOrigin(kOrigin, lines); }

TEST(ScenarioOptionsTest, OverridesApplyBeforeValidation) {
  LoadOptions options;
  options.overrides = {{"sqlite.journal_mode", "wal"}, {"router.type", "ring"}, {"router.vnodes", "64"},
                       {"test.size", "4"}, {"keys.distribution", R"({"type": "zipfian", "theta": 0.8})"}};
  auto s = Load(Base(), options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->sqlite.journal_mode, "wal");
  EXPECT_EQ(s->router.type, "ring");
  EXPECT_EQ(s->router.vnodes, 64u);
  EXPECT_EQ(s->Spec<int64_t>(), 4);
  EXPECT_EQ(s->distribution.type, "zipfian");
  EXPECT_DOUBLE_EQ(s->distribution.theta, 0.8);
  EXPECT_EQ(s->resolved["sqlite"]["journal_mode"], Json("wal"));
  EXPECT_EQ(s->resolved["router"]["vnodes"], Json(64));
  EXPECT_EQ(s->resolved["test"]["size"], Json(4));

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
  // And PrepareRaw sees the overridden scenario: keys given by --set are kept.
  j = Base();
  j.erase("keys");
  options.overrides = {{"keys.count", "9"}};
  s = Load(j, options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->keys.count, 9u);
}

TEST(ScenarioOptionsTest, BadOverrideValueIsReportedWithThePath) {
  LoadOptions options;
  options.overrides = {{"sqlite.journal_mode", "wall"}};
  EXPECT_EQ(ProblemLines(Base(), options),
            Lines({"sqlite.journal_mode: found \"wall\" (a string); expected one of delete, truncate, persist, wal, "
                   "memory, off"}));
  options.overrides = {{"router.vnodes", "64"}};  // vnodes on a mod router
  EXPECT_EQ(ProblemLines(Base(), options), Lines({"router.vnodes: unknown key; allowed keys here: type"}));
  options.overrides = {{"shards.count", "four"}};
  EXPECT_EQ(ProblemLines(Base(), options),
            Lines({"shards.count: found \"four\" (a string); expected an integer from 1 to 1000000"}));

  // A path through a non-object fails before validation, naming the origin and the --set.
  options.overrides = {{"name.first", "x"}};
  auto s = Load(Base(), options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(s.status().message(),
            std::string(kOrigin) + ": --set name.first=x: name is \"unit-base\" (a string), not an object");
}

TEST(ScenarioOptionsTest, SeedOptionOverridesTheFile) {
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
TEST(ScenarioOptionsTest, SeedOptionAcceptsTheWholeUint64Range) {
  LoadOptions options;
  options.seed = std::numeric_limits<uint64_t>::max();
  auto s = Load(Base(), options);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->seed, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(s->resolved["seed"], Json(std::numeric_limits<uint64_t>::max()));
}

TEST(ScenarioOptionsTest, QuickGoesThroughTheKindAndItsResolvedCopy) {
  LoadOptions quick;
  quick.quick = true;
  auto s = Load(Base(), quick);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<int64_t>(), 1);
  EXPECT_EQ(s->resolved["test"], Json::parse(R"({"size": 1})"));
  EXPECT_EQ(s->shards.count, 4u);
  s = Load(Base());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->Spec<int64_t>(), 2);
  EXPECT_EQ(s->resolved["test"], Json::parse(R"({"size": 2})"));
}

// --- Files -------------------------------------------------------------------------

TEST(ScenarioOptionsTest, LoadScenarioFromAFileWithComments) {
  TempDir dir;
  const std::string file = dir.Write("s.json", "// a scenario\n" + Base().dump(2) + "\n/* the end */\n");
  auto s = LoadScenario(file, {}, TestKinds());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->file, file);
  EXPECT_EQ(s->name, "unit-base");

  Json j = Base();
  j["shards"]["count"] = 0;
  const std::string bad = dir.Write("bad.json", j.dump(2));
  s = LoadScenario(bad, {}, TestKinds());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), bad + ": shards.count: found 0 (an integer); expected an integer from 1 to 1000000");

  s = LoadScenario(dir / "absent.json", {}, TestKinds());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(s.status().message(), "cannot read " + (dir / "absent.json") + ": No such file or directory");
}

}  // namespace
}  // namespace scenario_options_test
}  // namespace shardlab
