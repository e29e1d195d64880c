#pragma once
// The files and directories a run creates, so that cleanup removes exactly those and
// nothing else: shardlab never deletes a file it did not create, and never reuses one
// that was there before (a shard path that exists already, or a file SQLite would make
// beside it, is an error). A run owns its data directory by creating it (mkdir fails
// when it exists: two runs cannot share one) and each absolute root by an flock(2) on it.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace shardlab {

// The names containing "-mj" in each directory, each directory listed once.
class MjNames {
 public:
  const std::vector<std::string>& In(const std::string& dir);

 private:
  std::unordered_map<std::string, std::vector<std::string>> by_dir_;
};

// The first of `path`, its -journal, -wal, -shm and super-journals <path>-mj* that exists,
// or "" when none does: a database path shardlab may create. A directory's listing is
// taken once per `listed` (the names SQLite creates during a run are of claimed files).
std::string ExistingDatabaseFile(const std::string& path, MjNames& listed);

class Workspace {
 public:
  Workspace() = default;
  ~Workspace();  // releases the directory locks; removes nothing
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // mkdir -p, recording each directory it creates. kRuntime on failure.
  Status MakeDirs(const std::string& dir);
  // Creates `dir` (its parent must exist), failing when anything is there already:
  // kInvalidInput then (another run's or a user's directory), kRuntime on other errors.
  Status ClaimNewDirectory(const std::string& dir);
  // An exclusive flock(2) on the directory `dir` for as long as this Workspace lives:
  // kInvalidInput when another process holds it (two runs sharing an absolute root).
  Status LockDirectory(const std::string& dir);
  // Records a SQLite database this run is about to create: kRuntime if anything exists
  // at `path` (or at its -journal/-wal/-shm, or a super-journal <path>-mj*) already.
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
  std::vector<int> locks_;
  MjNames mj_names_;
};

// realpath-like absolute form of a path that may not exist yet (for messages/results).
std::string AbsolutePath(const std::string& path);
bool PathExists(const std::string& path);
// The size of a file in bytes; 0 when it does not exist.
uint64_t FileSize(const std::string& path);

}  // namespace shardlab
