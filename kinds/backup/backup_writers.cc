#include "kinds/backup/backup_writers.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <thread>

#include "core/child_process.h"
#include "core/interrupt.h"
#include "core/elapsed.h"
#include "shards/shard_set.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared-memory counters need lock-free atomics");

// One writer's connection to one shard and its statements.
struct ShardConn {
  Db db;
  CommitWriter commit;
  Stmt begin, end, rollback;
};

void RaiseTo(std::atomic<uint64_t>& slot, uint64_t value) {
  uint64_t seen = slot.load(std::memory_order_relaxed);
  while (seen < value && !slot.compare_exchange_weak(seen, value, std::memory_order_release)) {
  }
}

bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY; }

// The body of one writer process. Commits are numbered inside the write transaction (the
// counter row), so several writers on one shard still produce the model's sequence.
Status RunWriter(const std::vector<std::string>& paths, const std::vector<BackupModel>& models, const SqliteSpec& sqlite,
                 int64_t pause_us, uint64_t seed, std::atomic<uint64_t>* slots, size_t first_shard, size_t stop,
                 size_t busy, size_t commits) {
  std::vector<std::unique_ptr<ShardConn>> conns;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto c = std::make_unique<ShardConn>();
    SHARDLAB_ASSIGN_OR_RETURN(c->db, ShardSet::ConnectPath(paths[i], sqlite));
    SHARDLAB_ASSIGN_OR_RETURN(c->commit, CommitWriter::Prepare(c->db, models[i]));
    SHARDLAB_ASSIGN_OR_RETURN(c->begin, c->db.Prepare("BEGIN IMMEDIATE"));
    SHARDLAB_ASSIGN_OR_RETURN(c->end, c->db.Prepare("COMMIT"));
    SHARDLAB_ASSIGN_OR_RETURN(c->rollback, c->db.Prepare("ROLLBACK"));
    conns.push_back(std::move(c));
  }
  Rng rng(seed);
  auto step = [](Stmt& st) {
    const int rc = st.Step();
    st.Reset();
    return rc;
  };
  while (slots[stop].load(std::memory_order_acquire) == 0) {
    const size_t s = static_cast<size_t>(rng.Below(conns.size()));
    ShardConn& c = *conns[s];
    int rc = step(c.begin);
    if (IsBusy(rc)) {
      slots[busy].fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (rc != SQLITE_DONE) return c.db.Error("BEGIN IMMEDIATE on " + paths[s]);
    auto number = c.commit.ApplyNext();
    if (!number.ok()) return number.status().Wrap(paths[s]);
    rc = step(c.end);
    if (rc == SQLITE_DONE) {
      RaiseTo(slots[first_shard + s], *number);
      slots[commits].fetch_add(1, std::memory_order_relaxed);
    } else if (IsBusy(rc)) {  // readers kept COMMIT from its exclusive lock for busy_timeout
      slots[busy].fetch_add(1, std::memory_order_relaxed);
      if (step(c.rollback) != SQLITE_DONE) return c.db.Error("ROLLBACK on " + paths[s]);
    } else {
      return c.db.Error("COMMIT on " + paths[s]);
    }
    if (pause_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<WriterGroup>> WriterGroup::Start(const std::vector<std::string>& paths,
                                                          const std::vector<BackupModel>& models,
                                                          const SqliteSpec& sqlite, int64_t writers, int64_t pause_us,
                                                          uint64_t seed) {
  const size_t n = kFirstShard + paths.size();
  const size_t bytes = n * sizeof(std::atomic<uint64_t>);
  void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return Status::Runtime(std::string("mmap: ") + std::strerror(errno));
  auto* slots = static_cast<std::atomic<uint64_t>*>(mem);
  for (size_t i = 0; i < n; ++i) new (&slots[i]) std::atomic<uint64_t>(0);
  std::unique_ptr<WriterGroup> group(new WriterGroup(slots, bytes));
  group->started_ = std::chrono::steady_clock::now();
  for (int64_t w = 0; w < writers; ++w) {
    const uint64_t writer_seed = DeriveSeed(seed, "backup/writer", static_cast<uint64_t>(w));
    auto child = ForkWithPipe([&](int fd) {
      const Status st = RunWriter(paths, models, sqlite, pause_us, writer_seed, slots, kFirstShard, kStop, kBusy, kCommits);
      if (!st.ok()) {
        WriteAll(fd, st.message());
        _exit(1);
      }
      _exit(0);
    });
    if (!child.ok()) return child.status();  // the destructor stops the ones started
    group->children_.push_back({child->pid, child->read_fd});
  }
  return group;
}

Status WriterGroup::WaitForCommit(uint32_t shard, uint64_t target, double timeout_s) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (Acked(shard) < target) {
    SHARDLAB_RETURN_IF_ERROR(CheckInterrupted());  // the handler has killed the writers
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Runtime("shard " + std::to_string(shard) + ": the writers did not reach commit " +
                             std::to_string(target) + " within " + std::to_string(timeout_s) + " s (at " +
                             std::to_string(Acked(shard)) + ")");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return Status::Ok();
}

StatusOr<WriterStats> WriterGroup::Stop() {
  slots_[kStop].store(1, std::memory_order_release);
  Status status = Status::Ok();
  for (const Child& c : children_) {
    bool timed_out = false;
    const std::string message = ReadUntilEof(c.fd, 60, &timed_out);
    ::close(c.fd);
    if (timed_out) ::kill(c.pid, SIGKILL);
    const int wstatus = WaitForChild(c.pid);
    if (!status.ok()) continue;
    if (timed_out) {
      status = Status::Runtime("a writer process did not stop within 60 s");
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
      status = Status::Runtime("writer process failed: " + (message.empty() ? std::string("no message") : message));
    }
  }
  children_.clear();
  stopped_ = true;
  SHARDLAB_RETURN_IF_ERROR(status);
  WriterStats stats;
  stats.commits = slots_[kCommits].load();
  stats.busy = slots_[kBusy].load();
  stats.seconds = SecondsSince(started_);
  return stats;
}

WriterGroup::~WriterGroup() {
  if (!stopped_) (void)Stop();
  ::munmap(slots_, bytes_);
}

}  // namespace shardlab
