#include "faults/crash_state.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "core/json.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr int64_t kSector = 512;

void WriteInto(std::string& content, int64_t offset, const char* bytes, int64_t n) {
  if (static_cast<int64_t>(content.size()) < offset + n) content.resize(static_cast<size_t>(offset + n), '\0');
  std::memcpy(content.data() + offset, bytes, static_cast<size_t>(n));
}

// Ops before `point` that change the disk and no sync had made durable by then.
std::vector<uint32_t> Unsynced(const IoTrace& trace, const std::vector<uint32_t>& durable_at, uint32_t point) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < point && i < trace.size(); ++i) {
    if (trace.ops[i].Mutates() && durable_at[i] >= point) out.push_back(i);
  }
  return out;
}

std::vector<uint32_t> Without(const std::vector<uint32_t>& all, const std::vector<bool>& keep) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!keep[i]) out.push_back(all[i]);
  }
  return out;
}

int64_t UnsyncedSectors(const IoTrace& trace, const std::vector<uint32_t>& unsynced) {
  int64_t n = 0;
  for (uint32_t i : unsynced) {
    const TraceOp& op = trace.ops[i];
    if (op.event.op != IoOp::kWrite || op.data.empty()) continue;
    const int64_t end = op.offset + static_cast<int64_t>(op.data.size());
    n += (end - 1) / kSector - op.offset / kSector + 1;
  }
  return n;
}

CrashState TornState(const IoTrace& trace, const std::vector<uint32_t>& unsynced, uint32_t point, uint64_t seed) {
  CrashState s;
  s.point = point;
  s.tear_seed = seed;
  for (uint32_t i : unsynced) (trace.ops[i].event.op == IoOp::kWrite ? s.torn : s.dropped).push_back(i);
  return s;
}

}  // namespace

Persistence CrashState::FateOf(uint32_t op) const {
  if (std::binary_search(dropped.begin(), dropped.end(), op)) return Persistence::kDropped;
  if (std::binary_search(torn.begin(), torn.end(), op)) return Persistence::kTorn;
  return Persistence::kPersisted;
}

Json CrashStateToJson(const CrashState& s) {
  Json j = {{"point", s.point}, {"dropped", s.dropped}};
  if (!s.torn.empty()) {
    j["torn"] = s.torn;
    j["tear_seed"] = s.tear_seed;
  }
  return j;
}

StatusOr<CrashState> CrashStateFromJson(const Json& j) {
  try {
    CrashState s;
    s.point = IntegerAt<uint32_t>(j, "point");
    s.dropped = IntegerListAt<uint32_t>(j, "dropped");
    if (j.contains("torn")) {
      s.torn = IntegerListAt<uint32_t>(j, "torn");
      s.tear_seed = IntegerAt<uint64_t>(j, "tear_seed");
    }
    if (!std::is_sorted(s.dropped.begin(), s.dropped.end()) || !std::is_sorted(s.torn.begin(), s.torn.end())) {
      return Status::Invalid("crash state: dropped and torn must be ascending");
    }
    return s;
  } catch (const std::exception& e) {
    return Status::Invalid(std::string("crash state: ") + e.what());
  }
}

