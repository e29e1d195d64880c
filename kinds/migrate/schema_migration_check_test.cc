#include "kinds/migrate/schema_migration_check.h"

#include <gtest/gtest.h>

#include "kinds/migrate/schema_migration.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace schema_migration_check_test {
namespace {

FileState State(int64_t version, bool column, bool index, int64_t missing = 0, int64_t wrong = 0) {
  FileState s;
  s.readable = true;
  s.version = version;
  s.has_column = column;
  s.has_index = index;
  s.backfill_missing = missing;
  s.backfill_wrong = wrong;
  return s;
}

TEST(SchemaMigrationCheckTest, Classes) {
  EXPECT_EQ(Classify(State(1, false, false)), FileClass::kV1);
  EXPECT_EQ(Classify(State(2, true, true)), FileClass::kV2);
  EXPECT_EQ(Classify(State(1, true, true)), FileClass::kStaleVersion);
  EXPECT_EQ(Classify(State(1, true, false)), FileClass::kHalfMigrated);       // column, no index
  EXPECT_EQ(Classify(State(1, true, false, 10)), FileClass::kHalfMigrated);   // column, no backfill
  EXPECT_EQ(Classify(State(2, true, false)), FileClass::kHalfMigrated);       // version ahead of the schema
  EXPECT_EQ(Classify(State(2, false, false)), FileClass::kHalfMigrated);
  EXPECT_EQ(Classify(State(2, true, true, 3)), FileClass::kHalfMigrated);
  EXPECT_EQ(Classify(State(7, false, false)), FileClass::kHalfMigrated);      // an unknown version
  EXPECT_EQ(Classify(State(2, true, true, 0, 5)), FileClass::kWrongBackfill);  // applied twice
  FileState unreadable;
  EXPECT_EQ(Classify(unreadable), FileClass::kCorrupt);
}

TEST(SchemaMigrationCheckTest, ChecksumSeparatesKeyFromValue) {
  EXPECT_NE(RowChecksum("ab", "c"), RowChecksum("a", "bc"));
  EXPECT_EQ(RowChecksum("a", "b") + RowChecksum("c", "d"), RowChecksum("c", "d") + RowChecksum("a", "b"));
}

TEST(SchemaMigrationCheckTest, MissingFileIsCorrupt) {
  const FileState st = ReadFileState("/nonexistent-dir-shardlab/x.db");
  EXPECT_FALSE(st.readable);
  EXPECT_EQ(Classify(st), FileClass::kCorrupt);
  EXPECT_FALSE(st.error.empty());
}

}  // namespace
}  // namespace schema_migration_check_test
}  // namespace shardlab
