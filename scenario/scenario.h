#pragma once
// A scenario file, loaded and validated into typed, complete values (defaults filled):
// the blocks every kind shares (name, seed, shards, keys, router, sqlite, expect) and the
// kind's own block, whose type only the kind knows (kinds/<kind>/<kind>_spec.h).
// scenarios/README.md is the reference for every key; keep the two in step.
#include <any>
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "shards/shards_spec.h"
#include "sqlite/sqlite_spec.h"
#include "workloads/distribution.h"
#include "workloads/key_space.h"
#include "workloads/router.h"

namespace shardlab {

class Kind;
using Kinds = std::vector<const Kind*>;

struct Expectation {
  std::string metric;   // dotted path into the result's metrics: "probes.v3.rows"
  std::string op;       // eq | approx | lt | le | gt | ge
  Json value;
  double tolerance = 0;  // approx: |observed - value| <= tolerance
  std::string claim;     // optional claim id ("C1", scenarios/CLAIMS.md)
  std::string note;
};

struct Scenario {
  std::string file;  // as given on the command line
  std::string name;
  std::string kind;
  std::string description;
  std::vector<std::string> claims;
  uint64_t seed = 1;
  std::string data_dir;  // optional; the CLI's --data wins
  ShardsSpec shards;
  RouterSpec router;
  KeySpec keys;
  DistributionSpec distribution;
  SqliteSpec sqlite;
  std::any spec;  // the kind's own block, as its Kind read it
  std::vector<Expectation> expect;
  Json resolved;  // the scenario with defaults filled, as stored in results

  // The kind's block; T must be the type the kind stores (a mismatch is a programming error).
  template <typename T>
  const T& Spec() const {
    const T* p = std::any_cast<T>(&spec);
    assert(p != nullptr);
    return *p;
  }
  template <typename T>
  T& MutableSpec() {
    T* p = std::any_cast<T>(&spec);
    assert(p != nullptr);
    return *p;
  }
};

struct LoadOptions {
  std::vector<std::pair<std::string, std::string>> overrides;  // --set path=value, in order
  std::optional<uint64_t> seed;                                  // --seed
  bool quick = false;                                            // --quick
};

// Reads, applies overrides, validates against `kinds` (kinds/registry.h has the build's
// list and shorter overloads). Every problem is reported (kInvalidInput, one line each,
// "FILE: json.path: found X; expected Y"); nothing is run or written.
StatusOr<Scenario> LoadScenario(const std::string& file, const LoadOptions& options, const Kinds& kinds);
// The same from a scenario file's text (LoadScenario reads the file, bounded, and calls
// this; the fuzzer calls it directly).
StatusOr<Scenario> LoadScenarioText(const std::string& text, const std::string& origin, const LoadOptions& options,
                                    const Kinds& kinds);
// The same from JSON already in memory; `origin` names it in messages (tests, benchmarks).
StatusOr<Scenario> LoadScenarioFromJson(Json raw, const std::string& origin, const LoadOptions& options,
                                        const Kinds& kinds);

}  // namespace shardlab
