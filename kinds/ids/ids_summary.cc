#include "kinds/ids/ids_summary.h"

#include <sstream>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeIds(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  for (auto it = m["schemes"].begin(); it != m["schemes"].end(); ++it) {
    const Json& c = *it;
    out << StrFormat("    %-14s %8llu rows: %8llu collisions across shards  %9.0f rows/s  %7.1f B/row  %6lld pages",
                     it.key().c_str(), static_cast<unsigned long long>(c["rows"].get<uint64_t>()),
                     static_cast<unsigned long long>(c["collisions"].get<uint64_t>()), c["rows_per_s"].get<double>(),
                     c["bytes_per_row"].get<double>(), static_cast<long long>(c["btree_pages"].get<int64_t>()));
    if (c.contains("self_routing_failures")) out << "  shard from id: " << c["self_routing_failures"] << " failures";
    out << "\n";
  }
  return out.str();
}

}  // namespace shardlab
