#include "core/interrupt.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "core/child_process.h"

namespace shardlab {
namespace interrupt_test {
namespace {

TEST(InterruptTest, NotInterruptedUntilASignalArrives) {
  ResetInterruptForTest();
  EXPECT_FALSE(Interrupted());
  EXPECT_TRUE(CheckInterrupted().ok());
}

// The handler records the signal and kills the registered children; the process lives on.
TEST(InterruptTest, SignalIsRecordedAndRegisteredChildrenAreKilled) {
  ResetInterruptForTest();
  InstallInterruptHandlers();
  auto child = ForkWithPipe([](int) {
    for (;;) ::pause();
  });
  ASSERT_TRUE(child.ok());
  ::close(child->read_fd);
  ::kill(::getpid(), SIGTERM);
  EXPECT_EQ(InterruptSignal(), SIGTERM);
  const Status st = CheckInterrupted();
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "interrupted by SIGTERM");
  const int status = WaitForChild(child->pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ResetInterruptForTest();
}

// Running or sleeping, not a zombie waiting for a reaper that may never come.
bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z' && text[paren + 2] != 'X';
}

// A grandchild forked by ForkWithPipe dies with its parent even when the parent is
// SIGKILLed (PR_SET_PDEATHSIG): it reports its pid, then we look for it.
TEST(InterruptTest, ChildDiesWithItsKilledParent) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    ::close(fds[0]);
    auto grandchild = ForkWithPipe([](int) {
      for (;;) ::pause();
    });
    const pid_t pid = grandchild.ok() ? grandchild->pid : -1;
    (void)!::write(fds[1], &pid, sizeof(pid));
    for (;;) ::pause();
  }
  ::close(fds[1]);
  pid_t grandchild = -1;
  ASSERT_EQ(::read(fds[0], &grandchild, sizeof(grandchild)), static_cast<ssize_t>(sizeof(grandchild)));
  ::close(fds[0]);
  ASSERT_GT(grandchild, 0);
  ::kill(middle, SIGKILL);
  ::waitpid(middle, nullptr, 0);
  // Reparented to init (or a subreaper), then killed: gone within a few seconds.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = !Alive(grandchild);
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(gone);
  if (!gone) ::kill(grandchild, SIGKILL);
}

}  // namespace
}  // namespace interrupt_test
}  // namespace shardlab
