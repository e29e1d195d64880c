#pragma once
// The `workload` block of kind = workload scenarios: reading, cross-field checks,
// metric names that `expect` may refer to, and --quick.
#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadWorkloadSpec(FieldReader& root, Scenario& s);
// Checks that need other blocks or the linked SQLite: ATTACH limit, SQL of queries,
// templates, probe keys.
void CheckWorkloadSpec(const Scenario& s, Problems& problems);
// expect[].metric must name a metric this kind produces.
void CheckExpectationMetrics(const Scenario& s, Problems& problems);
// --quick: one repetition and fewer operations; loaded data (and so exact counts) unchanged.
void ApplyQuickMode(Scenario& s);

}  // namespace shardlab
