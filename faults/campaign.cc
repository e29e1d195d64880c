#include "faults/campaign.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "core/elapsed.h"
#include "core/json.h"
#include "faults/crash_state.h"
#include "faults/fail_points.h"
#include "faults/replay.h"
#include "faults/worker_pool.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr size_t kMaxViolationsListed = 50;

// One judged crash state (replay) or trial (fork), as the cell's tallies need it.
struct StateOutcome {
  int64_t point = -1;  // crash point (enumerate, random); -1 for errors trials
  std::string outcome, detail;
  bool after_failed_commit = false, intermediate = false, crashed = false;
  int64_t compensated = 0, acked = 0;
  int journals = 0, supers = 0, wals = 0;
  std::vector<int> rcs;  // result codes of the answered transfers
  Json where;            // how to name it in a violation (spec, state, event, fail point)
  std::string fail_point;
  int64_t k = 0;
  bool fired = false;
};

struct CellRun {
  std::vector<StateOutcome> states;
  Json events = Json::array();
  std::vector<uint32_t> begun_at;  // events issued when each transfer began (the clean run)
  Json calls = Json::object();     // errors: evaluations of each fail point in the clean run
  Json trace;                      // replay: the recorded trace's counts
  std::string engine;
  int64_t explored = 0, distinct = 0;
  double possible = 0;
  double seconds = 0;              // this cell's wall time (the slowest worker's share)
  int64_t cc_trials = 0, cc_identical = 0;
  Json cc_differing = Json::array();
  std::set<int64_t> worker_explored, worker_distinct;  // replay: every worker must agree
  int64_t rc_states = 0, rc_differing = 0;  // replay: crashes during recovery
  Json rc_differences = Json::array();
};

Json EventJson(const Json& events, int64_t index) {
  if (index < 0 || static_cast<size_t>(index) >= events.size()) return nullptr;
  return events[static_cast<size_t>(index)];
}

