#include "kinds/reshard/reshard_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeReshard(const Json& r) {
  std::ostringstream out;
  const Json& sc = r["scenario"];
  const Json& m = r["metrics"];
  const Json& a = m["analysis"];
  out << "  " << sc["shards"]["count"] << " shards, " << a["keys"] << " keys by " << sc["keys"]["hash"].get<std::string>()
      << ": " << a["tasks"] << " (router, change) pairs in " << Fixed(a["seconds"].get<double>(), 2) << " s\n";
  // One aligned row per (router, change): keys moved, as a fraction, the optimal fraction
  // and the ratio, moves beyond the optimal, the balance after, and the lookup cost.
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"router", "change", "moved", "fraction", "optimal", "ratio", "extra", "max/mean", "lookup"});
  for (auto rt = m["movement"].begin(); rt != m["movement"].end(); ++rt) {
    for (auto ch = rt->begin(); ch != rt->end(); ++ch) {
      const Json& c = *ch;
      rows.push_back({rt.key(), ch.key(), std::to_string(c["moved"].get<uint64_t>()),
                      Fixed(c["moved_fraction"].get<double>(), 4), Fixed(c["optimal_fraction"].get<double>(), 4),
                      "x" + Fixed(c["moved_over_optimal"].get<double>(), 2), std::to_string(c["extra_moves"].get<uint64_t>()),
                      Fixed(c["balance"]["max_over_mean"].get<double>(), 3),
                      c.contains("lookup_ns") ? Fixed(c["lookup_ns"].get<double>(), 1) + " ns" : "-"});
    }
  }
  if (rows.size() > 1) {
    for (const std::string& line : AlignColumns(rows, 2, "    ")) out << line << "\n";
  }
  if (m.contains("migration")) {
    const Json& g = m["migration"];
    out << "  migration " << g["router"].get<std::string>() << " " << g["change"].get<std::string>() << ": "
        << g["rows_moved"] << " of " << g["rows"] << " rows moved in " << g["batches"] << " batches, "
        << Fixed(g["seconds"].get<double>(), 2) << " s (" << Fixed(g["rows_per_s"].get<double>(), 0) << " rows/s";
    if (g.contains("bare_rows_per_s")) {
      out << "; bare INSERT...SELECT " << Fixed(g["bare_rows_per_s"].get<double>(), 0) << " rows/s, ratio "
          << Fixed(g["rows_per_s_over_bare"].get<double>(), 2);
    }
    out << "); verified " << (g["verify"]["ok"].get<bool>() ? "ok" : "NOT ok: " + g["verify"]["detail"].get<std::string>())
        << "\n";
    if (g.contains("crash")) {
      const Json& c = g["crash"];
      out << "  killed and resumed " << c["trials"] << " times: ok " << c["ok"] << ", lost " << c["lost"]
          << ", duplicated " << c["duplicated"] << ", corrupt " << c["corrupt"] << ", misplaced " << c["misplaced"]
          << ", resume failed " << c["resume_failed"] << "\n";
    }
  }
  if (m.contains("vnode_sweep")) {
    for (auto n = m["vnode_sweep"].begin(); n != m["vnode_sweep"].end(); ++n) {
      std::vector<std::string> pieces;
      for (const Json& p : *n) {
        pieces.push_back("v" + p["vnodes"].dump() + " cv " + Fixed(p["cv"].get<double>(), 3) + " (ref " +
                         Fixed(p["reference_cv"].get<double>(), 3) + ")");
      }
      out << "    ring balance, " << n.key() << ":\n";
      for (const std::string& line : WrapJoined(pieces, "; ", "      ")) out << line << "\n";
    }
  }
  return WrapLongLines(out.str());
}

}  // namespace shardlab
