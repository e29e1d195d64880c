#include "faults/disk_model.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace shardlab {
// A namespace of its own: the test target is compiled in unity batches.
namespace disk_model_test {
namespace {

constexpr int64_t kSector = DiskModel::kSector;

// `n` bytes that differ from sector to sector, so a misplaced sector shows.
std::string Pattern(int64_t n, char base) {
  std::string out(static_cast<size_t>(n), base);
  for (int64_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = static_cast<char>(base + (i / kSector) % 7);
  return out;
}

class DiskModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/disk_model_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // A file that existed before the model started: durable as it is.
  static void Put(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << path;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  static bool Exists(const std::string& path) { return std::filesystem::exists(path); }

  // The crash shim's part: tell the model, then do the I/O.
  static void Create(DiskModel& model, const std::string& path) {
    model.BeforeOpen(path, /*creating=*/true);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    ASSERT_GE(fd, 0) << path;
    ::close(fd);
  }
  static void Write(DiskModel& model, const std::string& path, int64_t offset, const std::string& data) {
    model.BeforeWrite(path, offset, static_cast<int64_t>(data.size()));
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::pwrite(fd, data.data(), data.size(), offset), static_cast<ssize_t>(data.size()));
    ::close(fd);
  }
  static void Truncate(DiskModel& model, const std::string& path, int64_t size) {
    model.BeforeTruncate(path, size);
    ASSERT_EQ(::truncate(path.c_str(), size), 0) << path;
  }
  static void Delete(DiskModel& model, const std::string& path) {
    model.BeforeDelete(path);
    ASSERT_EQ(::unlink(path.c_str()), 0) << path;
  }

  // Torn power loss on a file of kTornSectors synced sectors, all overwritten, plus as many
  // appended; in its own subdirectory `name`. Returns the file afterwards.
  static constexpr int64_t kTornSectors = 32;
  static std::string TornOld() { return std::string(kTornSectors * kSector, 'o'); }
  static std::string TornNew() { return std::string(2 * kTornSectors * kSector, 'n'); }
  std::string RunTorn(uint64_t seed, const std::string& name) {
    const std::string sub = Path(name);
    std::filesystem::create_directory(sub);
    const std::string db = sub + "/shard.db";
    Put(db, TornOld());
    DiskModel model(seed, /*torn=*/true);
    Write(model, db, 0, TornNew());
    const Status status = model.PowerLoss();
    EXPECT_TRUE(status.ok()) << status.message();
    return Read(db);
  }

  std::string dir_;
};

TEST_F(DiskModelTest, UnsyncedOverwriteReverts) {
  const std::string db = Path("shard.db");
  const std::string old = Pattern(4 * kSector, 'a');
  Put(db, old);
  DiskModel model(1, /*torn=*/false);
  model.BeforeOpen(db, /*creating=*/false);
  Write(model, db, 600, std::string(1000, 'X'));  // sectors 1..3, none aligned
  Write(model, db, 0, std::string(10, 'Y'));
  ASSERT_NE(Read(db), old);
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(db), old);
}

TEST_F(DiskModelTest, SyncedDataSurvives) {
  const std::string db = Path("shard.db");
  Put(db, Pattern(4 * kSector, 'a'));
  DiskModel model(1, false);
  Write(model, db, kSector, std::string(kSector, 'S'));
  model.AfterSync(db);
  std::string expected = Read(db);
  Write(model, db, 3 * kSector, std::string(kSector, 'U'));  // lost
  Write(model, db, kSector + 5, std::string(3, 'U'));         // lost, in the synced sector
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(db), expected);
}

TEST_F(DiskModelTest, AppendedBytesSinceSyncAreCutOff) {
  const std::string journal = Path("shard.db-journal");
  const std::string old = Pattern(1000, 'a');  // ends mid-sector
  Put(journal, old);
  DiskModel model(1, false);
  Write(model, journal, 1000, std::string(1500, 'X'));
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(journal), old);
}

TEST_F(DiskModelTest, TruncateSinceSyncIsUndone) {
  const std::string db = Path("shard.db");
  const std::string old = Pattern(3000, 'a');
  Put(db, old);
  DiskModel model(1, false);
  Truncate(model, db, 700);
  Write(model, db, 700, std::string(4000, 'X'));  // regrows past the old size with new bytes
  Truncate(model, db, 0);
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(db), old);
}

TEST_F(DiskModelTest, CreatedFileWithoutDirSyncVanishes) {
  const std::string journal = Path("shard.db-journal");
  DiskModel model(1, false);
  Create(model, journal);
  Write(model, journal, 0, std::string(2000, 'J'));
  model.AfterSync(journal);  // data synced, but the directory entry is not
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_FALSE(Exists(journal));
}