TrialSpec BaseSpec(const CellSpec& cell, const CampaignSpec& c) {
  TrialSpec s;
  s.strategy = cell.strategy;
  s.journal_mode = cell.journal_mode;
  s.synchronous = cell.synchronous;
  s.fault = cell.fault == "power_loss_torn" ? "power_loss" : cell.fault;
  s.torn = cell.fault == "power_loss_torn";
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

// ---- the fork engine ----

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

Status RunFork(const TrialRunner& runner, const CampaignSpec& c, std::vector<CellRun>& runs,
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

// ---- the replay engine ----

Status RunReplay(const TrialRunner& runner, const CampaignSpec& c, std::vector<CellRun>& runs,
                 const CampaignProgress& progress) {
  ReplayPlan plan;
  plan.campaign = c.campaign;
  plan.transfers = c.transfers;
  plan.random_states = c.random_trials;
  plan.max_states_per_point = c.max_states_per_point;
  plan.crosscheck = c.crosscheck;
  plan.recovery_crashes = c.recovery_crashes;
  plan.relocate = c.relocate;
  plan.timeout_s = c.timeout_s;
  plan.seed = c.seed;
  plan.prng_seed = PrngSeedOf(c.seed);
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
          if (Status st = ReplayCellShare(runner, c.cells[ci], plan, ci, w, workers, dir, emit); !st.ok()) {
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
          const StateLine r = StateLineFromJson(line);
          StateOutcome o;
          o.point = r.point;
          o.outcome = r.outcome;
          o.detail = r.detail;
          o.after_failed_commit = r.after_failed_commit;
          o.intermediate = r.intermediate;
          o.compensated = r.compensated;
          o.journals = r.journals;
          o.supers = r.supers;
          o.wals = r.wals;
          o.acked = r.acked;
          o.rcs = r.rcs;
          o.crashed = true;
          if (line.contains("state")) o.where = {{"state", line["state"]}};
          by_index[ci][r.index] = std::move(o);
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

// ---- one cell's result ----

// The most telling outcome of several: a violation first, then a mix of old and new.
std::string Summarize(const std::map<std::string, int64_t>& counts) {
  for (const char* worst : {"corrupt", "mixed", "lost", "hung"}) {
    if (counts.contains(worst)) return worst;
  }
  if (counts.contains("old") && counts.contains("new")) return "old+new";
  return counts.empty() ? "" : counts.begin()->first;
}

// The commit point of the last transfer: the crash point from which every state gives
// new, within the points where that transfer had begun. Clean when every state before it
// (in that window) gave old.
Json CommitPoint(const Json& events, uint32_t window_start, const std::vector<std::map<std::string, int64_t>>& at) {
  if (at.empty()) return nullptr;
  size_t first_new = at.size();
  auto all_are = [&](size_t p, const char* outcome) { return !at[p].empty() && at[p].size() == 1 && at[p].contains(outcome); };
  while (first_new > window_start && all_are(first_new - 1, "new")) --first_new;
  if (first_new == at.size()) return nullptr;
  bool clean = true;
  for (size_t p = window_start; p < first_new; ++p) clean = clean && all_are(p, "old");
  Json cp;
  if (first_new == 0) {
    cp["event"] = nullptr;
    cp["text"] = "before the first event";
  } else {
    const Json ev = EventJson(events, static_cast<int64_t>(first_new) - 1);
    cp["event"] = ev;
    if (!ev.is_null()) {
      cp["text"] = "after " + ev["op"].get<std::string>() + " " + ev["role"].get<std::string>() +
                   (ev["role"] == "directory" ? "" : " (" + ev["file"].get<std::string>() + ")");
    }
  }
  cp["clean"] = clean;  // every crash before it (since the transfer began) gave old
  return cp;
}

Json CellJson(const CellSpec& cell, const CampaignSpec& c, const CellRun& run, size_t trial_offset,
              const std::string& repro_command) {
  Json out;
  out["strategy"] = cell.strategy;
  out["journal_mode"] = cell.journal_mode;
  out["synchronous"] = cell.synchronous;
  out["fault"] = cell.fault;
  out["campaign"] = c.campaign;
  out["engine"] = run.engine;
  out["simulated"] = IsPowerLoss(cell.fault);  // a persistence model, not a real power cut
  out["durability_promised"] = DurabilityPromised(cell);
  out["expected_unsafe"] = ExpectedUnsafe(cell);
  out["events"] = run.events.size();
  std::map<std::string, int64_t> counts = {{"old", 0}, {"new", 0}, {"mixed", 0}, {"lost", 0}, {"corrupt", 0}, {"hung", 0}};
  int64_t violations = 0, intermediate = 0, compensated = 0, failed_commits = 0, crashed = 0, acknowledged = 0;
  int64_t journals = 0, supers = 0, wals = 0;
  std::map<std::string, int64_t> rcs;
  Json violation_list = Json::array();
  Json error_rows = Json::array();
  std::vector<std::map<std::string, int64_t>> at_point(run.events.size() + 1);
  for (size_t i = 0; i < run.states.size(); ++i) {
    const StateOutcome& o = run.states[i];
    ++counts[o.outcome];
    intermediate += o.intermediate;
    compensated += o.compensated;
    crashed += o.crashed;
    acknowledged += o.acked;
    journals += o.journals;
    supers += o.supers;
    wals += o.wals;
    int last_rc = 0;
    for (int rc : o.rcs) {
      ++rcs[std::to_string(rc)];
      failed_commits += rc != 0;
      if (rc != 0) last_rc = rc;
    }
    if (o.point >= 0 && static_cast<size_t>(o.point) < at_point.size()) ++at_point[static_cast<size_t>(o.point)][o.outcome];
    if (c.campaign == "errors") {
      error_rows.push_back({{"fail_point", o.fail_point}, {"k", o.k}, {"fired", o.fired}, {"rc", last_rc},
                            {"rc_text", sqlite3_errstr(last_rc)}, {"outcome", o.outcome}});
    }
    if (IsViolation(cell, o.outcome)) {
      ++violations;
      if (violation_list.size() < kMaxViolationsListed) {
        const size_t trial = trial_offset + i;
        Json v = {{"trial", trial}, {"outcome", o.outcome}, {"detail", o.detail}, {"engine", run.engine},
                  {"repro", repro_command + " " + std::to_string(trial)}};
        if (o.point >= 0) v["point"] = o.point;
        for (const auto& [k, value] : o.where.items()) v[k] = value;
        violation_list.push_back(std::move(v));
      }
    }
  }
  const int64_t trials = static_cast<int64_t>(run.states.size());
  out["trials"] = trials;  // replay: states explored (each judged once)
  for (const auto& [name, n] : counts) out[name] = n;
  out["violations_total"] = violations;
  out["violations"] = violation_list;
  out["crashed"] = crashed;
  out["failed_commits"] = failed_commits;
  out["commit_rcs"] = rcs;
  out["acknowledged"] = acknowledged;
  out["leftover"] = {{"journals", journals}, {"super_journals", supers}, {"wal", wals}};
  if (cell.strategy == "saga") {
    out["intermediate"] = intermediate;
    out["compensated"] = compensated;
  }
  // Checks that could not have failed in this cell say so (expectations on them are unknown).
  Json vacuous = Json::object();
  const double rate = run.seconds > 0 ? std::round((run.engine == "replay" ? run.distinct : trials) / run.seconds * 10) / 10 : 0.0;
  if (run.engine == "replay") {
    out["states_possible"] = run.possible;
    out["states_explored"] = run.explored;
    out["states_distinct"] = run.distinct;
    out["states_per_s"] = rate;
    out["trace"] = run.trace;
    if (c.recovery_crashes) {
      out["recovery_crashes"] = {{"states", run.rc_states}, {"differing", run.rc_differing},
                                 {"differences", run.rc_differences}};
      if (run.rc_states == 0) {
        vacuous["recovery_crashes"] = "no recovery in this cell did any I/O, so none could be crashed";
      }
    }
    if (c.crosscheck > 0) {
      out["crosscheck"] = {{"trials", run.cc_trials}, {"identical", run.cc_identical},
                           {"differing", run.cc_trials - run.cc_identical}, {"differences", run.cc_differing}};
    }
  } else {
    out["trials_per_s"] = rate;
  }
  if (acknowledged == 0 && c.campaign != "errors") {
    vacuous["lost"] = "no transfer was acknowledged at any crash point of this cell, so none could be lost "
                      "(run 2 or more transfers)";
  }
  if (trials == 0) vacuous["mixed"] = "no crash state was judged in this cell";
  if (c.campaign == "enumerate") {
    Json timeline = Json::array();
    for (size_t e = 0; e < run.events.size(); ++e) {
      Json point = run.events[e];
      point["outcome"] = Summarize(at_point[e + 1]);
      point["outcomes"] = at_point[e + 1];
      timeline.push_back(std::move(point));
    }
    out["start"] = {{"outcome", Summarize(at_point[0])}, {"outcomes", at_point[0]}};
    out["timeline"] = timeline;
    const uint32_t window = run.begun_at.empty() ? 0 : run.begun_at.back();
    out["commit_point"] = CommitPoint(run.events, window, at_point);
    if (out["commit_point"].is_null() || !out["commit_point"]["clean"].get<bool>()) {
      vacuous["commit_point"] = "the outcomes of this cell's last transfer do not flip cleanly from old to new at one "
                                "event, so it has no commit point";
    }
  }
  if (c.campaign == "errors") {
    out["calls"] = run.calls;
    out["errors"] = error_rows;
  }
  if (!vacuous.empty()) out["vacuous"] = vacuous;
  return out;
}

}  // namespace

uint32_t PrngSeedOf(uint64_t seed) {
  const uint32_t s = static_cast<uint32_t>(DeriveSeed(seed, "sqlite-prng") & 0x7fffffff);
  return s == 0 ? 1 : s;
}

StatusOr<Json> RunCampaign(const TrialRunner& runner, const CampaignSpec& c, const std::string& repro_command,
                           const CampaignProgress& progress) {
  std::vector<CellRun> runs(c.cells.size());
  if (c.engine == "replay" && c.campaign != "errors") {
    SHARDLAB_RETURN_IF_ERROR(RunReplay(runner, c, runs, progress));
  } else {
    SHARDLAB_RETURN_IF_ERROR(RunFork(runner, c, runs, progress));
  }
  Json cells = Json::array();
  size_t offset = 0;
  for (size_t ci = 0; ci < c.cells.size(); ++ci) {
    cells.push_back(CellJson(c.cells[ci], c, runs[ci], offset, repro_command));
    offset += runs[ci].states.size();
  }
  return cells;
}

}  // namespace shardlab
