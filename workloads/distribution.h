#pragma once
// Key distributions with YCSB's semantics, parameters and defaults
// (site.ycsb.generator.*): each picks an item index in [0, item_count).
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "workloads/rng.h"

namespace shardlab {

struct DistributionSpec {
  std::string type = "uniform";  // uniform | zipfian | scrambled_zipfian | latest | hotspot | sequential | exponential
  double theta = 0.99;                    // zipfian, scrambled_zipfian, latest (YCSB zipfian constant)
  double hot_data_fraction = 0.2;         // hotspot (YCSB hotspotdatafraction)
  double hot_op_fraction = 0.8;           // hotspot (YCSB hotspotopnfraction)
  double exponential_percentile = 95;     // exponential (YCSB exponential.percentile)
  double exponential_fraction = 0.8571428571;  // exponential (YCSB exponential.frac)
  // latest, scrambled_zipfian: reproduce what YCSB's CoreWorkload does with
  // requestdistribution=latest / zipfian, not only the generator class (default off: the
  // generator classes over exactly [0, n)). See scenarios/README.md, "YCSB differences".
  bool ycsb_compat = false;
  // scrambled_zipfian with ycsb_compat: CoreWorkload's expectednewkeys
  // (operationcount * insertproportion * 2). shardlab never inserts new keys, so 0.
  uint64_t ycsb_expected_new_keys = 0;
};

class KeyChooser {
 public:
  virtual ~KeyChooser() = default;
  // Next item index in [0, item_count).
  virtual uint64_t Next(Rng& rng) = 0;
  // An independent copy for another thread (shares precomputed constants, not state).
  virtual std::unique_ptr<KeyChooser> Clone() const = 0;
};

// kInvalidInput for an unknown type or a parameter out of range.
StatusOr<std::unique_ptr<KeyChooser>> MakeKeyChooser(const DistributionSpec& spec, uint64_t item_count);

// zeta(n, theta) = sum_{i=1..n} 1/i^theta (exact below 10^7 terms, Euler-Maclaurin above).
double Zeta(uint64_t n, double theta);

}  // namespace shardlab
