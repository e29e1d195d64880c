#include "faults/recovery.h"

#include <dirent.h>

#include "faults/io_event.h"

namespace shardlab {

Recovered RecoverShards(const Bank& bank, const std::string& dir, bool saga, const char* vfs) {
  std::vector<std::string> paths;
  for (uint32_t s = 0; s < bank.spec().shards; ++s) paths.push_back(dir + "/" + bank.ShardFile(s));
  Recovered out;
  out.after = ReadShards(paths, vfs);
  out.saga = saga;
  if (saga) {
    out.raw = out.after;
    auto recovered = RecoverSagas(paths, vfs);
    if (recovered.ok()) {
      out.saga_counts = *recovered;
    } else {
      out.saga_error = recovered.status().message();
    }
    out.after = ReadShards(paths, vfs);
  }
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      switch (RoleOfPath(e->d_name)) {
        case FileRole::kJournal: ++out.leftover_journals; break;
        case FileRole::kSuperJournal: ++out.orphan_super_journals; break;
        case FileRole::kWal: ++out.leftover_wal; break;
        default: break;
      }
    }
    closedir(d);
  }
  return out;
}

Judged Judge(const Bank& bank, const Recovered& recovered, const std::vector<TransferRecord>& log) {
  Judged j;
  j.verdict = CheckTrial(bank, log, recovered.after);
  if (recovered.saga) {
    j.intermediate = CheckTrial(bank, log, recovered.raw).outcome == "mixed";
    if (!recovered.saga_error.empty()) j.verdict.detail += "; saga recovery: " + recovered.saga_error;
  }
  return j;
}

}  // namespace shardlab
