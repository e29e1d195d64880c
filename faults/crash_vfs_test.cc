#include "faults/crash_vfs.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "faults/bank.h"
#include "faults/checker.h"
#include "faults/disk_model.h"
#include "faults/fail_points.h"
#include "faults/fiu_schedule.h"
#include "faults/io_event.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace crash_vfs_test {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Describe(const std::vector<IoEvent>& events) {
  std::ostringstream out;
  for (const IoEvent& e : events) out << e.index << " " << IoOpName(e.op) << " " << FileRoleName(e.role) << " " << e.file << "\n";
  return out.str();
}

// Super-journal names are random ("-mj" + 9 hex-ish characters); everything else must repeat.
std::string StableName(const IoEvent& e) {
  return e.role == FileRole::kSuperJournal ? std::string("<super-journal>") : e.file;
}

void WriteAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string ReadToEof(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

// What a forked child reported and how it ended.
struct ChildOutcome {
  int status = 0;
  std::vector<uint32_t> indices;  // every event index its sink saw, in order
  int rc = -1;                    // the transfer's result code, if it got that far
  bool killed() const { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }
  std::string Explain() const {
    std::ostringstream out;
    out << "child status " << status;
    if (WIFEXITED(status)) out << " (exit " << WEXITSTATUS(status) << ")";
    if (WIFSIGNALED(status)) out << " (signal " << WTERMSIG(status) << ")";
    out << ", " << indices.size() << " events, rc " << rc;
    return out.str();
  }
};

class CrashVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/crash_vfs_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    BankSpec spec;
    spec.shards = 2;
    spec.files = {"shard_0000.db", "shard_0001.db"};  // as the crash kind names 2 shards
    spec.accounts = 16;
    spec.keys.count = 16;
    spec.keys.format = "acct:{i}";
    spec.transfers = 1;
    StatusOr<Bank> bank = Bank::Make(spec);
    ASSERT_TRUE(bank.ok()) << bank.status().message();
    bank_.emplace(std::move(*bank));
    template_dir_ = dir_ + "/template";
    ASSERT_TRUE(fs::create_directory(template_dir_));
    const Status created = bank_->CreateShards(template_dir_, "delete");
    ASSERT_TRUE(created.ok()) << created.message();
    StatusOr<CrashVfs*> shim = CrashVfs::Get();
    ASSERT_TRUE(shim.ok()) << shim.status().message();
    shim_ = *shim;
  }
  void TearDown() override {
    if (shim_ != nullptr) shim_->Stop();
    DisarmFailPoint();
    fs::remove_all(dir_);
  }

  const Transfer& transfer() const { return bank_->transfers()[0]; }
  std::string Shard(const std::string& dir, uint32_t s) const { return dir + "/" + bank_->ShardFile(s); }
  std::vector<std::string> Shards(const std::string& dir) const { return {Shard(dir, 0), Shard(dir, 1)}; }

  // A fresh copy of the template shards at dir_/<name>.
  std::string FreshRun(const std::string& name = "run") {
    const std::string run = dir_ + "/" + name;
    fs::remove_all(run);
    EXPECT_TRUE(fs::create_directory(run));
    for (uint32_t s = 0; s < 2; ++s) fs::copy_file(Shard(template_dir_, s), Shard(run, s));
    return run;
  }

  StatusOr<std::unique_ptr<TransferRunner>> OpenRunner(const std::string& dir) const {
    return TransferRunner::Open("attach", dir, *bank_, "delete", "full", CrashVfs::kName);
  }

  // Transfer 1 through the shim in this process, no crash; the events the sink saw.
  std::vector<IoEvent> CleanRun(const std::string& dir, uint32_t* numbered = nullptr) {
    std::vector<IoEvent> events;
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(dir);
    EXPECT_TRUE(runner.ok()) << runner.status().message();
    if (!runner.ok()) return events;
    shim_->Start(CrashVfs::Plan{}, [&events](const IoEvent& e) { events.push_back(e); });
    const int rc = (*runner)->Run(transfer());
    if (numbered != nullptr) *numbered = shim_->events();
    shim_->Stop();
    EXPECT_EQ(rc, SQLITE_OK);
    return events;
  }

  // The verdict of a restarted server on `dir` for one begun, unanswered transfer.
  Verdict Recover(const std::string& dir) const {
    return CheckTrial(*bank_, {TransferRecord{true, false, 0}}, ReadShards(Shards(dir)));
  }

  // Runs transfer 1 through the shim in a forked child with `plan` (power_loss: a
  // DiskModel in the child). The child reports each event index over a pipe as its sink
  // sees it, then the transfer's rc; it exits 0 if it survives.
  ChildOutcome RunChild(const std::string& dir, int64_t crash_event, bool crash_after, bool power_loss) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    EXPECT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      ::alarm(20);  // a hung child dies by SIGALRM instead of hanging the test
      const int out = fds[1];
      StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(dir);
      if (!runner.ok()) ::_exit(2);
      DiskModel disk(7, /*torn=*/false);
      CrashVfs::Plan plan;
      plan.crash_event = crash_event;
      plan.crash_after = crash_after;
      if (power_loss) plan.disk = &disk;
      shim_->Start(plan, [out](const IoEvent& e) { WriteAll(out, "E " + std::to_string(e.index) + "\n"); });
      const int rc = (*runner)->Run(transfer());
      shim_->Stop();
      WriteAll(out, "R " + std::to_string(rc) + "\n");
      runner->reset();
      ::_exit(0);
    }
    ::close(fds[1]);
    ChildOutcome outcome;
    std::istringstream report(ReadToEof(fds[0]));
    ::close(fds[0]);
    EXPECT_EQ(::waitpid(pid, &outcome.status, 0), pid);
    std::string tag;
    int64_t value = 0;
    while (report >> tag >> value) {
      if (tag == "E") outcome.indices.push_back(static_cast<uint32_t>(value));
      if (tag == "R") outcome.rc = static_cast<int>(value);
    }
    return outcome;
  }

  static int64_t Find(const std::vector<IoEvent>& events, IoOp op, FileRole role, size_t from = 0) {
    for (size_t i = from; i < events.size(); ++i) {
      if (events[i].op == op && events[i].role == role) return static_cast<int64_t>(i);
    }
    return -1;
  }

  // The index of the directory sync right after the super-journal's deletion.
  static int64_t SuperJournalDeleteDirSync(const std::vector<IoEvent>& events) {
    const int64_t del = Find(events, IoOp::kDelete, FileRole::kSuperJournal);
    if (del < 0 || static_cast<size_t>(del + 1) >= events.size()) return -1;
    const IoEvent& next = events[static_cast<size_t>(del + 1)];
    return next.op == IoOp::kSync && next.role == FileRole::kDirectory ? del + 1 : -1;
  }

  std::string dir_, template_dir_;
  std::optional<Bank> bank_;
  CrashVfs* shim_ = nullptr;
};

