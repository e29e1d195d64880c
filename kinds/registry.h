#pragma once
// The kinds this build runs: the one list (registry.cc), and the scenario loader bound to it.
#include <string>

#include "scenario/kind.h"
#include "scenario/scenario.h"

namespace shardlab {

// Every kind, in the order `shardlab list`, the docs and the report show them.
const Kinds& AllKinds();

// LoadScenario / LoadScenarioFromJson (scenario/scenario.h) against AllKinds().
StatusOr<Scenario> LoadScenario(const std::string& file, const LoadOptions& options);
StatusOr<Scenario> LoadScenarioFromJson(Json raw, const std::string& origin, const LoadOptions& options);

}  // namespace shardlab