FileSet Materialize(const IoTrace& trace, const CrashState& state) {
  // Inodes by number. `seen` names them as the running process saw the directory; `disk`
  // as the disk holds it after the crash (entry ops apply only when they persisted).
  std::vector<std::string> inodes;
  std::map<std::string, size_t> seen, disk;
  for (const auto& [name, bytes] : trace.initial) {
    seen[name] = disk[name] = inodes.size();
    inodes.push_back(bytes);
  }
  Rng tear(state.tear_seed);
  size_t d = 0, t = 0;  // cursors into the ascending dropped/torn lists
  const uint32_t end = std::min(state.point, trace.size());
  for (uint32_t i = 0; i < end; ++i) {
    const TraceOp& op = trace.ops[i];
    if (!op.Mutates()) continue;
    while (d < state.dropped.size() && state.dropped[d] < i) ++d;
    while (t < state.torn.size() && state.torn[t] < i) ++t;
    const bool dropped = d < state.dropped.size() && state.dropped[d] == i;
    const bool torn = t < state.torn.size() && state.torn[t] == i;
    const std::string& name = op.event.file;
    switch (op.event.op) {
      case IoOp::kOpen:  // creates
        seen[name] = inodes.size();
        inodes.emplace_back();
        if (!dropped) disk[name] = seen[name];
        break;
      case IoOp::kDelete:
        seen.erase(name);
        if (!dropped) disk.erase(name);
        break;
      case IoOp::kWrite: {
        const auto it = seen.find(name);
        if (it == seen.end() || dropped) break;
        std::string& content = inodes[it->second];
        const int64_t n = static_cast<int64_t>(op.data.size());
        if (!torn) {
          WriteInto(content, op.offset, op.data.data(), n);
          break;
        }
        // Sector by sector in ascending order, so the seed decides: old, new or garbage.
        for (int64_t lo = op.offset; lo < op.offset + n;) {
          const int64_t hi = std::min(op.offset + n, (lo / kSector + 1) * kSector);
          const uint64_t fate = tear.Below(3);
          if (fate == 1) WriteInto(content, lo, op.data.data() + (lo - op.offset), hi - lo);
          if (fate == 2) {
            std::string garbage(static_cast<size_t>(hi - lo), '\0');
            for (char& c : garbage) c = static_cast<char>(tear.Next() >> 56);
            WriteInto(content, lo, garbage.data(), hi - lo);
          }
          lo = hi;
        }
        break;
      }
      case IoOp::kTruncate: {
        const auto it = seen.find(name);
        if (it != seen.end() && !dropped && !torn) inodes[it->second].resize(static_cast<size_t>(op.offset), '\0');
        break;
      }
      case IoOp::kSync:
        break;
    }
  }
  FileSet out;
  for (const auto& [name, inode] : disk) {
    if (RoleOfPath(name) != FileRole::kShm) out[name] = inodes[inode];
  }
  return out;
}

ContentKey KeyOf(const FileSet& files) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_128bits_reset(st);
  for (const auto& [name, bytes] : files) {
    const uint64_t sizes[2] = {name.size(), bytes.size()};
    XXH3_128bits_update(st, sizes, sizeof(sizes));
    XXH3_128bits_update(st, name.data(), name.size());
    XXH3_128bits_update(st, bytes.data(), bytes.size());
  }
  const XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  return {h.high64, h.low64};
}

ContentKey SignatureOf(const IoTrace& trace, const CrashState& state) {
  std::vector<uint32_t> words;
  const uint32_t end = std::min(state.point, trace.size());
  for (uint32_t i = 0; i < end; ++i) {
    if (trace.ops[i].Mutates() && state.FateOf(i) != Persistence::kDropped) words.push_back(i);
  }
  words.push_back(UINT32_MAX);  // separates the torn ops
  for (uint32_t i : state.torn) words.push_back(i);
  if (!state.torn.empty()) {
    words.push_back(static_cast<uint32_t>(state.tear_seed));
    words.push_back(static_cast<uint32_t>(state.tear_seed >> 32));
  }
  const XXH128_hash_t h = XXH3_128bits(words.data(), words.size() * sizeof(uint32_t));
  return {h.high64, h.low64};
}

