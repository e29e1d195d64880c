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

TEST(StrFormatTest, Thousands) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(100000), "100,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
}

TEST(StrFormatTest, HumanRate) {
  EXPECT_EQ(HumanRate(0), "0/s");
  EXPECT_EQ(HumanRate(-3), "0/s");
  EXPECT_EQ(HumanRate(0.5), "0.5/s");
  EXPECT_EQ(HumanRate(9.2), "9.2/s");
  EXPECT_EQ(HumanRate(119.4), "119/s");  // once "0.1k/s"
  EXPECT_EQ(HumanRate(999.4), "999/s");
  EXPECT_EQ(HumanRate(999.6), "1,000/s");
  EXPECT_EQ(HumanRate(4563), "4,560/s");
  EXPECT_EQ(HumanRate(9994), "9,990/s");
  EXPECT_EQ(HumanRate(9996), "10.0k/s");
  EXPECT_EQ(HumanRate(40'100), "40.1k/s");
  EXPECT_EQ(HumanRate(83'333), "83.3k/s");
  EXPECT_EQ(HumanRate(312'400), "312k/s");
  EXPECT_EQ(HumanRate(1'234'567), "1.2M/s");
  EXPECT_EQ(HumanRate(45'600'000), "46M/s");
  EXPECT_EQ(HumanRate(2.5e9), "2.5G/s");
  EXPECT_EQ(HumanRate(40'123, "rows"), "40.1k rows/s");  // with a unit
  EXPECT_EQ(HumanRate(119, "trials"), "119 trials/s");
}

TEST(StrFormatTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("caf\xc3\xa9"), 4u);
  EXPECT_EQ(DisplayWidth("\xe2\x80\xa6 \xe2\x94\x80"), 3u);  // … ─
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2u);  // not UTF-8: one column a byte
}

TEST(StrFormatTest, AlignColumns) {
  const auto lines = AlignColumns({{"strategy", "fault", "old"}, {"naive", "power_loss", "1234"}, {"attach", "x", "5"}},
                                  2, "  ");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "  strategy fault       old");
  EXPECT_EQ(lines[1], "  naive    power_loss 1234");
  EXPECT_EQ(lines[2], "  attach   x             5");
  // Widths in code points: "é" is one column.
  EXPECT_EQ(AlignColumns({{"caf\xc3\xa9", "1"}, {"ab", "2"}}, 1, "")[1], "ab   2");
}

TEST(StrFormatTest, WrapJoinedKeepsLinesWithinTheWidth) {
  EXPECT_EQ(WrapJoined({"aaaa", "bbbb", "cc"}, "; ", "  ", 14),
            (std::vector<std::string>{"  aaaa; bbbb", "  cc"}));
  EXPECT_EQ(WrapJoined({"a", "b"}, ", ", "", 100), (std::vector<std::string>{"a, b"}));
  EXPECT_EQ(WrapJoined({}, ", ", "", 100), (std::vector<std::string>{}));
  const auto cut = WrapJoined({std::string(30, 'x')}, "; ", "  ", 12);
  ASSERT_EQ(cut.size(), 1u);
  EXPECT_EQ(cut[0], "  xxxxxxxxx\xe2\x80\xa6");
  EXPECT_EQ(DisplayWidth(cut[0]), 12u);
  EXPECT_EQ(CutToWidth("abc", 3), "abc");
  EXPECT_EQ(CutToWidth("abcd", 3), "ab\xe2\x80\xa6");
}

TEST(StrFormatTest, WrapLongLines) {
  EXPECT_EQ(WrapLongLines("short\n  also short\n", 20), "short\n  also short\n");
  EXPECT_EQ(WrapLongLines("  one two three four five six", 16), "  one two three\n      four five\n      six");
  // A word longer than a line is broken inside it.
  EXPECT_EQ(WrapLongLines("abcdefghijklmnop", 10), "abcdefghij\n    klmnop");
  // Columns are code points: 12 "é" (24 bytes) fit in 12 columns.
  std::string e;
  for (int i = 0; i < 12; ++i) e += "\xc3\xa9";
  EXPECT_EQ(WrapLongLines(e, 12), e);
  const std::string wrapped = WrapLongLines(std::string(40, 'x') + " " + std::string(250, 'y'), 100);
  size_t start = 0;
  while (start <= wrapped.size()) {
    const size_t nl = wrapped.find('\n', start);
    const std::string line = wrapped.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    EXPECT_LE(DisplayWidth(line), 100u) << line;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

}  // namespace
}  // namespace str_format_test
}  // namespace shardlab
