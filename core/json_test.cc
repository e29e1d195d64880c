#include "core/json.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <stdexcept>
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
  // Long values are cut after 60 bytes with "…"; control characters are escaped.
  const std::string text = DescribeJsonValue(Json(std::string(100, 'x')));
  EXPECT_EQ(text, "\"" + std::string(60, 'x') + "\xe2\x80\xa6\" (a string)");
  EXPECT_EQ(DescribeJsonValue(Json("a\nb")), "\"a\\nb\" (a string)");
  EXPECT_EQ(DescribeJsonValue(Json::array({"a\nb"})), "[\"a\\nb\"] (an array)");
  // Not UTF-8 (a --set value): shown, not thrown on.
  EXPECT_EQ(DescribeJsonValue(Json("\xff")), "\"\\xff\" (a string)");
  EXPECT_NO_THROW(DescribeJsonValue(Json::array({"\xff"})));
}

// The bounds checked before parsing: size, NUL bytes, nesting (outside strings and comments).
TEST(JsonTest, CheckJsonTextBoundsNesting) {
  const std::string deep = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(CheckJsonText(deep, "mem").ok());
  EXPECT_TRUE(ParseJsonText(deep, "mem").ok());
  // The root object is level 1: the 64th '[' is level 65.
  const Status st = CheckJsonText("{\"a\":\n" + std::string(65, '['), "mem");
  EXPECT_EQ(st.message(), "mem: nesting deeper than 64 levels at line 2, column 64");
  // Brackets inside strings (with escaped quotes) and comments do not nest.
  const std::string quiet = "// [[[[\n/* {{{{ */ [\"\\\"[[[[\", \"\\\\\"]";
  EXPECT_TRUE(CheckJsonText(quiet, "mem", JsonLimits{100, 1, "x"}).ok()) << quiet;
  // 100,000 levels: answered without recursing.
  EXPECT_FALSE(ParseJsonText(std::string(100000, '['), "mem").ok());
}

TEST(JsonTest, CheckJsonTextFindsNulBytesAndSize) {
  const std::string text = std::string("{}\n ") + '\0' + "{{{";
  EXPECT_EQ(CheckJsonText(text, "mem").message(),
            "mem: a NUL byte at offset 4 (line 2, column 2); JSON text has none, and nothing after it would be read");
  EXPECT_EQ(CheckJsonText("[1, 2]", "mem", JsonLimits{5, 64, "a thing"}).message(),
            "mem: 6 bytes; a thing is at most 5 bytes (0 MiB)");
}

TEST(JsonTest, NumberOutOfRangeNamesTheField) {
  auto j = ParseJsonText(R"({"a": {"b": [1, {"c": 2}, 1e400]}})", "mem");
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.status().message(), "mem: a.b[2]: number 1e400 is out of range (a number here is at most about 1.8e308)");
  j = ParseJsonText(R"({"seed": -1e400})", "mem");
  EXPECT_EQ(j.status().message(), "mem: seed: number -1e400 is out of range (a number here is at most about 1.8e308)");
  j = ParseJsonText("[" + std::string(400, '9') + "]", "mem");
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("mem: [0]: number 999"), std::string::npos) << j.status().message();
}

TEST(JsonTest, ReadRegularFileRefusesOtherFiles) {
  TempDir dir;
  const std::string fifo = dir / "fifo.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadJsonFile(fifo).status().message(), fifo + ": not a regular file (a FIFO)");
  EXPECT_EQ(ReadJsonFile(dir.path()).status().message(), dir.path() + ": not a regular file (a directory)");
  EXPECT_EQ(ReadJsonFile("/dev/zero").status().message(), "/dev/zero: not a regular file (a character device)");
  const std::string big = dir.Write("big.json", std::string(2 << 20, ' '));
  EXPECT_EQ(ReadJsonFile(big).status().message(),
            big + ": 2097152 bytes; a scenario file is at most 1048576 bytes (1 MiB)");
  EXPECT_TRUE(ReadRegularFile(big, kResultLimits).ok());
  // A file whose size stat does not know (procfs) is read to its end.
  auto status = ReadRegularFile("/proc/self/status");
  ASSERT_TRUE(status.ok()) << status.status().message();
  EXPECT_NE(status->find("Name:"), std::string::npos);
}

TEST(JsonTest, IntegerAtChecksTypeAndRange) {
  const Json j = Json::parse(R"({"a": 5, "b": -1, "c": 1e300, "d": 4294967296, "e": [1, 2.5]})");
  EXPECT_EQ(IntegerAt<uint32_t>(j, "a"), 5u);
  EXPECT_EQ(IntegerAt<int64_t>(j, "b"), -1);
  EXPECT_THROW(IntegerAt<uint32_t>(j, "b"), std::out_of_range);
  EXPECT_THROW(IntegerAt<int64_t>(j, "c"), std::out_of_range);
  EXPECT_THROW(IntegerAt<uint32_t>(j, "d"), std::out_of_range);
  EXPECT_EQ(IntegerAt<uint64_t>(j, "d"), 4294967296u);
  EXPECT_THROW(IntegerListAt<uint32_t>(j, "e"), std::out_of_range);
  EXPECT_THROW(IntegerAt<int>(j, "missing"), std::exception);
}

}  // namespace
}  // namespace json_test
}  // namespace shardlab
