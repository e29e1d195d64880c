#include "core/interrupt.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace shardlab {
namespace internal {
std::atomic<int> interrupt_signal{0};
}  // namespace internal

namespace {

std::atomic<int>& g_signal = internal::interrupt_signal;

constexpr int kMaxChildren = 1024;
std::atomic<pid_t> g_children[kMaxChildren];

void OnInterrupt(int sig) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, sig)) {
    // Second signal: the user insists; die now with the default action.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  for (auto& slot : g_children) {
    const pid_t pid = slot.load(std::memory_order_relaxed);
    if (pid > 0) ::kill(pid, SIGKILL);
  }
}

}  // namespace

void InstallInterruptHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // a write or fsync in progress finishes; loops poll the flag
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

Status CheckInterrupted() {
  const int sig = InterruptSignal();
  if (sig == 0) return Status::Ok();
  return Status::Runtime(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal"));
}

void RegisterChild(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void UnregisterChild(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

void BecomeChildOf(pid_t parent) {
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  for (auto& slot : g_children) slot.store(0, std::memory_order_relaxed);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) _exit(1);
}

void ResetInterruptForTest() { g_signal.store(0); }

}  // namespace shardlab
