#include "core/field_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace field_reader_test {
namespace {

TEST(FieldReaderTest, ProblemsFormatAndStatus) {
  Problems problems("f.json");
  EXPECT_TRUE(problems.empty());
  EXPECT_TRUE(problems.ToStatus().ok());
  problems.Add("a.b", "first");
  problems.Add("", "whole file");
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{"f.json: a.b: first", "f.json: whole file"}));
  const Status st = problems.ToStatus();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(st.message(), "f.json: a.b: first\nf.json: whole file");
}

TEST(FieldReaderTest, ValuesAndDefaults) {
  const Json j = Json::parse(R"({"s": "x", "c": "b", "i": 7, "n": 0.5, "b": true, "sl": ["p", "q"], "il": [1, 2]})");
  Problems problems("f");
  FieldReader r(j, &problems);
  EXPECT_EQ(r.String("s", std::nullopt), "x");
  EXPECT_EQ(r.String("s_default", "dflt"), "dflt");
  EXPECT_EQ(r.Choice("c", "a", {"a", "b"}), "b");
  EXPECT_EQ(r.Int("i", std::nullopt, 0, 10), 7);
  EXPECT_EQ(r.Int("i_default", 3), 3);
  EXPECT_DOUBLE_EQ(r.Number("n", std::nullopt, 0, 1), 0.5);
  EXPECT_TRUE(r.Bool("b", false));
  EXPECT_FALSE(r.Bool("b_default", false));
  EXPECT_EQ(r.StringList("sl", std::nullopt), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(r.IntList("il", std::nullopt, 1, 5), (std::vector<int64_t>{1, 2}));
  r.Finish();
  EXPECT_TRUE(problems.empty()) << problems.ToStatus().message();
}

TEST(FieldReaderTest, ResolvedFollowsReadOrderNotFileOrder) {
  const Json j = Json::parse(R"({"z": 1, "a": "x", "m": true})");
  Problems problems("f");
  FieldReader r(j, &problems);
  r.Bool("m", false);
  r.String("a", std::nullopt);
  r.String("absent", "d");  // defaults are resolved too
  r.Int("z", std::nullopt);
  r.String("absent_required", std::nullopt);  // reported, not resolved
  r.Finish();
  EXPECT_EQ(r.resolved(), Json::parse(R"({"m": true, "a": "x", "absent": "d", "z": 1})"));
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{"f: absent_required: missing; expected a string"}));
}

TEST(FieldReaderTest, AllProblemsAreCollectedInOrder) {
  const Json j = Json::parse(R"({"s": 1, "c": "z", "i": 11, "n": -1, "b": "no", "sl": [1], "il": [0, 9],
                                 "extra": 1, "more": 2})");
  Problems problems("f");
  FieldReader r(j, &problems);
  // On a problem each accessor returns its default so reading goes on.
  EXPECT_EQ(r.String("s", "d"), "d");
  EXPECT_EQ(r.Choice("c", "a", {"a", "b"}), "a");
  EXPECT_EQ(r.Int("i", 5, 0, 10), 5);
  EXPECT_DOUBLE_EQ(r.Number("n", 0.5, 0, 1, true, true), 0.5);
  EXPECT_TRUE(r.Bool("b", true));
  EXPECT_EQ(r.StringList("sl", std::vector<std::string>{"x"}), std::vector<std::string>{"x"});
  EXPECT_EQ(r.IntList("il", std::vector<int64_t>{}, std::numeric_limits<int64_t>::min(),
                      std::numeric_limits<int64_t>::max()),
            (std::vector<int64_t>{0, 9}));  // unbounded: fine
  EXPECT_EQ(r.Int("missing", std::nullopt, 1, 9), 1);  // required and absent: min
  r.Finish();
  EXPECT_EQ(problems.lines(),
            (std::vector<std::string>{
                "f: s: found 1 (an integer); expected a string",
                "f: c: found \"z\" (a string); expected one of a, b",
                "f: i: found 11 (an integer); expected an integer from 0 to 10",
                "f: n: found -1 (an integer); expected a number > 0 and < 1",
                "f: b: found \"no\" (a string); expected true or false",
                "f: sl: found [1] (an array); expected an array of strings",
                "f: missing: missing; expected an integer from 1 to 9",
                "f: extra: unknown key; allowed keys here: s, c, i, n, b, sl, il, missing",
                "f: more: unknown key; allowed keys here: s, c, i, n, b, sl, il, missing",
            }));
  // The defaults returned are also what is resolved.
  EXPECT_EQ(r.resolved()["i"], Json(5));
  EXPECT_EQ(r.resolved()["c"], Json("a"));
}

