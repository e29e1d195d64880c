#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/elapsed.h"

namespace shardlab {
namespace {
constexpr int64_t kRedrawNs = 200'000'000;
}

bool Progress::Enabled() { return ::isatty(STDERR_FILENO) == 1; }

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

void Progress::Draw(uint64_t done) {
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  const double elapsed = SecondsSince(start_);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double eta = rate > 0 && total_ > done ? static_cast<double>(total_ - done) / rate : 0;
  const double pct = total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 0;
  std::fprintf(stderr, "\r\033[K  %s %3.0f%%  %llu/%llu  %.1fk/s  ETA %.1fs", label_.c_str(), pct,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), rate / 1000.0, eta);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!enabled_) return;
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  finished_ = true;
  if (next_draw_ns_.load() != 0) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

}  // namespace shardlab
