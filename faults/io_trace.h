#pragma once
// The I/O of one clean run of a trial's transfers, as the crash shim saw it: every event
// with its payload (a write's offset and bytes, a truncate's size, whether an open created
// the file), the shard files before the first event, and when each transfer began and was
// answered (counted in events issued). Recorded once per cell; crash states are then
// materialised from it (crash_state.h) instead of being produced by a killed process.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "faults/io_event.h"

namespace shardlab {

struct TraceOp {
  IoEvent event;        // index, op, role, base name ("(directory)" for a directory sync)
  int64_t offset = 0;   // write: where it starts; truncate: the new size
  std::string data;     // write: the bytes
  bool creates = false; // open: the file did not exist, so the open created it
  // True when the op changes what a disk holds (write, truncate, create, delete); opens of
  // existing files, syncs and the shm map change nothing by themselves.
  bool Mutates() const;
};

struct TransferMark {
  uint32_t begun_at = 0;     // events issued when the transfer began
  uint32_t answered_at = 0;  // events issued when its COMMIT (or failing statement) returned
  bool answered = false;
  int rc = 0;
};

struct IoTrace {
  std::map<std::string, std::string> initial;  // base name -> bytes before the first event (no shm)
  std::vector<TraceOp> ops;                    // ops[i].event.index == i
  std::vector<TransferMark> transfers;
  uint32_t size() const { return static_cast<uint32_t>(ops.size()); }
};

// Bytes written and ops that mutate, for results.
struct TraceStats {
  int64_t writes = 0, bytes_written = 0, syncs = 0, dir_syncs = 0, creates = 0, deletes = 0, truncates = 0;
};
TraceStats StatsOf(const IoTrace& trace);
// One line naming an op ("write journal shard_0000.db-journal @512 +4096 B").
std::string DescribeOp(const TraceOp& op);
// A digest of the whole trace (structure and bytes): two recordings are the same run
// exactly when their digests are equal.
std::string TraceDigest(const IoTrace& trace);

}  // namespace shardlab
