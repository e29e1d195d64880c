#pragma once
// The `migrate` block of kind = migrate scenarios (claim C18).
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadSchemaMigrationSpec(FieldReader& root, Scenario& s);
const std::set<std::string>& SchemaMigrationMetricRoots();
// --quick: a crash campaign of at most 2 random kills per cell on at most 3 files, no
// kill per file (the timed runs are unchanged).
void ApplySchemaMigrationQuickMode(Scenario& s);

}  // namespace shardlab