std::vector<uint32_t> DurableAt(const IoTrace& trace) {
  std::vector<uint32_t> durable_at(trace.size(), trace.size());
  std::map<std::string, size_t> seen;
  size_t next_inode = 0;
  for (const auto& entry : trace.initial) seen[entry.first] = next_inode++;
  std::map<size_t, std::vector<uint32_t>> pending_data;  // inode -> unsynced writes/truncates
  std::vector<uint32_t> pending_entries;                 // unsynced creates/deletes
  for (uint32_t i = 0; i < trace.size(); ++i) {
    const TraceOp& op = trace.ops[i];
    const std::string& name = op.event.file;
    switch (op.event.op) {
      case IoOp::kOpen:
        if (op.Mutates()) {
          seen[name] = next_inode++;
          pending_entries.push_back(i);
        }
        break;
      case IoOp::kDelete:
        if (op.Mutates()) {
          pending_entries.push_back(i);
          seen.erase(name);
        }
        break;
      case IoOp::kWrite:
      case IoOp::kTruncate:
        if (op.Mutates() && seen.contains(name)) pending_data[seen[name]].push_back(i);
        break;
      case IoOp::kSync:
        if (op.event.role == FileRole::kDirectory) {
          for (uint32_t j : pending_entries) durable_at[j] = i;
          pending_entries.clear();
        } else if (const auto it = seen.find(name); it != seen.end()) {
          for (uint32_t j : pending_data[it->second]) durable_at[j] = i;
          pending_data[it->second].clear();
        }
        break;
    }
  }
  return durable_at;
}

PointStates StatesAt(const IoTrace& trace, const std::vector<uint32_t>& durable_at, const std::string& model,
                     uint32_t point, int64_t max_states, uint64_t seed) {
  PointStates out;
  const std::vector<uint32_t> unsynced = Unsynced(trace, durable_at, point);
  if (model == "process_crash") {
    out.states.push_back({point, {}, {}, 0});
    out.possible = 1;
    return out;
  }
  if (model == "power_loss") {
    out.states.push_back({point, unsynced, {}, 0});
    out.possible = 1;
    return out;
  }
  if (model == "power_loss_torn") {
    out.states.push_back(TornState(trace, unsynced, point, seed));
    out.possible = std::pow(3.0, static_cast<double>(UnsyncedSectors(trace, unsynced)));
    return out;
  }
  // power_loss_reorder: subsets of the unsynced ops, as masks of what persists.
  const size_t k = unsynced.size();
  out.possible = std::ldexp(1.0, static_cast<int>(k));
  std::set<std::vector<bool>> taken;
  auto add = [&](std::vector<bool> keep) {
    if (static_cast<int64_t>(out.states.size()) >= max_states || !taken.insert(keep).second) return;
    out.states.push_back({point, Without(unsynced, keep), {}, 0});
  };
  for (size_t j = 0; j <= k; ++j) {  // prefixes: the first j persisted
    std::vector<bool> keep(k, false);
    std::fill(keep.begin(), keep.begin() + static_cast<std::ptrdiff_t>(j), true);
    add(std::move(keep));
  }
  for (size_t j = 0; j < k; ++j) {  // single omissions
    std::vector<bool> keep(k, true);
    keep[j] = false;
    add(std::move(keep));
  }
  if (static_cast<double>(max_states) >= out.possible) {
    for (uint64_t mask = 0; mask < (uint64_t{1} << k); ++mask) {
      std::vector<bool> keep(k);
      for (size_t j = 0; j < k; ++j) keep[j] = (mask >> j) & 1;
      add(std::move(keep));
    }
    return out;
  }
  Rng rng(seed);
  for (int64_t tries = 0; static_cast<int64_t>(out.states.size()) < max_states && tries < 4 * max_states; ++tries) {
    std::vector<bool> keep(k);
    for (size_t j = 0; j < k; ++j) keep[j] = rng.Below(2) == 1;
    add(std::move(keep));
  }
  return out;
}

CrashState RandomStateAt(const IoTrace& trace, const std::vector<uint32_t>& durable_at, const std::string& model,
                         uint32_t point, uint64_t seed) {
  if (model != "power_loss_reorder") return StatesAt(trace, durable_at, model, point, 1, seed).states.front();
  const std::vector<uint32_t> unsynced = Unsynced(trace, durable_at, point);
  Rng rng(seed);
  CrashState s;
  s.point = point;
  for (uint32_t i : unsynced) {
    if (rng.Below(2) == 0) s.dropped.push_back(i);
  }
  return s;
}

const std::vector<std::string>& ReplayModels() {
  static const std::vector<std::string> kModels = {"process_crash", "power_loss", "power_loss_reorder", "power_loss_torn"};
  return kModels;
}

}  // namespace shardlab
