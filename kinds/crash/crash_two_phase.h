#pragma once
// kind = crash, strategy 2pc: one cell per 2pc fault (2pc/postgres/on/<fault>), each on
// servers of its own (faults/two_phase_campaign.h). Where PostgreSQL cannot run, each
// cell says why (`unavailable`), so checks on it are unknown with that reason.
#include "core/json_fwd.h"
#include "core/status.h"
#include "scenario/kind.h"
#include "scenario/scenario.h"

namespace shardlab {

// The 2pc cells of `s` (an empty array when it has none).
StatusOr<Json> RunTwoPhaseCells(const Scenario& s, RunContext& context);

}  // namespace shardlab
