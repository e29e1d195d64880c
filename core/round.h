#pragma once
// Rounding of measured values before they go into results (fewer meaningless digits).
#include <cmath>

namespace shardlab {

// `v` rounded to `digits` decimal places: RoundDigits(2.345, 2) == 2.35 (to the nearest double).
inline double RoundDigits(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

}  // namespace shardlab
