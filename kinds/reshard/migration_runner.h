#pragma once
// reshard.migrate: builds the shards of the scenario's keys under the old router, runs the
// real migration to the new one (kinds/reshard/migration.h), verifies it, measures the bare
// INSERT ... SELECT limit, and kills the migration at random I/O events and after each
// batch, resumes it in a fresh process and verifies every trial.
#include <string>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "scenario/scenario.h"

namespace shardlab {

StatusOr<Json> RunMigration(const Scenario& s, const std::string& data_dir, Workspace& workspace);

}  // namespace shardlab
