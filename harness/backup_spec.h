#pragma once
// The `backup` block of kind = backup scenarios, and the metric names `expect` may use.
#include <set>
#include <string>

#include "harness/field_reader.h"
#include "harness/scenario.h"

namespace shardlab {

void ReadBackupSpec(FieldReader& root, Scenario& s);
const std::set<std::string>& BackupMetricRoots();
// --quick: at most 2 rounds (backups per shard, method and journal mode).
void ApplyBackupQuickMode(Scenario& s);

}  // namespace shardlab
