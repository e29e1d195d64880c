#include "kinds/ids/ids_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

// One aligned row per id scheme (collisions are across shards; pages of the table's b-tree).
std::string SummarizeIds(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  bool routing = false;
  for (const Json& c : m["schemes"]) routing = routing || c.contains("self_routing_failures");
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"scheme", "rows", "collisions", "inserts", "B/row", "pages"});
  if (routing) rows.back().push_back("shard-from-id failures");
  for (auto it = m["schemes"].begin(); it != m["schemes"].end(); ++it) {
    const Json& c = *it;
    rows.push_back({it.key(), Thousands(c["rows"].get<uint64_t>()), Thousands(c["collisions"].get<uint64_t>()),
                    HumanRate(c["rows_per_s"].get<double>()), Fixed(c["bytes_per_row"].get<double>(), 1),
                    Thousands(static_cast<uint64_t>(c["btree_pages"].get<int64_t>()))});
    if (routing) rows.back().push_back(c.contains("self_routing_failures") ? c["self_routing_failures"].dump() : "-");
  }
  for (const std::string& line : AlignColumns(rows, 1, "    ")) out << line << "\n";
  return WrapLongLines(out.str());
}

}  // namespace shardlab