TEST(FieldReaderTest, IntegerEdges) {
  const Json j = Json::parse(R"({"float": 3.0, "big": 18446744073709551615, "max": 9223372036854775807,
                                 "neg": -9223372036854775808})");
  Problems problems("f");
  FieldReader r(j, &problems);
  EXPECT_EQ(r.Int("float", 0), 0);  // 3.0 is a number, not an integer
  EXPECT_EQ(r.Int("big", 0), 0);    // beyond int64
  EXPECT_EQ(r.Int("max", 0), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(r.Int("neg", 0), std::numeric_limits<int64_t>::min());
  r.Finish();
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{
                                  "f: float: found 3.0 (a number); expected an integer",
                                  "f: big: found 18446744073709551615 (an integer); expected an integer",
                              }));
}

TEST(FieldReaderTest, NumberRanges) {
  Json j = Json::parse(R"({"a": 0, "b": 100, "c": 5})");
  j["d"] = std::numeric_limits<double>::infinity();  // the parser rejects 1e400, code can still build it
  Problems problems("f");
  FieldReader r(j, &problems);
  r.Number("a", 1, 0, INFINITY, /*min_exclusive=*/true);
  r.Number("b", 1, 0, 100, false, /*max_exclusive=*/true);
  EXPECT_DOUBLE_EQ(r.Number("c", 1, -INFINITY, INFINITY), 5.0);
  r.Number("d", 1, -INFINITY, INFINITY);  // not finite
  r.Finish();
  ASSERT_EQ(problems.lines().size(), 3u) << problems.ToStatus().message();
  EXPECT_EQ(problems.lines()[0], "f: a: found 0 (an integer); expected a number > 0");
  EXPECT_EQ(problems.lines()[1], "f: b: found 100 (an integer); expected a number >= 0 and < 100");
  EXPECT_EQ(problems.lines()[2].rfind("f: d: found ", 0), 0u) << problems.lines()[2];
  EXPECT_NE(problems.lines()[2].find("expected a number"), std::string::npos) << problems.lines()[2];
}

TEST(FieldReaderTest, IntListRejectsOutOfRangeItems) {
  const Json j = Json::parse(R"({"a": [1, 0], "b": [1, "2"], "c": 3})");
  Problems problems("f");
  FieldReader r(j, &problems);
  EXPECT_EQ(r.IntList("a", std::vector<int64_t>{7}, 1, 10), std::vector<int64_t>{7});
  EXPECT_EQ(r.IntList("b", std::nullopt, 1, 10), std::vector<int64_t>{});
  EXPECT_EQ(r.IntList("c", std::nullopt, 1, 10), std::vector<int64_t>{});
  r.Finish();
  ASSERT_EQ(problems.lines().size(), 3u) << problems.ToStatus().message();
  EXPECT_EQ(problems.lines()[0].rfind("f: a: found [1,0] (an array); expected an array of ", 0), 0u);
  EXPECT_EQ(problems.lines()[1].rfind("f: b: found [1,\"2\"] (an array); expected an array of ", 0), 0u);
  EXPECT_EQ(problems.lines()[2].rfind("f: c: found 3 (an integer); expected an array of ", 0), 0u);
}

// The plural of a range reads "integers from 1 to 10", not "integer from 1 to 10s".
TEST(FieldReaderTest, IntListMessageIsGrammatical) {
  const Json j = Json::parse(R"({"a": [0]})");
  Problems problems("f");
  FieldReader r(j, &problems);
  r.IntList("a", std::nullopt, 1, 10);
  r.Finish();
  EXPECT_EQ(problems.lines(),
            (std::vector<std::string>{"f: a: found [0] (an array); expected an array of integers from 1 to 10"}));
}

