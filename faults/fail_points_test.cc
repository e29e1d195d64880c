#include "faults/fail_points.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cerrno>
#include <set>
#include <string>

#include "faults/io_event.h"

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace fail_points_test {
namespace {

bool StartsWith(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

TEST(FailPointTest, KnownPointsAreUniqueAndExcludeImpossibleOnes) {
  const std::vector<std::string>& names = KnownFailPoints();
  const std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size()) << "duplicate fail point names";
  // 5 ops x 6 roles, minus directory (only sync: -4), shm (never evaluated in a trial: -5),
  // delete db (-1); plus the six POSIX points.
  EXPECT_EQ(names.size(), 20u + 6u);
  for (const char* expected : {"vfs/sync/journal", "vfs/sync/directory", "vfs/sync/db",
                               "vfs/delete/super_journal", "vfs/write/wal", "vfs/truncate/journal",
                               "posix/io/sync/fdatasync", "posix/io/sync/fsync", "posix/io/rw/pwrite",
                               "posix/io/rw/ftruncate", "posix/io/dir/unlink", "posix/io/oc/open"}) {
    EXPECT_TRUE(unique.contains(expected)) << expected;
  }
  for (const char* impossible : {"vfs/delete/db", "vfs/write/directory", "vfs/open/directory", "vfs/write/shm", "vfs/open/shm",
                                 "vfs/sync/shm", "vfs/delete/directory"}) {
    EXPECT_FALSE(unique.contains(impossible)) << impossible;
  }
}

TEST(FailPointTest, ParsesEveryKnownPoint) {
  for (const std::string& name : KnownFailPoints()) {
    SCOPED_TRACE(name);
    StatusOr<FailPoint> fp = ParseFailPoint(name);
    ASSERT_TRUE(fp.ok()) << fp.status().message();
    EXPECT_EQ(fp->name, name);
    if (StartsWith(name, "vfs/")) {
      EXPECT_EQ(fp->level, FailPoint::Level::kVfs);
      // The op and role must spell the name back.
      EXPECT_EQ(std::string("vfs/") + IoOpName(fp->op) + "/" + FileRoleName(fp->role), name);
    } else {
      EXPECT_TRUE(StartsWith(name, "posix/"));
      EXPECT_EQ(fp->level, FailPoint::Level::kLibc);
    }
  }
}

TEST(FailPointTest, MapsVfsNamesToOpAndRole) {
  struct Case {
    const char* name;
    IoOp op;
    FileRole role;
  };
  for (const Case& c : {Case{"vfs/sync/journal", IoOp::kSync, FileRole::kJournal},
                        Case{"vfs/sync/directory", IoOp::kSync, FileRole::kDirectory},
                        Case{"vfs/sync/db", IoOp::kSync, FileRole::kDb},
                        Case{"vfs/write/super_journal", IoOp::kWrite, FileRole::kSuperJournal},
                        Case{"vfs/delete/super_journal", IoOp::kDelete, FileRole::kSuperJournal},
                        Case{"vfs/truncate/wal", IoOp::kTruncate, FileRole::kWal},
                        Case{"vfs/open/db", IoOp::kOpen, FileRole::kDb},
                        Case{"vfs/delete/journal", IoOp::kDelete, FileRole::kJournal}}) {
    SCOPED_TRACE(c.name);
    StatusOr<FailPoint> fp = ParseFailPoint(c.name);
    ASSERT_TRUE(fp.ok()) << fp.status().message();
    EXPECT_EQ(fp->level, FailPoint::Level::kVfs);
    EXPECT_EQ(fp->op, c.op);
    EXPECT_EQ(fp->role, c.role);
  }
}

TEST(FailPointTest, RejectsUnknownNamesListingTheKnownOnes) {
  for (const char* bad : {"vfs/sync/nonsense", "posix/io/rw/read", "", "vfs/delete/db", "vfs/sync/journal/",
                          "VFS/sync/journal", "vfs/sync"}) {
    SCOPED_TRACE(std::string("\"") + bad + "\"");
    StatusOr<FailPoint> fp = ParseFailPoint(bad);
    ASSERT_FALSE(fp.ok());
    EXPECT_EQ(fp.status().kind(), ErrorKind::kInvalidInput);
    const std::string& message = fp.status().message();
    EXPECT_NE(message.find(std::string("\"") + bad + "\""), std::string::npos) << message;
    for (const std::string& known : KnownFailPoints()) {
      EXPECT_NE(message.find(known), std::string::npos) << known << " missing from: " << message;
    }
  }
}

TEST(FailPointTest, ParsesErrnoNames) {
  StatusOr<int> eio = ParseErrno("EIO");
  ASSERT_TRUE(eio.ok());
  EXPECT_EQ(*eio, EIO);
  StatusOr<int> enospc = ParseErrno("ENOSPC");
  ASSERT_TRUE(enospc.ok());
  EXPECT_EQ(*enospc, ENOSPC);
  for (const char* bad : {"EPERM", "eio", "", "5"}) {
    StatusOr<int> e = ParseErrno(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.status().kind(), ErrorKind::kInvalidInput);
  }
  EXPECT_STREQ(ErrnoName(EIO), "EIO");
  EXPECT_STREQ(ErrnoName(ENOSPC), "ENOSPC");
}

TEST(FailPointTest, VfsErrorCodeMatchesTheUnixVfs) {
  EXPECT_EQ(VfsErrorCode(IoOp::kSync, FileRole::kJournal, EIO), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(VfsErrorCode(IoOp::kSync, FileRole::kJournal, EIO), 1034);
  EXPECT_EQ(VfsErrorCode(IoOp::kSync, FileRole::kDb, EIO), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(VfsErrorCode(IoOp::kSync, FileRole::kSuperJournal, EIO), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(VfsErrorCode(IoOp::kSync, FileRole::kWal, ENOSPC), SQLITE_IOERR_FSYNC);
  EXPECT_EQ(VfsErrorCode(IoOp::kSync, FileRole::kDirectory, EIO), SQLITE_IOERR_DIR_FSYNC);
  EXPECT_EQ(VfsErrorCode(IoOp::kWrite, FileRole::kDb, ENOSPC), SQLITE_FULL);
  EXPECT_EQ(VfsErrorCode(IoOp::kWrite, FileRole::kJournal, ENOSPC), SQLITE_FULL);
  EXPECT_EQ(VfsErrorCode(IoOp::kWrite, FileRole::kDb, EIO), SQLITE_IOERR_WRITE);
  EXPECT_EQ(VfsErrorCode(IoOp::kTruncate, FileRole::kJournal, EIO), SQLITE_IOERR_TRUNCATE);
  EXPECT_EQ(VfsErrorCode(IoOp::kDelete, FileRole::kJournal, EIO), SQLITE_IOERR_DELETE);
  EXPECT_EQ(VfsErrorCode(IoOp::kDelete, FileRole::kSuperJournal, EIO), SQLITE_IOERR_DELETE);
  EXPECT_EQ(VfsErrorCode(IoOp::kOpen, FileRole::kJournal, EIO), SQLITE_CANTOPEN);
  EXPECT_EQ(VfsErrorCode(IoOp::kOpen, FileRole::kShm, ENOSPC), SQLITE_CANTOPEN);
}

TEST(FailPointTest, RoleOfPathFromTheName) {
  EXPECT_EQ(RoleOfPath("x/shard_0000.db"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("shard_0000.db"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("x/shard_0000.db-journal"), FileRole::kJournal);
  EXPECT_EQ(RoleOfPath("/tmp/a/shard_0001.db-wal"), FileRole::kWal);
  EXPECT_EQ(RoleOfPath("/tmp/a/shard_0001.db-shm"), FileRole::kShm);
  // SQLite's "-mj%06X9%02X": nine characters after "-mj".
  EXPECT_EQ(RoleOfPath("shard_0000.db-mj1A2B3C901"), FileRole::kSuperJournal);
  EXPECT_EQ(RoleOfPath("/tmp/a/shard_0000.db-mjFFFFFF9FF"), FileRole::kSuperJournal);
  // Not nine characters after "-mj": a db whose name merely contains "-mj".
  EXPECT_EQ(RoleOfPath("x/shard-mj.db"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("x/my-mjdb.db"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("shard_0000.db-mj1A2B3C90"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("shard_0000.db-mj1A2B3C9012"), FileRole::kDb);
  // The last "-mj" counts.
  EXPECT_EQ(RoleOfPath("/tmp/a-mjx.db-mj1A2B3C901"), FileRole::kSuperJournal);
  EXPECT_EQ(RoleOfPath("shard_0000.db-mj1A2B3C901-journal"), FileRole::kJournal);
  // Only the base name counts.
  EXPECT_EQ(RoleOfPath("/tmp/x.db-mj1A2B3C901/shard_0000.db"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("/tmp/x-journal/shard_0000.db"), FileRole::kDb);
}

// A super-journal's name has SQLite's "%06X9%02X" shape after "-mj", not just 9 characters.
TEST(FailPointTest, RoleOfPathDbWithNineNonHexCharsAfterMj) {
  EXPECT_EQ(RoleOfPath("x/shard-mj-00001.db"), FileRole::kDb);
  EXPECT_EQ(RoleOfPath("x/old-mj-shard.db"), FileRole::kDb);
}

TEST(FailPointTest, NamesRoundTrip) {
  for (IoOp op : {IoOp::kOpen, IoOp::kWrite, IoOp::kTruncate, IoOp::kSync, IoOp::kDelete}) {
    EXPECT_EQ(ParseIoOp(IoOpName(op)), op);
  }
  for (FileRole role : {FileRole::kDb, FileRole::kJournal, FileRole::kSuperJournal, FileRole::kWal, FileRole::kShm,
                        FileRole::kDirectory}) {
    EXPECT_EQ(ParseFileRole(FileRoleName(role)), role);
  }
  EXPECT_FALSE(ParseIoOp("read").has_value());
  EXPECT_FALSE(ParseFileRole("temp").has_value());
  EXPECT_EQ(BaseName("/a/b/c.db"), "c.db");
  EXPECT_EQ(BaseName("c.db"), "c.db");
  EXPECT_EQ(DirName("/a/b/c.db"), "/a/b");
  EXPECT_EQ(DirName("/c.db"), "/");
  EXPECT_EQ(DirName("c.db"), ".");
}

}  // namespace
}  // namespace fail_points_test
}  // namespace shardlab