TEST_F(CrashVfsTest, EventNumberingIsStable) {
  // Two copies in different directories: trials run in a fresh directory each, and the
  // numbering (and what each event names) must not depend on where.
  const std::vector<IoEvent> first = CleanRun(FreshRun("run_a"));
  const std::vector<IoEvent> second = CleanRun(FreshRun("run_b"));
  ASSERT_FALSE(first.empty());
  ASSERT_EQ(first.size(), second.size()) << "first:\n" << Describe(first) << "second:\n" << Describe(second);
  for (size_t i = 0; i < first.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(first[i].index, i);
    EXPECT_EQ(second[i].index, i);
    EXPECT_EQ(first[i].op, second[i].op);
    EXPECT_EQ(first[i].role, second[i].role);
    EXPECT_EQ(StableName(first[i]), StableName(second[i]));
    EXPECT_EQ(RoleOfPath(first[i].file) == FileRole::kSuperJournal, first[i].role == FileRole::kSuperJournal)
        << first[i].file;
  }
}

TEST_F(CrashVfsTest, AttachDeleteCommitHasSuperJournalSequence) {
  const std::vector<IoEvent> events = CleanRun(FreshRun());
  SCOPED_TRACE(Describe(events));
  const int64_t open_super = Find(events, IoOp::kOpen, FileRole::kSuperJournal);
  const int64_t sync_super = Find(events, IoOp::kSync, FileRole::kSuperJournal);
  const int64_t delete_super = Find(events, IoOp::kDelete, FileRole::kSuperJournal);
  const int64_t sync_db = Find(events, IoOp::kSync, FileRole::kDb);
  const int64_t dir_sync = SuperJournalDeleteDirSync(events);
  ASSERT_GE(open_super, 0);
  ASSERT_GE(sync_super, 0);
  ASSERT_GE(delete_super, 0);
  ASSERT_GE(sync_db, 0);
  ASSERT_EQ(dir_sync, delete_super + 1) << "the super-journal delete must be followed by a directory sync";
  EXPECT_LT(open_super, sync_super);
  EXPECT_LT(sync_super, sync_db);      // the super-journal is durable before the dbs change
  EXPECT_LT(sync_db, delete_super);    // and deleted only once the dbs are durable
  // Directory events do not name the trial directory (it differs from trial to trial).
  EXPECT_EQ(events[static_cast<size_t>(dir_sync)].file.find("run"), std::string::npos)
      << events[static_cast<size_t>(dir_sync)].file;
  EXPECT_EQ(events[static_cast<size_t>(open_super)].file, events[static_cast<size_t>(delete_super)].file);
  EXPECT_EQ(events[static_cast<size_t>(open_super)].file.rfind(bank_->ShardFile(0) + "-mj", 0), 0u)
      << events[static_cast<size_t>(open_super)].file;
  // Both shards' journals are opened, synced and deleted; both dbs synced.
  for (uint32_t s = 0; s < 2; ++s) {
    const std::string journal = bank_->ShardFile(s) + "-journal";
    bool opened = false, synced = false, deleted = false, db_synced = false;
    for (const IoEvent& e : events) {
      opened = opened || (e.op == IoOp::kOpen && e.role == FileRole::kJournal && e.file == journal);
      synced = synced || (e.op == IoOp::kSync && e.role == FileRole::kJournal && e.file == journal);
      deleted = deleted || (e.op == IoOp::kDelete && e.role == FileRole::kJournal && e.file == journal);
      db_synced = db_synced || (e.op == IoOp::kSync && e.role == FileRole::kDb && e.file == bank_->ShardFile(s));
    }
    EXPECT_TRUE(opened) << journal;
    EXPECT_TRUE(synced) << journal;
    EXPECT_TRUE(deleted) << journal;
    EXPECT_TRUE(db_synced) << bank_->ShardFile(s);
  }
  // Roles agree with file names, except directory syncs, which name the directory.
  for (const IoEvent& e : events) {
    if (e.role != FileRole::kDirectory) {
      EXPECT_EQ(RoleOfPath(e.file), e.role) << e.file;
    }
  }
}

