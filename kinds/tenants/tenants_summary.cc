#include "kinds/tenants/tenants_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {
namespace {

std::string Num(const Json& v, int digits = 0) {
  if (!v.is_number()) return "-";
  return StrFormat("%.*f", digits, v.get<double>());
}

std::string MiB(const Json& v) { return v.is_number() ? Num(Json(v.get<double>() / (1 << 20)), 1) + " MiB" : "-"; }

}  // namespace

std::string SummarizeTenants(const Json& result) {
  std::ostringstream out;
  const Json& m = result["metrics"];
  const Json& p = m["provision"];
  out << "  " << m["tenants"] << " tenant files (" << m["layout"].get<std::string>() << " layout), "
      << m["rows_per_tenant"] << " rows each: provisioned in " << Num(p["seconds"], 1) << " s, " << Num(p["files_per_s"])
      << " files/s";
  if (p.contains("bare")) out << " (bare loop " << Num(p["bare"]["files_per_s"]) << " files/s; ratio " << Num(p["vs_bare"], 2) << ")";
  out << "; syncfs " << Num(p["sync_seconds"], 2) << " s\n";
  out << "  largest directory: " << m["directories"]["max_entries_per_dir"] << " entries ("
      << m["directories"]["fullest_dir"].get<std::string>() << "), " << m["directories"]["count"] << " directories; "
      << Num(m["disk"]["allocated_bytes_per_tenant"]) << " B on disk per tenant\n";
  const Json& r = m["requests"];
  const Json& lat = r["latency_us"];
  out << "  requests: " << r["requests"] << " through a " << r["cache_files"] << "-file cache (RLIMIT_NOFILE "
      << m["limits"]["nofile_soft"] << "): hit ratio " << Num(r["hit_ratio"], 3) << ", " << r["opens"] << " opens; get hit p50/p99 "
      << Num(lat["hit"]["get"]["p50"], 1) << "/" << Num(lat["hit"]["get"]["p99"], 1) << " us, miss p50/p99 "
      << Num(lat["miss"]["all"]["p50"], 1) << "/" << Num(lat["miss"]["all"]["p99"], 1) << " us; put hit p50 "
      << Num(lat["hit"]["put"]["p50"], 1) << " us\n";
  if (m.contains("packings")) {
    // One aligned row per packing: disk per user, the request p50, SQLite's heap with the
    // cache full, and the walk of every file.
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"packing", "files", "B/user on disk", "request p50", "SQLite heap, cache full", "walk of every file"});
    for (const char* name : {"per_user", "minishards", "shards"}) {
      const Json& k = m["packings"][name];
      rows.push_back({name, std::to_string(k["files"].get<int64_t>()), Fixed(k["bytes_per_user"].get<double>(), 1),
                      Fixed(k["requests"]["latency_us"]["all"]["p50"].get<double>(), 1) + " us",
                      MiB(k["requests"]["sqlite_heap_cached_bytes"]), Fixed(k["walk"]["seconds"].get<double>(), 3) + " s"});
    }
    for (const std::string& line : AlignColumns(rows, 1, "    ")) out << line << "\n";
  }
  if (m.contains("preallocation")) {
    const Json& a = m["preallocation"];
    out << "  preallocation (" << a.value("filesystem", std::string("?")) << "): without " << Num(a["none"]["rows_per_s"])
        << " rows/s, " << Num(a["none"]["extents_per_file"], 1) << " extents/file; chunk " << a["chunk_bytes"] << " B: "
        << Num(a["chunk"]["rows_per_s"]) << " rows/s, " << Num(a["chunk"]["extents_per_file"], 1) << " extents/file (speedup "
        << Num(a["speedup"], 2);
    if (a.contains("samples") && a["samples"].contains("speedup") && a["samples"]["speedup"].size() > 1) {
      out << "; per round";
      for (const Json& x : a["samples"]["speedup"]) out << " " << Num(x, 2);
    }
    out << ")\n";
  }
  out << "  peak RSS " << MiB(m["peak_rss_bytes"]) << "\n";
  return WrapLongLines(out.str());
}

}  // namespace shardlab
