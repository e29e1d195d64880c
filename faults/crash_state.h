#pragma once
// Crash states materialised from a recorded trace (io_trace.h) under a named persistence
// model, after ALICE (Pillai et al., OSDI 2014) and CrashMonkey: a crash at point p (the
// first p events issued, every answer given before event p returned to its caller) leaves
// the files the initial ones become when some of those p events persisted and the others
// did not. Models (every one named in results; all but process_crash are simulations):
//  - process_crash: every event issued persisted (the OS keeps what was written);
//  - power_loss: only what a sync made durable — a file's writes and truncates before its
//    last sync, a create or delete before its directory's sync; the rest reverts;
//  - power_loss_reorder: the durable state plus subsets of the events not yet synced, in
//    whole writes: every prefix, every single omission (ALICE's exploration), then seeded
//    random subsets up to a bound (or all subsets when they fit); no garbage;
//  - power_loss_torn: the durable state, and each unsynced write's 512-byte sectors old,
//    new or garbage from the seed (SQLite's test6.c); unsynced creates/deletes revert.
// A state is identified by its point and the fate of each event before it, so a result
// can name it and `repro` can materialise it again.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "core/status.h"
#include "faults/io_trace.h"

namespace shardlab {

using FileSet = std::map<std::string, std::string>;  // base name -> bytes

enum class Persistence : uint8_t { kDropped, kPersisted, kTorn };

struct CrashState {
  uint32_t point = 0;                // events issued before the crash
  std::vector<uint32_t> dropped;     // ops before the point that did not persist (ascending)
  std::vector<uint32_t> torn;        // ops whose sectors were torn (power_loss_torn)
  uint64_t tear_seed = 0;
  Persistence FateOf(uint32_t op) const;
};
Json CrashStateToJson(const CrashState& state);
StatusOr<CrashState> CrashStateFromJson(const Json& j);

// The files a disk holds in `state`. Shm files are left out: SQLite rebuilds the wal-index
// when the first connection opens a database.
FileSet Materialize(const IoTrace& trace, const CrashState& state);

// A 128-bit content key (names and bytes); states with equal files have equal keys.
struct ContentKey {
  uint64_t hi = 0, lo = 0;
  bool operator==(const ContentKey& o) const { return hi == o.hi && lo == o.lo; }
  bool operator<(const ContentKey& o) const { return hi != o.hi ? hi < o.hi : lo < o.lo; }
};
ContentKey KeyOf(const FileSet& files);

// A key of what the state persisted (the mutating ops before its point that persisted, and
// the torn ones with their seed): states with equal signatures have equal files, so a
// signature seen before spares materialising the state again.
ContentKey SignatureOf(const IoTrace& trace, const CrashState& state);

// When each op became durable: the index of the sync that covered it (a file sync of the
// same file for data, a directory sync for entries), or trace size when none did.
std::vector<uint32_t> DurableAt(const IoTrace& trace);

struct PointStates {
  std::vector<CrashState> states;
  double possible = 0;  // how many states the model allows at this point (2^unsynced)
};
// The states of `model` at `point`, at most `max_states` for power_loss_reorder (prefixes
// and single omissions first). `seed` drives the random subsets and the torn sectors.
PointStates StatesAt(const IoTrace& trace, const std::vector<uint32_t>& durable_at, const std::string& model,
                     uint32_t point, int64_t max_states, uint64_t seed);
// One random state of `model` at `point` (the random campaign): for power_loss_reorder each
// unsynced op persists with probability 1/2.
CrashState RandomStateAt(const IoTrace& trace, const std::vector<uint32_t>& durable_at, const std::string& model,
                         uint32_t point, uint64_t seed);

// The replay models, in the order results list them.
const std::vector<std::string>& ReplayModels();

}  // namespace shardlab