TEST_F(CrashVfsTest, EventsCountsEverySinkCall) {
  uint32_t numbered = 0;
  const std::vector<IoEvent> events = CleanRun(FreshRun(), &numbered);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(numbered, events.size());
  EXPECT_EQ(shim_->events(), events.size());  // still readable after Stop
}

TEST_F(CrashVfsTest, StartResetsNumbering) {
  const std::string run = FreshRun();
  CleanRun(run);
  ASSERT_GT(shim_->events(), 0u);
  int calls = 0;
  shim_->Start(CrashVfs::Plan{}, [&calls](const IoEvent&) { ++calls; });
  EXPECT_EQ(shim_->events(), 0u);
  shim_->Stop();
  EXPECT_EQ(calls, 0);
}

TEST_F(CrashVfsTest, WithoutStartPassesThrough) {
  const std::string run = FreshRun();
  int calls = 0;
  shim_->Start(CrashVfs::Plan{}, [&calls](const IoEvent&) { ++calls; });
  shim_->Stop();
  ASSERT_EQ(shim_->events(), 0u);
  EXPECT_FALSE(shim_->active());
  {
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(run);
    ASSERT_TRUE(runner.ok()) << runner.status().message();
    EXPECT_EQ((*runner)->Run(transfer()), SQLITE_OK);
  }
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(shim_->events(), 0u);
  const Verdict v = CheckTrial(*bank_, {TransferRecord{true, true, 0}}, ReadShards(Shards(run)));
  EXPECT_EQ(v.outcome, "new") << v.detail;
  // Nothing left behind: the commit went through to the real files.
  for (const auto& entry : fs::directory_iterator(run)) {
    EXPECT_EQ(RoleOfPath(entry.path().string()), FileRole::kDb) << entry.path();
  }
}

