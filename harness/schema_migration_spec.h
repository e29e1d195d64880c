#pragma once
// The `migrate` block of kind = migrate scenarios (claim C18).
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadSchemaMigrationSpec(FieldReader& root, Scenario& s);
const std::set<std::string>& SchemaMigrationMetricRoots();

}  // namespace shardlab
