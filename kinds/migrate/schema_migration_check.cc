#include "kinds/migrate/schema_migration_check.h"

#include <xxhash.h>

#include "core/enum_table.h"
#include "kinds/migrate/schema_migration.h"
#include "sqlite/sqlite_db.h"

namespace shardlab {
namespace {

Status Read(const std::string& path, FileState& s) {
  SHARDLAB_ASSIGN_OR_RETURN(Db db, Db::Open(path, SQLITE_OPEN_READWRITE));
  SHARDLAB_ASSIGN_OR_RETURN(std::string integrity, db.QueryText("PRAGMA integrity_check"));
  if (integrity != "ok") return Status::Runtime("integrity_check: " + integrity);
  SHARDLAB_ASSIGN_OR_RETURN(s.version, db.QueryInt("PRAGMA user_version"));
  SHARDLAB_ASSIGN_OR_RETURN(int64_t column, db.QueryInt(std::string("SELECT count(*) FROM pragma_table_info('kv') "
                                                                    "WHERE name = '") + kMigrationColumn + "'"));
  SHARDLAB_ASSIGN_OR_RETURN(int64_t index, db.QueryInt(std::string("SELECT count(*) FROM sqlite_schema WHERE "
                                                                   "type = 'index' AND name = '") + kMigrationIndex + "'"));
  s.has_column = column == 1;
  s.has_index = index == 1;
  if (s.has_column) {
    const std::string c = kMigrationColumn;
    SHARDLAB_ASSIGN_OR_RETURN(s.backfill_missing, db.QueryInt("SELECT count(*) FROM kv WHERE " + c + " IS NULL"));
    SHARDLAB_ASSIGN_OR_RETURN(s.backfill_wrong, db.QueryInt("SELECT count(*) FROM kv WHERE " + c + " IS NOT NULL AND " +
                                                            c + " != length(v)"));
  }
  SHARDLAB_ASSIGN_OR_RETURN(Stmt scan, db.Prepare("SELECT k, v FROM kv"));
  int rc;
  while ((rc = scan.Step()) == SQLITE_ROW) {
    ++s.rows;
    s.checksum += RowChecksum(scan.ColumnText(0), scan.ColumnText(1));
  }
  if (rc != SQLITE_DONE) return db.Error("scan kv");
  return Status::Ok();
}

}  // namespace

uint64_t RowChecksum(std::string_view k, std::string_view v) {
  // A separator: ("ab", "c") differs from ("a", "bc").
  std::string row;
  row.reserve(k.size() + 1 + v.size());
  row.append(k).push_back('\0');
  row.append(v);
  return XXH3_64bits(row.data(), row.size());
}

FileState ReadFileState(const std::string& path) {
  FileState s;
  Status st = Read(path, s);
  s.readable = st.ok();
  if (!st.ok()) s.error = st.message();
  return s;
}

FileClass Classify(const FileState& s) {
  if (!s.readable) return FileClass::kCorrupt;
  if (s.backfill_wrong > 0) return FileClass::kWrongBackfill;
  const bool none = !s.has_column && !s.has_index;
  const bool all = s.has_column && s.has_index && s.backfill_missing == 0;
  if (none && s.version == kSchemaVersionBefore) return FileClass::kV1;
  if (all && s.version == kSchemaVersionAfter) return FileClass::kV2;
  if (all && s.version == kSchemaVersionBefore) return FileClass::kStaleVersion;
  return FileClass::kHalfMigrated;
}

constexpr EnumName<FileClass> kFileClassNames[] = {
    {FileClass::kV1, "v1"},
    {FileClass::kV2, "v2"},
    {FileClass::kStaleVersion, "stale_version"},
    {FileClass::kHalfMigrated, "half_migrated"},
    {FileClass::kWrongBackfill, "wrong_backfill"},
    {FileClass::kCorrupt, "corrupt"}};

const char* FileClassName(FileClass c) { return NameOf(kFileClassNames, c); }

}  // namespace shardlab
