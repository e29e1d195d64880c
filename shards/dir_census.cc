#include "shards/dir_census.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace shardlab {
namespace {

Status Walk(int dir_fd, const std::string& rel, DirCensus& c) {
  DIR* dir = fdopendir(dir_fd);  // owns dir_fd from here
  if (dir == nullptr) {
    ::close(dir_fd);
    return Status::Runtime("opendir " + rel + ": " + std::strerror(errno));
  }
  ++c.directories;
  int64_t entries = 0;
  std::vector<std::string> subdirs;
  while (dirent* e = readdir(dir)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    ++entries;
    struct stat st{};
    if (fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    if (S_ISDIR(st.st_mode)) {
      subdirs.emplace_back(e->d_name);
    } else if (S_ISREG(st.st_mode)) {
      ++c.files;
      c.allocated_bytes += static_cast<int64_t>(st.st_blocks) * 512;
      c.apparent_bytes += static_cast<int64_t>(st.st_size);
    }
  }
  if (entries > c.max_entries) {
    c.max_entries = entries;
    c.fullest_dir = rel;
  }
  Status status = Status::Ok();
  for (const std::string& name : subdirs) {
    const int fd = openat(dirfd(dir), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const std::string sub = rel == "." ? name : rel + "/" + name;
    if (fd < 0) {
      status = Status::Runtime("open " + sub + ": " + std::strerror(errno));
      break;
    }
    status = Walk(fd, sub, c);
    if (!status.ok()) break;
  }
  closedir(dir);
  return status;
}

}  // namespace

void DirCensus::Merge(const DirCensus& other, const std::string& prefix) {
  directories += other.directories;
  files += other.files;
  allocated_bytes += other.allocated_bytes;
  apparent_bytes += other.apparent_bytes;
  if (other.max_entries > max_entries) {
    max_entries = other.max_entries;
    fullest_dir = other.fullest_dir == "." ? prefix : prefix + "/" + other.fullest_dir;
  }
}

StatusOr<DirCensus> TakeDirCensus(const std::string& root) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Runtime("open " + root + ": " + std::strerror(errno));
  DirCensus c;
  SHARDLAB_RETURN_IF_ERROR(Walk(fd, ".", c).Wrap(root));
  return c;
}

}  // namespace shardlab
