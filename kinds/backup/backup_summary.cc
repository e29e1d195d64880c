#include "kinds/backup/backup_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

// Per writer mode: the writers' rate, then one aligned row per backup method.
std::string SummarizeBackup(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  const int64_t writers = r["scenario"]["backup"]["writers"].get<int64_t>();
  out << "  " << m["shards"] << " shards, " << m["rows"] << " rows at the start; outcomes of backups taken while "
      << writers << " writer processes commit:\n";
  const auto count = [](const Json& c, const char* key) { return Thousands(static_cast<uint64_t>(c[key].get<int64_t>())); };
  for (auto mode = m["backups"].begin(); mode != m["backups"].end(); ++mode) {
    const Json& w = m["writers"][mode.key()];
    out << "    " << mode.key() << ": writers " << Fixed(w["commits_per_s"].get<double>(), 0) << " commits/s, busy "
        << w["busy"] << "\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"method", "backups", "consistent", "stale", "missing", "corrupt", "failed", "s/GB", "restarts"});
    for (auto it = mode->begin(); it != mode->end(); ++it) {
      const Json& c = *it;
      rows.push_back({it.key(), count(c, "backups"), count(c, "consistent"), count(c, "stale"),
                      count(c, "missing_committed"), count(c, "corrupt"), count(c, "failed"),
                      c["s_per_gb"].is_number() ? Fixed(c["s_per_gb"].get<double>(), 2) : "-", count(c, "restarts")});
    }
    for (const std::string& line : AlignColumns(rows, 1, "      ")) out << line << "\n";
  }
  out << "  (missing: missing_committed, a backup that passes integrity_check yet is no committed state)\n";
  return WrapLongLines(out.str());
}

}  // namespace shardlab
