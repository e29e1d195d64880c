#pragma once
// Progress of a long phase on stderr ("load  45%  4,500/10,000  40.1k/s  ETA 0.1s"),
// only when stderr is a terminal; silent otherwise (CI logs, pipes). Thread-safe:
// workers call Add(); whoever crosses the redraw interval redraws.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace shardlab {

class Progress {
 public:
  Progress(std::string label, uint64_t total);
  ~Progress() { Finish(); }
  void Add(uint64_t n);
  // Clears the line.
  void Finish();
  static bool Enabled();

 private:
  void Draw(uint64_t done);
  const std::string label_;
  const uint64_t total_;
  const bool enabled_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> done_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::mutex draw_mu_;
  bool finished_ = false;
};

}  // namespace shardlab
