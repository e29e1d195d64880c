#include "kinds/crash/crash_summary.h"

#include <sstream>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeCrash(const Json& r) {
  std::ostringstream out;
  const Json& sc = r["scenario"];
  const Json& m = r["metrics"];
  out << "  " << sc["shards"]["count"] << " shards, " << m["accounts"] << " accounts, campaign "
      << sc["crash"]["campaign"].get<std::string>() << ": " << m["trials"] << " trials, "
      << Fixed(m["trials_per_s"].get<double>(), 0) << " trials/s (power_loss is simulated)\n";
  for (const Json& c : m["cells"]) {
    out << StrFormat("    %-7s %-8s %-6s %-16s %5lld trials: old %lld new %lld mixed %lld lost %lld corrupt %lld hung %lld",
                     c["strategy"].get<std::string>().c_str(), c["journal_mode"].get<std::string>().c_str(),
                     c["synchronous"].get<std::string>().c_str(), c["fault"].get<std::string>().c_str(),
                     static_cast<long long>(c["trials"].get<int64_t>()), static_cast<long long>(c["old"].get<int64_t>()),
                     static_cast<long long>(c["new"].get<int64_t>()), static_cast<long long>(c["mixed"].get<int64_t>()),
                     static_cast<long long>(c["lost"].get<int64_t>()), static_cast<long long>(c["corrupt"].get<int64_t>()),
                     static_cast<long long>(c["hung"].get<int64_t>()));
    if (c.contains("intermediate")) out << " (intermediate " << c["intermediate"] << ")";
    if (c.contains("commit_point") && !c["commit_point"].is_null()) {
      out << "; commit point " << c["commit_point"]["text"].get<std::string>();
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace shardlab
