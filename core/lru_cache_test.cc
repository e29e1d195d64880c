#include "core/lru_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace lru_cache_test {
namespace {

// A value that logs its destruction, to see which entry the cache closes.
struct Tracked {
  int key = -1;
  std::vector<int>* closed = nullptr;
  Tracked(int k, std::vector<int>* log) : key(k), closed(log) {}
  Tracked(Tracked&& o) noexcept : key(o.key), closed(o.closed) { o.closed = nullptr; }
  Tracked& operator=(Tracked&&) = delete;
  ~Tracked() {
    if (closed != nullptr) closed->push_back(key);
  }
};

TEST(LruCache, EvictsTheLeastRecentlyUsed) {
  std::vector<int> closed;
  LruCache<Tracked> cache(2);
  auto open = [&](uint32_t k) -> StatusOr<Tracked> { return Tracked(static_cast<int>(k), &closed); };
  EXPECT_FALSE(cache.Get(1, open)->hit);
  EXPECT_FALSE(cache.Get(2, open)->hit);
  EXPECT_TRUE(cache.Get(1, open)->hit);  // 2 is now the least recent
  auto third = cache.Get(3, open);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->hit);
  EXPECT_EQ(third->value->key, 3);
  EXPECT_EQ(closed, std::vector<int>({2}));
  EXPECT_TRUE(cache.Get(1, open)->hit);
  EXPECT_FALSE(cache.Get(2, open)->hit);  // reopened; 3 goes
  EXPECT_EQ(closed, std::vector<int>({2, 3}));
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 4u);
  EXPECT_EQ(cache.opens(), 4u);
  EXPECT_EQ(cache.closes(), 2u);
  EXPECT_EQ(cache.size(), 2u);
  cache.Clear();
  EXPECT_EQ(cache.closes(), 4u);
  EXPECT_EQ(closed.size(), 4u);
}

TEST(LruCache, AFailedOpenIsAMissWithoutAnEntry) {
  LruCache<int> cache(4);
  auto fail = [](uint32_t) -> StatusOr<int> { return Status::Runtime("cannot open"); };
  auto r = cache.Get(7, fail);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.opens(), 0u);
  EXPECT_EQ(cache.misses(), 1u);
  auto ok = cache.Get(7, [](uint32_t k) -> StatusOr<int> { return static_cast<int>(k) * 2; });
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok->value, 14);
}

TEST(LruCache, NeverHoldsMoreThanItsCapacity) {
  LruCache<int> cache(100);
  auto open = [](uint32_t k) -> StatusOr<int> { return static_cast<int>(k); };
  for (uint32_t i = 0; i < 10'000; ++i) ASSERT_TRUE(cache.Get(i * 7919 % 1000, open).ok());
  EXPECT_EQ(cache.size(), 100u);
  EXPECT_EQ(cache.opens() - cache.closes(), 100u);
}

}  // namespace
}  // namespace lru_cache_test
}  // namespace shardlab
