#pragma once
// printf-style formatting into a std::string as long as the output needs (console tables).
#include <string>

namespace shardlab {

std::string StrFormat(const char* format, ...) __attribute__((format(printf, 1, 2)));
// `v` with `digits` digits after the point: Fixed(2.5, 2) == "2.50".
std::string Fixed(double v, int digits);

}  // namespace shardlab
