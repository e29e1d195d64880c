// The fork engine: a real child per trial, killed with SIGKILL at its crash point (or
// failing at the k-th call of a fail point), recovered and judged in the worker.
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/elapsed.h"
#include "faults/cell_run.h"
#include "faults/worker_pool.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

TrialSpec BaseSpec(const CellSpec& cell, const CampaignSpec& c) {
  TrialSpec s = TrialSpecOf(cell);
  s.transfers = c.transfers;
  s.relocate = c.relocate;
  s.timeout_s = c.timeout_s;
  s.fail_errno = c.fail_errno;
  s.prng_seed = PrngSeedOf(c.seed);
  return s;
}

StateOutcome FromTrial(const TrialResult& r) {
  StateOutcome o;
  o.outcome = r.outcome;
  o.detail = r.detail;
  o.after_failed_commit = r.after_failed_commit;
  o.intermediate = r.intermediate;
  o.crashed = r.crashed;
  o.compensated = r.compensated;
  o.journals = r.leftover_journals;
  o.supers = r.orphan_super_journals;
  o.wals = r.leftover_wal;
  for (const TransferRecord& t : r.log) {
    o.acked += t.acked();
    if (t.answered) o.rcs.push_back(t.rc);
  }
  o.fired = r.fail_fired;
  return o;
}

struct PlannedTrial {
  size_t cell = 0;
  TrialSpec spec;
  int64_t point = -1;
};

StatusOr<TrialResult> CleanRun(const TrialRunner& runner, const TrialSpec& spec, const std::string& dir,
                               const std::string& cell_name) {
  SHARDLAB_ASSIGN_OR_RETURN(TrialResult r, runner.Run(spec, dir, nullptr));
  if (r.outcome != "new") {
    return Status::Runtime("the clean run of " + cell_name + " gave `" + r.outcome + "` (" + r.detail +
                           "); a run without a fault must apply every transfer");
  }
  return r;
}

Json EventsJsonOf(const std::vector<IoEvent>& events) {
  Json out = Json::array();
  for (const IoEvent& e : events) {
    out.push_back({{"index", e.index}, {"op", IoOpName(e.op)}, {"role", FileRoleName(e.role)}, {"file", e.file}});
  }
  return out;
}

}  // namespace