TEST_F(CrashVfsTest, CrashBeforeAndAfterEventLandsThere) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  ASSERT_FALSE(clean.empty());
  int64_t k = -1;
  for (size_t i = 0; i < clean.size() && k < 0; ++i) {
    if (clean[i].op == IoOp::kWrite && clean[i].role == FileRole::kDb) k = static_cast<int64_t>(i);
  }
  ASSERT_GE(k, 0) << Describe(clean);
  const std::string db_name = clean[static_cast<size_t>(k)].file;
  const std::string original = ReadFile(template_dir_ + "/" + db_name);
  ASSERT_FALSE(original.empty());

  std::vector<uint32_t> expected;
  for (uint32_t i = 0; i <= static_cast<uint32_t>(k); ++i) expected.push_back(i);

  std::string run = FreshRun();
  const ChildOutcome before = RunChild(run, k, /*crash_after=*/false, /*power_loss=*/false);
  ASSERT_TRUE(before.killed()) << before.Explain();
  EXPECT_EQ(before.indices, expected);
  EXPECT_EQ(before.rc, -1) << "the transfer must not have returned";
  EXPECT_EQ(ReadFile(run + "/" + db_name), original) << "crash before the db write: the db is untouched";
  // Its journal is there, hot, and rolls the (unchanged) db back to where it was.
  EXPECT_EQ(Recover(run).outcome, "old");

  run = FreshRun();
  const ChildOutcome after = RunChild(run, k, /*crash_after=*/true, /*power_loss=*/false);
  ASSERT_TRUE(after.killed()) << after.Explain();
  EXPECT_EQ(after.indices, expected);
  EXPECT_NE(ReadFile(run + "/" + db_name), original) << "crash after the db write: the db was written";
  EXPECT_EQ(Recover(run).outcome, "old") << "the hot journal rolls the write back";
}

TEST_F(CrashVfsTest, CrashBeforeAndAfterJournalOpen) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const int64_t k = Find(clean, IoOp::kOpen, FileRole::kJournal);
  ASSERT_GE(k, 0) << Describe(clean);
  const std::string journal = clean[static_cast<size_t>(k)].file;

  std::string run = FreshRun();
  ChildOutcome outcome = RunChild(run, k, false, false);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  ASSERT_FALSE(outcome.indices.empty());
  EXPECT_EQ(outcome.indices.back(), static_cast<uint32_t>(k));
  EXPECT_FALSE(fs::exists(run + "/" + journal));

  run = FreshRun();
  outcome = RunChild(run, k, true, false);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  ASSERT_FALSE(outcome.indices.empty());
  EXPECT_EQ(outcome.indices.back(), static_cast<uint32_t>(k));
  EXPECT_TRUE(fs::exists(run + "/" + journal));
}

TEST_F(CrashVfsTest, ChildWithoutCrashFinishes) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const std::string run = FreshRun();
  // An event past the end never comes: the child finishes and the transfer is in.
  const ChildOutcome outcome = RunChild(run, static_cast<int64_t>(clean.size()), false, false);
  ASSERT_TRUE(WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) == 0) << outcome.Explain();
  EXPECT_EQ(outcome.rc, SQLITE_OK);
  EXPECT_EQ(outcome.indices.size(), clean.size());
  EXPECT_EQ(Recover(run).outcome, "new");
}

