#pragma once
// Forking a child that reports to its parent over a pipe, and the pipe's two ends: the
// plumbing shared by crash trials (one child per trial) and campaigns (one per worker).
#include <sys/types.h>

#include <functional>
#include <string>

#include "core/status.h"

namespace shardlab {

struct ChildPipe {
  pid_t pid = -1;
  int read_fd = -1;  // the parent's end; the child holds the write end
};

// Forks; the child closes the read end and runs `child(write_fd)`, which must not return
// (it exits or dies). The parent gets the pid and the read end. The child dies with its
// parent (core/interrupt.h BecomeChildOf) and is killed when the run is interrupted, so
// reap it with WaitForChild.
StatusOr<ChildPipe> ForkWithPipe(const std::function<void(int write_fd)>& child);

// waitpid(pid) (retrying on EINTR), then forgets the child: its pid may be reused.
// Returns the wait status, -1 when there was no such child.
int WaitForChild(pid_t pid);

// Writes all of `text` (retrying on EINTR and short writes); false when the pipe is gone.
bool WriteAll(int fd, const std::string& text);

// Everything `fd` delivers until EOF, or until `timeout_s` passes (then *timed_out).
std::string ReadUntilEof(int fd, double timeout_s, bool* timed_out);

}  // namespace shardlab
