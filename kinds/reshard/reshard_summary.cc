#include "kinds/reshard/reshard_summary.h"

#include <sstream>

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
  for (auto rt = m["movement"].begin(); rt != m["movement"].end(); ++rt) {
    for (auto ch = rt->begin(); ch != rt->end(); ++ch) {
      const Json& c = *ch;
      out << StrFormat("    %-12s %-12s moved %10llu (%.4f; optimal %.4f, x%.2f)  extra %llu  max/mean %.3f",
                       rt.key().c_str(), ch.key().c_str(), static_cast<unsigned long long>(c["moved"].get<uint64_t>()),
                       c["moved_fraction"].get<double>(), c["optimal_fraction"].get<double>(),
                       c["moved_over_optimal"].get<double>(), static_cast<unsigned long long>(c["extra_moves"].get<uint64_t>()),
                       c["balance"]["max_over_mean"].get<double>());
      if (c.contains("lookup_ns")) out << "  " << Fixed(c["lookup_ns"].get<double>(), 1) << " ns/lookup";
      out << "\n";
    }
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
      out << "    ring balance, " << n.key() << ":";
      for (const Json& p : *n) {
        out << " v" << p["vnodes"] << " cv " << Fixed(p["cv"].get<double>(), 3) << " (ref " << Fixed(p["reference_cv"].get<double>(), 3) << ");";
      }
      out << "\n";
    }
  }
  return WrapLongLines(out.str());
}

}  // namespace shardlab
