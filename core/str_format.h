#pragma once
// Text helpers: printf-style formatting into a std::string as long as the output needs
// (console tables), fixed-point numbers, and character-class checks for names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shardlab {

std::string StrFormat(const char* format, ...) __attribute__((format(printf, 1, 2)));
// `v` with `digits` digits after the point: Fixed(2.5, 2) == "2.50".
std::string Fixed(double v, int digits);

// `n` with a comma every three digits: Thousands(100000) == "100,000".
std::string Thousands(uint64_t n);
// A rate per second for people: "0.5/s", "119/s", "4,560/s", "40.1k/s", "312k/s", "1.2M/s"
// (three significant digits at most; never "0.1k/s"); with a unit, "40.1k rows/s".
std::string HumanRate(double per_s, std::string_view unit = "");
// The number of columns `text` takes on a terminal: UTF-8 code points (a byte that is not
// UTF-8 counts as one).
size_t DisplayWidth(std::string_view text);

// Console lines are at most this many columns (code points).
constexpr size_t kConsoleWidth = 100;

// Rows of cells as aligned text lines, each starting with `indent`: the first
// `left_columns` columns left-aligned, the others right-aligned, one space between them,
// each column as wide as its widest cell (by DisplayWidth); no trailing spaces.
std::vector<std::string> AlignColumns(const std::vector<std::vector<std::string>>& rows, size_t left_columns,
                                      std::string_view indent);
// `pieces` joined by `sep` into lines of at most `width` columns, each starting with
// `indent`; a piece too long for a line of its own is cut with "…".
std::vector<std::string> WrapJoined(const std::vector<std::string>& pieces, std::string_view sep,
                                    std::string_view indent, size_t width = kConsoleWidth);
// Every line of `text` longer than `width` columns broken at spaces (a word longer than a
// line is broken inside), continuation lines indented 4 more than the line's own indent.
// Console summaries pass through it, so no line is wider than kConsoleWidth.
std::string WrapLongLines(std::string_view text, size_t width = kConsoleWidth);
// `text` cut to at most `width` columns, ending with "…" when it was cut.
std::string CutToWidth(std::string_view text, size_t width);

// True when `text` is non-empty and every character is an ASCII letter, a digit or one of
// `extra` (names that become file or metric names; cheaper to build than std::regex).
bool IsWordOf(std::string_view text, std::string_view extra);

// User input as it may appear inside a one-line message: control characters escaped
// (\n, \t, \u001b), bytes that are not UTF-8 as \xff, and cut after `max_bytes` bytes
// (never inside a UTF-8 character) with "…". Every message that echoes input uses it.
std::string Printable(std::string_view text, size_t max_bytes = 80);
// Printable(text) in double quotes: "router.vnodes".
std::string Quoted(std::string_view text, size_t max_bytes = 80);

}  // namespace shardlab
