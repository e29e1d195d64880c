#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

#include "core/test_temp_dir.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace json_test {
namespace {

// Reading JSON files: comments, line and column of a parse error, duplicate keys, a
// missing file; and the one-line value descriptions error messages use.

TEST(JsonTest, ReadJsonFileAllowsComments) {
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

TEST(JsonTest, ReadJsonFileReportsLineAndColumn) {
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

TEST(JsonTest, ReadJsonFileRejectsDuplicateKeys) {
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

TEST(JsonTest, ReadJsonFileMissingFile) {
  TempDir dir;
  const std::string file = dir.path() + "/absent.json";
  auto j = ReadJsonFile(file);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(j.status().message(), "cannot read " + file + ": No such file or directory");
}

TEST(JsonTest, ParseJsonTextNamesTheOrigin) {
  auto j = ParseJsonText("{\"a\": [1, 2]} // ok", "mem");
  ASSERT_TRUE(j.ok()) << j.status().message();
  EXPECT_EQ(*j, Json::parse(R"({"a": [1, 2]})"));
  j = ParseJsonText("{\"a\": }", "mem");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message().rfind("mem: invalid JSON at line 1, column 7: ", 0), 0u) << j.status().message();
}

TEST(JsonTest, DescribeJsonValueGivesTheValueAndItsType) {
  EXPECT_EQ(DescribeJsonValue(Json("wall")), "\"wall\" (a string)");
  EXPECT_EQ(DescribeJsonValue(Json(0)), "0 (an integer)");
  EXPECT_EQ(DescribeJsonValue(Json(uint64_t{1} << 63)), "9223372036854775808 (an integer)");
  EXPECT_EQ(DescribeJsonValue(Json(2.5)), "2.5 (a number)");
  EXPECT_EQ(DescribeJsonValue(Json(true)), "true (a boolean)");
  EXPECT_EQ(DescribeJsonValue(Json::array({1, 2})), "[1,2] (an array)");
  EXPECT_EQ(DescribeJsonValue(Json::object()), "{} (an object)");
  EXPECT_EQ(DescribeJsonValue(Json(nullptr)), "null");
  // Long values are cut to 57 characters and "...".
  const std::string text = DescribeJsonValue(Json(std::string(100, 'x')));
  EXPECT_EQ(text, "\"" + std::string(56, 'x') + "... (a string)");
}

}  // namespace
}  // namespace json_test
}  // namespace shardlab
