#include "faults/disk_model.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

namespace shardlab {
namespace {

// Local copies rather than io_event.h's DirName/BaseName, so the model needs no other .cc.
std::string DirOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BaseOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? dir + name : dir + "/" + name;
}

// "/" stays "/"; "/a/b/" is the same directory as "/a/b".
std::string NormalizeDir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

Status Errno(const std::string& what, const std::string& path) {
  return Status::Runtime(what + " " + path + ": " + std::strerror(errno));
}

// Closes the fd on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Up to n bytes at offset; fewer only at end of file.
StatusOr<std::string> ReadAt(int fd, int64_t offset, int64_t n, const std::string& path) {
  std::string out(static_cast<size_t>(n), '\0');
  int64_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, out.data() + done, static_cast<size_t>(n - done), offset + done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Errno("cannot read", path);
    if (r == 0) break;
    done += r;
  }
  out.resize(static_cast<size_t>(done));
  return out;
}

Status WriteAt(int fd, int64_t offset, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t w = ::pwrite(fd, data.data() + done, data.size() - done, offset + static_cast<int64_t>(done));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return Errno("cannot write", path);
    done += static_cast<size_t>(w);
  }
  return Status::Ok();
}

// The file's size, or -1 when it does not exist.
StatusOr<int64_t> SizeOf(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return static_cast<int64_t>(st.st_size);
  if (errno == ENOENT) return int64_t{-1};
  return Errno("cannot stat", path);
}

// Replaces whatever is at `path` with `content`.
Status WriteWhole(const std::string& path, const std::string& content) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return Errno("cannot create", path);
  return WriteAt(fd.get(), 0, content, path);
}

}  // namespace

DiskModel::DiskModel(uint64_t seed, bool torn) : rng_(seed), torn_(torn) {}

DiskModel::~DiskModel() = default;

void DiskModel::Note(Status status) {
  if (first_error_.ok() && !status.ok()) first_error_ = std::move(status);
}

// The inode currently named `path`. On first touch the model takes the disk as durable:
// an existing file is durably there with its current size; a missing one is durably
// absent (so it behaves like a file this trial created).
DiskModel::Inode& DiskModel::InodeFor(const std::string& path) {
  Dir& dir = dirs_[DirOf(path)];
  const std::string name = BaseOf(path);
  if (const auto it = dir.current.find(name); it != dir.current.end()) return *it->second;

  auto inode = std::make_shared<Inode>();
  StatusOr<int64_t> size = SizeOf(path);
  Note(size.status());
  if (size.ok() && *size >= 0) {
    inode->synced_size = *size;
    if (!dir.durable.contains(name)) dir.durable[name] = inode;
  }
  dir.current[name] = inode;
  return *inode;
}

// Saves the durable bytes of every sector overlapping [begin, end) below the synced size
// that has none saved yet. Bytes at or past the synced size need none: PowerLoss cuts them.
void DiskModel::SavePreImages(const std::string& path, Inode& inode, int64_t begin, int64_t end) {
  end = std::min(end, inode.synced_size);
  if (begin < 0) begin = 0;
  if (begin >= end) return;
  std::optional<Fd> fd;  // opened only if some sector needs saving
  for (int64_t s = begin / kSector; s <= (end - 1) / kSector; ++s) {
    if (inode.pre_images.contains(s)) continue;
    if (!fd) {
      fd.emplace(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (fd->get() < 0) {
        Note(Errno("cannot open", path));
        return;
      }
    }
    const int64_t offset = s * kSector;
    StatusOr<std::string> bytes = ReadAt(fd->get(), offset, std::min(kSector, inode.synced_size - offset), path);
    if (!bytes.ok()) {
      Note(bytes.status());
      return;
    }
    inode.pre_images[s] = std::move(*bytes);
  }
}

// `name` leaves the current entries. If its inode is the durable one, keep the durable
// content now: the bytes are about to be gone from the real disk.
void DiskModel::RemoveCurrent(Dir& dir, const std::string& name, const std::string& path) {
  const auto it = dir.current.find(name);
  if (it == dir.current.end()) return;
  Inode& inode = *it->second;
  const auto durable = dir.durable.find(name);
  if (durable != dir.durable.end() && durable->second == it->second) {
    std::string content;
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
      Note(Errno("cannot open", path));
    } else if (StatusOr<std::string> bytes = ReadAt(fd.get(), 0, inode.synced_size, path); bytes.ok()) {
      content = std::move(*bytes);
    } else {
      Note(bytes.status());
    }
    content.resize(static_cast<size_t>(inode.synced_size), '\0');
    for (const auto& [s, image] : inode.pre_images) content.replace(static_cast<size_t>(s * kSector), image.size(), image);
    inode.durable_content = std::move(content);
    inode.pre_images.clear();
  }
  dir.current.erase(it);
}

void DiskModel::BeforeOpen(const std::string& path, bool creating) {
  if (!creating) {
    InodeFor(path);
    return;
  }
  Dir& dir = dirs_[DirOf(path)];
  const std::string name = BaseOf(path);
  RemoveCurrent(dir, name, path);  // only if the model thought the name taken
  dir.current[name] = std::make_shared<Inode>();
}

void DiskModel::BeforeWrite(const std::string& path, int64_t offset, int64_t n) {
  Inode& inode = InodeFor(path);
  if (n > 0) SavePreImages(path, inode, offset, offset + n);
}

void DiskModel::BeforeTruncate(const std::string& path, int64_t size) {
  Inode& inode = InodeFor(path);
  SavePreImages(path, inode, size, inode.synced_size);
}

