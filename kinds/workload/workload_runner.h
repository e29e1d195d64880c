#pragma once
// kind = workload: load N real shard files, run probes, the timed operation mix and the
// shard walk, and return the metrics.
#include <memory>
#include <string>
#include <vector>

#include "core/json_fwd.h"
#include "core/workspace.h"
#include "kinds/workload/op_executor.h"
#include "scenario/scenario.h"
#include "shards/shard_set.h"

namespace shardlab {

// A workload's shard files, created and loaded with every key once, plus what executors
// share. The runner's phases and the harness-overhead benchmark both start from here.
class LoadedWorkload {
 public:
  // Creates the shard files under data_dir, loads them, and records load, per-shard
  // counts and balance into `metrics`.
  static StatusOr<std::unique_ptr<LoadedWorkload>> Create(const Scenario& s, const std::string& data_dir,
                                                          Workspace& workspace, Json& metrics);
  WorkloadContext Context() const;

  const Scenario& s;
  KeySpace keys;
  std::unique_ptr<Router> router;
  std::unique_ptr<KeyChooser> chooser;
  KeyTemplate value_format;
  KeyTemplate query_param;
  ShardSet shards;
  std::vector<std::vector<uint32_t>> shard_items;  // filled when the scenario walks
  std::string single_file;                          // all rows in one file (walk.single_file)

 private:
  LoadedWorkload(const Scenario& scenario, KeySpace k, std::unique_ptr<Router> r, std::unique_ptr<KeyChooser> c,
                 KeyTemplate v, KeyTemplate q, ShardSet sh)
      : s(scenario), keys(std::move(k)), router(std::move(r)), chooser(std::move(c)), value_format(std::move(v)),
        query_param(std::move(q)), shards(std::move(sh)) {}
  Status Load(Json& metrics);
};

// Metrics for the result file (see scenarios/README.md "Workload metrics"). Shard files
// are created under data_dir and recorded in `workspace`.
StatusOr<Json> RunWorkload(const Scenario& s, const std::string& data_dir, Workspace& workspace);

}  // namespace shardlab
