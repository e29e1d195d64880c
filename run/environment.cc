#include "run/environment.h"

#include <openssl/crypto.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <xxhash.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "core/json.h"
#include "core/workspace.h"
#include "run/build_info.h"
#include "sqlite/sqlite_facts.h"

namespace shardlab {
namespace {

std::string FirstLineWith(const char* file, const std::string& prefix) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) == 0) {
      const size_t colon = line.find(':');
      std::string value = colon == std::string::npos ? line : line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "";
}

const char* MagicName(long magic) {
  switch (static_cast<unsigned long>(magic)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    case 0x2FC12FC1: return "zfs";
    case 0x6969: return "nfs";
    case 0x65735546: return "fuse";
    case 0xF2F52010: return "f2fs";
    case 0x01021997: return "9p";
    default: return nullptr;
  }
}

// The mount holding `path`: the longest mount point that prefixes its real path.
struct Mount {
  std::string point, type, source;
};
Mount MountOf(const std::string& path) {
  const std::string real = AbsolutePath(path);
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  Mount best;
  while (std::getline(in, line)) {
    // id parent major:minor root mount_point options ... - fstype source super_options
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string type, source;
    tail >> type >> source;
    const bool prefix = real == point || point == "/" ||
                        (real.compare(0, point.size(), point) == 0 && real.size() > point.size() && real[point.size()] == '/');
    if (prefix && point.size() >= best.point.size()) best = {point, type, source};
  }
  return best;
}

}  // namespace

std::string FilesystemType(const std::string& path) {
  const Mount m = MountOf(path);
  if (!m.type.empty()) return m.type;
  struct statfs st;
  if (::statfs(path.c_str(), &st) == 0) {
    if (const char* name = MagicName(st.f_type)) return name;
    std::ostringstream hex;
    hex << "0x" << std::hex << st.f_type;
    return hex.str();
  }
  return "unknown";
}

Json CollectEnvironment(const std::string& data_dir) {
  Json env;
  Json sqlite;
  sqlite["version"] = SqliteVersion();
  sqlite["source_id"] = SqliteSourceId();
  sqlite["attach_limit"] = LinkedAttachLimit();
  sqlite["compile_options"] = SqliteCompileOptions();
  env["sqlite"] = sqlite;

  struct utsname u;
  if (::uname(&u) == 0) {
    env["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.version;
    env["machine"] = u.machine;
    env["hostname"] = u.nodename;
  }
  const Mount m = MountOf(data_dir);
  Json fs;
  fs["path"] = AbsolutePath(data_dir);
  fs["type"] = FilesystemType(data_dir);
  fs["mount_point"] = m.point;
  fs["source"] = m.source;
  struct statfs st;
  if (::statfs(data_dir.c_str(), &st) == 0) {
    std::ostringstream hex;
    hex << "0x" << std::hex << st.f_type;
    fs["statfs_magic"] = hex.str();
    fs["block_size"] = st.f_bsize;
  }
  env["filesystem"] = fs;
  env["cpu_model"] = FirstLineWith("/proc/cpuinfo", "model name");
  env["cores"] = static_cast<int64_t>(::sysconf(_SC_NPROCESSORS_ONLN));
  env["memory"] = FirstLineWith("/proc/meminfo", "MemTotal");
  env["compiler"] = std::string("g++ ") + __VERSION__;
  env["compiler_flags"] = kCompilerFlags;
  env["build_type"] = kBuildType;
  env["sanitized"] = kSanitized;
  env["git_commit"] = kGitCommit;
  Json libs;
  libs["openssl"] = OpenSSL_version(OPENSSL_VERSION);
  libs["xxhash"] = XXH_versionNumber();
  libs["nlohmann_json"] = std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." + std::to_string(NLOHMANN_JSON_VERSION_MINOR) +
                          "." + std::to_string(NLOHMANN_JSON_VERSION_PATCH);
  env["libraries"] = libs;
  return env;
}

}  // namespace shardlab
