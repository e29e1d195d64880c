#pragma once
// kind = concurrency, behind the one Kind interface (scenario/kind.h); listed in kinds/registry.cc.
#include "scenario/kind.h"

namespace shardlab {

const Kind& ConcurrencyKind();

}  // namespace shardlab
