#include "core/child_process.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "core/interrupt.h"

namespace shardlab {

StatusOr<ChildPipe> ForkWithPipe(const std::function<void(int write_fd)>& child) {
  int fds[2];
  if (pipe(fds) != 0) return Status::Runtime(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);  // buffered output must not be written twice
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::Runtime(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    BecomeChildOf(parent);  // dies with its parent, even a SIGKILLed one
    close(fds[0]);
    child(fds[1]);
    _exit(0);  // `child` should not return; if it does, end here, never in the caller's code
  }
  RegisterChild(pid);
  close(fds[1]);
  return ChildPipe{pid, fds[0]};
}

int WaitForChild(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      status = -1;
      break;
    }
  }
  UnregisterChild(pid);
  return status;
}

bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string ReadUntilEof(int fd, double timeout_s, bool* timed_out) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  char buf[8192];
  *timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *timed_out = true;
      return out;
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // re-check the deadline
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace shardlab