TEST_F(DiskModelTest, CreatedFileWithDirSyncKeepsSyncedContentOnly) {
  const std::string journal = Path("shard.db-journal");
  const std::string wal = Path("shard.db-wal");
  DiskModel model(1, false);
  Create(model, journal);
  const std::string synced = Pattern(1000, 'j');
  Write(model, journal, 0, synced);
  model.AfterSync(journal);
  Create(model, wal);
  Write(model, wal, 0, std::string(700, 'W'));  // never synced: entry survives, data does not
  model.AfterDirSync(dir_ + "/");               // a trailing slash names the same directory
  Write(model, journal, 1000, std::string(600, 'X'));
  Write(model, journal, 10, std::string(20, 'X'));
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(journal), synced);
  ASSERT_TRUE(Exists(wal));
  EXPECT_EQ(Read(wal), "");
}

TEST_F(DiskModelTest, DeletedFileWithoutDirSyncComesBackWithSyncedContent) {
  const std::string journal = Path("shard.db-journal");
  const std::string old = Pattern(1500, 'a');
  Put(journal, old);
  DiskModel model(1, false);
  Write(model, journal, 100, std::string(2000, 'X'));  // unsynced changes before the delete
  Delete(model, journal);
  ASSERT_TRUE(model.PowerLoss().ok());
  ASSERT_TRUE(Exists(journal));
  EXPECT_EQ(Read(journal), old);
}

TEST_F(DiskModelTest, UntouchedFileDeletedWithoutDirSyncComesBack) {
  const std::string journal = Path("shard.db-journal");
  const std::string old = Pattern(1500, 'a');
  Put(journal, old);
  DiskModel model(1, false);
  Delete(model, journal);  // the model's first word about this file
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(journal), old);
}

TEST_F(DiskModelTest, DeletedFileWithDirSyncStaysDeleted) {
  const std::string journal = Path("shard.db-journal");
  Put(journal, Pattern(1500, 'a'));
  DiskModel model(1, false);
  Delete(model, journal);
  model.AfterDirSync(dir_);
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_FALSE(Exists(journal));
}

TEST_F(DiskModelTest, DeleteAndRecreateWithoutDirSyncRestoresOldContent) {
  const std::string journal = Path("shard.db-journal");
  const std::string old = Pattern(1500, 'a');
  Put(journal, old);
  DiskModel model(1, false);
  Delete(model, journal);
  Create(model, journal);
  Write(model, journal, 0, std::string(3000, 'N'));
  model.AfterSync(journal);  // the new file's data is durable, its name is not
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(journal), old);
}

TEST_F(DiskModelTest, DeleteAndRecreateWithDirSyncKeepsNewFile) {
  const std::string journal = Path("shard.db-journal");
  Put(journal, Pattern(1500, 'a'));
  DiskModel model(1, false);
  Delete(model, journal);
  Create(model, journal);
  const std::string fresh = Pattern(800, 'n');
  Write(model, journal, 0, fresh);
  model.AfterSync(journal);
  model.AfterDirSync(dir_);
  Write(model, journal, 800, std::string(100, 'X'));
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(journal), fresh);
}

TEST_F(DiskModelTest, UntrackedFilesUntouched) {
  const std::string db = Path("shard.db");
  const std::string other = Path("other.db");
  const std::string other_content = Pattern(2000, 'o');
  Put(db, Pattern(1024, 'a'));
  Put(other, other_content);
  DiskModel model(1, false);
  Write(model, db, 0, std::string(10, 'X'));
  // Changed behind the model's back: not its business.
  const std::string changed = other_content + "tail";
  Put(other, changed);
  ASSERT_TRUE(model.PowerLoss().ok());
  EXPECT_EQ(Read(other), changed);
}

TEST_F(DiskModelTest, PowerLossReportsFirstErrorAndContinues) {
  const std::string a = Path("a.db");
  const std::string b = Path("b.db");
  const std::string old = Pattern(1024, 'a');
  Put(a, old);
  Put(b, old);
  DiskModel model(1, false);
  Write(model, a, 0, std::string(10, 'X'));
  Write(model, b, 0, std::string(10, 'X'));
  ASSERT_EQ(::unlink(a.c_str()), 0);  // behind the model's back: a cannot be reopened
  const Status status = model.PowerLoss();
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kRuntime);
  EXPECT_NE(status.message().find(a), std::string::npos) << status.message();
  EXPECT_EQ(Read(b), old);
}

