#include "faults/io_trace.h"

#include <xxhash.h>

#include <cstdio>

namespace shardlab {

bool TraceOp::Mutates() const {
  switch (event.op) {
    case IoOp::kWrite:
    case IoOp::kTruncate:
    case IoOp::kDelete:
      return event.role != FileRole::kShm;
    case IoOp::kOpen:
      return creates && event.role != FileRole::kShm;
    case IoOp::kSync:
      return false;
  }
  return false;
}

TraceStats StatsOf(const IoTrace& trace) {
  TraceStats s;
  for (const TraceOp& op : trace.ops) {
    switch (op.event.op) {
      case IoOp::kWrite:
        ++s.writes;
        s.bytes_written += static_cast<int64_t>(op.data.size());
        break;
      case IoOp::kSync:
        ++(op.event.role == FileRole::kDirectory ? s.dir_syncs : s.syncs);
        break;
      case IoOp::kOpen:
        s.creates += op.creates;
        break;
      case IoOp::kDelete: ++s.deletes; break;
      case IoOp::kTruncate: ++s.truncates; break;
    }
  }
  return s;
}

std::string DescribeOp(const TraceOp& op) {
  std::string out = std::to_string(op.event.index) + ": " + IoOpName(op.event.op) + " " + FileRoleName(op.event.role);
  if (op.event.role != FileRole::kDirectory) out += " " + op.event.file;
  if (op.event.op == IoOp::kWrite) out += " @" + std::to_string(op.offset) + " +" + std::to_string(op.data.size()) + " B";
  if (op.event.op == IoOp::kTruncate) out += " to " + std::to_string(op.offset) + " B";
  if (op.event.op == IoOp::kOpen && op.creates) out += " (creates it)";
  return out;
}

std::string TraceDigest(const IoTrace& trace) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_128bits_reset(st);
  auto add = [st](const void* p, size_t n) { XXH3_128bits_update(st, p, n); };
  auto add_str = [&](const std::string& s) {
    const uint64_t n = s.size();
    add(&n, sizeof(n));
    add(s.data(), s.size());
  };
  for (const auto& [name, bytes] : trace.initial) {
    add_str(name);
    add_str(bytes);
  }
  for (const TraceOp& op : trace.ops) {
    const int64_t head[4] = {static_cast<int64_t>(op.event.op), static_cast<int64_t>(op.event.role), op.offset, op.creates};
    add(head, sizeof(head));
    add_str(op.event.file);
    add_str(op.data);
  }
  for (const TransferMark& t : trace.transfers) {
    const int64_t m[4] = {t.begun_at, t.answered_at, t.answered, t.rc};
    add(m, sizeof(m));
  }
  const XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

}  // namespace shardlab
