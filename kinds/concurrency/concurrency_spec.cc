#include "kinds/concurrency/concurrency_spec.h"

#include <algorithm>

#include "core/json.h"
#include "scenario/metric_shape.h"

namespace shardlab {

ConcurrencySpec ReadConcurrencySpec(FieldReader& root) {
  FieldReader r = root.Object("concurrency");
  ConcurrencySpec c;
  c.writers = r.IntList("writers", c.writers, 0, 256);
  if (c.writers.empty()) r.Problem("writers", "found an empty array; expected writer thread counts like [1, 2, 4]");
  c.readers = r.Int("readers", 0, 0, 256);
  c.layouts = r.StringList("layouts", c.layouts);
  for (const std::string& l : c.layouts) {
    if (l != "one_file" && l != "shards") r.Problem("layouts", "found \"" + l + "\"; expected \"one_file\" or \"shards\"");
  }
  if (c.layouts.empty()) r.Problem("layouts", "found an empty array; expected \"one_file\" and/or \"shards\"");
  c.journal_modes = r.StringList("journal_modes", c.journal_modes);
  for (const std::string& j : c.journal_modes) {
    if (j != "delete" && j != "truncate" && j != "persist" && j != "wal") {
      r.Problem("journal_modes", "found \"" + j + "\"; expected delete, truncate, persist or wal");
    }
  }
  c.duration_s = r.Number("duration_s", 1.0, 0, 600, /*min_exclusive=*/true);
  c.repetitions = r.Int("repetitions", c.repetitions, 1, 100);
  r.Finish();
  if (c.readers == 0 && std::find(c.writers.begin(), c.writers.end(), 0) != c.writers.end()) {
    root.Problem("concurrency", "a cell with 0 writers needs readers > 0");
  }
  return c;
}

void ApplyConcurrencyQuickMode(Scenario& s) {
  ConcurrencySpec& c = s.MutableSpec<ConcurrencySpec>();
  c.duration_s = std::min(c.duration_s, 0.25);
  s.resolved["concurrency"]["duration_s"] = c.duration_s;
  c.repetitions = std::min<int64_t>(c.repetitions, 3);
  s.resolved["concurrency"]["repetitions"] = c.repetitions;
}

const std::set<std::string>& ConcurrencyMetricRoots() {
  static const std::set<std::string> kRoots = {"cells", "scaling"};
  return kRoots;
}

// cells.<journal mode>.<layout>.writers_<n>, scaling.<journal mode>: the names from the spec (scenario/metric_shape.h).
Json ConcurrencyMetricShape(const Scenario& s) {
  const ConcurrencySpec& c = s.Spec<ConcurrencySpec>();
  Json shape = OpenShape(ConcurrencyMetricRoots());
  std::vector<std::string> writers;
  for (int64_t w : c.writers) writers.push_back("writers_" + std::to_string(w));
  shape["cells"] = ProductShape({c.journal_modes, c.layouts, writers});
  shape["scaling"] = ProductShape({c.journal_modes});
  return shape;
}

}  // namespace shardlab
