#include "faults/replay.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <set>

#include "core/elapsed.h"
#include "core/json.h"
#include "faults/crash_vfs.h"
#include "faults/recovery.h"
#include "workloads/rng.h"

namespace shardlab {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::Runtime(what + " " + path + ": " + std::strerror(errno));
}

FileSet TemplateFiles(const TrialRunner& runner, const std::string& journal_mode) {
  FileSet files;
  if (const auto* t = runner.Templates(journal_mode)) {
    for (size_t s = 0; s < t->size(); ++s) files[runner.bank().ShardFile(static_cast<uint32_t>(s))] = (*t)[s];
  }
  return files;
}

Json EventsJson(const IoTrace& trace) {
  Json events = Json::array();
  for (const TraceOp& op : trace.ops) {
    events.push_back({{"index", op.event.index}, {"op", IoOpName(op.event.op)}, {"role", FileRoleName(op.event.role)},
                      {"file", op.event.file}});
  }
  return events;
}

}  // namespace

StatusOr<IoTrace> RecordTrace(const TrialRunner& runner, const CellSpec& cell, uint32_t transfers, uint32_t prng_seed,
                              const std::string& dir) {
  const FileSet templates = TemplateFiles(runner, cell.journal_mode);
  if (templates.empty()) return Status::Runtime("no template for journal mode " + cell.journal_mode);
  SHARDLAB_RETURN_IF_ERROR(WriteState(dir, templates));
  IoTrace trace;
  SHARDLAB_ASSIGN_OR_RETURN(CrashVfs * shim, CrashVfs::Get());
  const Bank& bank = runner.bank();
  SHARDLAB_ASSIGN_OR_RETURN(std::unique_ptr<TransferRunner> transfers_runner,
                            TransferRunner::Open(cell.strategy, dir, bank, cell.journal_mode,
                                                 cell.synchronous, CrashVfs::kName));
  // What the transfers start from: the templates, and the files opening them made (WAL mode
  // creates an empty -wal when the connection first reads). Files present when recording
  // starts are taken as durable, as the power-loss model takes files it never heard of.
  SHARDLAB_ASSIGN_OR_RETURN(trace.initial, ReadState(dir));
  CrashVfs::Plan plan;
  plan.trace = &trace;
  SeedSqliteRandomness(prng_seed);
  shim->Start(plan, nullptr);
  const uint32_t n = std::min<uint32_t>(transfers, static_cast<uint32_t>(bank.transfers().size()));
  for (uint32_t i = 0; i < n; ++i) {
    TransferMark mark;
    mark.begun_at = shim->events();
    mark.rc = transfers_runner->Run(bank.transfers()[i]);
    mark.answered_at = shim->events();
    mark.answered = true;
    trace.transfers.push_back(mark);
  }
  shim->Stop();
  transfers_runner.reset();
  for (const TransferMark& m : trace.transfers) {
    if (m.rc != 0) {
      return Status::Runtime("the recording of " + CellName(cell) + " failed: a transfer's COMMIT returned " +
                             std::to_string(m.rc) + "; a run without a fault must apply every transfer");
    }
  }
  return trace;
}

std::vector<TransferRecord> LogAt(const IoTrace& trace, uint32_t point) {
  std::vector<TransferRecord> log;
  for (const TransferMark& m : trace.transfers) {
    TransferRecord r;
    r.begun = m.begun_at <= point;
    r.answered = m.answered && m.answered_at <= point;
    r.rc = r.answered ? m.rc : 0;
    log.push_back(r);
  }
  return log;
}

Status WriteState(const std::string& dir, const FileSet& files) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return Errno("cannot open", dir);
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || files.contains(name)) continue;
    if (unlink((dir + "/" + name).c_str()) != 0) {
      closedir(d);
      return Errno("cannot remove", dir + "/" + name);
    }
  }
  closedir(d);
  for (const auto& [name, bytes] : files) {
    const std::string path = dir + "/" + name;
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("cannot create", path);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t w = write(fd, bytes.data() + done, bytes.size() - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        close(fd);
        return Errno("cannot write", path);
      }
      done += static_cast<size_t>(w);
    }
    close(fd);
  }
  return Status::Ok();
}

StatusOr<FileSet> ReadState(const std::string& dir) {
  FileSet files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return Errno("cannot open", dir);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != ".." && RoleOfPath(name) != FileRole::kShm) names.push_back(name);
  }
  closedir(d);
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open", path);
    std::string bytes;
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        close(fd);
        return Errno("cannot read", path);
      }
      bytes.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    files[name] = std::move(bytes);
  }
  return files;
}

std::string FirstDifference(const FileSet& replayed, const FileSet& real) {
  for (const auto& [name, bytes] : real) {
    const auto it = replayed.find(name);
    if (it == replayed.end()) return name + " exists after the kill but not in the replayed state";
    if (it->second == bytes) continue;
    if (it->second.size() != bytes.size()) {
      return name + ": " + std::to_string(bytes.size()) + " bytes after the kill, " + std::to_string(it->second.size()) +
             " replayed";
    }
    size_t at = 0;
    while (at < bytes.size() && bytes[at] == it->second[at]) ++at;
    return name + ": the bytes differ from offset " + std::to_string(at);
  }
  for (const auto& entry : replayed) {
    if (!real.contains(entry.first)) return entry.first + " is in the replayed state but not on disk after the kill";
  }
  return "";
}

