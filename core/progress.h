#pragma once
// Progress of a long phase on stderr ("load  45%  4,500/10,000  40.1k/s  ETA 0.1s"),
// only when stderr is a terminal; silent otherwise (CI logs, pipes). Thread-safe:
// workers call Add(); whoever crosses the redraw interval redraws.
//
// How much to say is process-wide (the CLI's -q / -v): quiet draws nothing; verbose
// also leaves one line for each phase that took a second or more, terminal or not
// ("  load: 100,000 in 1.2 s (83.3k/s)").
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace shardlab {

enum class Verbosity { kQuiet, kNormal, kVerbose };
void SetVerbosity(Verbosity v);
Verbosity GetVerbosity();

class Progress {
 public:
  Progress(std::string label, uint64_t total);
  ~Progress() { Finish(); }
  void Add(uint64_t n);
  // Clears the line (and, verbose, prints the phase's line).
  void Finish();
  static bool Enabled();

  // The live line and the finished line (tests).
  static std::string LiveLine(const std::string& label, uint64_t done, uint64_t total, double seconds);
  static std::string DoneLine(const std::string& label, uint64_t done, double seconds);

  // Where lines go: stderr unless a test redirects them.
  static void SetSinkForTesting(std::FILE* sink, bool terminal);

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
