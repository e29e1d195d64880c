#include "kinds/concurrency/concurrency_summary.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

// One aligned row per (mode, layout, writers) cell: rates, the writers' overlap (with
// its range over the windows when the cell was repeated), busy-handler waits and their
// time, SQLITE_BUSY returns, and the write p99 when measured.
std::string SummarizeConcurrency(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  bool repeated = false, p99 = false;
  for (const Json& mode : m["cells"]) {
    for (const Json& layout : mode) {
      for (const Json& c : layout) {
        repeated = repeated || c.contains("repetitions");
        p99 = p99 || c.contains("write_latency_us");
      }
    }
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"mode", "layout", "writers", "readers", "writes", "reads", "overlap"});
  if (repeated) rows.back().insert(rows.back().end(), {"windows", "range"});
  rows.back().insert(rows.back().end(), {"busy waits", "ms", "BUSY"});
  if (p99) rows.back().push_back("write p99");
  for (auto mode = m["cells"].begin(); mode != m["cells"].end(); ++mode) {
    for (auto layout = mode->begin(); layout != mode->end(); ++layout) {
      for (auto w = layout->begin(); w != layout->end(); ++w) {
        const Json& c = *w;
        std::vector<std::string> row = {mode.key(), layout.key(), c["writers"].dump(), c["readers"].dump(),
                                        HumanRate(c["write_ops_per_s"].get<double>()),
                                        HumanRate(c["read_ops_per_s"].get<double>()),
                                        Fixed(c["writer_overlap"].get<double>(), 2)};
        if (repeated) {
          if (c.contains("repetitions")) {
            // Medians of the windows; the overlap's range over them.
            const Json& xs = c["samples"]["writer_overlap"];
            double lo = xs[0].get<double>(), hi = lo;
            for (const Json& x : xs) {
              lo = std::min(lo, x.get<double>());
              hi = std::max(hi, x.get<double>());
            }
            row.push_back(c["repetitions"].dump());
            row.push_back(Fixed(lo, 2) + "-" + Fixed(hi, 2));
          } else {
            row.insert(row.end(), {"-", "-"});
          }
        }
        row.push_back(Thousands(c["busy_waits"].get<uint64_t>()));
        row.push_back(Fixed(c["busy_wait_ms"].get<double>(), 0));
        row.push_back(Thousands(c["busy_returns"].get<uint64_t>()));
        if (p99) {
          row.push_back(c.contains("write_latency_us") ? Fixed(c["write_latency_us"]["p99"].get<double>(), 0) + " us"
                                                       : "-");
        }
        rows.push_back(std::move(row));
      }
    }
  }
  for (const std::string& line : AlignColumns(rows, 2, "    ")) out << line << "\n";
  if (repeated) out << "  (repeated cells: medians of the windows; range: the overlap's over them)\n";
  const Json& scaling = m["scaling"];
  if (scaling.is_object()) {
    for (auto mode = scaling.begin(); mode != scaling.end(); ++mode) {
      std::vector<std::string> pieces;
      if (!mode->is_object()) {
        pieces.push_back(mode->dump());
      } else {
        for (auto x = mode->begin(); x != mode->end(); ++x) {
          if (x.key() != "samples") pieces.push_back(x.key() + " " + x->dump());  // per-window ratios: the result
        }
      }
      const std::vector<std::string> lines = WrapJoined(pieces, ", ", "    ", kConsoleWidth);
      for (size_t i = 0; i < lines.size(); ++i) {
        out << (i == 0 ? "  scaling " + mode.key() + ":\n" : "") << lines[i] << "\n";
      }
    }
  } else {
    out << "  scaling: " << scaling.dump() << "\n";
  }
  return WrapLongLines(out.str());
}

}  // namespace shardlab
