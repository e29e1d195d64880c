#pragma once
// The files and directories a run creates, so that cleanup removes exactly those and
// nothing else: shardlab never deletes a file it did not create, and never reuses one
// that was there before (a shard path that exists already is an error).
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shardlab {

class Workspace {
 public:
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // mkdir -p, recording each directory it creates. kRuntime on failure.
  Status MakeDirs(const std::string& dir);
  // Records a SQLite database this run is about to create: kRuntime if anything exists
  // at `path` (or at its -journal/-wal/-shm) already.
  Status ClaimNewDatabase(const std::string& path);
  // Records a plain file this run is about to create (same rule).
  Status ClaimNewFile(const std::string& path);
  // Creates the directory `path` (mode 0700; kRuntime if anything exists there) for a
  // program this run starts (a PostgreSQL data directory): everything below it is that
  // program's, so cleanup removes it with its contents.
  Status ClaimNewTree(const std::string& path);
  // The same for a fresh directory from mkdtemp(3) (`templ` ends in "XXXXXX").
  StatusOr<std::string> MakeTempTree(const std::string& templ);

  // Removes what was created, newest first: each database with its -journal, -wal,
  // -shm and -mj* super-journals, each file, each tree with its contents, then each
  // directory if it is empty.
  // Returns the number of entries removed.
  size_t RemoveCreated();
  bool empty() const { return created_.empty(); }

 private:
  enum class Kind { kDirectory, kDatabase, kFile, kTree };
  struct Entry {
    Kind kind;
    std::string path;
  };
  std::vector<Entry> created_;
};

// realpath-like absolute form of a path that may not exist yet (for messages/results).
std::string AbsolutePath(const std::string& path);
bool PathExists(const std::string& path);
// The size of a file in bytes; 0 when it does not exist.
uint64_t FileSize(const std::string& path);

}  // namespace shardlab
