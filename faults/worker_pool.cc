#include "faults/worker_pool.h"

#include <malloc.h>
#include <signal.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "core/child_process.h"
#include "core/json.h"

namespace shardlab {

Status RunWorkers(size_t workers, bool forks_per_unit, const std::function<void(size_t w, const EmitLine& emit)>& work,
                  const std::function<Status(const Json& line)>& on_line) {
  struct Worker {
    pid_t pid;
    int fd;
    std::string buffer;
    bool finished = false;  // its last line ("done") arrived
  };
  std::vector<Worker> ws;
  for (size_t w = 0; w < workers; ++w) {
    auto child = ForkWithPipe([&](int fd) {
      for (const Worker& other : ws) close(other.fd);
      if (forks_per_unit) {
        // A child's first malloc that consolidates fastbins writes all over the inherited
        // heap (a copy-on-write fault per page, ~15 us each on a VM). Without fastbins and
        // with a trimmed heap, children touch far less.
        mallopt(M_MXFAST, 0);
        malloc_trim(0);
      } else {
        // Each unit allocates and frees file images of tens of KB: without this glibc gives
        // the heap top back with brk() after each and faults it in again (a TLB flush on a
        // VM each time), which cost more than the work itself.
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
        mallopt(M_MMAP_THRESHOLD, 64 << 20);
      }
      const EmitLine emit = [fd](const Json& line) {
        return WriteAll(fd, line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
      };
      work(w, emit);
      if (!emit(Json{{"done", true}})) _exit(4);
      _exit(0);
    });
    if (!child.ok()) {
      for (Worker& other : ws) {
        kill(other.pid, SIGKILL);
        close(other.fd);
        WaitForChild(other.pid);
      }
      return child.status();
    }
    ws.push_back({child->pid, child->read_fd, "", false});
  }
  Status first_error;
  size_t open_pipes = ws.size();
  std::vector<pollfd> polls;
  while (open_pipes > 0) {
    polls.clear();
    for (const Worker& w : ws) polls.push_back({w.fd, POLLIN, 0});
    if (poll(polls.data(), polls.size(), -1) < 0) {
      if (errno == EINTR) continue;
      first_error = Status::Runtime(std::string("poll: ") + std::strerror(errno));
      break;
    }
    for (size_t k = 0; k < ws.size(); ++k) {
      if (ws[k].fd < 0 || polls[k].revents == 0) continue;
      char buf[65536];
      const ssize_t n = read(ws[k].fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(ws[k].fd);
        ws[k].fd = -1;
        --open_pipes;
        continue;
      }
      ws[k].buffer.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = ws[k].buffer.find('\n')) != std::string::npos) {
        Json line = Json::parse(ws[k].buffer.substr(0, nl), nullptr, false);
        ws[k].buffer.erase(0, nl + 1);
        if (line.is_discarded()) {
          if (first_error.ok()) first_error = Status::Runtime("a worker sent a line that is not JSON");
          continue;
        }
        if (line.is_object() && line.contains("done")) {
          ws[k].finished = true;
          continue;
        }
        if (Status st = on_line(line); !st.ok() && first_error.ok()) first_error = st;
      }
    }
  }
  for (Worker& w : ws) {
    if (w.fd >= 0) {
      kill(w.pid, SIGKILL);  // left early (poll failed): a worker must not block on a pipe no one reads
      close(w.fd);
    }
    const int status = WaitForChild(w.pid);
    if (!w.finished && first_error.ok()) {
      first_error = Status::Runtime("a crash worker died before finishing (status " + std::to_string(status) + ")");
    }
  }
  return first_error;
}

}  // namespace shardlab