void DiskModel::AfterSync(const std::string& path) {
  Inode& inode = InodeFor(path);
  StatusOr<int64_t> size = SizeOf(path);
  if (!size.ok()) {
    Note(size.status());
    return;
  }
  inode.synced_size = std::max<int64_t>(*size, 0);
  inode.pre_images.clear();
}

void DiskModel::AfterDirSync(const std::string& dir) {
  const auto it = dirs_.find(NormalizeDir(dir));
  if (it != dirs_.end()) it->second.durable = it->second.current;
}

void DiskModel::BeforeDelete(const std::string& path) {
  InodeFor(path);  // a file the model never heard of is durable, so its deletion can revert
  RemoveCurrent(dirs_[DirOf(path)], BaseOf(path), path);
}

std::string DiskModel::Garbage(int64_t n) {
  std::string out(static_cast<size_t>(n), '\0');
  for (char& c : out) c = static_cast<char>(rng_.Next() >> 56);
  return out;
}

// Puts a file that kept its durable name back to its synced state: every changed sector
// gets its pre-image and the size goes back to the synced size. Torn: each changed sector
// below the synced size becomes old, new or garbage; each sector appended past it is
// kept, garbage or dropped (zeros, if a later one is kept), and the file ends after the
// last sector not dropped. Sectors are visited in ascending order, so the seed decides.
Status DiskModel::RestoreInPlace(const std::string& path, const Inode& inode) {
  Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open", path);
  Status status;
  const auto keep_first = [&status](Status s) {
    if (status.ok()) status = std::move(s);
  };
  if (!torn_) {
    for (const auto& [s, image] : inode.pre_images) keep_first(WriteAt(fd.get(), s * kSector, image, path));
    if (::ftruncate(fd.get(), inode.synced_size) != 0) keep_first(Errno("cannot truncate", path));
    return status;
  }

  enum Fate : uint64_t { kOld, kNew, kGarbage };
  for (const auto& [s, image] : inode.pre_images) {
    const uint64_t fate = rng_.Below(3);
    const int64_t n = static_cast<int64_t>(image.size());
    if (fate == kOld) keep_first(WriteAt(fd.get(), s * kSector, image, path));
    if (fate == kGarbage) keep_first(WriteAt(fd.get(), s * kSector, Garbage(n), path));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Errno("cannot stat", path);
  const int64_t size = st.st_size;
  int64_t end = inode.synced_size;
  if (size > inode.synced_size) {
    enum Appended : uint64_t { kKept, kGarbled, kDropped };
    for (int64_t s = inode.synced_size / kSector; s * kSector < size; ++s) {
      const int64_t lo = std::max(s * kSector, inode.synced_size);
      const int64_t hi = std::min((s + 1) * kSector, size);
      const uint64_t fate = rng_.Below(3);
      if (fate == kGarbled) keep_first(WriteAt(fd.get(), lo, Garbage(hi - lo), path));
      if (fate == kDropped) keep_first(WriteAt(fd.get(), lo, std::string(static_cast<size_t>(hi - lo), '\0'), path));
      if (fate != kDropped) end = hi;
    }
  }
  if (::ftruncate(fd.get(), end) != 0) keep_first(Errno("cannot truncate", path));
  return status;
}

// Directories in path order, names in byte order: with `torn` the same seed and the same
// events give the same files.
Status DiskModel::PowerLoss() {
  Status status = first_error_;
  const auto keep_first = [&status](Status s) {
    if (status.ok()) status = std::move(s);
  };
  for (const auto& [dir_path, dir] : dirs_) {
    std::set<std::string> names;
    for (const auto& entry : dir.durable) names.insert(entry.first);
    for (const auto& entry : dir.current) names.insert(entry.first);
    for (const std::string& name : names) {
      const std::string path = Join(dir_path, name);
      const auto d = dir.durable.find(name);
      const auto c = dir.current.find(name);
      const InodePtr durable = d == dir.durable.end() ? nullptr : d->second;
      const InodePtr current = c == dir.current.end() ? nullptr : c->second;
      if (durable && durable == current) {
        keep_first(RestoreInPlace(path, *durable));
      } else if (durable) {
        // Deleted, or replaced by a new file: the old one comes back. (It was captured
        // when its name left the current entries.)
        keep_first(WriteWhole(path, durable->durable_content));
      } else if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        keep_first(Errno("cannot remove", path));
      }
    }
  }
  // The disk now holds only durable state, which is what the model assumes of files it
  // has not heard of.
  dirs_.clear();
  first_error_ = Status::Ok();
  return status;
}

DiskModel::Pending DiskModel::pending() const {
  Pending p;
  for (const auto& [dir_path, dir] : dirs_) {
    for (const auto& [name, inode] : dir.current) {
      const auto d = dir.durable.find(name);
      if (d == dir.durable.end() || d->second != inode) ++p.unsynced_entries;
      p.unsynced_sectors += static_cast<int64_t>(inode->pre_images.size());
      const StatusOr<int64_t> size = SizeOf(Join(dir_path, name));
      const int64_t now = size.ok() ? std::max<int64_t>(*size, 0) : inode->synced_size;
      if (!inode->pre_images.empty() || now != inode->synced_size) ++p.unsynced_files;
    }
    for (const auto& [name, inode] : dir.durable) {
      if (!dir.current.contains(name)) ++p.unsynced_entries;  // deleted since the dir sync
    }
  }
  return p;
}

}  // namespace shardlab