TEST(FieldReaderTest, NestedObjectsResolveUnderTheirKey) {
  const Json j = Json::parse(R"({"outer": {"inner": {"x": 1, "typo": 2}, "y": "s"}, "top": 1})");
  Problems problems("f");
  FieldReader root(j, &problems);
  root.Int("top", 0);
  {
    FieldReader outer = root.Object("outer");
    EXPECT_EQ(outer.path(), "outer");
    {
      FieldReader inner = outer.Object("inner");
      EXPECT_EQ(inner.path(), "outer.inner");
      EXPECT_EQ(inner.PathOf("x"), "outer.inner.x");
      inner.Int("x", 0);
      inner.Int("z", 9);
      inner.Finish();
    }
    outer.String("y", "");
    outer.Finish();
  }
  {
    FieldReader absent = root.Object("absent");  // absent: a reader over {}
    EXPECT_EQ(absent.Int("d", 4), 4);
    absent.Finish();
  }
  root.Finish();
  EXPECT_EQ(problems.lines(),
            (std::vector<std::string>{"f: outer.inner.typo: unknown key; allowed keys here: x, z"}));
  EXPECT_EQ(root.resolved(), Json::parse(R"({"top": 1, "outer": {"inner": {"x": 1, "z": 9}, "y": "s"},
                                             "absent": {"d": 4}})"));
}

TEST(FieldReaderTest, RequiredObjectMissingOrWrongTypeIsOneProblem) {
  const Json j = Json::parse(R"({"wrong": 3})");
  Problems problems("f");
  FieldReader root(j, &problems);
  {
    FieldReader missing = root.Object("missing", /*required=*/true);
    missing.Int("count", std::nullopt, 1, 10);  // not reported: the object itself is
    missing.Finish();
  }
  {
    FieldReader wrong = root.Object("wrong");
    wrong.Int("count", std::nullopt, 1, 10);
    wrong.Finish();
  }
  root.Finish();
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{"f: missing: missing; expected an object",
                                                        "f: wrong: found 3 (an integer); expected an object"}));
}

TEST(FieldReaderTest, ForEachObjectReportsItemPaths) {
  const Json j = Json::parse(R"({"items": [{"n": 1}, 5, {"n": "x", "bad": 0}]})");
  Problems problems("f");
  FieldReader root(j, &problems);
  std::vector<size_t> seen;
  root.ForEachObject("items", false, [&](FieldReader& item, size_t i) {
    seen.push_back(i);
    item.Int("n", 0);
    item.Bool("flag", false);
  });
  root.ForEachObject("none", false, [&](FieldReader&, size_t) { ADD_FAILURE() << "no items"; });
  root.ForEachObject("required", true, [&](FieldReader&, size_t) { ADD_FAILURE() << "no items"; });
  root.Finish();
  EXPECT_EQ(seen, (std::vector<size_t>{0, 2}));  // the non-object is reported, not read
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{
                                  "f: items[1]: found 5 (an integer); expected an object",
                                  "f: items[2].n: found \"x\" (a string); expected an integer",
                                  "f: items[2].bad: unknown key; allowed keys here: n, flag",
                                  "f: required: missing; expected an array of objects",
                              }));
  EXPECT_EQ(root.resolved()["items"], Json::parse(R"([{"n": 1, "flag": false}, {}, {"n": 0, "flag": false}])"));
  EXPECT_EQ(root.resolved()["none"], Json::array());
}

TEST(FieldReaderTest, NestedObjectInsideArrayItem) {
  const Json j = Json::parse(R"({"items": [{"sub": {"k": 1, "oops": 1}}, {"sub": {"k": 2}}]})");
  Problems problems("f");
  FieldReader root(j, &problems);
  root.ForEachObject("items", false, [&](FieldReader& item, size_t) {
    FieldReader sub = item.Object("sub");
    sub.Int("k", 0);
    sub.Finish();
  });
  root.Finish();
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{"f: items[0].sub.oops: unknown key; allowed keys here: k"}));
  EXPECT_EQ(root.resolved()["items"], Json::parse(R"([{"sub": {"k": 1}}, {"sub": {"k": 2}}])"));
}

TEST(FieldReaderTest, RawResolveHasAndProblem) {
  const Json j = Json::parse(R"({"custom": [3, 1], "peeked": 1})");
  Problems problems("f");
  FieldReader r(j, &problems);
  EXPECT_TRUE(r.Has("custom"));
  EXPECT_FALSE(r.Has("nothing"));
  const Json* raw = r.Raw("custom");
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(*raw, Json::array({3, 1}));
  EXPECT_EQ(r.Raw("nothing"), nullptr);
  r.Resolve("custom", Json::array({1, 3}));
  r.Problem("custom", "not sorted");
  // Has() does not make a key known: "peeked" is still unknown at Finish.
  EXPECT_TRUE(r.Has("peeked"));
  r.Finish();
  EXPECT_EQ(problems.lines(),
            (std::vector<std::string>{"f: custom: not sorted", "f: peeked: unknown key; allowed keys here: custom, nothing"}));
  EXPECT_EQ(r.resolved(), Json::parse(R"({"custom": [1, 3]})"));
}

