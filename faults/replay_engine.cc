// The replay engine's campaign side: every worker records each cell's trace and judges its
// share of the distinct states (replay.h); the parent gathers the states, checks that the
// workers agreed on them and that every crosscheck trial matched.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "faults/cell_run.h"
#include "faults/replay.h"
#include "faults/worker_pool.h"

namespace shardlab {

Status RunReplayEngine(const TrialRunner& runner, const CampaignSpec& c, std::vector<CellRun>& runs,
                       const CampaignProgress& progress) {
  const size_t workers = std::max<size_t>(1, static_cast<size_t>(c.workers));
  std::vector<std::map<size_t, StateOutcome>> by_index(c.cells.size());
  std::vector<double> slowest(c.cells.size(), 0);
  uint64_t done = 0;
  SHARDLAB_RETURN_IF_ERROR(RunWorkers(
      workers, /*forks_per_unit=*/false,
      [&](size_t w, const EmitLine& emit) {
        const std::string dir = c.state_root + "/w" + std::to_string(w);
        if (mkdir(dir.c_str(), 0755) != 0) {
          emit({{"error", "cannot create " + dir + ": " + std::strerror(errno)}});
          return;
        }
        for (size_t ci = 0; ci < c.cells.size(); ++ci) {
          if (Status st = ReplayCellShare(runner, c.cells[ci], c, ci, w, workers, dir, emit); !st.ok()) {
            emit({{"error", CellName(c.cells[ci]) + ": " + st.message()}});
            break;
          }
        }
        // This worker's files: the states it wrote, and the directories it made.
        WriteState(dir, {});
        rmdir(dir.c_str());
        if (c.relocate) {
          WriteState(dir + ".moved", {});
          rmdir((dir + ".moved").c_str());
        }
      },
      [&](const Json& line) -> Status {
        if (line.contains("error")) return Status::Runtime(line["error"].get<std::string>());
        const size_t ci = line["cell"].get<size_t>();
        CellRun& run = runs[ci];
        if (line.contains("events")) {
          run.events = line["events"];
          run.begun_at = line["begun_at"].get<std::vector<uint32_t>>();
          run.trace = line["trace"];
        } else if (line.contains("crosscheck")) {
          ++run.cc_trials;
          if (line["identical"].get<bool>()) {
            ++run.cc_identical;
          } else if (run.cc_differing.size() < kMaxViolationsListed) {
            run.cc_differing.push_back({{"event", line["event"]}, {"detail", line["detail"]}});
          }
        } else if (line.contains("stats")) {
          const Json& st = line["stats"];
          run.explored = st["explored"].get<int64_t>();
          run.distinct = st["distinct"].get<int64_t>();
          run.possible = st["possible"].get<double>();
          run.worker_explored.insert(run.explored);
          run.worker_distinct.insert(run.distinct);
          slowest[ci] = std::max(slowest[ci], st["seconds"].get<double>());
          if (st.contains("recovery_crashes")) {
            const Json& rc = st["recovery_crashes"];
            run.rc_states += rc["states"].get<int64_t>();
            run.rc_differing += rc["differing"].get<int64_t>();
            for (const Json& d : rc["differences"]) {
              if (run.rc_differences.size() < kMaxViolationsListed) run.rc_differences.push_back(d);
            }
          }
          if (progress) progress(++done, c.cells.size() * workers);
        } else {
          StateOutcome o;
          static_cast<StateLine&>(o) = StateLineFromJson(line);
          o.crashed = true;
          if (line.contains("state")) o.where = {{"state", line["state"]}};
          const size_t index = o.index;
          by_index[ci][index] = std::move(o);
        }
        return Status::Ok();
      }));
  for (size_t ci = 0; ci < c.cells.size(); ++ci) {
    CellRun& run = runs[ci];
    run.engine = "replay";
    run.seconds = slowest[ci];
    if (run.worker_explored.size() != 1 || run.worker_distinct.size() != 1) {
      return Status::Runtime("replay engine error in " + CellName(c.cells[ci]) +
                             ": the workers' recordings disagree on the states (explored " +
                             std::to_string(run.worker_explored.size()) + " ways, distinct " +
                             std::to_string(run.worker_distinct.size()) + " ways)");
    }
    if (static_cast<int64_t>(by_index[ci].size()) != run.explored) {
      return Status::Runtime("replay engine error in " + CellName(c.cells[ci]) + ": " +
                             std::to_string(by_index[ci].size()) + " states judged of " + std::to_string(run.explored));
    }
    if (run.cc_trials != run.cc_identical) {
      // Not a verdict: the replay would be judging states no real crash leaves.
      const Json& d = run.cc_differing.front();
      return Status::Runtime("replay engine error in " + CellName(c.cells[ci]) + ": " +
                             std::to_string(run.cc_trials - run.cc_identical) + " of " + std::to_string(run.cc_trials) +
                             " crosscheck trials differ from the replayed state; at event " + d["event"].dump() + ": " +
                             d["detail"].get<std::string>());
    }
    for (auto& [i, o] : by_index[ci]) {
      if (!o.where.is_null()) {
        o.where["event"] = EventJson(run.events, o.point - 1);
        o.where["when"] = "after";
      }
      run.states.push_back(std::move(o));
    }
  }
  return Status::Ok();
}

}  // namespace shardlab
