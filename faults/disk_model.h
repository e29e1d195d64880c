#pragma once
// The simulated power loss (this is a model, and results say so). While a trial runs,
// the crash shim tells the model about every write, truncate, sync, create and delete;
// at the crash the model rewrites the real files to what a disk would still hold had
// power failed at that instant:
//  - file data: every byte written since the file's last successful sync is lost (the
//    old bytes come back; bytes appended since are cut off). With `torn`, each unsynced
//    512-byte sector instead independently ends up old, new or garbage, chosen from the
//    seed (SQLite's own test6.c crash VFS does the same).
//  - directory entries: a file created, or deleted, since the last sync of its directory
//    reverts (a new file vanishes; a deleted file comes back with its synced content).
// Files the model never heard of are durable as they are. Paths are absolute, as SQLite's
// xFullPathname gives them. The model keeps its state in memory; PowerLoss() is the only
// call that changes files, using plain POSIX calls, and is meant to be followed at once by
// SIGKILL.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "workloads/rng.h"

namespace shardlab {

class DiskModel {
 public:
  static constexpr int64_t kSector = 512;

  DiskModel(uint64_t seed, bool torn);
  ~DiskModel();
  DiskModel(const DiskModel&) = delete;
  DiskModel& operator=(const DiskModel&) = delete;

  // `path` is about to be opened; `creating` when it does not exist yet (the open creates it).
  void BeforeOpen(const std::string& path, bool creating);
  // Bytes [offset, offset + n) of `path` are about to be overwritten.
  void BeforeWrite(const std::string& path, int64_t offset, int64_t n);
  // `path` is about to be truncated to `size` bytes.
  void BeforeTruncate(const std::string& path, int64_t size);
  // `path`'s data was synced successfully (fdatasync): its current content is durable.
  void AfterSync(const std::string& path);
  // Directory `dir` was synced: its current entries (creations, deletions) are durable.
  void AfterDirSync(const std::string& dir);
  // `path` is about to be deleted.
  void BeforeDelete(const std::string& path);

  // Rewrites the files to their simulated post-power-loss state. Returns the first error.
  Status PowerLoss();

  // For tests and results: how many files/sectors PowerLoss would change.
  struct Pending {
    int64_t unsynced_sectors = 0;   // modified sectors within the synced size
    int64_t unsynced_files = 0;     // files with any unsynced data or size change
    int64_t unsynced_entries = 0;   // directory entries (create/delete) not yet durable
  };
  Pending pending() const;

 private:
  // A file identity. The directory entries naming it share it, so an inode lives as long
  // as its durable or current name does.
  struct Inode {
    int64_t synced_size = 0;
    // Sector index -> that sector's durable bytes (only those below synced_size), saved
    // before the sector was first changed since the last sync.
    std::map<int64_t, std::string> pre_images;
    // Captured when the durable name left the current entries (deleted or replaced): the
    // content PowerLoss writes back. Empty until then.
    std::string durable_content;
  };
  using InodePtr = std::shared_ptr<Inode>;
  struct Dir {
    std::map<std::string, InodePtr> durable;  // base name -> inode, as of the last dir sync
    std::map<std::string, InodePtr> current;  // base name -> inode, now
  };

  Inode& InodeFor(const std::string& path);
  void SavePreImages(const std::string& path, Inode& inode, int64_t begin, int64_t end);
  void RemoveCurrent(Dir& dir, const std::string& name, const std::string& path);
  Status RestoreInPlace(const std::string& path, const Inode& inode);
  std::string Garbage(int64_t n);
  void Note(Status status);

  Rng rng_;
  bool torn_;
  Status first_error_;  // from the hooks, which cannot return one; PowerLoss reports it
  std::map<std::string, Dir> dirs_;  // directory path -> entries the model knows
};

}  // namespace shardlab
