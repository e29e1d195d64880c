#pragma once
// The `sqlite` block of a scenario: the connection settings every shard file gets.
#include <cstdint>
#include <string>

namespace shardlab {

struct SqliteSpec {
  std::string journal_mode = "delete";   // SQLite's own defaults, as users run it
  std::string synchronous = "full";
  int64_t page_size = 4096;
  int64_t cache_size = -2000;
  int64_t busy_timeout_ms = 5000;
};

}  // namespace shardlab
