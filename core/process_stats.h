#pragma once
// What a run costs the process and where its files live: the open-files limit, resident
// memory (with a resettable peak), open descriptors, and a directory's filesystem.
#include <cstdint>
#include <string>

#include "core/status.h"

namespace shardlab {

struct FileLimit {
  uint64_t soft = 0;
  uint64_t hard = 0;
};
FileLimit OpenFileLimit();
// Raises the soft RLIMIT_NOFILE to at least `needed` (never above the hard limit).
// kRuntime naming the limits when the hard limit is lower than `needed`.
StatusOr<FileLimit> EnsureOpenFileLimit(uint64_t needed);

// VmRSS / VmHWM from /proc/self/status, in bytes (0 when unreadable).
uint64_t ResidentBytes();
uint64_t PeakResidentBytes();
// Starts a new peak (writes 5 to /proc/self/clear_refs); false when the kernel refuses.
bool ResetPeakResident();
// Entries in /proc/self/fd (the descriptor used to list it excluded).
int64_t OpenDescriptorCount();

// The filesystem holding `path`: its type name ("ext4", "tmpfs", ... or the magic in
// hex) and device; realpath resolves symlinked roots.
struct FilesystemInfo {
  std::string realpath;
  std::string type;
  uint64_t device = 0;
};
StatusOr<FilesystemInfo> FilesystemOf(const std::string& path);

}  // namespace shardlab
