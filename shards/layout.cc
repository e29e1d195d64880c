#include "shards/layout.h"

#include <algorithm>

namespace shardlab {
namespace {

std::string ZeroPadded(uint64_t id, int width) {
  std::string digits = std::to_string(id);
  if (static_cast<int>(digits.size()) < width) digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
  return digits;
}

}  // namespace

int DigitsLayoutWidth(uint64_t count) {
  const uint64_t largest = count == 0 ? 0 : count - 1;
  return std::max<int>(4, static_cast<int>(std::to_string(largest).size()));
}

std::string DigitsPath(uint64_t id, int width) {
  const std::string s = ZeroPadded(id, std::max(width, 4));
  return s.substr(0, 1) + "/" + s.substr(1, 2) + "/" + s.substr(3) + ".db";
}

std::string ShardRelativePath(const ShardsSpec& spec, uint32_t id) {
  if (spec.layout == "digits") {
    return DigitsPath(id, spec.digits_width != 0 ? spec.digits_width : DigitsLayoutWidth(spec.count));
  }
  return "shard_" + ZeroPadded(id, DigitsLayoutWidth(spec.count)) + ".db";
}

std::string RootDirectory(const std::string& root, const std::string& data_dir) {
  return root.front() == '/' ? root : data_dir + "/" + root;
}

const std::string& ShardRoot(const ShardsSpec& spec, uint32_t id) { return spec.roots[id % spec.roots.size()]; }

std::string ShardSetDir(const ShardsSpec& spec, const std::string& data_dir, uint32_t id, const std::string& set) {
  const std::string& root = ShardRoot(spec, id);
  std::string dir = root == "." ? data_dir : RootDirectory(root, data_dir);
  if (!set.empty()) dir += "/" + set;
  return dir;
}

std::string ShardPath(const ShardsSpec& spec, const std::string& data_dir, uint32_t id, const std::string& set) {
  return ShardSetDir(spec, data_dir, id, set) + "/" + ShardRelativePath(spec, id);
}

std::string ShardParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace shardlab
