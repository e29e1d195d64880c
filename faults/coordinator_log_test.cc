#include "faults/coordinator_log.h"

#include <gtest/gtest.h>

#include <signal.h>

#include "core/interrupt.h"
#include "core/test_temp_dir.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace coordinator_log_test {
namespace {

TEST(CoordinatorLogTest, RecordsSurviveReopening) {
  TempDir dir;
  const std::string path = dir.path() + "/coordinator.db";
  {
    auto log = CoordinatorLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status().message();
    ASSERT_TRUE(log->Begin("t1").ok());
    ASSERT_TRUE(log->Begin("t2").ok());
    ASSERT_TRUE(log->Begin("t3").ok());
    ASSERT_TRUE(log->Decide("t1", true).ok());
    ASSERT_TRUE(log->Decide("t2", false).ok());
    ASSERT_TRUE(log->Done("t2").ok());
  }
  auto log = CoordinatorLog::Open(path);  // a restarted coordinator
  ASSERT_TRUE(log.ok());
  auto t1 = log->Find("t1");
  ASSERT_TRUE(t1.ok() && t1->has_value());
  EXPECT_EQ((*t1)->decision, TxnDecision::kCommit);
  EXPECT_FALSE((*t1)->done);
  auto unfinished = log->Unfinished();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 2u);
  EXPECT_EQ((*unfinished)[0].gid, "t1");
  EXPECT_EQ((*unfinished)[1].gid, "t3");
  EXPECT_EQ((*unfinished)[1].decision, TxnDecision::kNone);
  auto none = log->Find("t9");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// After Ctrl-C the resolver still reads the log and a coordinator still finishes its
// record: the log's statements are not interrupted (other SQLite statements are).
TEST(CoordinatorLogTest, WorksInAnInterruptedRun) {
  TempDir dir;
  internal::interrupt_signal = SIGINT;
  auto log = CoordinatorLog::Open(dir.path() + "/coordinator.db");
  const bool opened = log.ok();
  const bool begun = opened && log->Begin("t1").ok();
  const bool decided = begun && log->Decide("t1", true).ok();
  auto found = opened ? log->Find("t1") : Status::Runtime("not opened");
  auto open = opened ? log->Unfinished() : Status::Runtime("not opened");
  ResetInterruptForTest();
  ASSERT_TRUE(opened) << log.status().message();
  EXPECT_TRUE(begun);
  EXPECT_TRUE(decided);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().message();
  EXPECT_EQ((*found)->decision, TxnDecision::kCommit);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->size(), 1u);
}

TEST(CoordinatorLogTest, ADecisionIsFinal) {
  TempDir dir;
  auto log = CoordinatorLog::Open(dir.path() + "/c.db");
  ASSERT_TRUE(log.ok());
  EXPECT_FALSE(log->Decide("never-begun", true).ok());
  ASSERT_TRUE(log->Begin("t").ok());
  EXPECT_FALSE(log->Begin("t").ok());  // a gid is begun once
  ASSERT_TRUE(log->Decide("t", true).ok());
  EXPECT_TRUE(log->Decide("t", true).ok());    // the same decision again: idempotent
  EXPECT_FALSE(log->Decide("t", false).ok());  // never the other way
}

TEST(CoordinatorLogTest, PresumedAbort) {
  EXPECT_EQ(ResolvePrepared(std::nullopt), ResolveAction::kRollbackPrepared);
  EXPECT_EQ(ResolvePrepared(LoggedTxn{"t", TxnDecision::kNone, false}), ResolveAction::kRollbackPrepared);
  EXPECT_EQ(ResolvePrepared(LoggedTxn{"t", TxnDecision::kAbort, false}), ResolveAction::kRollbackPrepared);
  EXPECT_EQ(ResolvePrepared(LoggedTxn{"t", TxnDecision::kCommit, false}), ResolveAction::kCommitPrepared);
}

}  // namespace
}  // namespace coordinator_log_test
}  // namespace shardlab
