#pragma once
// kind = backup, behind the one Kind interface (scenario/kind.h); listed in kinds/registry.cc.
#include "scenario/kind.h"

namespace shardlab {

const Kind& BackupKind();

}  // namespace shardlab
