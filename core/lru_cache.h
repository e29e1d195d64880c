#pragma once
// A bounded map from a file number to an open resource (a tenant's connection), least
// recently used out first. Counts what a connection cache is judged by: hits, misses,
// opens and closes. Single-threaded: one cache per request thread.
#include <cstdint>
#include <list>
#include <memory>
#include <unordered_map>
#include <utility>

#include "core/status.h"

namespace shardlab {

template <typename Value>
class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  struct Lookup {
    Value* value;
    bool hit;
  };
  // The value for `key`, opened with open(key) -> StatusOr<Value> on a miss; the least
  // recently used value is closed (destroyed) first when the cache is full.
  template <typename Open>
  StatusOr<Lookup> Get(uint32_t key, Open&& open) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);
      ++hits_;
      return Lookup{&it->second->second, true};
    }
    ++misses_;
    if (order_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();  // closes it
      ++closes_;
    }
    StatusOr<Value> opened = open(key);
    if (!opened.ok()) return opened.status();
    ++opens_;
    order_.emplace_front(key, std::move(*opened));
    index_[key] = order_.begin();
    return Lookup{&order_.front().second, false};
  }
  // Closes everything (counted as closes).
  void Clear() {
    closes_ += order_.size();
    index_.clear();
    order_.clear();
  }

  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }
  uint64_t opens() const { return opens_; }
  uint64_t closes() const { return closes_; }

 private:
  size_t capacity_;
  std::list<std::pair<uint32_t, Value>> order_;  // most recent first
  std::unordered_map<uint32_t, typename std::list<std::pair<uint32_t, Value>>::iterator> index_;
  uint64_t hits_ = 0, misses_ = 0, opens_ = 0, closes_ = 0;
};

}  // namespace shardlab