Status RunForkEngine(const TrialRunner& runner, const CampaignSpec& c, std::vector<CellRun>& runs,
                     const CampaignProgress& progress) {
  std::vector<PlannedTrial> plan;
  for (size_t ci = 0; ci < c.cells.size(); ++ci) {
    const CellSpec& cell = c.cells[ci];
    CellRun& run = runs[ci];
    run.engine = "fork";
    TrialSpec base = BaseSpec(cell, c);
    const std::string clean_dir = c.trial_root + "/clean" + std::to_string(ci);
    if (c.campaign == "errors") {
      for (size_t p = 0; p < c.fail_points.size(); ++p) {
        TrialSpec count = base;
        count.fault = "io_error";
        count.fail_point = c.fail_points[p];
        count.fail_k = 0;
        count.record_events = true;
        SHARDLAB_ASSIGN_OR_RETURN(TrialResult clean,
                                  CleanRun(runner, count, clean_dir + "-" + std::to_string(p), CellName(cell)));
        run.calls[c.fail_points[p]] = clean.fail_evaluations;
        run.events = EventsJsonOf(clean.events);
        run.begun_at = clean.begun_at;
        for (int64_t k = 1; k <= std::min<int64_t>(clean.fail_evaluations, c.max_k); ++k) {
          PlannedTrial t{ci, count, -1};
          t.spec.record_events = false;
          t.spec.fail_k = k;
          plan.push_back(std::move(t));
        }
      }
      continue;
    }
    TrialSpec clean_spec = base;
    clean_spec.fault = "none";
    clean_spec.record_events = true;
    SHARDLAB_ASSIGN_OR_RETURN(TrialResult clean, CleanRun(runner, clean_spec, clean_dir, CellName(cell)));
    run.events = EventsJsonOf(clean.events);
    run.begun_at = clean.begun_at;
    const uint32_t n = clean.event_count;
    auto at_point = [&](uint32_t p, bool allow_after) {
      // Point p < n: just before event p (every earlier answer given). Point n: just after
      // the last event (the last answer not yet given: a process cannot die later than that
      // and still be killed by the shim).
      PlannedTrial t{ci, base, p};
      t.spec.crash_event = p < n ? p : static_cast<int64_t>(n) - 1;
      t.spec.crash_after = p >= n && allow_after;
      return t;
    };
    if (c.campaign == "enumerate") {
      for (uint32_t p = 0; p <= n && n > 0; ++p) {
        PlannedTrial t = at_point(p, true);
        t.spec.seed = DeriveSeed(c.seed, "torn", ci, p);
        plan.push_back(std::move(t));
      }
    } else {  // random
      for (int64_t k = 0; k < c.random_trials && n > 0; ++k) {
        Rng rng(DeriveSeed(c.seed, "random-crash", ci, static_cast<uint64_t>(k)));
        PlannedTrial t = at_point(static_cast<uint32_t>(rng.Below(uint64_t{n} + 1)), true);
        t.spec.seed = rng.Next();
        plan.push_back(std::move(t));
      }
    }
  }

  std::vector<StateOutcome> results(plan.size());
  std::vector<bool> seen(plan.size(), false);
  uint64_t done = 0;
  const size_t workers = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(c.workers), plan.size()));
  SHARDLAB_RETURN_IF_ERROR(RunWorkers(
      workers, /*forks_per_unit=*/true,
      [&](size_t w, const EmitLine& emit) {
        for (size_t i = w; i < plan.size(); i += workers) {
          const CellSpec& cell = c.cells[plan[i].cell];
          TrialRunner::KeepIf keep = nullptr;
          if (c.keep_failures) keep = [&cell](const TrialResult& r) { return IsViolation(cell, r.outcome); };
          const auto t0 = std::chrono::steady_clock::now();
          auto r = runner.Run(plan[i].spec, c.trial_root + "/t" + std::to_string(i), keep);
          Json line = {{"i", i}, {"s", SecondsSince(t0)}};
          if (r.ok()) {
            line["r"] = TrialResultToJson(*r);
          } else {
            line["error"] = r.status().message();
          }
          if (!emit(line)) _exit(4);
        }
      },
      [&](const Json& line) -> Status {
        const size_t i = line["i"].get<size_t>();
        if (line.contains("error")) return Status::Runtime("trial " + std::to_string(i) + ": " + line["error"].get<std::string>());
        const TrialResult r = TrialResultFromJson(line["r"]);
        StateOutcome o = FromTrial(r);
        o.point = plan[i].point;
        o.fail_point = plan[i].spec.fail_point;
        o.k = plan[i].spec.fail_k;
        o.where = {{"spec", TrialSpecToJson(plan[i].spec)}};
        if (plan[i].point >= 0) {
          o.where["event"] = EventJson(runs[plan[i].cell].events, plan[i].spec.crash_event);
          o.where["when"] = plan[i].spec.crash_after ? "after" : "before";
        } else {
          o.where["fail_point"] = o.fail_point;
          o.where["k"] = o.k;
        }
        results[i] = std::move(o);
        seen[i] = true;
        runs[plan[i].cell].seconds += line["s"].get<double>() / static_cast<double>(workers);
        if (progress) progress(++done, plan.size());
        return Status::Ok();
      }));
  for (size_t i = 0; i < plan.size(); ++i) {
    if (!seen[i]) return Status::Runtime("trial " + std::to_string(i) + ": its worker died without a report");
    runs[plan[i].cell].states.push_back(std::move(results[i]));
  }
  return Status::Ok();
}

}  // namespace shardlab
