#pragma once
// Facts about the linked SQLite library, read at run time (what users actually run).
#include <string>
#include <vector>

namespace shardlab {

// SQLITE_LIMIT_ATTACHED of a fresh connection: how many databases one connection can attach.
int LinkedAttachLimit();
// sqlite3_libversion() and sqlite3_sourceid().
std::string SqliteVersion();
std::string SqliteSourceId();
// PRAGMA compile_options, one entry per option.
std::vector<std::string> SqliteCompileOptions();

}  // namespace shardlab
