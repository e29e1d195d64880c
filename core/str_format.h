#pragma once
// Text helpers: printf-style formatting into a std::string as long as the output needs
// (console tables), fixed-point numbers, and character-class checks for names.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shardlab {

std::string StrFormat(const char* format, ...) __attribute__((format(printf, 1, 2)));
// `v` with `digits` digits after the point: Fixed(2.5, 2) == "2.50".
std::string Fixed(double v, int digits);

// A rate for people: 119/s, 4,560/s, 40.1k/s, 1.25M/s (three significant digits above
// 10,000; whole numbers below, with thousands separators); with a unit, 14.5k rows/s.
std::string HumanRate(double per_second, std::string_view unit = "");
// 1234567 -> "1,234,567".
std::string Thousands(uint64_t n);

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
