#include "kinds/workload/workload_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeWorkload(const Json& r) {
  std::ostringstream out;
  const Json& sc = r["scenario"];
  const Json& m = r["metrics"];
  out << "  " << sc["shards"]["count"] << " shards (" << sc["shards"]["layout"].get<std::string>() << "), router "
      << sc["router"]["type"].get<std::string>() << ", " << sc["keys"]["count"] << " keys by "
      << sc["keys"]["hash"].get<std::string>() << ", journal " << sc["sqlite"]["journal_mode"].get<std::string>()
      << "/" << sc["sqlite"]["synchronous"].get<std::string>() << "\n";
  if (m.contains("load")) {
    out << "  load: " << m["load"]["rows"] << " rows in " << Fixed(m["load"]["seconds"].get<double>(), 3) << " s ("
        << HumanRate(m["load"]["rows_per_s"].get<double>(), "rows") << ")\n";
  }
  if (m.contains("per_shard_counts")) {
    const Json& counts = m["per_shard_counts"];
    std::string list = counts.size() <= 16 ? counts.dump() : "[" + std::to_string(counts.size()) + " shards]";
    out << "  rows per shard: " << list << "  max/mean " << Fixed(m["balance"]["max_over_mean"].get<double>(), 3)
        << "  spread " << Fixed(m["balance"]["spread_pct"].get<double>(), 1) << "% of mean\n";
  }
  if (m.contains("probes")) {
    for (auto it = m["probes"].begin(); it != m["probes"].end(); ++it) {
      const Json& p = *it;
      out << "  probe " << it.key() << ": " << p["op"].get<std::string>() << " touched " << p["shards_touched"]
          << " shard(s), " << p["rows"] << " row(s)";
      if (p.contains("value") && !p["value"].is_null()) out << ", value " << p["value"].dump();
      out << ", " << Fixed(p["latency_us"].get<double>() / 1000, 3) << " ms\n";
    }
  }
  if (m.contains("attach")) {
    out << "  ATTACH limit of the linked SQLite: " << m["attach"]["limit"] << " (error past it: \""
        << m["attach"]["error_at_limit_plus_1"].get<std::string>() << "\")\n";
  }
  if (m.contains("throughput")) {
    out << "  mix: " << Fixed(m["throughput"]["ops_per_s"].get<double>(), 0) << " ops/s median of "
        << m["throughput"]["per_repetition"].size() << " repetition(s), cv "
        << Fixed(m["throughput"]["cv"].get<double>() * 100, 1) << "%\n";
    for (auto it = m["ops"].begin(); it != m["ops"].end(); ++it) {
      const Json& lat = (*it)["latency_us"];
      out << "    " << it.key() << ": " << (*it)["count"] << " ops, p50 " << Fixed(lat["p50"].get<double>(), 1)
          << " us, p99 " << Fixed(lat["p99"].get<double>(), 1) << " us, max " << Fixed(lat["max"].get<double>(), 1)
          << " us, " << Fixed((*it)["shards_touched"]["mean"].get<double>(), 1) << " shard(s)/op\n";
      if (it->contains("per_shard_latency_us")) {
        const Json& ps = (*it)["per_shard_latency_us"];
        out << "      each shard's own query: p50 " << Fixed(ps["p50"].get<double>(), 1) << " us, p99 "
            << Fixed(ps["p99"].get<double>(), 1) << " us\n";
      }
    }
  }
  if (m.contains("postgres") && m["postgres"].value("available", false)) {
    const Json& pg = m["postgres"];
    out << "  PostgreSQL peer " << pg["server_version"].get<std::string>() << " at " << pg["address"].get<std::string>()
        << " (as " << pg["run_as"].get<std::string>() << "): initdb " << Fixed(pg["initdb_s"].get<double>(), 2)
        << " s, start " << Fixed(pg["start_s"].get<double>(), 2) << " s, load " << pg["rows"] << " rows "
        << Fixed(pg["load_s"].get<double>(), 2) << " s; one round trip p50 "
        << Fixed(pg["round_trip_us"]["p50"].get<double>(), 1) << " us\n";
  }
  if (m.contains("walk")) {
    // Per K: the walk's p50 per fan-out width, then each comparison on a line of its own
    // (wrapped between items, never inside one).
    for (auto it = m["walk"].begin(); it != m["walk"].end(); ++it) {
      const Json& w = *it;
      std::vector<std::string> widths;
      for (auto t = w.begin(); t != w.end(); ++t) {
        if (t.key().rfind("threads_", 0) == 0) {
          widths.push_back(t.key().substr(8) + " thread(s) p50 " +
                           Fixed((*t)["latency_us"]["p50"].get<double>() / 1000, 3) + " ms");
        }
      }
      const std::vector<std::string> head = WrapJoined(widths, "; ", "    ", kConsoleWidth - 4);
      out << "  walk of " << w["shards"] << " shards:" << (head.empty() ? "" : " " + head[0].substr(4)) << "\n";
      for (size_t i = 1; i < head.size(); ++i) out << head[i] << "\n";
      std::vector<std::string> lines;
      if (w.contains("single_file")) {
        for (const std::string& line :
             WrapJoined({"one file, same lookups: p50 " +
                             Fixed(w["single_file"]["latency_us"]["p50"].get<double>() / 1000, 3) + " ms (the walk takes " +
                             Fixed(w.value("walk_over_single_file_p50", 0.0), 2) + "x)",
                         "one file, one IN query: p50 " +
                             Fixed(w["single_file_one_query"]["latency_us"]["p50"].get<double>() / 1000, 3) + " ms (" +
                             Fixed(w.value("walk_over_one_query_p50", 0.0), 2) + "x)"},
                        "; ", "    ")) {
          out << line << "\n";
        }
      }
      if (w.contains("postgres")) {
        const Json& pg = w["postgres"];
        if (pg.contains("unavailable")) {
          out << "    PostgreSQL: " << pg["unavailable"].get<std::string>() << "\n";
        } else {
          for (const std::string& line :
               WrapJoined({"PostgreSQL, same lookups: p50 " +
                               Fixed(pg["lookups"]["latency_us"]["p50"].get<double>() / 1000, 3) + " ms (the walk takes " +
                               Fixed(pg.value("walk_over_lookups_p50", 0.0), 2) + "x)",
                           "one = ANY query: p50 " + Fixed(pg["one_query"]["latency_us"]["p50"].get<double>() / 1000, 3) +
                               " ms (" + Fixed(pg.value("walk_over_one_query_p50", 0.0), 2) + "x)"},
                          "; ", "    ")) {
            out << line << "\n";
          }
        }
      }
    }
  }
  return WrapLongLines(out.str());
}

}  // namespace shardlab
