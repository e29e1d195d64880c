#pragma once
// kind = migrate, behind the one Kind interface (scenario/kind.h); listed in kinds/registry.cc.
#include "scenario/kind.h"

namespace shardlab {

const Kind& MigrateKind();

}  // namespace shardlab
