#include "core/process_stats.h"

#include <dirent.h>
#include <linux/magic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace shardlab {
namespace {

uint64_t StatusFieldBytes(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') {
      return std::strtoull(line.c_str() + n + 1, nullptr, 10) * 1024;  // "VmRSS:   1234 kB"
    }
  }
  return 0;
}

std::string FsTypeName(int64_t magic) {
  switch (magic) {
    case EXT4_SUPER_MAGIC: return "ext4";  // ext2/3/4 share the magic
    case TMPFS_MAGIC: return "tmpfs";
    case XFS_SUPER_MAGIC: return "xfs";
    case BTRFS_SUPER_MAGIC: return "btrfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
    case NFS_SUPER_MAGIC: return "nfs";
    default: {
      char hex[32];
      std::snprintf(hex, sizeof(hex), "0x%llx", static_cast<unsigned long long>(magic));
      return hex;
    }
  }
}

}  // namespace

FileLimit OpenFileLimit() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  return {static_cast<uint64_t>(rl.rlim_cur), static_cast<uint64_t>(rl.rlim_max)};
}

StatusOr<FileLimit> EnsureOpenFileLimit(uint64_t needed) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return Status::Runtime(std::string("getrlimit: ") + std::strerror(errno));
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < needed) {
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < needed) {
      return Status::Runtime("the connection cache needs " + std::to_string(needed) +
                             " open files but RLIMIT_NOFILE's hard limit is " + std::to_string(rl.rlim_max) +
                             " (lower tenants.cache_files, or raise the limit: ulimit -Hn)");
    }
    rl.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return Status::Runtime(std::string("setrlimit: ") + std::strerror(errno));
  }
  return OpenFileLimit();
}

uint64_t ResidentBytes() { return StatusFieldBytes("VmRSS"); }
uint64_t PeakResidentBytes() { return StatusFieldBytes("VmHWM"); }

bool ResetPeakResident() {
  FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f == nullptr) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

int64_t OpenDescriptorCount() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int64_t n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor opendir holds
}

StatusOr<FilesystemInfo> FilesystemOf(const std::string& path) {
  FilesystemInfo info;
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) {
    return Status::Runtime("realpath " + path + ": " + std::strerror(errno));
  }
  info.realpath = resolved;
  struct statfs fs{};
  struct stat st{};
  if (statfs(resolved, &fs) != 0 || stat(resolved, &st) != 0) {
    return Status::Runtime("statfs " + info.realpath + ": " + std::strerror(errno));
  }
  info.type = FsTypeName(static_cast<int64_t>(fs.f_type));
  info.device = static_cast<uint64_t>(st.st_dev);
  return info;
}

}  // namespace shardlab
