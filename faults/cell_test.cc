// What a cell promises: durability by strategy, journal mode, synchronous level and fault.
#include "faults/cell.h"

#include <gtest/gtest.h>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace cell_test {
namespace {

bool Promised(const char* strategy, const char* journal, const char* sync, const char* fault) {
  return DurabilityPromised(CellSpec{strategy, journal, sync, fault});
}

TEST(CellTest, ProcessCrashesAndIoErrorsKeepWhatWasWritten) {
  for (const char* fault : {"process_crash", "io_error"}) {
    EXPECT_TRUE(Promised("naive", "delete", "off", fault));
    EXPECT_TRUE(Promised("attach", "wal", "normal", fault));
    EXPECT_FALSE(Promised("attach", "memory", "full", fault));  // no journal on disk: nothing promised
    EXPECT_FALSE(Promised("attach", "off", "extra", fault));
  }
}

TEST(CellTest, PowerLossFollowsTheStrategy) {
  for (const char* fault : {"power_loss", "power_loss_reorder", "power_loss_torn"}) {
    // An ATTACH commit over several files deletes its super-journal with a directory sync
    // at NORMAL and FULL, in every rollback mode (vdbeaux.c); none is written at OFF.
    for (const char* journal : {"delete", "truncate", "persist"}) {
      EXPECT_TRUE(Promised("attach", journal, "normal", fault)) << journal;
      EXPECT_TRUE(Promised("attach", journal, "full", fault)) << journal;
      EXPECT_FALSE(Promised("attach", journal, "off", fault)) << journal;
    }
    // One file per commit: DELETE needs EXTRA (the unlink's directory sync), TRUNCATE syncs
    // the truncation at FULL, PERSIST syncs the zeroed header unless synchronous=off.
    EXPECT_FALSE(Promised("naive", "delete", "full", fault));
    EXPECT_TRUE(Promised("saga", "delete", "extra", fault));
    EXPECT_FALSE(Promised("naive", "truncate", "normal", fault));
    EXPECT_TRUE(Promised("naive", "truncate", "full", fault));
    EXPECT_TRUE(Promised("saga", "persist", "normal", fault));
    // WAL syncs at each commit only at FULL and EXTRA; no super-journal in WAL mode.
    EXPECT_FALSE(Promised("attach", "wal", "normal", fault));
    EXPECT_TRUE(Promised("attach", "wal", "full", fault));
  }
}

TEST(CellTest, ViolationsAreMixedCorruptAndPromisedLosses) {
  const CellSpec promised{"attach", "delete", "full", "power_loss"};
  const CellSpec not_promised{"naive", "delete", "full", "power_loss"};
  for (const char* outcome : {"mixed", "corrupt"}) EXPECT_TRUE(IsViolation(not_promised, outcome)) << outcome;
  EXPECT_TRUE(IsViolation(promised, "lost"));
  EXPECT_FALSE(IsViolation(not_promised, "lost"));
  for (const char* outcome : {"old", "new", "hung"}) EXPECT_FALSE(IsViolation(promised, outcome)) << outcome;
  EXPECT_TRUE(ExpectedUnsafe({"attach", "delete", "off", "power_loss"}));
  EXPECT_TRUE(ExpectedUnsafe({"attach", "memory", "full", "process_crash"}));
  EXPECT_FALSE(ExpectedUnsafe(promised));
}

}  // namespace
}  // namespace cell_test
}  // namespace shardlab
