#include "core/progress.h"

#include <unistd.h>

#include "core/elapsed.h"
#include "core/str_format.h"

namespace shardlab {
namespace {
constexpr int64_t kRedrawNs = 200'000'000;
constexpr double kVerbosePhaseSeconds = 1.0;

std::atomic<Verbosity> g_verbosity{Verbosity::kNormal};
std::FILE* g_sink = nullptr;  // nullptr: stderr
int g_sink_terminal = -1;     // -1: ask isatty

std::FILE* Sink() { return g_sink != nullptr ? g_sink : stderr; }
bool SinkIsTerminal() { return g_sink_terminal >= 0 ? g_sink_terminal == 1 : ::isatty(STDERR_FILENO) == 1; }
}  // namespace

void SetVerbosity(Verbosity v) { g_verbosity.store(v); }
Verbosity GetVerbosity() { return g_verbosity.load(); }

void Progress::SetSinkForTesting(std::FILE* sink, bool terminal) {
  g_sink = sink;
  g_sink_terminal = sink == nullptr ? -1 : terminal ? 1 : 0;
}

bool Progress::Enabled() { return GetVerbosity() != Verbosity::kQuiet && SinkIsTerminal(); }

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)), total_(total), enabled_(Enabled()), start_(std::chrono::steady_clock::now()) {}

void Progress::Add(uint64_t n) {
  const uint64_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
  if (!enabled_) return;
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
  int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < next || !next_draw_ns_.compare_exchange_strong(next, now + kRedrawNs)) return;
  Draw(done);
}

std::string Progress::LiveLine(const std::string& label, uint64_t done, uint64_t total, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const double eta = rate > 0 && total > done ? static_cast<double>(total - done) / rate : 0;
  const double pct = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0;
  return StrFormat("  %s %3.0f%%  %s/%s  %s  ETA %.1fs", label.c_str(), pct, Thousands(done).c_str(),
                   Thousands(total).c_str(), HumanRate(rate).c_str(), eta);
}

std::string Progress::DoneLine(const std::string& label, uint64_t done, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  return StrFormat("  %s: %s in %.1f s (%s)", label.c_str(), Thousands(done).c_str(), seconds, HumanRate(rate).c_str());
}

void Progress::Draw(uint64_t done) {
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  std::fprintf(Sink(), "\r\033[K%s", LiveLine(label_, done, total_, SecondsSince(start_)).c_str());
  std::fflush(Sink());
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  finished_ = true;
  if (enabled_ && next_draw_ns_.load() != 0) std::fprintf(Sink(), "\r\033[K");
  const double seconds = SecondsSince(start_);
  if (GetVerbosity() == Verbosity::kVerbose && seconds >= kVerbosePhaseSeconds) {
    std::fprintf(Sink(), "%s\n", DoneLine(label_, done_.load(), seconds).c_str());
  }
  std::fflush(Sink());
}

}  // namespace shardlab
