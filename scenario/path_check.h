#pragma once
// Paths a scenario names (shards.roots, data_dir, name) checked before anything runs, so
// that what the run derives from them is a legal path: no NUL or control characters, no
// component over NAME_MAX, room below PATH_MAX for what goes under them, and relative
// roots that stay inside the data directory.
#include <optional>
#include <string>

namespace shardlab {

// NAME_MAX of Linux filesystems (ext4, xfs, tmpfs, btrfs): bytes per path component.
constexpr size_t kNameMaxBytes = 255;
// A scenario name is a file name (<out>/<name>.json, its temp file
// <name>.json.tmp.<pid>, the data directory <data>/<name>/): at most 200 bytes leaves 55
// for the longest suffix (".json.tmp." + a 7-digit pid is 17) and whatever a kind adds.
constexpr size_t kMaxScenarioNameBytes = 200;
// PATH_MAX is 4096: a data_dir of at most 1536 bytes, "/" + name (200) + "/", a root of
// at most 2048 and a shard's path below it ("1/23/456789012345678.db-journal", < 64)
// stay under it.
constexpr size_t kMaxDataDirBytes = 1536;
constexpr size_t kMaxRootBytes = 2048;

// The path as a JSON string (control characters escaped): safe in a one-line message.
std::string QuotedPath(const std::string& path);
// Why `path` cannot be a directory path: a NUL or control character, a component
// longer than NAME_MAX, more than `max_bytes` bytes. nullopt when it is fine.
std::optional<std::string> PathProblem(const std::string& path, size_t max_bytes);
// `path` with "." and empty components dropped and "name/.." folded, lexically (symlinks
// are not followed): "a/./b//../c/" -> "a/c", "/x/../y" -> "/y", "." -> ".". nullopt when
// a relative path climbs above where it starts ("..", "a/../..").
std::optional<std::string> NormalizeLexically(const std::string& path);

}  // namespace shardlab
