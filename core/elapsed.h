#pragma once
// The one timing helper: time since a steady-clock point (every timed phase and
// per-statement latency reads it), and a monotonic nanosecond clock.
#include <chrono>
#include <cstdint>

namespace shardlab {

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline uint64_t NanosSince(std::chrono::steady_clock::time_point t0) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

// A steady-clock reading in nanoseconds, for latencies measured as the difference of two.
inline int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace shardlab
