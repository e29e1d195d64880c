#pragma once
// Progress of a long phase on stderr ("load  45%  4,500/10,000  40.1k/s  ETA 0.1s"),
// only when stderr is a terminal; silent otherwise (CI logs, pipes). Thread-safe:
// workers call Add(); whoever crosses the redraw interval redraws.
//
// Verbosity (set once by the CLI, before any phase starts):
//   kQuiet    no progress at all;
//   kNormal   the live line, only on a terminal (the default);
//   kVerbose  also, when a phase that took at least a second finishes, one permanent line
//             on stderr, terminal or not: "  load: 100,000 in 1.2 s (83.3k/s)".
// Progress only counts and prints: it never changes what a run computes.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace shardlab {

enum class Verbosity { kQuiet, kNormal, kVerbose };
void SetVerbosity(Verbosity verbosity);
Verbosity GetVerbosity();

// Where progress goes (nullptr: stderr), and how long a phase must take for its verbose
// finish line; for tests.
void SetProgressSinkForTesting(std::FILE* sink, double verbose_min_seconds = 1.0);

// The verbose finish line of a phase, without the newline:
// ProgressFinishLine("load", 100000, 1.2) == "  load: 100,000 in 1.2 s (83.3k/s)".
std::string ProgressFinishLine(const std::string& label, uint64_t done, double seconds);

class Progress {
 public:
  Progress(std::string label, uint64_t total);
  ~Progress() { Finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void Add(uint64_t n);
  // Clears the line (and, verbose, prints the finish line). Idempotent.
  void Finish();
  // Whether the live line is drawn: not quiet and stderr is a terminal.
  static bool Enabled();

 private:
  void Draw();
  const std::string label_;
  const uint64_t total_;
  const bool enabled_;
  const bool verbose_;
  const std::chrono::steady_clock::time_point start_;
  std::atomic<uint64_t> done_{0};
  // The first draw waits one interval: no line for short phases, no rate from 1 unit in 1 us.
  std::atomic<int64_t> next_draw_ns_;
  std::mutex draw_mu_;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace shardlab
