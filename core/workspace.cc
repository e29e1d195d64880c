#include "core/workspace.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <unordered_map>
#include <vector>

#include "core/progress.h"

namespace shardlab {
namespace {

constexpr const char* kSqliteSideFiles[] = {"-journal", "-wal", "-shm"};

std::string Parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Base(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool RemoveIfPresent(const std::string& path) { return ::unlink(path.c_str()) == 0; }

// Removes a tree with its contents; symbolic links inside are removed, never followed.
size_t RemoveTree(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::remove_all(path, ec);
  return n == static_cast<std::uintmax_t>(-1) ? 0 : static_cast<size_t>(n);
}

// SQLite names a super-journal "<db>-mj" + "%06X9%02X" (9 hex digits).
bool IsSuperJournalOf(const std::string& name, const std::string& prefix) {
  return name.size() == prefix.size() + 9 && name.compare(0, prefix.size(), prefix) == 0 &&
         name.find_first_not_of("0123456789ABCDEF", prefix.size()) == std::string::npos;
}

}  // namespace

const std::vector<std::string>& MjNames::In(const std::string& dir) {
  auto [it, fresh] = by_dir_.try_emplace(dir);
  if (fresh) {
    if (DIR* d = ::opendir(dir.c_str())) {
      while (dirent* e = ::readdir(d)) {
        if (std::strstr(e->d_name, "-mj") != nullptr) it->second.emplace_back(e->d_name);
      }
      ::closedir(d);
    }
  }
  return it->second;
}

std::string ExistingDatabaseFile(const std::string& path, MjNames& listed) {
  for (const std::string& p : {path, path + "-journal", path + "-wal", path + "-shm"}) {
    if (PathExists(p)) return p;
  }
  // Any name starting "<db>-mj", even one not of SQLite's shape: cleanup removes those.
  const std::string prefix = Base(path) + "-mj";
  const std::string dir = Parent(path);
  for (const std::string& name : listed.In(dir)) {
    if (name.compare(0, prefix.size(), prefix) == 0) return dir + "/" + name;
  }
  return "";
}


bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

std::string AbsolutePath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return buf;
  if (!path.empty() && path[0] == '/') return path;
  if (::getcwd(buf, sizeof(buf)) == nullptr) return path;
  return std::string(buf) + "/" + path;
}

Status Workspace::MakeDirs(const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return Status::Runtime("cannot create directory " + dir + ": a file of that name exists");
  }
  const std::string parent = Parent(dir);
  if (parent != dir) SHARDLAB_RETURN_IF_ERROR(MakeDirs(parent));
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::Runtime("cannot create directory " + dir + ": " + std::strerror(errno));
  }
  created_.push_back({Kind::kDirectory, dir});
  return Status::Ok();
}

Workspace::~Workspace() {
  for (int fd : locks_) ::close(fd);
}

Status Workspace::ClaimNewDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno == EEXIST) {
      return Status::Invalid("directory " + dir + " exists already (another run's, or kept from an earlier one); shardlab only uses directories it creates");
    }
    return Status::Runtime("cannot create directory " + dir + ": " + std::strerror(errno));
  }
  created_.push_back({Kind::kDirectory, dir});
  return Status::Ok();
}

Status Workspace::LockDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Runtime("cannot open directory " + dir + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return Status::Invalid("directory " + dir + " is in use by another shardlab run");
    return Status::Runtime("cannot lock directory " + dir + ": " + std::strerror(e));
  }
  locks_.push_back(fd);
  return Status::Ok();
}

Status Workspace::ClaimNewDatabase(const std::string& path) {
  if (const std::string p = ExistingDatabaseFile(path, mj_names_); !p.empty()) {
    return Status::Runtime("refusing to use " + p + ": it exists already and shardlab only uses files it creates");
  }
  created_.push_back({Kind::kDatabase, path});
  return Status::Ok();
}

Status Workspace::ClaimNewFile(const std::string& path) {
  if (PathExists(path)) {
    return Status::Runtime("refusing to use " + path + ": it exists already and shardlab only uses files it creates");
  }
  created_.push_back({Kind::kFile, path});
  return Status::Ok();
}

Status Workspace::ClaimNewTree(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0) {
    return Status::Runtime("cannot create directory " + path + ": " + std::strerror(errno) +
                           (errno == EEXIST ? " (shardlab only uses directories it creates)" : ""));
  }
  created_.push_back({Kind::kTree, path});
  return Status::Ok();
}

StatusOr<std::string> Workspace::MakeTempTree(const std::string& templ) {
  std::string path = templ;
  if (::mkdtemp(path.data()) == nullptr) return Status::Runtime("mkdtemp " + templ + ": " + std::strerror(errno));
  created_.push_back({Kind::kTree, path});
  return path;
}

size_t Workspace::RemoveCreated() {
  size_t removed = 0;
  // Super-journal names per directory, listed once now (100 K tenant files share ~1,000).
  MjNames super_journals;
  // Removing 100 K tenant files takes tens of seconds: progress in claimed entries.
  Progress progress("clean up", created_.size());
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    progress.Add(1);
    switch (it->kind) {
      case Kind::kDatabase: {
        removed += RemoveIfPresent(it->path);
        for (const char* suffix : kSqliteSideFiles) removed += RemoveIfPresent(it->path + suffix);
        const std::string prefix = Base(it->path) + "-mj";
        const std::string dir = Parent(it->path);
        // None existed when the database was claimed, so these are SQLite's, of this run.
        for (const std::string& name : super_journals.In(dir)) {
          if (IsSuperJournalOf(name, prefix)) removed += RemoveIfPresent(dir + "/" + name);
        }
        break;
      }
      case Kind::kFile:
        removed += RemoveIfPresent(it->path);
        break;
      case Kind::kTree:
        removed += RemoveTree(it->path);
        break;
      case Kind::kDirectory:
        removed += ::rmdir(it->path.c_str()) == 0;  // only if empty: never someone else's files
        break;
    }
  }
  created_.clear();
  return removed;
}

}  // namespace shardlab
