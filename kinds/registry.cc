#include "kinds/registry.h"

#include "kinds/backup/backup_kind.h"
#include "kinds/concurrency/concurrency_kind.h"
#include "kinds/crash/crash_kind.h"
#include "kinds/ids/ids_kind.h"
#include "kinds/migrate/migrate_kind.h"
#include "kinds/reshard/reshard_kind.h"
#include "kinds/tenants/tenants_kind.h"
#include "kinds/workload/workload_kind.h"

namespace shardlab {

// The list is written out rather than self-registered: static libraries drop objects
// nothing refers to. A new kind: its folder kinds/<kind>/ and one entry here.
const Kinds& AllKinds() {
  static const Kinds kKinds = {&WorkloadKind(), &CrashKind(),   &ReshardKind(), &ConcurrencyKind(),
                               &IdsKind(),      &TenantsKind(), &BackupKind(),  &MigrateKind()};
  return kKinds;
}

StatusOr<Scenario> LoadScenario(const std::string& file, const LoadOptions& options) {
  return LoadScenario(file, options, AllKinds());
}

StatusOr<Scenario> LoadScenarioFromJson(Json raw, const std::string& origin, const LoadOptions& options) {
  return LoadScenarioFromJson(std::move(raw), origin, options, AllKinds());
}

}  // namespace shardlab
