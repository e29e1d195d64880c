#include "shards/file_extents.h"

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace shardlab {

std::vector<Extent> MergeContiguous(const std::vector<Extent>& extents) {
  std::vector<Extent> out;
  for (const Extent& e : extents) {
    if (!out.empty()) {
      Extent& last = out.back();
      if (last.logical + last.length == e.logical && last.physical + last.length == e.physical) {
        last.length += e.length;
        continue;
      }
    }
    out.push_back(e);
  }
  return out;
}

StatusOr<int64_t> CountExtents(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Runtime("open " + path + ": " + std::strerror(errno));
  std::vector<Extent> extents;
  uint64_t start = 0;
  constexpr uint32_t kBatch = 256;
  std::vector<char> buf(sizeof(fiemap) + kBatch * sizeof(fiemap_extent));
  for (;;) {
    auto* fm = reinterpret_cast<fiemap*>(buf.data());
    std::memset(buf.data(), 0, buf.size());
    fm->fm_start = start;
    fm->fm_length = FIEMAP_MAX_OFFSET - start;
    fm->fm_flags = FIEMAP_FLAG_SYNC;  // allocate delayed blocks first, as filefrag does
    fm->fm_extent_count = kBatch;
    if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) {
      const int err = errno;
      ::close(fd);
      return Status::Runtime("FIEMAP " + path + ": " + std::strerror(err));
    }
    if (fm->fm_mapped_extents == 0) break;
    bool last = false;
    for (uint32_t i = 0; i < fm->fm_mapped_extents; ++i) {
      const fiemap_extent& e = fm->fm_extents[i];
      extents.push_back({e.fe_logical, e.fe_physical, e.fe_length});
      start = e.fe_logical + e.fe_length;
      last = last || (e.fe_flags & FIEMAP_EXTENT_LAST) != 0;
    }
    if (last) break;
  }
  ::close(fd);
  return static_cast<int64_t>(MergeContiguous(extents).size());
}

}  // namespace shardlab
