#include "faults/io_event.h"

#include <array>
#include <cctype>

namespace shardlab {
namespace {

constexpr std::array<const char*, 5> kOpNames = {"open", "write", "truncate", "sync", "delete"};
constexpr std::array<const char*, 6> kRoleNames = {"db", "journal", "super_journal", "wal", "shm", "directory"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* IoOpName(IoOp op) { return kOpNames[static_cast<size_t>(op)]; }
const char* FileRoleName(FileRole role) { return kRoleNames[static_cast<size_t>(role)]; }

std::optional<IoOp> ParseIoOp(std::string_view name) {
  for (size_t i = 0; i < kOpNames.size(); ++i) {
    if (name == kOpNames[i]) return static_cast<IoOp>(i);
  }
  return std::nullopt;
}

std::optional<FileRole> ParseFileRole(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (name == kRoleNames[i]) return static_cast<FileRole>(i);
  }
  return std::nullopt;
}

FileRole RoleOfPath(std::string_view path) {
  const std::string_view base = BaseName(path);
  if (EndsWith(base, "-journal")) return FileRole::kJournal;
  if (EndsWith(base, "-wal")) return FileRole::kWal;
  if (EndsWith(base, "-shm")) return FileRole::kShm;
  // SQLite names super-journals "<main db>-mj%06X9%02X": six hex digits, a 9, two hex digits.
  const size_t mj = base.rfind("-mj");
  if (mj != std::string_view::npos && base.size() == mj + 3 + 9) {
    const std::string_view tail = base.substr(mj + 3);
    bool hex = tail[6] == '9';
    for (size_t i : {0, 1, 2, 3, 4, 5, 7, 8}) hex = hex && std::isxdigit(static_cast<unsigned char>(tail[i]));
    if (hex) return FileRole::kSuperJournal;
  }
  return FileRole::kDb;
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace shardlab
