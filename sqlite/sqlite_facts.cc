#include "sqlite/sqlite_facts.h"

#include <sqlite3.h>

namespace shardlab {

int LinkedAttachLimit() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  const int limit = sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1);
  sqlite3_close(db);
  return limit;
}

std::string SqliteVersion() { return sqlite3_libversion(); }
std::string SqliteSourceId() { return sqlite3_sourceid(); }

std::vector<std::string> SqliteCompileOptions() {
  std::vector<std::string> options;
  for (int i = 0;; ++i) {
    const char* option = sqlite3_compileoption_get(i);
    if (option == nullptr) break;
    options.emplace_back(option);
  }
  return options;
}

}  // namespace shardlab