CellStates GenerateStates(const IoTrace& trace, const std::string& model, const CampaignSpec& c, uint64_t cell_seed) {
  CellStates out;
  const std::vector<uint32_t> durable_at = DurableAt(trace);
  const uint32_t n = trace.size();
  const bool enumerate = c.campaign == "enumerate";
  for (uint32_t p = 0; p <= n; ++p) {
    PointStates ps = StatesAt(trace, durable_at, model, p, enumerate ? c.max_states_per_point : 0,
                              DeriveSeed(cell_seed, "point", p));
    out.possible += ps.possible;
    if (enumerate) {
      for (CrashState& s : ps.states) out.states.push_back(std::move(s));
    }
  }
  if (!enumerate) {
    for (int64_t k = 0; k < c.random_trials; ++k) {
      Rng rng(DeriveSeed(cell_seed, "random-state", static_cast<uint64_t>(k)));
      const uint32_t p = static_cast<uint32_t>(rng.Below(uint64_t{n} + 1));
      out.states.push_back(RandomStateAt(trace, durable_at, model, p, rng.Next()));
    }
  }
  return out;
}

StatusOr<Recovered> RecoverWithCrashes(const Bank& bank, bool saga, const std::string& dir, const FileSet& files,
                                       RecoveryCrashTally& tally) {
  SHARDLAB_ASSIGN_OR_RETURN(CrashVfs * shim, CrashVfs::Get());
  IoTrace trace;
  trace.initial = files;
  CrashVfs::Plan plan;
  plan.trace = &trace;
  shim->Start(plan, nullptr);
  Recovered clean = RecoverShards(bank, dir, saga, CrashVfs::kName);
  shim->Stop();
  bool does_io = false;
  for (const TraceOp& op : trace.ops) does_io = does_io || op.Mutates();
  if (!does_io) return clean;
  const std::vector<uint32_t> durable_at = DurableAt(trace);
  std::set<ContentKey> seen;
  for (uint32_t q = 0; q < trace.size(); ++q) {
    for (const char* model : {"process_crash", "power_loss"}) {
      const FileSet interrupted = Materialize(trace, StatesAt(trace, durable_at, model, q, 1, 0).states.at(0));
      if (!seen.insert(KeyOf(interrupted)).second) continue;
      ++tally.states;
      SHARDLAB_RETURN_IF_ERROR(WriteState(dir, interrupted));
      const Recovered again = RecoverShards(bank, dir, saga);
      if (SameReadings(again.after, clean.after)) continue;
      ++tally.differing;
      if (tally.differences.size() < 10) {
        std::string what;
        for (size_t s = 0; s < again.after.size(); ++s) {
          if (again.after[s].integrity != "ok") what = bank.ShardFile(static_cast<uint32_t>(s)) + ": " + again.after[s].integrity;
        }
        tally.differences.push_back(std::string(model) + " during recovery, before its event " + std::to_string(q) + " (" +
                                    DescribeOp(trace.ops[q]) + "): recovering again ends differently" +
                                    (what.empty() ? "" : " (" + what + ")"));
      }
    }
  }
  return clean;
}

StateLine StateLineFromJson(const Json& line) {
  const Json& s = line.at("s");
  StateLine r;
  r.index = s.at(0).get<size_t>();
  r.point = s.at(1).get<int64_t>();
  r.outcome = s.at(2).get<std::string>();
  r.detail = s.at(3).get<std::string>();
  r.after_failed_commit = s.at(4).get<bool>();
  r.intermediate = s.at(5).get<bool>();
  r.compensated = s.at(6).get<int64_t>();
  r.journals = s.at(7).get<int>();
  r.supers = s.at(8).get<int>();
  r.wals = s.at(9).get<int>();
  r.acked = s.at(10).get<int64_t>();
  r.rcs = s.at(11).get<std::vector<int>>();
  return r;
}

