#pragma once
// Work spread over forked worker processes that report JSON lines to the parent: the
// plumbing both crash engines use (the fork engine's trials, the replay engine's states).
#include <cstddef>
#include <functional>

#include "core/json_fwd.h"
#include "core/status.h"

namespace shardlab {

// Sends one line to the parent; false when the parent is gone.
using EmitLine = std::function<bool(const Json& line)>;

// Forks `workers` processes; worker w runs `work(w, emit)` and exits. Every emitted line
// reaches `on_line` in the parent, in each worker's order; the first error `on_line`
// returns is the result (the rest are still read, so no worker blocks on a full pipe).
// A worker that dies without finishing is an error. `forks_per_unit`: the workers fork a
// child per unit of work (the fork engine), so they trade malloc speed for fewer pages a
// child touches.
Status RunWorkers(size_t workers, bool forks_per_unit, const std::function<void(size_t w, const EmitLine& emit)>& work,
                  const std::function<Status(const Json& line)>& on_line);

}  // namespace shardlab
