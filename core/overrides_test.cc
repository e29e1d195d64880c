#include "core/overrides.h"

#include <gtest/gtest.h>

#include <string>

#include "core/json.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace overrides_test {
namespace {

// Applies one override to a copy of `base` and returns the result (failing the test if
// the override is rejected).
Json Applied(Json base, const std::string& path, const std::string& value) {
  const Status st = ApplyOverride(base, path, value);
  EXPECT_TRUE(st.ok()) << path << "=" << value << ": " << st.message();
  return base;
}

TEST(OverridesTest, ParseSplitsAtTheFirstEquals) {
  auto p = ParseOverride("router.vnodes=64");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->first, "router.vnodes");
  EXPECT_EQ(p->second, "64");

  p = ParseOverride("workload.query.where=v = ?1");  // '=' in the value stays
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->first, "workload.query.where");
  EXPECT_EQ(p->second, "v = ?1");

  p = ParseOverride("description=");  // an empty value is allowed
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->first, "description");
  EXPECT_EQ(p->second, "");
}

TEST(OverridesTest, ParseRejectsMissingEqualsOrPath) {
  for (const char* text : {"router.vnodes", "=64", ""}) {
    auto p = ParseOverride(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(p.status().message(),
              std::string("--set ") + text + ": expected path=value, like --set router.vnodes=64");
  }
}

TEST(OverridesTest, NumbersAreNumbers) {
  Json j = Applied(Json::object(), "router.vnodes", "64");
  ASSERT_TRUE(j["router"]["vnodes"].is_number_integer());
  EXPECT_EQ(j["router"]["vnodes"].get<int64_t>(), 64);

  j = Applied(Json::object(), "x", "-3");
  EXPECT_EQ(j["x"], Json(-3));
  j = Applied(Json::object(), "x", "2.5");
  ASSERT_TRUE(j["x"].is_number_float());
  EXPECT_DOUBLE_EQ(j["x"].get<double>(), 2.5);
  j = Applied(Json::object(), "x", "1e3");
  ASSERT_TRUE(j["x"].is_number_float());
  EXPECT_DOUBLE_EQ(j["x"].get<double>(), 1000.0);
  j = Applied(Json::object(), "x", "18446744073709551615");
  ASSERT_TRUE(j["x"].is_number_unsigned());
  EXPECT_EQ(j["x"].get<uint64_t>(), 18446744073709551615u);
}

TEST(OverridesTest, BooleansAndNull) {
  EXPECT_EQ(Applied(Json::object(), "workload.index_values", "true")["workload"]["index_values"], Json(true));
  EXPECT_EQ(Applied(Json::object(), "b", "false")["b"], Json(false));
  EXPECT_TRUE(Applied(Json::object(), "n", "null")["n"].is_null());
}

TEST(OverridesTest, BareWordsAreStrings) {
  EXPECT_EQ(Applied(Json::object(), "sqlite.journal_mode", "wal")["sqlite"]["journal_mode"], Json("wal"));
  EXPECT_EQ(Applied(Json::object(), "s", "True")["s"], Json("True"));  // not JSON's true
  EXPECT_EQ(Applied(Json::object(), "s", "hello world")["s"], Json("hello world"));
  EXPECT_EQ(Applied(Json::object(), "s", "")["s"], Json(""));
  EXPECT_EQ(Applied(Json::object(), "s", "v = ?1")["s"], Json("v = ?1"));
  EXPECT_EQ(Applied(Json::object(), "s", "007")["s"], Json("007"));  // JSON has no leading zeros
  EXPECT_EQ(Applied(Json::object(), "s", "[1, 2")["s"], Json("[1, 2"));  // unbalanced: a string
  // A quoted JSON string is how to get a string that looks like a number.
  EXPECT_EQ(Applied(Json::object(), "s", "\"64\"")["s"], Json("64"));
}

TEST(OverridesTest, ArraysAndObjects) {
  Json j = Applied(Json::object(), "workload.walk.shards", "[10, 50, 100]");
  EXPECT_EQ(j["workload"]["walk"]["shards"], Json::array({10, 50, 100}));
  j = Applied(Json::object(), "router", R"({"type": "ring", "vnodes": 8})");
  EXPECT_EQ(j["router"], Json::parse(R"({"type": "ring", "vnodes": 8})"));
}

TEST(OverridesTest, CreatesMissingObjectsAndKeepsTheRest) {
  Json j = Json::parse(R"({"name": "n", "sqlite": {"synchronous": "full"}})");
  j = Applied(j, "sqlite.journal_mode", "wal");
  j = Applied(j, "a.b.c", "1");
  // Existing keys keep their place; new ones are appended.
  EXPECT_EQ(j, Json::parse(R"({"name": "n", "sqlite": {"synchronous": "full", "journal_mode": "wal"},
                               "a": {"b": {"c": 1}}})"));
  // A null on the way becomes an object.
  j = Applied(Json::parse(R"({"router": null})"), "router.type", "jump");
  EXPECT_EQ(j, Json::parse(R"({"router": {"type": "jump"}})"));
  // Replacing a whole value, even of another type.
  j = Applied(Json::parse(R"({"shards": {"count": 4}})"), "shards", "7");
  EXPECT_EQ(j, Json::parse(R"({"shards": 7})"));
}

TEST(OverridesTest, NumericSegmentsIndexArrays) {
  const Json base = Json::parse(R"({"workload": {"probes": [{"name": "a"}, {"name": "b", "op": "get"}]}})");
  Json j = Applied(base, "workload.probes.1.name", "z");
  EXPECT_EQ(j["workload"]["probes"], Json::parse(R"([{"name": "a"}, {"name": "z", "op": "get"}])"));
  j = Applied(base, "workload.probes.0", R"({"name": "only"})");
  EXPECT_EQ(j["workload"]["probes"][0], Json::parse(R"({"name": "only"})"));
  j = Applied(Json::parse(R"({"walk": {"shards": [1, 2, 3]}})"), "walk.shards.2", "30");
  EXPECT_EQ(j["walk"]["shards"], Json::array({1, 2, 30}));
  // On an object a numeric segment is just a key.
  j = Applied(Json::object(), "router.entries.7", "1");
  EXPECT_EQ(j, Json::parse(R"({"router": {"entries": {"7": 1}}})"));
}

TEST(OverridesTest, BadArrayIndexIsAnError) {
  const Json base = Json::parse(R"({"workload": {"probes": [{"name": "a"}, {"name": "b"}]}})");
  for (const char* index : {"2", "x", "-1", "1x"}) {
    Json j = base;
    const std::string path = std::string("workload.probes.") + index + ".name";
    const Status st = ApplyOverride(j, path, "z");
    ASSERT_FALSE(st.ok()) << path;
    EXPECT_EQ(st.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(st.message(), "--set " + path + "=z: workload.probes is an array of 2 items; \"" + index +
                                "\" is not an index in it");
    EXPECT_EQ(j, base) << "a rejected override changed the scenario";
  }
}

TEST(OverridesTest, CrossingANonObjectIsAnError) {
  const Json base = Json::parse(R"({"name": "n", "shards": {"count": 4}, "claims": ["C1"]})");
  struct Case {
    const char* path;
    const char* message;
  };
  for (const Case& c : {Case{"name.first", "--set name.first=1: name is \"n\" (a string), not an object"},
                        Case{"shards.count.max", "--set shards.count.max=1: shards.count is 4 (an integer), not an object"},
                        Case{"claims.0.id", "--set claims.0.id=1: claims.0 is \"C1\" (a string), not an object"}}) {
    Json j = base;
    const Status st = ApplyOverride(j, c.path, "1");
    ASSERT_FALSE(st.ok()) << c.path;
    EXPECT_EQ(st.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(st.message(), c.message);
    EXPECT_EQ(j, base) << "a rejected override changed the scenario";
  }
}

TEST(OverridesTest, BracketedIndices) {
  const Json base = Json::parse(R"({"reshard": {"routers": [{"type": "mod"}, {"type": "ring", "vnodes": 100}]},
                                    "grid": [[1, 2], [3, 4]]})");
  Json j = Applied(base, "reshard.routers[1].vnodes", "64");
  EXPECT_EQ(j["reshard"]["routers"][1]["vnodes"], Json(64));
  EXPECT_EQ(j["reshard"]["routers"][0], base["reshard"]["routers"][0]);
  EXPECT_EQ(Applied(base, "grid[1][0]", "30")["grid"], Json::parse("[[1, 2], [30, 4]]"));
  EXPECT_EQ(Applied(base, "reshard.routers[0]", R"({"type": "jump"})")["reshard"]["routers"][0],
            Json::parse(R"({"type": "jump"})"));
  // The same as the dotted form.
  EXPECT_EQ(Applied(base, "reshard.routers[1].vnodes", "64"), Applied(base, "reshard.routers.1.vnodes", "64"));
}

TEST(OverridesTest, BadBracketsAreErrors) {
  const Json base = Json::parse(R"({"reshard": {"routers": [{"type": "mod"}]}, "name": "n"})");
  struct Case {
    const char* path;
    const char* message;
  };
  for (const Case& c : {
           Case{"reshard.routers[1].vnodes", "--set reshard.routers[1].vnodes=1: reshard.routers is an array of 1 "
                                             "items; \"1\" is not an index in it"},
           Case{"reshard.routers[x]", "--set reshard.routers[x]=1: reshard.routers is an array of 1 items; \"x\" "
                                      "is not an index in it"},
           Case{"name[0]", "--set name[0]=1: name is \"n\" (a string), not an array; [0] indexes arrays"},
           Case{"reshard.routers[0", "--set reshard.routers[0=1: expected an index and ']' after '[' (like "
                                     "routers[0].vnodes)"},
           Case{"reshard.routers[]", "--set reshard.routers[]=1: expected an index and ']' after '[' (like "
                                     "routers[0].vnodes)"},
           Case{"reshard.routers[0]x", "--set reshard.routers[0]x=1: expected '.' or '[' after ']'"},
           Case{"reshard.routers[0].", "--set reshard.routers[0].=1: empty path segment"},
           Case{"[0]", "--set [0]=1: empty path segment"},
       }) {
    Json j = base;
    const Status st = ApplyOverride(j, c.path, "1");
    ASSERT_FALSE(st.ok()) << c.path;
    EXPECT_EQ(st.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(st.message(), c.message);
    EXPECT_EQ(j, base) << "a rejected override changed the scenario";
  }
  // A missing array: nothing is created on the way.
  Json j = base;
  EXPECT_FALSE(ApplyOverride(j, "reshard.other[0].vnodes", "1").ok());
  EXPECT_EQ(j, base);
}

TEST(OverridesTest, EmptySegmentIsAnError) {
  for (const char* path : {"router..type", ".router", "router."}) {
    Json j = Json::object();
    const Status st = ApplyOverride(j, path, "1");
    ASSERT_FALSE(st.ok()) << path;
    EXPECT_EQ(st.kind(), ErrorKind::kInvalidInput);
    EXPECT_EQ(st.message(), std::string("--set ") + path + "=1: empty path segment");
  }
}

TEST(OverridesTest, ValuesAndPathsAreBounded) {
  Json j = {{"expect", Json::array({Json::object()})}};
  Status st = ApplyOverride(j, "expect.99999999999.value", "1");
  EXPECT_EQ(st.message(), "--set expect.99999999999.value=1: expect is an array of 1 items; \"99999999999\" is not an index in it");
  st = ApplyOverride(j, "a", std::string(100000, '[') + std::string(100000, ']'));
  EXPECT_NE(st.message().find("nesting deeper than 64 levels"), std::string::npos) << st.message();
  st = ApplyOverride(j, "seed", "1e400");
  EXPECT_NE(st.message().find("seed: number 1e400 is out of range"), std::string::npos) << st.message();
  std::string deep = "a";
  for (int i = 0; i < 100; ++i) deep += ".a";
  st = ApplyOverride(j, deep, "1");
  EXPECT_NE(st.message().find("a path deeper than 64 levels"), std::string::npos);
  st = ApplyOverride(j, "name", std::string("a\0b", 3));
  EXPECT_NE(st.message().find("a NUL byte at offset 1"), std::string::npos) << st.message();
  // Messages stay on one line and short, whatever the value.
  st = ApplyOverride(j, "expect.x", "v\n" + std::string(100000, 'v'));
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
  EXPECT_LT(st.message().size(), 400u);
}

}  // namespace
}  // namespace overrides_test
}  // namespace shardlab
