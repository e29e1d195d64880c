#include "core/progress.h"

#include <unistd.h>

#include "core/elapsed.h"
#include "core/str_format.h"

namespace shardlab {
namespace {
constexpr int64_t kRedrawNs = 200'000'000;

std::atomic<Verbosity> g_verbosity{Verbosity::kNormal};
std::atomic<std::FILE*> g_sink{nullptr};
std::atomic<double> g_verbose_min_seconds{1.0};

std::FILE* Sink() {
  std::FILE* sink = g_sink.load(std::memory_order_relaxed);
  return sink != nullptr ? sink : stderr;
}

std::string ProgressSeconds(double s) { return s < 9.95 ? Fixed(s, 1) + "s" : Fixed(s, 0) + "s"; }
}  // namespace

void SetVerbosity(Verbosity verbosity) { g_verbosity.store(verbosity); }
Verbosity GetVerbosity() { return g_verbosity.load(); }

void SetProgressSinkForTesting(std::FILE* sink, double verbose_min_seconds) {
  g_sink.store(sink);
  g_verbose_min_seconds.store(verbose_min_seconds);
}

std::string ProgressFinishLine(const std::string& label, uint64_t done, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  return "  " + label + ": " + Thousands(done) + " in " + Fixed(seconds, seconds < 9.95 ? 1 : 0) + " s (" +
         HumanRate(rate) + ")";
}

bool Progress::Enabled() {
  if (GetVerbosity() == Verbosity::kQuiet) return false;
  if (g_sink.load() != nullptr) return false;  // a test's sink is never a terminal
  return ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(Enabled()),
      verbose_(GetVerbosity() == Verbosity::kVerbose),
      start_(std::chrono::steady_clock::now()),
      next_draw_ns_(kRedrawNs) {}

void Progress::Add(uint64_t n) {
  done_.fetch_add(n, std::memory_order_relaxed);
  if (!enabled_) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
  int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < next || !next_draw_ns_.compare_exchange_strong(next, now + kRedrawNs)) return;
  Draw();
}

void Progress::Draw() {
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  // Read under the lock: two workers drawing never show the count going back.
  const uint64_t done = done_.load(std::memory_order_relaxed);
  const double elapsed = SecondsSince(start_);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double eta = rate > 0 && total_ > done ? static_cast<double>(total_ - done) / rate : 0;
  const double pct = total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 0;
  std::FILE* out = Sink();
  drawn_ = true;
  std::fprintf(out, "\r\033[K  %s %3.0f%%  %s/%s  %s  ETA %s", label_.c_str(), pct, Thousands(done).c_str(),
               Thousands(total_).c_str(), HumanRate(rate).c_str(), ProgressSeconds(eta).c_str());
  std::fflush(out);
}

void Progress::Finish() {
  if (!enabled_ && !verbose_) return;
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  finished_ = true;
  std::FILE* out = Sink();
  if (drawn_) std::fprintf(out, "\r\033[K");
  const double elapsed = SecondsSince(start_);
  if (verbose_ && elapsed >= g_verbose_min_seconds.load()) {
    std::fprintf(out, "%s\n", ProgressFinishLine(label_, done_.load(), elapsed).c_str());
  }
  std::fflush(out);
}

}  // namespace shardlab
