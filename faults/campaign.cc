#include "faults/campaign.h"

#include <malloc.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

#include "core/child_process.h"
#include "core/json.h"
#include "faults/fail_points.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

constexpr size_t kMaxViolationsListed = 50;

struct PlannedTrial {
  size_t cell = 0;
  TrialSpec spec;
  IoEvent event;       // the event it crashes at (enumerate, random)
  bool has_event = false;
};

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
  return s;
}

std::string CellName(const CellSpec& c) {
  return c.strategy + "/" + c.journal_mode + "/" + c.synchronous + "/" + c.fault;
}

Json EventJson(const IoEvent& e) {
  return {{"index", e.index}, {"op", IoOpName(e.op)}, {"role", FileRoleName(e.role)}, {"file", e.file}};
}

// The clean run of a cell: no fault (or a fail point that only counts), events recorded.
StatusOr<TrialResult> CleanRun(const TrialRunner& runner, const TrialSpec& spec, const std::string& dir,
                               const std::string& cell_name) {
  SHARDLAB_ASSIGN_OR_RETURN(TrialResult r, runner.Run(spec, dir, nullptr));
  if (r.outcome != "new") {
    return Status::Runtime("the clean run of " + cell_name + " gave `" + r.outcome + "` (" + r.detail +
                           "); a run without a fault must apply every transfer");
  }
  return r;
}

// Runs the planned trials on `workers` forked processes; results in plan order.
StatusOr<std::vector<TrialResult>> RunTrials(const TrialRunner& runner, const CampaignSpec& c,
                                             const std::vector<PlannedTrial>& plan,
                                             const std::vector<CellSpec>& cells, const CampaignProgress& progress) {
  const size_t workers = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(c.workers), plan.size()));
  struct Worker {
    pid_t pid;
    int fd;
    std::string buffer;
  };
  std::vector<Worker> ws;
  for (size_t w = 0; w < workers; ++w) {
    auto child = ForkWithPipe([&](int fd) {
      for (const Worker& other : ws) close(other.fd);
      // Every trial forks from this worker, and a child's first malloc that consolidates
      // fastbins writes all over the inherited heap (a copy-on-write fault per page, ~15 us
      // each on a VM). Without fastbins and with a trimmed heap, children touch far less.
      mallopt(M_MXFAST, 0);
      malloc_trim(0);
      for (size_t i = w; i < plan.size(); i += workers) {
        const CellSpec& cell = cells[plan[i].cell];
        TrialRunner::KeepIf keep = nullptr;
        if (c.keep_failures) keep = [&cell](const TrialResult& r) { return IsViolation(cell, r); };
        auto r = runner.Run(plan[i].spec, c.trial_root + "/t" + std::to_string(i), keep);
        Json line = {{"i", i}};
        if (r.ok()) {
          line["r"] = TrialResultToJson(*r);
        } else {
          line["error"] = r.status().message();
        }
        if (!WriteAll(fd, line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n")) _exit(4);
      }
      _exit(0);
    });
    if (!child.ok()) return child.status();
    ws.push_back({child->pid, child->read_fd, ""});
  }
  std::vector<TrialResult> results(plan.size());
  std::vector<bool> seen(plan.size(), false);
  uint64_t done = 0;
  Status first_error;
  size_t open_pipes = ws.size();
  std::vector<pollfd> polls;
  while (open_pipes > 0) {
    polls.clear();
    for (const Worker& w : ws) polls.push_back({w.fd, POLLIN, 0});
    if (poll(polls.data(), polls.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return Status::Runtime(std::string("poll: ") + std::strerror(errno));
    }
    for (size_t k = 0; k < ws.size(); ++k) {
      if (ws[k].fd < 0 || polls[k].revents == 0) continue;
      char buf[65536];
      const ssize_t n = read(ws[k].fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(ws[k].fd);
        ws[k].fd = -1;
        --open_pipes;
        continue;
      }
      ws[k].buffer.append(buf, static_cast<size_t>(n));
      size_t nl;
      while ((nl = ws[k].buffer.find('\n')) != std::string::npos) {
        const Json line = Json::parse(ws[k].buffer.substr(0, nl));
        ws[k].buffer.erase(0, nl + 1);
        const size_t i = line["i"].get<size_t>();
        if (line.contains("error")) {
          if (first_error.ok()) first_error = Status::Runtime("trial " + std::to_string(i) + ": " + line["error"].get<std::string>());
        } else {
          results[i] = TrialResultFromJson(line["r"]);
        }
        seen[i] = true;
        if (progress) progress(++done, plan.size());
      }
    }
  }
  for (const Worker& w : ws) {
    int status = 0;
    waitpid(w.pid, &status, 0);
  }
  if (!first_error.ok()) return first_error;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (!seen[i]) return Status::Runtime("trial " + std::to_string(i) + ": its worker died without a report");
  }
  return results;
}

// The commit point of an enumerate cell: the event after which every crash gives `new`
// and before which none does. Positions run before e0, after e0, before e1, ...
Json CommitPoint(const std::vector<IoEvent>& events, const std::vector<std::string>& outcomes) {
  if (events.empty() || outcomes.size() != 2 * events.size()) return nullptr;
  size_t first_new = outcomes.size();
  while (first_new > 0 && outcomes[first_new - 1] == "new") --first_new;
  if (first_new == outcomes.size()) return nullptr;
  bool clean_before = true;
  for (size_t p = 0; p < first_new; ++p) clean_before = clean_before && outcomes[p] == "old";
  Json cp;
  if (first_new == 0) {
    cp["event"] = nullptr;
    cp["text"] = "before the first event";
  } else {
    // Every crash from position p on gives new. Position 2e+1 is "after event e"; position
    // 2e is "before event e", the same moment as "after event e-1".
    const size_t e = first_new % 2 == 0 ? first_new / 2 - 1 : first_new / 2;
    const IoEvent& ev = events[e];
    cp["event"] = EventJson(ev);
    cp["text"] = std::string("after ") + IoOpName(ev.op) + " " + FileRoleName(ev.role) +
                 (ev.role == FileRole::kDirectory ? "" : " (" + ev.file + ")");
  }
  cp["clean"] = clean_before;  // everything before it was old (no mixed, lost, ...)
  return cp;
}

}  // namespace

