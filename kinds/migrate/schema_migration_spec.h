#pragma once
// The `migrate` block of kind = migrate scenarios (claim C18).
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// kind = migrate: a schema change applied to every shard file, timed and crash-tested.
struct SchemaMigrationSpec {
  std::vector<std::string> strategies{"transactional", "separate_version"};  // and autocommit
  std::vector<std::string> journal_modes{"delete", "wal"};
  int64_t value_bytes = 32;        // mean length of each row's value (1 .. 2 x this)
  int64_t workers = 1;             // migrator threads in the timed runs
  bool floor = true;               // time a version-only commit per file (the fixed cost)
  bool bare = true;                // time the same statements as one sqlite3_exec per file
  int64_t crash_trials = 0;        // kills at random I/O events per (strategy, journal mode)
  bool crash_every_file = false;   // and one kill after each file's migration
  int64_t crash_files = 0;         // files in each crash trial's fleet; 0: shards.count
  double timeout_s = 600;          // a migrator child past it is killed
};

SchemaMigrationSpec ReadSchemaMigrationSpec(FieldReader& root, const Scenario& s);
const std::set<std::string>& SchemaMigrationMetricRoots();
// The metric paths a run of `s` has: strategies.<strategy>.<journal mode>.
Json SchemaMigrationMetricShape(const Scenario& s);
// --quick: a crash campaign of at most 2 random kills per cell on at most 3 files, no
// kill per file (the timed runs are unchanged).
void ApplySchemaMigrationQuickMode(Scenario& s);

}  // namespace shardlab