TEST_F(CrashVfsTest, PowerLossAfterLastEventIsNew) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  ASSERT_FALSE(clean.empty());
  const int64_t last = static_cast<int64_t>(clean.size()) - 1;
  const std::string run = FreshRun();
  const ChildOutcome outcome = RunChild(run, last, /*crash_after=*/true, /*power_loss=*/true);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  ASSERT_FALSE(outcome.indices.empty());
  EXPECT_EQ(outcome.indices.back(), static_cast<uint32_t>(last));
  // The journals' deletions were never made durable (no directory sync): they are back,
  // but the super-journal's deletion was, so they are not hot.
  bool super_journal = false;
  int journals = 0;
  for (const auto& entry : fs::directory_iterator(run)) {
    const FileRole role = RoleOfPath(entry.path().string());
    super_journal = super_journal || role == FileRole::kSuperJournal;
    journals += role == FileRole::kJournal ? 1 : 0;
  }
  EXPECT_FALSE(super_journal);
  EXPECT_EQ(journals, 2);
  const Verdict v = Recover(run);
  EXPECT_EQ(v.outcome, "new") << v.detail;
}

TEST_F(CrashVfsTest, PowerLossBeforeSuperJournalDirSyncIsOld) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const int64_t dir_sync = SuperJournalDeleteDirSync(clean);
  ASSERT_GE(dir_sync, 0) << Describe(clean);
  const std::string run = FreshRun();
  const ChildOutcome outcome = RunChild(run, dir_sync, /*crash_after=*/false, /*power_loss=*/true);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  ASSERT_FALSE(outcome.indices.empty());
  EXPECT_EQ(outcome.indices.back(), static_cast<uint32_t>(dir_sync));
  // The delete reverted: the super-journal is back, the journals are hot and roll back.
  bool super_journal = false;
  for (const auto& entry : fs::directory_iterator(run)) {
    super_journal = super_journal || RoleOfPath(entry.path().string()) == FileRole::kSuperJournal;
  }
  EXPECT_TRUE(super_journal);
  const Verdict v = Recover(run);
  EXPECT_EQ(v.outcome, "old") << v.detail;
}

TEST_F(CrashVfsTest, PowerLossAfterSuperJournalDirSyncIsNew) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const int64_t dir_sync = SuperJournalDeleteDirSync(clean);
  ASSERT_GE(dir_sync, 0) << Describe(clean);
  const std::string run = FreshRun();
  const ChildOutcome outcome = RunChild(run, dir_sync, /*crash_after=*/true, /*power_loss=*/true);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  const Verdict v = Recover(run);
  EXPECT_EQ(v.outcome, "new") << v.detail;
}

TEST_F(CrashVfsTest, ProcessCrashBeforeSuperJournalDirSyncIsNew) {
  // Without power loss the unlink itself is what counts: the super-journal is gone.
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const int64_t dir_sync = SuperJournalDeleteDirSync(clean);
  ASSERT_GE(dir_sync, 0) << Describe(clean);
  const std::string run = FreshRun();
  const ChildOutcome outcome = RunChild(run, dir_sync, /*crash_after=*/false, /*power_loss=*/false);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  const Verdict v = Recover(run);
  EXPECT_EQ(v.outcome, "new") << v.detail;
}

TEST_F(CrashVfsTest, PowerLossBeforeFirstDbSyncIsOld) {
  // The db pages were written but never synced: power loss takes them back.
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const int64_t sync_db = Find(clean, IoOp::kSync, FileRole::kDb);
  ASSERT_GE(sync_db, 0) << Describe(clean);
  const std::string db_name = clean[static_cast<size_t>(sync_db)].file;
  const std::string run = FreshRun();
  const ChildOutcome outcome = RunChild(run, sync_db, /*crash_after=*/false, /*power_loss=*/true);
  ASSERT_TRUE(outcome.killed()) << outcome.Explain();
  EXPECT_EQ(ReadFile(run + "/" + db_name), ReadFile(template_dir_ + "/" + db_name));
  const Verdict v = Recover(run);
  EXPECT_EQ(v.outcome, "old") << v.detail;
}

