#include "faults/campaign.h"

#include <sqlite3.h>

#include <cmath>
#include <map>

#include "core/json.h"
#include "faults/cell_run.h"
#include "workloads/rng.h"

namespace shardlab {

Json EventJson(const Json& events, int64_t index) {
  if (index < 0 || static_cast<size_t>(index) >= events.size()) return nullptr;
  return events[static_cast<size_t>(index)];
}

namespace {

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
    SHARDLAB_RETURN_IF_ERROR(RunReplayEngine(runner, c, runs, progress));
  } else {
    SHARDLAB_RETURN_IF_ERROR(RunForkEngine(runner, c, runs, progress));
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
