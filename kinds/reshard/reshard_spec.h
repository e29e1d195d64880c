#pragma once
// The `reshard` block of kind = reshard scenarios: reading, checks, metric roots.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "scenario/scenario.h"

namespace shardlab {

// kind = reshard: routers compared on growing or shrinking the shard set.
struct ReshardRouter {
  std::string name;   // unique within the scenario: "mod", "ring_100", "ring_blog", ...
  RouterSpec spec;
};
struct ReshardChangeSpec {
  std::string kind;   // add | remove_last | remove
  int64_t count = 1;  // add
  int64_t shard = 0;  // remove
};
// reshard.migrate: a real migration between shard files for one (router, change).
struct ReshardMigrationSpec {
  bool enabled = false;
  std::string router;                // a name from reshard.routers
  std::string change;                // a change name: add_1, remove_last, remove_3
  int64_t payload_bytes = 100;
  int64_t batch_rows = 1000;
  std::string synchronous = "full";
  int64_t crash_trials = 0;          // kills at random I/O events (then resume, verify)
  bool crash_every_batch = false;    // and one kill after each batch commit
  bool bare = true;                  // measure the bare INSERT ... SELECT limit
};

struct ReshardSpec {
  std::vector<ReshardRouter> routers;
  std::vector<ReshardChangeSpec> changes;
  int64_t load_samples = 1'000'000;     // requests drawn from keys.distribution for the weighted load
  bool lookup_ns = true;                // time each router's lookups (in-run, best of 3)
  std::vector<int64_t> sweep_shards;    // vnode sweep: shard counts
  std::vector<int64_t> sweep_vnodes;    // and vnode counts
  int64_t threads = 0;                  // analysis threads; 0: one per core
  ReshardMigrationSpec migrate;
};

// A reshard scenario compares the routers in reshard.routers: a root `router` is refused.
ReshardSpec ReadReshardSpec(FieldReader& root, const Scenario& s);
void CheckReshardSpec(const Scenario& s, Problems& problems);
const std::set<std::string>& ReshardMetricRoots();
// A change's name in results and in reshard.migrate.change: add_1, remove_3, remove_last.
std::string ChangeName(const ReshardChangeSpec& c);
// The metric paths a run of `s` has (scenario/metric_shape.h).
Json ReshardMetricShape(const Scenario& s);

}  // namespace shardlab