// A fail point test's teardown: the shim stopped and the point disarmed on every path.
struct FailPointGuard {
  CrashVfs* shim;
  ~FailPointGuard() {
    shim->Stop();
    DisarmFailPoint();
  }
};

TEST_F(CrashVfsTest, ArmedJournalSyncFailsCommit) {
  const std::string run = FreshRun();
  int rc = SQLITE_OK;
  bool fired = false;
  int64_t evaluations = 0;
  {
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(run);
    ASSERT_TRUE(runner.ok()) << runner.status().message();
    FailPointGuard guard{shim_};
    const Status armed = ArmFailPoint("vfs/sync/journal", 1, EIO);
    ASSERT_TRUE(armed.ok()) << armed.message();
    CrashVfs::Plan plan;
    plan.vfs_fail_points = true;
    shim_->Start(plan, nullptr);
    rc = (*runner)->Run(transfer());
    shim_->Stop();
    fired = FailPointFired();
    evaluations = FailPointEvaluations();
  }
  EXPECT_EQ(rc, SQLITE_IOERR_FSYNC);
  EXPECT_EQ(rc, 1034);
  EXPECT_TRUE(fired);
  EXPECT_EQ(evaluations, 1);
  const Verdict v = CheckTrial(*bank_, {TransferRecord{true, true, rc}}, ReadShards(Shards(run)));
  EXPECT_TRUE(v.outcome == "old" || v.outcome == "new") << v.outcome << ": " << v.detail;
  EXPECT_TRUE(v.after_failed_commit);
}

TEST_F(CrashVfsTest, ArmedSuperJournalWriteWithEnospcIsFull) {
  const std::string run = FreshRun();
  int rc = SQLITE_OK;
  bool fired = false;
  {
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(run);
    ASSERT_TRUE(runner.ok()) << runner.status().message();
    FailPointGuard guard{shim_};
    const Status armed = ArmFailPoint("vfs/write/super_journal", 1, ENOSPC);
    ASSERT_TRUE(armed.ok()) << armed.message();
    CrashVfs::Plan plan;
    plan.vfs_fail_points = true;
    shim_->Start(plan, nullptr);
    rc = (*runner)->Run(transfer());
    shim_->Stop();
    fired = FailPointFired();
  }
  EXPECT_EQ(rc & 0xff, SQLITE_FULL) << rc;
  EXPECT_TRUE(fired);
  const Verdict v = CheckTrial(*bank_, {TransferRecord{true, true, rc}}, ReadShards(Shards(run)));
  EXPECT_EQ(v.outcome, "old") << v.detail;
}

TEST_F(CrashVfsTest, CountOnlyFailPointSeesEveryMatchingEvent) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  int64_t journal_syncs = 0;
  for (const IoEvent& e : clean) journal_syncs += e.op == IoOp::kSync && e.role == FileRole::kJournal ? 1 : 0;
  ASSERT_GT(journal_syncs, 0);
  const std::string run = FreshRun();
  int rc = -1;
  bool fired = true;
  int64_t evaluations = 0;
  {
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(run);
    ASSERT_TRUE(runner.ok()) << runner.status().message();
    FailPointGuard guard{shim_};
    const Status armed = ArmFailPoint("vfs/sync/journal", 0, EIO);
    ASSERT_TRUE(armed.ok()) << armed.message();
    CrashVfs::Plan plan;
    plan.vfs_fail_points = true;
    shim_->Start(plan, nullptr);
    rc = (*runner)->Run(transfer());
    shim_->Stop();
    fired = FailPointFired();
    evaluations = FailPointEvaluations();
  }
  EXPECT_EQ(rc, SQLITE_OK);
  EXPECT_FALSE(fired);
  EXPECT_EQ(evaluations, journal_syncs);
}