Status ReplayCellShare(const TrialRunner& runner, const CellSpec& cell, const CampaignSpec& c, size_t cell_index,
                       size_t worker, size_t workers, const std::string& dir, const EmitLine& emit) {
  const auto t0 = std::chrono::steady_clock::now();
  const Bank& bank = runner.bank();
  const uint64_t cell_seed = DeriveSeed(c.seed, "replay-cell", cell_index);
  SHARDLAB_ASSIGN_OR_RETURN(IoTrace trace, RecordTrace(runner, cell, c.transfers, PrngSeedOf(c.seed), dir));
  if (worker == 0) {
    Json begun = Json::array();
    for (const TransferMark& m : trace.transfers) begun.push_back(m.begun_at);
    const TraceStats st = StatsOf(trace);
    emit({{"cell", cell_index},
          {"events", EventsJson(trace)},
          {"begun_at", begun},
          {"trace", {{"writes", st.writes}, {"bytes_written", st.bytes_written}, {"syncs", st.syncs},
                     {"dir_syncs", st.dir_syncs}, {"creates", st.creates}, {"deletes", st.deletes},
                     {"truncates", st.truncates}}}});
  }

  // Crosscheck first: it needs the recording's directory with the templates in it.
  for (int64_t k = static_cast<int64_t>(worker); k < c.crosscheck && trace.size() > 0; k += static_cast<int64_t>(workers)) {
    Rng rng(DeriveSeed(c.seed, "crosscheck", cell_index, static_cast<uint64_t>(k)));
    const uint32_t e = static_cast<uint32_t>(rng.Below(trace.size()));
    SHARDLAB_RETURN_IF_ERROR(WriteState(dir, trace.initial));
    TrialSpec spec = TrialSpecOf(cell);
    spec.fault = "process_crash";
    spec.torn = false;
    spec.crash_event = e;
    spec.transfers = c.transfers;
    spec.timeout_s = c.timeout_s;
    spec.prng_seed = PrngSeedOf(c.seed);
    SHARDLAB_ASSIGN_OR_RETURN(TrialResult killed, runner.RunChildIn(spec, dir));
    std::string detail;
    if (!killed.crashed) {
      detail = "the child was not killed at event " + std::to_string(e) + " (" + killed.outcome + ")";
    } else {
      SHARDLAB_ASSIGN_OR_RETURN(FileSet real, ReadState(dir));
      detail = FirstDifference(Materialize(trace, CrashState{e, {}, {}, 0}), real);
    }
    emit({{"cell", cell_index}, {"crosscheck", k}, {"event", e}, {"identical", detail.empty()}, {"detail", detail}});
  }

  const CellStates states = GenerateStates(trace, cell.fault, c, cell_seed);
  std::string state_dir = dir;
  if (c.relocate) {
    // As a restore or a move to another disk does: the files, at another path.
    state_dir = dir + ".moved";
    if (access(state_dir.c_str(), F_OK) != 0 && mkdir(state_dir.c_str(), 0755) != 0) return Errno("cannot create", state_dir);
  }
  std::map<ContentKey, size_t> distinct_of;
  std::map<ContentKey, ContentKey> content_of_signature;  // spares materialising a state twice
  std::map<size_t, Recovered> recovered;  // this worker's distinct states
  RecoveryCrashTally recovery_tally;
  const bool saga = cell.strategy == "saga";
  for (size_t i = 0; i < states.states.size(); ++i) {
    const CrashState& state = states.states[i];
    FileSet files;
    const ContentKey signature = SignatureOf(trace, state);
    auto known = content_of_signature.find(signature);
    if (known == content_of_signature.end()) {
      files = Materialize(trace, state);
      known = content_of_signature.emplace(signature, KeyOf(files)).first;
    }
    const auto [it, fresh] = distinct_of.emplace(known->second, distinct_of.size());
    if (it->second % workers != worker) continue;
    if (fresh) {
      SHARDLAB_RETURN_IF_ERROR(WriteState(state_dir, files));
      if (c.recovery_crashes) {
        SHARDLAB_ASSIGN_OR_RETURN(Recovered rec, RecoverWithCrashes(bank, saga, state_dir, files, recovery_tally));
        recovered.emplace(it->second, std::move(rec));
      } else {
        recovered.emplace(it->second, RecoverShards(bank, state_dir, saga));
      }
    }
    const Recovered& rec = recovered.at(it->second);
    const std::vector<TransferRecord> log = LogAt(trace, state.point);
    const Judged judged = Judge(bank, rec, log);
    int64_t acked = 0;
    Json rcs = Json::array();
    for (const TransferRecord& t : log) {
      acked += t.acked();
      if (t.answered) rcs.push_back(t.rc);
    }
    const bool violation = IsViolation(cell, judged.verdict.outcome);
    Json line = {{"cell", cell_index},
                 {"s",
                  {i, state.point, judged.verdict.outcome, violation ? judged.verdict.detail : "",
                   judged.verdict.after_failed_commit, judged.intermediate, rec.saga_counts.compensated,
                   rec.leftover_journals, rec.orphan_super_journals, rec.leftover_wal, acked, rcs}}};
    if (violation) line["state"] = CrashStateToJson(state);
    if (!emit(line)) return Status::Runtime("the campaign's parent is gone");
  }
  Json stats = {{"explored", states.states.size()},
                {"distinct", distinct_of.size()},
                {"possible", states.possible},
                {"recovered", recovered.size()},
                {"seconds", SecondsSince(t0)}};
  if (c.recovery_crashes) {
    stats["recovery_crashes"] = {{"states", recovery_tally.states},
                                 {"differing", recovery_tally.differing},
                                 {"differences", recovery_tally.differences}};
  }
  emit({{"cell", cell_index}, {"stats", std::move(stats)}});
  return Status::Ok();
}

}  // namespace shardlab
