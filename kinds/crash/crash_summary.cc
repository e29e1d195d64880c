#include "kinds/crash/crash_summary.h"

#include <sstream>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeCrash(const Json& r) {
  std::ostringstream out;
  const Json& sc = r["scenario"];
  const Json& m = r["metrics"];
  const bool replay = m.value("engine", "") == "replay";
  out << "  " << sc["shards"]["count"] << " shards, " << m["accounts"] << " accounts, campaign "
      << sc["crash"]["campaign"].get<std::string>() << ", engine " << m.value("engine", "") << ": " << m["trials"]
      << (replay ? " states judged, " + std::to_string(m.value("states_distinct", int64_t{0})) + " distinct, " +
                       Fixed(m.value("states_per_s", 0.0), 0) + " distinct states/s"
                 : " trials, " + Fixed(m.value("trials_per_s", 0.0), 0) + " trials/s")
      << " (power_loss models are simulated)\n";
  for (const Json& c : m["cells"]) {
    out << StrFormat("    %-6s %-8s %-6s %-18s %6lld %s: old %lld new %lld mixed %lld lost %lld corrupt %lld",
                     c["strategy"].get<std::string>().c_str(), c["journal_mode"].get<std::string>().c_str(),
                     c["synchronous"].get<std::string>().c_str(), c["fault"].get<std::string>().c_str(),
                     static_cast<long long>(c["trials"].get<int64_t>()), replay ? "states" : "trials",
                     static_cast<long long>(c["old"].get<int64_t>()), static_cast<long long>(c["new"].get<int64_t>()),
                     static_cast<long long>(c["mixed"].get<int64_t>()), static_cast<long long>(c["lost"].get<int64_t>()),
                     static_cast<long long>(c["corrupt"].get<int64_t>()));
    if (c["hung"].get<int64_t>() > 0) out << " hung " << c["hung"];
    if (c.contains("states_distinct")) out << " (" << c["states_distinct"] << " distinct)";
    if (c.contains("intermediate")) out << " intermediate " << c["intermediate"];
    if (c.contains("recovery_crashes")) {
      out << "; recovery crashed " << c["recovery_crashes"]["states"] << "x, " << c["recovery_crashes"]["differing"]
          << " ended differently";
    }
    if (c.contains("crosscheck")) {
      out << "; crosscheck " << c["crosscheck"]["identical"] << "/" << c["crosscheck"]["trials"] << " identical";
    }
    const Json& cp = c.contains("commit_point") ? c["commit_point"] : Json();
    if (cp.is_object() && cp.value("clean", false)) out << "; commits " << cp["text"].get<std::string>();
    out << "\n";
  }
  return out.str();
}

}  // namespace shardlab
