#include "kinds/concurrency/concurrency_summary.h"

#include <algorithm>
#include <sstream>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {

std::string SummarizeConcurrency(const Json& r) {
  std::ostringstream out;
  const Json& m = r["metrics"];
  for (auto mode = m["cells"].begin(); mode != m["cells"].end(); ++mode) {
    for (auto layout = mode->begin(); layout != mode->end(); ++layout) {
      for (auto w = layout->begin(); w != layout->end(); ++w) {
        const Json& c = *w;
        out << StrFormat("    %-8s %-8s %2lld writers %2lld readers: %9.0f writes/s %9.0f reads/s  writer overlap %.2f  "
                         "busy waits %llu (%.0f ms)  SQLITE_BUSY %llu",
                         mode.key().c_str(), layout.key().c_str(), static_cast<long long>(c["writers"].get<int64_t>()),
                         static_cast<long long>(c["readers"].get<int64_t>()), c["write_ops_per_s"].get<double>(),
                         c["read_ops_per_s"].get<double>(), c["writer_overlap"].get<double>(),
                         static_cast<unsigned long long>(c["busy_waits"].get<uint64_t>()), c["busy_wait_ms"].get<double>(),
                         static_cast<unsigned long long>(c["busy_returns"].get<uint64_t>()));
        if (c.contains("repetitions")) {
          // Medians of the windows; the overlap's range over them.
          const Json& xs = c["samples"]["writer_overlap"];
          double lo = xs[0].get<double>(), hi = lo;
          for (const Json& x : xs) {
            lo = std::min(lo, x.get<double>());
            hi = std::max(hi, x.get<double>());
          }
          out << StrFormat("  (median of %lld windows, overlap %.2f-%.2f)", static_cast<long long>(c["repetitions"].get<int64_t>()),
                           lo, hi);
        }
        if (c.contains("write_latency_us")) {
          out << StrFormat("  write p99 %.0f us", c["write_latency_us"]["p99"].get<double>());
        }
        out << "\n";
      }
    }
  }
  out << "  scaling: " << m["scaling"].dump() << "\n";
  return out.str();
}

}  // namespace shardlab
