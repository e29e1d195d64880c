#include "shards/fanout_pool.h"

namespace shardlab {

FanoutPool::FanoutPool(const ShardSet& set, const std::vector<std::string>& statements, int threads) {
  for (int w = 1; w < threads; ++w) sessions_.push_back(std::make_unique<ShardSession>(set, statements));
  for (size_t w = 1; w < static_cast<size_t>(threads); ++w) helpers_.emplace_back([this, w] { HelperLoop(w); });
}

Status FanoutPool::OpenAllConnections() {
  for (auto& session : sessions_) {
    for (uint32_t shard = 0; shard < session->shard_count(); ++shard) SHARDLAB_RETURN_IF_ERROR(session->Get(shard).status());
  }
  return Status::Ok();
}

FanoutPool::~FanoutPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void FanoutPool::Work(ShardSession& session, size_t worker) {
  for (;;) {
    const size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= n_) return;
    Status st = (*task_)(session, i, worker);
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(error_mu_);
      if (first_error_.ok()) first_error_ = st;
    }
  }
}

void FanoutPool::HelperLoop(size_t worker) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    Work(*sessions_[worker - 1], worker);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--busy_helpers_ == 0) done_.notify_one();
    }
  }
}

Status FanoutPool::Run(size_t n, ShardSession& caller_session, const Task& task) {
  first_error_ = Status::Ok();
  task_ = &task;
  n_ = n;
  next_.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    busy_helpers_ = helpers_.size();
    ++generation_;
  }
  wake_.notify_all();
  Work(caller_session, 0);
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [&] { return busy_helpers_ == 0; });
  }
  task_ = nullptr;
  return first_error_;
}

}  // namespace shardlab
