#include "scenario/footprint.h"

#include <algorithm>
#include <cmath>

#include "core/str_format.h"
#include "shards/layout.h"
#include "workloads/key_template.h"

namespace shardlab {
namespace {

// Table rows get rowids in insertion order, so table pages fill up (SQLite splits an
// appended-to page at its end): ~90 %. Index entries arrive in hash or key order, and
// splits leave index pages half to fully used (~70 % on average); 65 % keeps the
// estimate on the high side.
constexpr double kTableFill = 0.9;
constexpr double kIndexFill = 0.65;
// SQLite's default wal_autocheckpoint: the WAL is reset after 1000 pages.
constexpr uint64_t kWalCheckpointPages = 1000;
constexpr uint64_t kShmBytes = 32768;
// A directory's own block (ext4; more for one with thousands of entries).
constexpr uint64_t kDirectoryBytes = 4096;

uint64_t CeilDiv(uint64_t a, uint64_t b) { return b == 0 ? 0 : a / b + (a % b != 0); }

uint64_t Pow10(int n) {
  uint64_t v = 1;
  for (int i = 0; i < n && v < UINT64_MAX / 10; ++i) v *= 10;
  return v;
}

uint64_t SatMul(uint64_t a, uint64_t b) { return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b; }
uint64_t SatAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

}  // namespace

Footprint& Footprint::Add(const Footprint& other, bool concurrent_fds) {
  bytes = SatAdd(bytes, other.bytes);
  files = SatAdd(files, other.files);
  dirs = SatAdd(dirs, other.dirs);
  files_per_dir_max = std::max(files_per_dir_max, other.files_per_dir_max);
  fds = concurrent_fds ? SatAdd(fds, other.fds) : std::max(fds, other.fds);
  return *this;
}

Footprint Footprint::Times(uint64_t n) const {
  Footprint f = *this;
  f.bytes = SatMul(bytes, n);
  f.files = SatMul(files, n);
  f.dirs = SatMul(dirs, n);
  return f;
}

Footprint& Footprint::Peak(const Footprint& other) {
  bytes = std::max(bytes, other.bytes);
  files = std::max(files, other.files);
  dirs = std::max(dirs, other.dirs);
  files_per_dir_max = std::max(files_per_dir_max, other.files_per_dir_max);
  fds = std::max(fds, other.fds);
  return *this;
}

uint64_t SqliteFileBytes(uint64_t rows, uint64_t row_payload, uint64_t index_payload, int indexes,
                         const SqliteSpec& sqlite) {
  const uint64_t page = static_cast<uint64_t>(sqlite.page_size);
  const double page_bytes = static_cast<double>(page), n = static_cast<double>(rows);
  // A b-tree is at least its root page (a small one holds every row there); interior
  // pages add ~1 % to a large one.
  const double table_pages = std::max(1.0, std::ceil(1.01 * n * static_cast<double>(row_payload) / (page_bytes * kTableFill)));
  const double index_pages = std::max<double>(
      indexes, std::ceil(1.01 * n * static_cast<double>(index_payload) / (page_bytes * kIndexFill)));
  // Page 1 holds the header and the schema.
  const double bytes = (1 + table_pages + index_pages) * page_bytes;
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

uint64_t SidecarBytes(const SqliteSpec& sqlite, uint64_t pages_written) {
  if (sqlite.journal_mode != "wal") return 0;
  const uint64_t page = static_cast<uint64_t>(sqlite.page_size);
  return std::min(pages_written, kWalCheckpointPages) * (page + 24) + 32 + kShmBytes;
}

uint64_t FdsPerConnection(const std::string& journal_mode) { return journal_mode == "wal" ? 3 : 1; }

uint64_t TemplateBytes(const std::string& format, uint64_t count) {
  auto t = KeyTemplate::Compile(format);
  if (!t.ok() || count == 0) return 0;
  size_t longest = 0;
  for (uint64_t i : {uint64_t{0}, count / 2, count - 1}) longest = std::max(longest, t->Render(i).size());
  return longest;
}

uint64_t KeyBytes(const KeySpec& keys) {
  // Integer keys are the rowid itself: a varint of up to 9 bytes.
  if (keys.integer_keys) return 9;
  return TemplateBytes(keys.format, keys.count);
}

Footprint ShardFilesFootprint(const ShardsSpec& shards, uint64_t count, uint64_t bytes_each,
                              const std::string& journal_mode) {
  Footprint f;
  f.bytes = SatMul(count, bytes_each);
  f.files = count;
  f.fds = SatMul(count, FdsPerConnection(journal_mode));
  const uint64_t roots = std::max<size_t>(1, shards.roots.size());
  const uint64_t used_roots = std::min(roots, count);
  // A root other than "." is a directory of its own (nested parents are not counted).
  for (size_t r = 0; r < used_roots; ++r) f.dirs += shards.roots[r] != ".";
  if (shards.layout == "digits") {
    const int width = shards.digits_width != 0 ? shards.digits_width : DigitsLayoutWidth(count);
    const int digits = std::max(width, static_cast<int>(std::to_string(count == 0 ? 0 : count - 1).size()));
    // Files share a directory when they share their first three digits.
    const uint64_t per_leaf = std::min(count, Pow10(digits - 3));
    const uint64_t leaves = CeilDiv(count, per_leaf);
    const uint64_t tops = std::min<uint64_t>(10, CeilDiv(leaves, 100));
    f.files_per_dir_max = std::max<uint64_t>(CeilDiv(per_leaf, roots), std::min<uint64_t>(100, leaves));
    f.dirs += SatMul(used_roots, tops) + SatMul(std::min(used_roots, per_leaf), leaves);
  } else {
    f.files_per_dir_max = CeilDiv(count, roots);
  }
  f.bytes = SatAdd(f.bytes, SatMul(f.dirs, kDirectoryBytes));
  return f;
}

Footprint FlatFilesFootprint(uint64_t count, uint64_t bytes_each) {
  Footprint f;
  f.bytes = SatMul(count, bytes_each);
  f.files = count;
  f.files_per_dir_max = count;
  f.dirs = 1;
  f.bytes = SatAdd(f.bytes, kDirectoryBytes);
  return f;
}

std::string HumanBytes(uint64_t bytes) {
  static const char* const kUnits[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 999.95 && unit < 5) {
    v /= 1000;
    ++unit;
  }
  return StrFormat(v < 99.95 ? "%.1f %s" : "%.0f %s", v, kUnits[unit]);
}

std::string DescribeFootprint(const Footprint& f) {
  std::string out = HumanBytes(f.bytes) + ", " + Thousands(f.files) + (f.files == 1 ? " file" : " files");
  if (f.dirs > 0) out += " in up to " + Thousands(f.dirs + 1) + " directories";
  if (f.files_per_dir_max > 1) out += " (at most " + Thousands(f.files_per_dir_max) + " in one)";
  out += ", " + Thousands(f.fds) + " open files at once";
  return out;
}

}  // namespace shardlab
