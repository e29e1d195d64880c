#include "scenario/scenario.h"

#include <algorithm>
#include <cmath>

#include "core/field_reader.h"
#include "core/overrides.h"
#include "core/str_format.h"
#include "scenario/common_blocks.h"
#include "scenario/kind.h"
#include "scenario/metric_shape.h"
#include "scenario/path_check.h"

namespace shardlab {
namespace {

// "C1", "C20": the ids of scenarios/CLAIMS.md.
bool IsClaimId(const std::string& text) {
  return text.size() >= 2 && text[0] == 'C' && text.find_first_not_of("0123456789", 1) == std::string::npos;
}

void ReadExpectations(FieldReader& root, std::vector<Expectation>& out) {
  root.ForEachObject("expect", false, [&](FieldReader& r, size_t) {
    Expectation e;
    e.metric = r.String("metric", std::nullopt);
    e.op = r.Choice("op", std::nullopt, {"eq", "approx", "lt", "le", "gt", "ge"});
    const Json* value = r.Raw("value");
    if (value == nullptr) {
      r.Problem("value", "missing; expected the value to compare the metric with");
    } else {
      e.value = *value;
      r.Resolve("value", *value);
      if (!e.op.empty() && e.op != "eq" && !value->is_number()) {
        r.Problem("value", "found " + DescribeJsonValue(*value) + "; op \"" + e.op + "\" expects a number");
      }
    }
    if (e.op == "approx") {
      e.tolerance = r.Number("tolerance", std::nullopt, 0, INFINITY);
    } else if (r.Has("tolerance")) {
      r.Raw("tolerance");
      r.Problem("tolerance", "only applies to op \"approx\"");
    }
    e.claim = r.String("claim", "");
    if (!e.claim.empty() && !IsClaimId(e.claim)) {
      r.Problem("claim", "found " + Quoted(e.claim) + "; expected a claim id like \"C1\" (scenarios/CLAIMS.md)");
    }
    e.note = r.String("note", "");
    out.push_back(std::move(e));
  });
}

// expect[].metric must name a metric the kind produces: its root one of the kind's
// metrics, and the path below it one the scenario's run will have (Kind::MetricShape).
void CheckExpectationMetrics(const Scenario& s, const Kind& kind, Problems& problems) {
  const std::set<std::string>& roots = kind.MetricRoots();
  const Json shape = kind.MetricShape(s);
  for (size_t i = 0; i < s.expect.size(); ++i) {
    const std::string& metric = s.expect[i].metric;
    const std::string path = "expect[" + std::to_string(i) + "].metric";
    const std::string root = metric.substr(0, std::min(metric.find('.'), metric.find('[')));
    if (!roots.count(root)) {
      std::string allowed;
      for (const std::string& r : roots) allowed += (allowed.empty() ? "" : ", ") + r;
      const std::string guess = ClosestName(root, {roots.begin(), roots.end()});
      problems.Add(path, "found " + Quoted(metric) + "; a " + s.kind + " result has no metric " + Quoted(root) + " (" +
                             (guess.empty() ? "" : "did you mean " + Quoted(guess) + "? ") + "metrics: " + allowed + ")");
      continue;
    }
    if (const std::string problem = MetricPathProblem(shape, metric); !problem.empty()) {
      problems.Add(path, "found " + Quoted(metric, 120) + "; " + problem);
      continue;
    }
    kind.CheckMetric(s, metric, path, problems);
  }
}

std::vector<std::string> KindNames(const Kinds& kinds) {
  std::vector<std::string> names;
  for (const Kind* k : kinds) names.emplace_back(k->name());
  return names;
}

}  // namespace

Json Kind::MetricShape(const Scenario& /*s*/) const { return OpenShape(MetricRoots()); }

const Kind* FindKind(const Kinds& kinds, const std::string& name) {
  for (const Kind* k : kinds) {
    if (name == k->name()) return k;
  }
  return nullptr;
}

StatusOr<Scenario> LoadScenario(const std::string& file, const LoadOptions& options, const Kinds& kinds) {
  SHARDLAB_ASSIGN_OR_RETURN(std::string text, ReadRegularFile(file));
  return LoadScenarioText(text, file, options, kinds);
}

StatusOr<Scenario> LoadScenarioText(const std::string& text, const std::string& file, const LoadOptions& options,
                                    const Kinds& kinds) {
  SHARDLAB_ASSIGN_OR_RETURN(Json raw, ParseJsonText(text, file));
  return LoadScenarioFromJson(std::move(raw), file, options, kinds);
}

StatusOr<Scenario> LoadScenarioFromJson(Json raw, const std::string& file, const LoadOptions& options,
                                        const Kinds& kinds) {
  for (const auto& [path, value] : options.overrides) {
    SHARDLAB_RETURN_IF_ERROR(ApplyOverride(raw, path, value).Wrap(file));
  }
  {
    // Strings (the file's and the overrides') are bounded before anything reads them.
    Problems too_long(file);
    CheckStrings(raw, too_long);
    if (!too_long.empty()) return too_long.ToStatus();
  }
  if (options.seed.has_value() && raw.is_object()) raw["seed"] = *options.seed;
  if (raw.is_object()) {
    const Json* kind_value = raw.contains("kind") ? &raw["kind"] : nullptr;
    if (kind_value != nullptr && kind_value->is_string()) {
      if (const Kind* k = FindKind(kinds, kind_value->get<std::string>())) k->PrepareRaw(raw);
    }
  }

  Problems problems(file);
  Scenario s;
  s.file = file;
  FieldReader root(raw, &problems);
  s.name = root.String("name", std::nullopt);
  if (root.Has("name") && raw["name"].is_string() && !(IsWordOf(s.name, "._-") && s.name[0] != '.' && s.name[0] != '-')) {
    root.Problem("name", "found " + Quoted(s.name) + "; expected letters, digits, '.', '_' or '-' (it names the result file)");
  }
  if (s.name.size() > kMaxScenarioNameBytes) {
    root.Problem("name", std::to_string(s.name.size()) + " characters; at most " + std::to_string(kMaxScenarioNameBytes) +
                             " (it names the result file and the data directory)");
  }
  s.kind = root.Choice("kind", std::nullopt, KindNames(kinds));
  const Kind* kind = FindKind(kinds, s.kind);
  s.description = root.String("description", "");
  s.claims = root.StringList("claims", std::vector<std::string>{});
  s.seed = root.Uint64("seed", 1);
  s.data_dir = root.String("data_dir", "");
  if (auto problem = s.data_dir.empty() ? std::nullopt : PathProblem(s.data_dir, kMaxDataDirBytes)) {
    root.Problem("data_dir", *problem);
  }
  ReadShards(root.Object("shards", true), s.shards);
  ReadKeys(root.Object("keys", true), s.keys, s.distribution);
  ReadRouter(root.Object("router"), file, s.keys.hash, s.router);
  ReadSqlite(root.Object("sqlite"), s.sqlite);
  if (kind != nullptr) s.spec = kind->Read(root, s);
  ReadExpectations(root, s.expect);
  root.Finish();
  if (!problems.empty()) return problems.ToStatus();

  // Checks across fields, on values known to be well-formed.
  if (auto router = MakeRouter(s.router, s.shards.count); !router.ok()) {
    problems.Add("router", router.status().message());
  }
  if (auto keys = KeySpace::Make(s.keys); !keys.ok()) {
    problems.Add("keys", keys.status().message());
  } else if (s.router.type == "range" && s.router.numeric_boundaries) {
    CheckNumericRouteKeys(*keys, problems);
  }
  if (auto chooser = MakeKeyChooser(s.distribution, s.keys.count); !chooser.ok()) {
    problems.Add("keys.distribution", chooser.status().message());
  }
  kind->Check(s, problems);
  CheckExpectationMetrics(s, *kind, problems);
  if (!problems.empty()) return problems.ToStatus();

  s.resolved = root.resolved();
  if (options.quick) kind->ApplyQuick(s);
  return s;
}

}  // namespace shardlab
