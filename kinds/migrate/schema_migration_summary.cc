#include "kinds/migrate/schema_migration_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {
namespace {

int64_t Int(const Json& j, const char* key) { return j.value(key, int64_t{0}); }

}  // namespace

std::string SummarizeSchemaMigration(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  out << StrFormat("  %lld files, %lld rows (%.1f per file), synchronous %s\n",
                   static_cast<long long>(Int(m, "files")), static_cast<long long>(Int(m, "rows")),
                   m["rows_per_file"].value("mean", 0.0), m.value("synchronous", std::string()).c_str());
  const Json floor = m.value("floor", Json::object()), bare = m.value("bare", Json::object());
  for (auto mode = floor.begin(); mode != floor.end(); ++mode) {
    out << StrFormat("    floor    %-8s %9.0f files/s (a version-only commit per file)\n",
                     mode.key().c_str(), mode->value("files_per_s", 0.0));
  }
  for (auto mode = bare.begin(); mode != bare.end(); ++mode) {
    out << StrFormat("    bare     %-8s %9.0f files/s (the statements as one exec per file)\n",
                     mode.key().c_str(), mode->value("files_per_s", 0.0));
  }
  // One aligned row per (strategy, journal mode); a crash campaign's outcomes under its row.
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<std::string>> crashes;
  rows.push_back({"strategy", "mode", "files/s", "rows/s", "p50 us", "p99 us", "verify", "rerun migrated"});
  crashes.emplace_back();
  for (auto st = m["strategies"].begin(); st != m["strategies"].end(); ++st) {
    for (auto mode = st->begin(); mode != st->end(); ++mode) {
      const Json& c = *mode;
      rows.push_back({st.key(), mode.key(), Fixed(c.value("files_per_s", 0.0), 0), Fixed(c.value("rows_per_s", 0.0), 0),
                      Fixed(c["file_latency_us"].value("p50", 0.0), 0), Fixed(c["file_latency_us"].value("p99", 0.0), 0),
                      c["verify"].value("ok", false) ? "ok" : "NOT ok", std::to_string(Int(c, "rerun_migrated"))});
      std::vector<std::string> crash;
      if (c.contains("crash")) {
        const Json& k = c["crash"];
        crash = {StrFormat("crash: %lld trials (%lld killed) on %lld files: ok %lld", static_cast<long long>(Int(k, "trials")),
                           static_cast<long long>(Int(k, "killed")), static_cast<long long>(Int(k, "files")),
                           static_cast<long long>(Int(k, "ok"))),
                 StrFormat("before rerun: mixed %lld (stale version %lld, half %lld, outside in-flight %lld)",
                           static_cast<long long>(Int(k, "mixed_before_rerun")),
                           static_cast<long long>(Int(k, "stale_version")), static_cast<long long>(Int(k, "half_migrated")),
                           static_cast<long long>(Int(k, "mixed_outside_in_flight"))),
                 StrFormat("rerun failed %lld, not at v2 %lld, data lost %lld, corrupt %lld",
                           static_cast<long long>(Int(k, "rerun_failed")), static_cast<long long>(Int(k, "not_at_v2")),
                           static_cast<long long>(Int(k, "data_lost")), static_cast<long long>(Int(k, "corrupt")))};
      }
      crashes.push_back(std::move(crash));
    }
  }
  if (rows.size() > 1) {
    const std::vector<std::string> lines = AlignColumns(rows, 2, "    ");
    for (size_t i = 0; i < lines.size(); ++i) {
      out << lines[i] << "\n";
      for (const std::string& line : WrapJoined(crashes[i], "; ", "      ")) out << line << "\n";
    }
  }
  return WrapLongLines(out.str());
}

}  // namespace shardlab
