#pragma once
// Runs the per-shard queries of one scatter or walk on several threads at once. Each
// helper thread has its own ShardSession (one connection per shard per thread); the
// calling thread works too, with its own session.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shards/shard_set.h"

namespace shardlab {

class FanoutPool {
 public:
  // `threads` workers in all: the caller plus threads-1 helpers.
  FanoutPool(const ShardSet& set, const std::vector<std::string>& statements, int threads);
  ~FanoutPool();
  FanoutPool(const FanoutPool&) = delete;
  FanoutPool& operator=(const FanoutPool&) = delete;

  // task(session, task_index, worker) for every task_index in [0, n); worker 0 is the
  // caller (using caller_session), 1.. the helpers. Returns the first error.
  using Task = std::function<Status(ShardSession&, size_t task, size_t worker)>;
  Status Run(size_t n, ShardSession& caller_session, const Task& task);
  size_t workers() const { return helpers_.size() + 1; }
  // Opens every helper's connection to every shard (helpers are idle between Runs), so
  // no connection is opened inside a timed operation.
  Status OpenAllConnections();

 private:
  void HelperLoop(size_t worker);
  void Work(ShardSession& session, size_t worker);

  std::vector<std::unique_ptr<ShardSession>> sessions_;  // one per helper
  std::vector<std::thread> helpers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  uint64_t generation_ = 0;
  size_t busy_helpers_ = 0;
  bool stop_ = false;
  // The batch being run.
  const Task* task_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  Status first_error_;
  std::mutex error_mu_;
};

}  // namespace shardlab
