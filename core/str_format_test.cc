#include "core/str_format.h"

#include <gtest/gtest.h>

#include <string>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace str_format_test {
namespace {

TEST(StrFormatTest, PrintableEscapesControlCharacters) {
  EXPECT_EQ(Printable("a\nb\r\tc"), "a\\nb\\r\\tc");
  EXPECT_EQ(Printable(std::string("x\0y", 3)), "x\\u0000y");
  EXPECT_EQ(Printable("\x1b[31m\x7f"), "\\u001b[31m\\u007f");
  EXPECT_EQ(Printable("\xff\xc3"), "\\xff\\xc3");  // not UTF-8: shown byte by byte
  EXPECT_EQ(Printable("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 stays
}

TEST(StrFormatTest, PrintableCutsOnACharacterBoundary) {
  EXPECT_EQ(Printable(std::string(100, 'x'), 10), std::string(10, 'x') + "\xe2\x80\xa6");
  EXPECT_EQ(Printable("abcdefghij", 10), "abcdefghij");
  // "é" is two bytes: 9 bytes of "aaaaaaaaa" then é does not fit in 10.
  EXPECT_EQ(Printable("aaaaaaaaa\xc3\xa9", 10), "aaaaaaaaa\xe2\x80\xa6");
  // An escape is never cut in half.
  EXPECT_EQ(Printable("aaaaaaaa\n", 9), "aaaaaaaa\xe2\x80\xa6");
  // 10 MB in, about 80 bytes out.
  EXPECT_LT(Printable(std::string(10'000'000, 'z')).size(), 90u);
  EXPECT_EQ(Quoted("a\"b"), "\"a\"b\"");
}

TEST(StrFormatTest, IsWordOfHandlesLongInput) {
  // Once a std::regex (a recursive matcher: one stack frame per character).
  EXPECT_TRUE(IsWordOf(std::string(1'000'000, 'a'), "._-"));
  EXPECT_FALSE(IsWordOf(std::string(1'000'000, 'a') + "/", "._-"));
}

TEST(StrFormatTest, HumanRate) {
  EXPECT_EQ(HumanRate(0), "0.0/s");
  EXPECT_EQ(HumanRate(2.34), "2.3/s");
  EXPECT_EQ(HumanRate(119.4), "119/s");
  EXPECT_EQ(HumanRate(4560), "4,560/s");
  EXPECT_EQ(HumanRate(9999.4), "9,999/s");
  EXPECT_EQ(HumanRate(40'123), "40.1k/s");
  EXPECT_EQ(HumanRate(340'000), "340k/s");
  EXPECT_EQ(HumanRate(1'254'000), "1.25M/s");
  EXPECT_EQ(HumanRate(25'400'000), "25.4M/s");
  EXPECT_EQ(HumanRate(-1), "?/s");
  EXPECT_EQ(HumanRate(14'500, "rows"), "14.5k rows/s");
  EXPECT_EQ(HumanRate(119, "trials"), "119 trials/s");
}

TEST(StrFormatTest, Thousands) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
}

}  // namespace
}  // namespace str_format_test
}  // namespace shardlab