TEST(FieldReaderTest, RootMustBeAnObject) {
  const Json j = Json::parse(R"("text")");
  Problems problems("f");
  FieldReader r(j, &problems);
  EXPECT_EQ(r.String("name", std::nullopt), "");  // not reported again
  r.Finish();
  EXPECT_EQ(problems.lines(), (std::vector<std::string>{"f: found \"text\" (a string); expected a JSON object"}));
}

TEST(FieldReaderTest, FinishTwiceReportsOnce) {
  const Json j = Json::parse(R"({"x": 1})");
  Problems problems("f");
  FieldReader r(j, &problems);
  r.Finish();
  r.Finish();
  EXPECT_EQ(problems.lines().size(), 1u);
}

TEST(FieldReaderTest, MovedReaderKeepsItsState) {
  const Json j = Json::parse(R"({"o": {"a": 1, "b": 2}})");
  Problems problems("f");
  FieldReader root(j, &problems);
  FieldReader first = root.Object("o");
  first.Int("a", 0);
  FieldReader second(std::move(first));  // the moved-from reader needs no Finish
  second.Int("b", 0);
  second.Finish();
  root.Finish();
  EXPECT_TRUE(problems.empty()) << problems.ToStatus().message();
  EXPECT_EQ(root.resolved(), Json::parse(R"({"o": {"a": 1, "b": 2}})"));
}

TEST(FieldReaderTest, ProblemsAreOneLineEach) {
  Problems problems("f.json");
  problems.Add("a\nb", "found \"x\ny\"");
  problems.Add("", std::string(10000, 'm'));
  ASSERT_EQ(problems.lines().size(), 2u);
  EXPECT_EQ(problems.lines()[0], "f.json: a\\nb: found \"x\\ny\"");
  EXPECT_LT(problems.lines()[1].size(), 2100u);
  EXPECT_EQ(problems.lines()[1].find('\n'), std::string::npos);
}

TEST(FieldReaderTest, CheckStringsBoundsLengthAndNul) {
  Json j = Json::parse(R"({"name": "ok", "roots": ["a", "b"], "deep": {"list": [{"x": "y"}]}})");
  j["roots"][1] = std::string("b\0c", 3);
  j["deep"]["list"][0]["x"] = std::string(5000, 'x');
  j[std::string(5000, 'k')] = 1;
  Problems problems("f.json");
  CheckStrings(j, problems);
  // An object's keys are checked before the values inside it.
  ASSERT_EQ(problems.lines().size(), 3u) << problems.ToStatus().message();
  EXPECT_EQ(problems.lines()[0].rfind("f.json: a key of 5000 bytes (\"kkk", 0), 0u) << problems.lines()[0];
  EXPECT_EQ(problems.lines()[1], "f.json: roots[1]: a string with a NUL character (\\u0000) at byte 1 (\"b\\u0000c\")");
  EXPECT_EQ(problems.lines()[2].rfind("f.json: deep.list[0].x: a string of 5000 bytes (\"xxx", 0), 0u);
  EXPECT_NE(problems.lines()[2].find("\xe2\x80\xa6\"); at most 4096 bytes"), std::string::npos);
  Problems none("f.json");
  CheckStrings(Json::parse(R"({"a": ["b", {"c": "d"}]})"), none);
  EXPECT_TRUE(none.empty());
}

TEST(FieldReaderTest, UnknownKeyIsEscapedAndCut) {
  const Json j = {{std::string("bad\nkey") + std::string(200, 'k'), 1}};
  Problems problems("f.json");
  FieldReader r(j, &problems);
  r.Finish();
  ASSERT_EQ(problems.lines().size(), 1u);
  EXPECT_EQ(problems.lines()[0].rfind("f.json: bad\\nkeykkk", 0), 0u) << problems.lines()[0];
  EXPECT_LT(problems.lines()[0].size(), 200u);
}

}  // namespace
}  // namespace field_reader_test
}  // namespace shardlab
