#pragma once
// What a run will create, estimated from the resolved scenario before anything runs:
// bytes on disk, files, the fullest directory, directories, and descriptors open at once.
// Each kind computes its own (Kind::Estimate) from these building blocks; run/ checks the
// estimate against the machine (free space, RLIMIT_NOFILE). Estimates are meant as honest
// upper-ish bounds: every phase that can coexist on disk is counted at its peak, index
// pages at a fill a random insert order reaches (~65 %), a WAL at what is written to it
// until its checkpoint (1000 pages).
#include <cstdint>
#include <string>

#include "core/str_format.h"  // Thousands

#include "shards/shards_spec.h"
#include "sqlite/sqlite_spec.h"
#include "workloads/key_space.h"

namespace shardlab {

struct Footprint {
  uint64_t bytes = 0;              // on disk at the run's peak
  uint64_t files = 0;              // files that exist at the peak (databases, copies; not transient journals)
  uint64_t files_per_dir_max = 0;  // entries of the fullest directory
  uint64_t dirs = 0;               // directories created
  uint64_t fds = 0;                // descriptors open at once (connections, WAL sidecars)

  // Another part of the run that is on disk at the same time: sizes add up, the fullest
  // directory is the larger one, descriptors add up when `concurrent_fds`.
  Footprint& Add(const Footprint& other, bool concurrent_fds = false);
  // `n` copies of this part side by side (trial directories, copies of a fleet).
  Footprint Times(uint64_t n) const;
  // A part that runs after this one is removed: the larger of each.
  Footprint& Peak(const Footprint& other);
};

// The size of one SQLite file holding `rows` rows whose table cells (key, value and
// record overhead: kRowOverhead) take `row_payload` bytes each and whose index entries
// (a TEXT PRIMARY KEY is one index: key + kIndexOverhead) take `index_payload` bytes per
// row over `indexes` indexes: table pages at ~90 % fill (rowids in insertion order), index
// pages at ~65 % (entries in random order), plus page 1; each b-tree at least its root.
constexpr uint64_t kRowOverhead = 12;
constexpr uint64_t kIndexOverhead = 10;
uint64_t SqliteFileBytes(uint64_t rows, uint64_t row_payload, uint64_t index_payload, int indexes,
                         const SqliteSpec& sqlite);
// What an open file has beside it in WAL mode: the -wal, which grows with the pages
// written until the automatic checkpoint (1000 pages) resets it, and the -shm. 0 in the
// rollback modes (a journal lives for one transaction). The WAL goes when the last
// connection closes, so this counts per file open at once.
uint64_t SidecarBytes(const SqliteSpec& sqlite, uint64_t pages_written);
// Pages a commit of one row writes (leaf, its index leaf, an interior page now and then).
constexpr uint64_t kPagesPerRowCommit = 4;

// Descriptors one connection holds: the database, and in WAL mode its -wal and -shm.
uint64_t FdsPerConnection(const std::string& journal_mode);
// The longest key text of `keys` (sampled at the ends of its range): bytes per key.
uint64_t KeyBytes(const KeySpec& keys);
// The longest rendering of a template over items [0, count) (sampled); 0 if it does not compile.
uint64_t TemplateBytes(const std::string& format, uint64_t count);

// `count` files of `bytes_each` placed as ShardSet::Create places shard files (roots,
// layout): files, directories, fullest directory; one connection each open at once.
Footprint ShardFilesFootprint(const ShardsSpec& shards, uint64_t count, uint64_t bytes_each,
                              const std::string& journal_mode);
// `count` files of `bytes_each` in one directory (templates, copies, packings).
Footprint FlatFilesFootprint(uint64_t count, uint64_t bytes_each);

// "1.2 GB", "640 KB", "12 bytes" (decimal units, as df -H).
std::string HumanBytes(uint64_t bytes);
// "1.2 GB, 34,025 files in up to 10 directories" (the fullest named when it dominates).
std::string DescribeFootprint(const Footprint& f);

}  // namespace shardlab