TEST_F(CrashVfsTest, FailPointsIgnoredUnlessPlanned) {
  const std::string run = FreshRun();
  int rc = -1;
  {
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(run);
    ASSERT_TRUE(runner.ok()) << runner.status().message();
    FailPointGuard guard{shim_};
    const Status armed = ArmFailPoint("vfs/sync/journal", 1, EIO);
    ASSERT_TRUE(armed.ok()) << armed.message();
    shim_->Start(CrashVfs::Plan{}, nullptr);  // vfs_fail_points = false
    rc = (*runner)->Run(transfer());
    shim_->Stop();
    EXPECT_EQ(FailPointEvaluations(), 0);
    EXPECT_FALSE(FailPointFired());
  }
  EXPECT_EQ(rc, SQLITE_OK);
}

// One transfer run with an armed fail point: its result code, the point's counters, and
// the directory it ran in.
struct ArmedRun {
  int rc = -1;
  bool fired = false;
  int64_t evaluations = 0;
  std::string dir;
};

TEST_F(CrashVfsTest, DirectorySyncFailureIgnoredInSyncButReportedByDelete) {
  const std::vector<IoEvent> clean = CleanRun(FreshRun());
  const int64_t delete_dir_sync = SuperJournalDeleteDirSync(clean);
  ASSERT_GE(delete_dir_sync, 0) << Describe(clean);
  // Which evaluation of vfs/sync/directory the super-journal delete's directory sync is.
  int64_t ordinal = 0;
  for (int64_t i = 0; i <= delete_dir_sync; ++i) {
    const IoEvent& e = clean[static_cast<size_t>(i)];
    ordinal += e.op == IoOp::kSync && e.role == FileRole::kDirectory ? 1 : 0;
  }
  ASSERT_GT(ordinal, 1) << "expected directory syncs inside xSync before the delete's";
  int64_t dir_syncs = 0;
  for (const IoEvent& e : clean) dir_syncs += e.op == IoOp::kSync && e.role == FileRole::kDirectory ? 1 : 0;

  auto run_armed = [&](int64_t k) {
    ArmedRun out;
    out.dir = FreshRun();
    StatusOr<std::unique_ptr<TransferRunner>> runner = OpenRunner(out.dir);
    EXPECT_TRUE(runner.ok()) << runner.status().message();
    if (!runner.ok()) return out;
    FailPointGuard guard{shim_};
    const Status armed = ArmFailPoint("vfs/sync/directory", k, EIO);
    EXPECT_TRUE(armed.ok()) << armed.message();
    CrashVfs::Plan plan;
    plan.vfs_fail_points = true;
    shim_->Start(plan, nullptr);
    out.rc = (*runner)->Run(transfer());
    shim_->Stop();
    out.fired = FailPointFired();
    out.evaluations = FailPointEvaluations();
    return out;
  };

  // The first directory sync is the one inside the super-journal's xSync: unix ignores
  // its failure, so the commit goes through.
  const ArmedRun first = run_armed(1);
  EXPECT_TRUE(first.fired);
  EXPECT_EQ(first.rc, SQLITE_OK);
  EXPECT_EQ(first.evaluations, dir_syncs);  // every directory sync of the run was evaluated
  Verdict v = CheckTrial(*bank_, {TransferRecord{true, true, first.rc}}, ReadShards(Shards(first.dir)));
  EXPECT_EQ(v.outcome, "new") << v.detail;

  // The directory sync after the super-journal's delete: xDelete reports it.
  const ArmedRun del = run_armed(ordinal);
  EXPECT_TRUE(del.fired);
  EXPECT_EQ(del.rc, SQLITE_IOERR_DIR_FSYNC);
  v = CheckTrial(*bank_, {TransferRecord{true, true, del.rc}}, ReadShards(Shards(del.dir)));
  EXPECT_TRUE(v.outcome == "old" || v.outcome == "new") << v.outcome << ": " << v.detail;
  EXPECT_TRUE(v.after_failed_commit);
}

}  // namespace
}  // namespace crash_vfs_test
}  // namespace shardlab
