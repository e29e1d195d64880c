#include "faults/io_event.h"

#include <cctype>

#include "core/enum_table.h"

namespace shardlab {
namespace {

constexpr EnumName<IoOp> kOpNames[] = {{IoOp::kOpen, "open"},
                                        {IoOp::kWrite, "write"},
                                        {IoOp::kTruncate, "truncate"},
                                        {IoOp::kSync, "sync"},
                                        {IoOp::kDelete, "delete"}};
constexpr EnumName<FileRole> kRoleNames[] = {{FileRole::kDb, "db"},   {FileRole::kJournal, "journal"},
                                             {FileRole::kSuperJournal, "super_journal"},
                                             {FileRole::kWal, "wal"}, {FileRole::kShm, "shm"},
                                             {FileRole::kDirectory, "directory"}};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* IoOpName(IoOp op) { return NameOf(kOpNames, op); }
const char* FileRoleName(FileRole role) { return NameOf(kRoleNames, role); }
std::optional<IoOp> ParseIoOp(std::string_view name) { return ValueOf(kOpNames, name); }
std::optional<FileRole> ParseFileRole(std::string_view name) { return ValueOf(kRoleNames, name); }

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