TEST_F(DiskModelTest, PendingCounts) {
  const std::string db = Path("shard.db");
  const std::string journal = Path("shard.db-journal");
  Put(db, Pattern(4 * kSector, 'a'));
  DiskModel model(1, false);
  auto expect = [&model](int64_t sectors, int64_t files, int64_t entries) {
    const DiskModel::Pending p = model.pending();
    EXPECT_EQ(p.unsynced_sectors, sectors);
    EXPECT_EQ(p.unsynced_files, files);
    EXPECT_EQ(p.unsynced_entries, entries);
  };
  expect(0, 0, 0);
  model.BeforeOpen(db, false);
  expect(0, 0, 0);
  Write(model, db, kSector - 1, std::string(kSector + 2, 'X'));  // touches sectors 0, 1, 2
  expect(3, 1, 0);
  Write(model, db, 4 * kSector, std::string(kSector, 'X'));  // append: a size change, no sectors
  expect(3, 1, 0);
  Create(model, journal);
  expect(3, 1, 1);
  Write(model, journal, 0, std::string(100, 'J'));
  expect(3, 2, 1);
  model.AfterSync(journal);
  expect(3, 1, 1);
  model.AfterDirSync(dir_);
  expect(3, 1, 0);
  model.AfterSync(db);
  expect(0, 0, 0);
  Delete(model, journal);
  expect(0, 0, 1);
  Create(model, journal);  // replaces the durable journal: still one entry
  expect(0, 0, 1);
  Truncate(model, db, kSector);  // sectors 1..4 of 5
  expect(4, 1, 1);
  ASSERT_TRUE(model.PowerLoss().ok());
  expect(0, 0, 0);
}

// Torn: the same seed gives the same bytes; each unsynced sector within the synced size is
// wholly old, wholly new or garbage; the appended tail is cut at a sector.
TEST_F(DiskModelTest, TornSameSeedSameResult) {
  EXPECT_EQ(RunTorn(7, "first"), RunTorn(7, "second"));
}

TEST_F(DiskModelTest, TornDifferentSeedsDiffer) {
  EXPECT_NE(RunTorn(1, "first"), RunTorn(2, "second"));
}

TEST_F(DiskModelTest, TornSectorIsOldNewOrGarbage) {
  const std::string after = RunTorn(1, "run");
  ASSERT_GE(static_cast<int64_t>(after.size()), kTornSectors * kSector);  // never below the synced size
  ASSERT_LE(after.size(), TornNew().size());
  ASSERT_EQ(after.size() % kSector, 0u);  // cut at a sector boundary
  // Within the synced size a sector is old, new or garbage; past it, new, garbage or
  // dropped (zeros, when a later sector is kept). Never a mix inside one sector.
  const std::string old_sector(kSector, 'o'), new_sector(kSector, 'n'), dropped(kSector, '\0');
  int old_sectors = 0, new_sectors = 0, garbage_sectors = 0, appended_dropped = 0;
  const int64_t sectors = static_cast<int64_t>(after.size()) / kSector;
  for (int64_t s = 0; s < sectors; ++s) {
    const std::string sector = after.substr(static_cast<size_t>(s * kSector), kSector);
    const bool appended = s >= kTornSectors;
    if (!appended && sector == old_sector) {
      ++old_sectors;
    } else if (sector == new_sector) {
      ++new_sectors;
    } else if (appended && sector == dropped) {
      ++appended_dropped;
      EXPECT_LT(s, sectors - 1) << "the file should end after the last sector kept";
    } else {
      int64_t like_either = 0;
      for (char c : sector) like_either += (c == 'o' || c == 'n' || c == '\0');
      EXPECT_LT(like_either, 32) << "sector " << s << " is neither old, new nor garbage";
      ++garbage_sectors;
    }
  }
  // With this many sectors every fate shows up (checked for this seed; it is deterministic).
  EXPECT_GT(old_sectors, 0);
  EXPECT_GT(new_sectors, 0);
  EXPECT_GT(garbage_sectors, 0);
  EXPECT_GT(appended_dropped, 0);
}

TEST_F(DiskModelTest, TornNeverGoesBelowSyncedSizeAfterTruncate) {
  const std::string db = Path("shard.db");
  const std::string old = Pattern(3000, 'a');
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    Put(db, old);
    DiskModel model(seed, /*torn=*/true);
    Truncate(model, db, 2 * kSector);  // sectors 2..5 change; 0 and 1 do not
    ASSERT_TRUE(model.PowerLoss().ok());
    EXPECT_EQ(Read(db).size(), old.size()) << "seed " << seed;
    EXPECT_EQ(Read(db).substr(0, 2 * kSector), old.substr(0, 2 * kSector)) << "seed " << seed;
  }
}

}  // namespace
}  // namespace disk_model_test
}  // namespace shardlab
