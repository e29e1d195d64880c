#include "kinds/backup/backup_summary.h"

#include <sstream>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeBackup(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  const int64_t writers = r["scenario"]["backup"]["writers"].get<int64_t>();
  out << "  " << m["shards"] << " shards, " << m["rows"] << " rows at the start; outcomes of backups taken while "
      << writers << " writer processes commit:\n";
  for (auto mode = m["backups"].begin(); mode != m["backups"].end(); ++mode) {
    const Json& w = m["writers"][mode.key()];
    out << StrFormat("    %s: writers %.0f commits/s, busy ", mode.key().c_str(), w["commits_per_s"].get<double>())
                     << w["busy"] << "\n";
                     for (auto it = mode->begin(); it != mode->end(); ++it) {
                     const Json& c = *it;
                     const std::string per_gb = c["s_per_gb"].is_number() ? StrFormat("%.2f", c["s_per_gb"].get<double>()) : "-";
                     out << StrFormat("      %-16s %3lld backups: consistent %3lld stale %3lld missing_committed %3lld corrupt %3lld "
                     "failed %3lld  %7s s/GB  restarts %lld",
                     it.key().c_str(), static_cast<long long>(c["backups"].get<int64_t>()),
                     static_cast<long long>(c["consistent"].get<int64_t>()), static_cast<long long>(c["stale"].get<int64_t>()),
                     static_cast<long long>(c["missing_committed"].get<int64_t>()),
                     static_cast<long long>(c["corrupt"].get<int64_t>()), static_cast<long long>(c["failed"].get<int64_t>()),
                     per_gb.c_str(), static_cast<long long>(c["restarts"].get<int64_t>()))
                     << "\n";
                     }
                     }
                     return out.str();
}

}  // namespace shardlab
