#include "run/footprint_check.h"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cstdlib>

#include "core/workspace.h"
#include "kinds/registry.h"
#include "scenario/kind.h"

namespace shardlab {
namespace {

// The nearest existing ancestor of `path` (itself when it exists): what statvfs can see.
std::string NearestExisting(std::string path) {
  while (!path.empty() && !PathExists(path)) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return path.empty() ? "." : path;
}

}  // namespace

FootprintVerdict CheckFootprint(const Scenario& s, const std::string& data_dir) {
  FootprintVerdict v;
  const Kind* kind = FindKind(AllKinds(), s.kind);
  if (kind == nullptr) return v;
  const Footprint& f = v.estimate = kind->Estimate(s);
  v.large = f.bytes > 1'000'000'000 || f.files > 10'000;
  const std::string hint = " (lower keys.count or shards.count)";
  const std::string in_one_dir =
      f.files_per_dir_max > kFilesPerDirWarning ? ", " + Thousands(f.files_per_dir_max) + " in one directory" : "";

  const std::string where = NearestExisting(data_dir);
  struct statvfs fs;
  if (::statvfs(where.c_str(), &fs) == 0) {
    uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    if (const char* override_bytes = std::getenv("SHARDLAB_FREE_BYTES")) {
      free_bytes = std::strtoull(override_bytes, nullptr, 10);
    }
    if (f.bytes > free_bytes) {
      v.status = Status::Invalid(s.file + ": needs ~" + HumanBytes(f.bytes) + " and " + Thousands(f.files) +
                                 " files" + in_one_dir + "; " + where + " has " + HumanBytes(free_bytes) + " free" +
                                 hint);
      return v;
    }
    // Filesystems without an inode limit (btrfs) report f_files = 0.
    const uint64_t inodes = f.files + f.dirs + 1;
    if (fs.f_files > 0 && inodes > static_cast<uint64_t>(fs.f_favail)) {
      v.status = Status::Invalid(s.file + ": needs ~" + Thousands(inodes) + " files and directories (" +
                                 HumanBytes(f.bytes) + "); " + where + " has " +
                                 Thousands(static_cast<uint64_t>(fs.f_favail)) + " free inodes" + hint);
      return v;
    }
  }

  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
      f.fds + kFdMargin > static_cast<uint64_t>(rl.rlim_max)) {
    v.status = Status::Invalid(s.file + ": needs ~" + Thousands(f.fds + kFdMargin) + " open files at once (" +
                               HumanBytes(f.bytes) + ", " + Thousands(f.files) + " files" + in_one_dir +
                               "); RLIMIT_NOFILE allows " + Thousands(static_cast<uint64_t>(rl.rlim_max)) +
                               " (lower shards.count or the threads, or raise the limit: ulimit -Hn)");
    return v;
  }
  if (f.files_per_dir_max > kFilesPerDirWarning) {
    v.warnings.push_back(s.file + ": warning: ~" + Thousands(f.files_per_dir_max) +
                         " files in one directory; past " + Thousands(kFilesPerDirWarning) +
                         " lookups and listings slow down (shards.layout \"digits\" or more shards.roots spread them)");
  }
  return v;
}

}  // namespace shardlab
