#pragma once
// The writers of kind = backup: separate processes (forked before the runner starts any
// thread), each with its own connection to every shard, committing the model's
// transactions (kinds/backup/backup_model.h) on randomly chosen shards until told to stop.
// Separate processes make the backup a real outside reader, as a backup tool is: SQLite's
// locks between them are the kernel's, and the raw file copies' close() cannot drop a
// writer's POSIX locks (those belong to the process that took them).
// After each COMMIT returns SQLITE_OK the writer raises the shard's acknowledged commit in
// shared memory: what a client had been told was committed, at any moment.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kinds/backup/backup_model.h"
#include "scenario/scenario.h"

namespace shardlab {

struct WriterStats {
  uint64_t commits = 0;
  uint64_t busy = 0;  // BEGIN IMMEDIATE or COMMIT that returned SQLITE_BUSY after busy_timeout
  double seconds = 0;
};

class WriterGroup {
 public:
  WriterGroup(const WriterGroup&) = delete;
  WriterGroup& operator=(const WriterGroup&) = delete;
  ~WriterGroup();

  // `models[i]` describes the shard at `paths[i]`; writer w's shard choices come from `seed`.
  static StatusOr<std::unique_ptr<WriterGroup>> Start(const std::vector<std::string>& paths,
                                                      const std::vector<BackupModel>& models, const SqliteSpec& sqlite,
                                                      int64_t writers, int64_t pause_us, uint64_t seed);

  // The last commit acknowledged on `shard`.
  uint64_t Acked(uint32_t shard) const { return slots_[kFirstShard + shard].load(std::memory_order_acquire); }
  // Waits until Acked(shard) >= target; kRuntime after timeout_s (writers stalled or died).
  Status WaitForCommit(uint32_t shard, uint64_t target, double timeout_s) const;
  // Stops the writers and reaps them; kRuntime with a writer's own error if one failed.
  StatusOr<WriterStats> Stop();

 private:
  static constexpr size_t kStop = 0, kBusy = 1, kCommits = 2, kFirstShard = 3;
  WriterGroup(std::atomic<uint64_t>* slots, size_t bytes) : slots_(slots), bytes_(bytes) {}

  std::atomic<uint64_t>* slots_;  // shared memory: stop flag, counters, acked commit per shard
  size_t bytes_;
  struct Child {
    pid_t pid;
    int fd;
  };
  std::vector<Child> children_;
  std::chrono::steady_clock::time_point started_;
  bool stopped_ = false;
};

}  // namespace shardlab