bool DurabilityPromised(const CellSpec& cell) {
  if (cell.journal_mode == "memory" || cell.journal_mode == "off") return false;
  if (cell.fault == "process_crash" || cell.fault == "io_error") return true;  // the OS keeps what was written
  // Power loss: WAL with FULL or EXTRA syncs the WAL at each commit; the rollback modes
  // need EXTRA to sync the directory after the journal is deleted (SQLite's docs).
  if (cell.synchronous == "extra") return true;
  return cell.synchronous == "full" && cell.journal_mode != "delete";
}

bool ExpectedUnsafe(const CellSpec& cell) {
  return cell.journal_mode == "memory" || cell.journal_mode == "off" || cell.synchronous == "off";
}

bool IsViolation(const CellSpec& cell, const TrialResult& r) {
  return r.outcome == "mixed" || r.outcome == "corrupt" || (r.outcome == "lost" && DurabilityPromised(cell));
}

StatusOr<Json> RunCampaign(const TrialRunner& runner, const CampaignSpec& c, const std::string& repro_command,
                           const CampaignProgress& progress) {
  std::vector<PlannedTrial> plan;
  std::vector<std::vector<IoEvent>> cell_events(c.cells.size());
  std::vector<Json> cell_counts(c.cells.size(), Json::object());
  for (size_t ci = 0; ci < c.cells.size(); ++ci) {
    const CellSpec& cell = c.cells[ci];
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
        const int64_t calls = std::min<int64_t>(clean.fail_evaluations, c.max_k);
        cell_counts[ci][c.fail_points[p]] = clean.fail_evaluations;
        cell_events[ci] = clean.events;
        for (int64_t k = 1; k <= calls; ++k) {
          PlannedTrial t{ci, count, {}, false};
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
    cell_events[ci] = clean.events;
    const uint32_t n = clean.event_count;
    if (c.campaign == "enumerate") {
      for (uint32_t e = 0; e < n; ++e) {
        for (bool after : {false, true}) {
          PlannedTrial t{ci, base, clean.events[e], true};
          t.spec.crash_event = e;
          t.spec.crash_after = after;
          t.spec.seed = DeriveSeed(c.seed, "torn", ci, 2 * e + (after ? 1 : 0));
          plan.push_back(std::move(t));
        }
      }
    } else {  // random
      for (int64_t k = 0; k < c.random_trials; ++k) {
        Rng rng(DeriveSeed(c.seed, "random-crash", ci, static_cast<uint64_t>(k)));
        const uint32_t e = static_cast<uint32_t>(rng.Below(std::max<uint32_t>(n, 1)));
        PlannedTrial t{ci, base, n > 0 ? clean.events[e] : IoEvent{}, n > 0};
        t.spec.crash_event = e;
        t.spec.crash_after = rng.Below(2) == 1;
        t.spec.seed = rng.Next();
        plan.push_back(std::move(t));
      }
    }
  }

  SHARDLAB_ASSIGN_OR_RETURN(std::vector<TrialResult> results, RunTrials(runner, c, plan, c.cells, progress));

  Json cells = Json::array();
  for (size_t ci = 0; ci < c.cells.size(); ++ci) {
    const CellSpec& cell = c.cells[ci];
    Json out;
    out["strategy"] = cell.strategy;
    out["journal_mode"] = cell.journal_mode;
    out["synchronous"] = cell.synchronous;
    out["fault"] = cell.fault;
    out["campaign"] = c.campaign;
    out["simulated"] = cell.fault.rfind("power_loss", 0) == 0;  // the power-loss model, not a real power cut
    out["durability_promised"] = DurabilityPromised(cell);
    out["expected_unsafe"] = ExpectedUnsafe(cell);
    out["events"] = cell_events[ci].size();
    std::map<std::string, int64_t> counts = {{"old", 0},  {"new", 0},     {"mixed", 0},
                                             {"lost", 0}, {"corrupt", 0}, {"hung", 0}};
    int64_t trials = 0, violations = 0, intermediate = 0, compensated = 0, failed_commits = 0, crashed = 0;
    int64_t journals = 0, supers = 0, wals = 0;
    std::map<std::string, int64_t> rcs;
    Json violation_list = Json::array();
    Json timeline = Json::array();
    Json error_rows = Json::array();
    std::vector<std::string> outcomes;
    for (size_t i = 0; i < plan.size(); ++i) {
      if (plan[i].cell != ci) continue;
      const TrialResult& r = results[i];
      ++trials;
      ++counts[r.outcome];
      intermediate += r.intermediate;
      compensated += r.compensated;
      crashed += r.crashed;
      journals += r.leftover_journals;
      supers += r.orphan_super_journals;
      wals += r.leftover_wal;
      for (const TransferRecord& t : r.log) {
        if (t.answered) {
          ++rcs[std::to_string(t.rc)];
          failed_commits += t.rc != 0;
        }
      }
      if (c.campaign == "enumerate") outcomes.push_back(r.outcome);
      if (c.campaign == "errors") {
        int last_rc = 0;
        for (const TransferRecord& t : r.log) {
          if (t.answered && t.rc != 0) last_rc = t.rc;
        }
        error_rows.push_back({{"fail_point", plan[i].spec.fail_point},
                              {"k", plan[i].spec.fail_k},
                              {"fired", r.fail_fired},
                              {"rc", last_rc},
                              {"rc_text", sqlite3_errstr(last_rc)},
                              {"outcome", r.outcome}});
      }
      if (IsViolation(cell, r)) {
        ++violations;
        if (violation_list.size() < kMaxViolationsListed) {
          Json v = {{"trial", i}, {"outcome", r.outcome}, {"detail", r.detail}, {"spec", TrialSpecToJson(plan[i].spec)},
                    {"repro", repro_command + " " + std::to_string(i)}};
          if (plan[i].has_event) {
            v["event"] = EventJson(plan[i].event);
            v["when"] = plan[i].spec.crash_after ? "after" : "before";
          } else if (c.campaign == "errors") {
            v["fail_point"] = plan[i].spec.fail_point;
            v["k"] = plan[i].spec.fail_k;
          }
          violation_list.push_back(std::move(v));
        }
      }
    }
    out["trials"] = trials;
    for (const auto& [name, n] : counts) out[name] = n;
    out["violations_total"] = violations;
    out["violations"] = violation_list;
    out["crashed"] = crashed;
    out["failed_commits"] = failed_commits;
    out["commit_rcs"] = rcs;
    out["leftover"] = {{"journals", journals}, {"super_journals", supers}, {"wal", wals}};
    if (cell.strategy == "saga") {
      out["intermediate"] = intermediate;
      out["compensated"] = compensated;
    }
    if (c.campaign == "enumerate") {
      const auto& events = cell_events[ci];
      for (size_t e = 0; e < events.size() && 2 * e + 1 < outcomes.size(); ++e) {
        Json point = EventJson(events[e]);
        point["before"] = outcomes[2 * e];
        point["after"] = outcomes[2 * e + 1];
        timeline.push_back(std::move(point));
      }
      out["timeline"] = timeline;
      out["commit_point"] = CommitPoint(events, outcomes);
    }
    if (c.campaign == "errors") {
      out["calls"] = cell_counts[ci];
      out["errors"] = error_rows;
    }
    cells.push_back(std::move(out));
  }
  return cells;
}

}  // namespace shardlab
