#include "kinds/reshard/migration.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "sqlite/sqlite_db.h"
#include "workloads/movement.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace migration_test {
namespace {

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/shardlab-migration-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    KeySpec spec;
    spec.count = 3000;
    spec.format = "user:{i}";
    keys_ = std::make_unique<KeySpace>(*KeySpace::Make(spec));
    RouterSpec ring;
    ring.type = "ring";
    membership_ = *ApplyChange("ring", 3, ShardChange{ShardChange::Kind::kAdd, 1, 0});
    before_ = std::move(MakeMemberRouter(ring, membership_.before).value());
    target_ = std::move(MakeMemberRouter(ring, membership_.after).value());
    // The shards in the digits layout over two roots, as a scenario may place them.
    plan_.files.shards.count = 3;
    plan_.files.shards.layout = "digits";
    plan_.files.shards.roots = {"a", "b"};
    plan_.files.data_dir = dir_;
    for (uint32_t s = 0; s < 4; ++s) std::filesystem::create_directories(std::filesystem::path(plan_.files.Shard(s)).parent_path());
    std::filesystem::create_directories(std::filesystem::path(plan_.files.Control()).parent_path());
    checksums_ = *CreateMigrationShards(plan_.files, *keys_, *before_, 32, 7);
    plan_.before = membership_.before;
    plan_.after = membership_.after;
    plan_.target = target_.get();
    plan_.router_name = "ring_100";
    plan_.batch_rows = 100;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  MigrationCheck Verify() const { return VerifyMigration(plan_.files, {0, 1, 2, 3}, *keys_, *target_, checksums_); }

  std::string dir_;
  std::unique_ptr<KeySpace> keys_;
  Membership membership_;
  std::unique_ptr<Router> before_, target_;
  std::vector<uint64_t> checksums_;
  MigrationPlan plan_;
};

TEST_F(MigrationTest, MovesEveryMisplacedRowOnceAndVerifies) {
  auto stats = Migrate(plan_);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  // Every file where the layout puts it: the new shard 3 too, and control.db in root a.
  for (const char* file : {"a/0/00/0.db", "b/0/00/1.db", "a/0/00/2.db", "b/0/00/3.db", "a/control.db"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + file)) << file;
  }
  EXPECT_GT(stats->rows_moved, 0);
  // Batches of at most 100 rows per (source, destination) pair: 3 sources move to shard 3.
  EXPECT_GE(stats->batches, (stats->rows_moved + 99) / 100);
  EXPECT_LE(stats->batches, (stats->rows_moved + 99) / 100 + 3);
  EXPECT_EQ(stats->bytes_moved, stats->rows_moved * 32);
  const MigrationCheck check = Verify();
  EXPECT_TRUE(check.ok()) << check.detail;
}

TEST_F(MigrationTest, ARerunIsANoOp) {
  ASSERT_TRUE(Migrate(plan_).ok());
  auto again = Migrate(plan_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows_moved, 0);
  EXPECT_TRUE(Verify().ok());
}

TEST_F(MigrationTest, KilledAfterABatchThenResumedFinishesClean) {
  for (int64_t kill_after : {1, 3}) {
    SCOPED_TRACE(kill_after);
    TearDown();
    SetUp();
    const pid_t pid = fork();
    if (pid == 0) {
      MigrationPlan plan = plan_;
      plan.after_batch = [kill_after](int64_t batch) {
        if (batch == kill_after) raise(SIGKILL);
      };
      (void)Migrate(plan);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    // Half done: rows are already on their new shard, and none is on two.
    const MigrationCheck mid = Verify();
    EXPECT_GT(mid.misplaced, 0);
    EXPECT_EQ(mid.lost + mid.duplicated + mid.corrupt + mid.changed, 0) << mid.detail;
    auto resumed = Migrate(plan_);
    ASSERT_TRUE(resumed.ok()) << resumed.status().message();
    EXPECT_GT(resumed->rows_moved, 0);
    const MigrationCheck check = Verify();
    EXPECT_TRUE(check.ok()) << check.detail;
  }
}

TEST_F(MigrationTest, ARerunTowardsAnotherTargetIsRefused) {
  ASSERT_TRUE(Migrate(plan_).ok());
  MigrationPlan other = plan_;
  other.router_name = "jump";
  auto refused = Migrate(other);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("control.db"), std::string::npos) << refused.status().message();
}

TEST_F(MigrationTest, VerifySeesLossDuplicationAndChanges) {
  ASSERT_TRUE(Migrate(plan_).ok());
  // Drop a row: lost. Copy a row to another shard: duplicated (and misplaced).
  auto a = Db::Open(plan_.files.Shard(0));
  ASSERT_TRUE(a.ok());
  const std::string k = *a->QueryText("SELECT k FROM kv LIMIT 1");
  ASSERT_TRUE(a->Exec("ATTACH '" + plan_.files.Shard(1) + "' AS b").ok());
  ASSERT_TRUE(a->Exec("INSERT INTO b.kv SELECT k, v FROM main.kv WHERE k = '" + k + "'").ok());
  ASSERT_TRUE(a->Exec("DELETE FROM main.kv WHERE k = (SELECT k FROM main.kv ORDER BY k DESC LIMIT 1)").ok());
  ASSERT_TRUE(a->Exec("UPDATE b.kv SET v = x'00' WHERE k = (SELECT k FROM b.kv ORDER BY k DESC LIMIT 1)").ok());
  a->Close();
  const MigrationCheck check = Verify();
  EXPECT_EQ(check.lost, 1);
  EXPECT_EQ(check.duplicated, 1);
  EXPECT_GE(check.misplaced, 1);
  EXPECT_GE(check.changed, 1);
}

}  // namespace
}  // namespace migration_test
}  // namespace shardlab
