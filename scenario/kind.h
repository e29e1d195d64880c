#pragma once
// The one interface every scenario kind implements (kinds/<kind>/<kind>_kind.cc); the
// list of kinds a build runs is kinds/registry.cc. The loader (scenario.cc) and the
// runner (run/) reach a kind only through this interface, so a kind's spec, runner and
// console summary stay in its folder.
#include <set>
#include <string>

#include "core/field_reader.h"
#include "core/json_fwd.h"
#include "core/status.h"
#include "core/workspace.h"
#include "scenario/footprint.h"
#include "scenario/scenario.h"

namespace shardlab {

// What a kind's run may use besides its scenario.
struct RunContext {
  std::string data_dir;         // this scenario's directory (created, empty): shard files go below
  Workspace& workspace;         // records everything the run creates, so cleanup removes only that
  std::string result_path;      // where the result will be written (repro commands name it)
  bool keep_failures = false;   // --keep-failures
  std::string self_executable;  // this program, for children that must re-execute it
};

class Kind {
 public:
  virtual ~Kind() = default;

  // The `kind` value of its scenarios, and the name of its block and folder.
  virtual const char* name() const = 0;

  // Fills kind-specific defaults into the raw scenario before it is read (crash: a
  // default set of accounts when `keys` is absent).
  virtual void PrepareRaw(Json& /*raw*/) const {}

  // Reads the kind's block (and rejects root blocks the kind does not take) into the
  // spec it will run with. Problems go to `root`; reading goes on to report them all.
  virtual std::any Read(FieldReader& root, const Scenario& s) const = 0;

  // Checks across blocks, on a scenario whose fields all read cleanly.
  virtual void Check(const Scenario& /*s*/, Problems& /*problems*/) const {}

  // The top-level metric names its results have; `expect[].metric` must start with one.
  virtual const std::set<std::string>& MetricRoots() const = 0;
  // The metric paths a run of `s` will have (scenario/metric_shape.h), for `validate` to
  // check expect[].metric and suggest a name. By default only MetricRoots().
  virtual Json MetricShape(const Scenario& s) const;
  // Deeper checks of an expectation's metric path (a probe or operation that must exist).
  virtual void CheckMetric(const Scenario& /*s*/, const std::string& /*metric*/, const std::string& /*path*/,
                           Problems& /*problems*/) const {}

  // --quick: a shorter run with the same loaded data; also updates s.resolved.
  virtual void ApplyQuick(Scenario& /*s*/) const {}

  // What a run of `s` (as loaded, --quick applied) will create at its peak: bytes, files,
  // the fullest directory, descriptors open at once (scenario/footprint.h). Pure: from the
  // resolved sizes only; run/ checks it against the machine before anything is created.
  virtual Footprint Estimate(const Scenario& s) const = 0;

  // Runs the scenario and returns its metrics.
  virtual StatusOr<Json> Run(const Scenario& s, RunContext& context) const = 0;

  // The console lines of a result (indented, newline-terminated) between the run's header
  // line and its check lines.
  virtual std::string Summarize(const Json& result) const = 0;
};

// The kind named `name` in `kinds`, or nullptr.
const Kind* FindKind(const Kinds& kinds, const std::string& name);

}  // namespace shardlab
