#include "kinds/crash/crash_summary.h"

#include <sstream>
#include <vector>

#include "core/json.h"
#include "core/str_format.h"

namespace shardlab {
namespace {

std::string CrashCount(const Json& c, const char* key) {
  return Thousands(static_cast<uint64_t>(c.value(key, int64_t{0})));
}

// Two lines of the campaign, then one aligned table row per cell (at most 100 columns);
// what only some cells have (recovery crashes, a clean commit point) goes on indented
// lines under the cell's row. xcheck: fork trials identical to the replay / trials.
// "53.3/54.7" ({p50, max} in ms), "-" when nothing was measured.
std::string P50Max(const Json& c, const char* key) {
  const auto it = c.find(key);
  if (it == c.end() || !it->is_object()) return "-";
  return Fixed((*it)["p50"].get<double>(), 1) + "/" + Fixed((*it)["max"].get<double>(), 1);
}

// The 2pc cells: one row per server count and fault; a cell that could not run says why.
void SummarizeTwoPhase(const Json& cells, std::ostringstream& out) {
  std::vector<std::vector<std::string>> rows = {{"servers", "fault", "trials", "old", "new", "mixed", "lost", "interm",
                                                 "blocked", "wait ms", "resolve ms", "left"}};
  std::vector<std::string> unavailable, notes;
  std::string version;
  double down_ms = -1;
  for (const Json& c : cells) {
    const std::string fault = c.value("fault", "");
    const std::string servers = c.contains("participants") ? c["participants"].dump() : "?";
    if (c.contains("unavailable")) {
      unavailable.push_back(servers + " servers, " + fault + ": " + c["unavailable"].get<std::string>());
      continue;
    }
    if (c.contains("servers")) version = c["servers"].value("server_version", "");
    down_ms = c.value("down_ms", 0.0);
    rows.push_back({servers, fault, CrashCount(c, "trials"), CrashCount(c, "old"), CrashCount(c, "new"),
                    CrashCount(c, "mixed"), CrashCount(c, "lost"), CrashCount(c, "intermediate"),
                    CrashCount(c, "blocked"), P50Max(c, "blocked_ms"), P50Max(c, "resolve_ms"),
                    CrashCount(c, "leftover_prepared")});
    std::string note = servers + " servers " + fault + ": trials at " + HumanRate(c.value("trials_per_s", 0.0)) + ", " +
                       CrashCount(c, "as_expected") + "/" + CrashCount(c, "trials") + " as the step implies";
    if (c.value("participant_restarts", int64_t{0}) > 0) note += ", " + CrashCount(c, "participant_restarts") + " restarts";
    notes.push_back(note);
  }
  out << "  2pc over PostgreSQL" << (version.empty() ? "" : " " + version.substr(0, version.find(' ')));
  if (down_ms >= 0) out << " (coordinator down " << Fixed(down_ms, 0) << " ms; wait: a writer's p50/max)";
  out << ":\n";
  for (const std::string& line : unavailable) out << "    " << line << "\n";
  if (rows.size() > 1) {
    for (const std::string& line : AlignColumns(rows, 2, "    ")) out << line << "\n";
    for (const std::string& note : notes) out << "    " << note << "\n";
  }
}

}  // namespace

std::string SummarizeCrash(const Json& r) {
  std::ostringstream out;
  const Json& sc = r["scenario"];
  const Json& m = r["metrics"];
  Json cells = Json::array(), two_phase = Json::array();
  for (const Json& c : m["cells"]) (c.value("strategy", "") == "2pc" ? two_phase : cells).push_back(c);
  if (cells.empty()) {
    SummarizeTwoPhase(two_phase, out);
    return WrapLongLines(out.str());
  }
  const bool replay = m.value("engine", "") == "replay";
  const uint64_t trials = static_cast<uint64_t>(m.value("trials", int64_t{0}));
  for (const std::string& line :
       WrapJoined({sc["shards"]["count"].dump() + " shards", m["accounts"].dump() + " accounts",
                   "campaign " + sc["crash"]["campaign"].get<std::string>(),
                   "engine " + m.value("engine", "") + " (power_loss models are simulated)"},
                  ", ", "  ")) {
    out << line << "\n";
  }
  out << "  "
      << (replay ? Thousands(trials) + " states judged, " +
                       Thousands(static_cast<uint64_t>(m.value("states_distinct", int64_t{0}))) + " distinct (" +
                       HumanRate(m.value("states_per_s", 0.0)) + ")"
                 : Thousands(trials) + " trials (" + HumanRate(m.value("trials_per_s", 0.0)) + ")")
      << "\n";

  // One synchronous setting for every cell (the common case): said once, not a column.
  std::string one_sync;
  for (const Json& c : cells) {
    const std::string sync = c.value("synchronous", "");
    if (one_sync.empty()) one_sync = sync;
    if (sync != one_sync) {
      one_sync.clear();
      break;
    }
  }
  const bool sync_column = one_sync.empty();
  bool any_hung = false, any_distinct = false, any_intermediate = false, any_crosscheck = false;
  for (const Json& c : cells) {
    any_hung = any_hung || c.value("hung", int64_t{0}) > 0;
    any_distinct = any_distinct || c.contains("states_distinct");
    any_intermediate = any_intermediate || c.contains("intermediate");
    any_crosscheck = any_crosscheck || c.contains("crosscheck");
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"strategy", "journal", "sync", "fault", replay ? "states" : "trials",
                                     "old",      "new",     "mixed", "lost", "corrupt"};
  if (!sync_column) header.erase(header.begin() + 2);
  if (any_hung) header.push_back("hung");
  if (any_intermediate) header.push_back("interm");
  if (any_distinct) header.push_back("distinct");
  if (any_crosscheck) header.push_back("xcheck");  // fork trials identical to the replay
  rows.push_back(header);
  std::vector<std::vector<std::string>> extras;
  for (const Json& c : cells) {
    std::vector<std::string> row = {c["strategy"].get<std::string>(), c["journal_mode"].get<std::string>(),
                                    c["synchronous"].get<std::string>(), c["fault"].get<std::string>(),
                                    CrashCount(c, "trials"), CrashCount(c, "old"), CrashCount(c, "new"),
                                    CrashCount(c, "mixed"), CrashCount(c, "lost"), CrashCount(c, "corrupt")};
    if (!sync_column) row.erase(row.begin() + 2);
    if (any_hung) row.push_back(CrashCount(c, "hung"));
    if (any_intermediate) row.push_back(c.contains("intermediate") ? CrashCount(c, "intermediate") : "-");
    if (any_distinct) row.push_back(c.contains("states_distinct") ? CrashCount(c, "states_distinct") : "-");
    if (any_crosscheck) {
      row.push_back(c.contains("crosscheck")
                        ? c["crosscheck"]["identical"].dump() + "/" + c["crosscheck"]["trials"].dump()
                        : "-");
    }
    rows.push_back(std::move(row));

    std::vector<std::string> extra;
    if (c.contains("recovery_crashes")) {
      extra.push_back("recovery crashed " + c["recovery_crashes"]["states"].dump() + "x, " +
                      c["recovery_crashes"]["differing"].dump() + " ended differently");
    }
    const Json& cp = c.contains("commit_point") ? c["commit_point"] : Json();
    if (cp.is_object() && cp.value("clean", false)) extra.push_back("commits " + cp["text"].get<std::string>());
    extras.push_back(std::move(extra));
  }
  const std::vector<std::string> lines = AlignColumns(rows, sync_column ? 4 : 3, "    ");
  if (!sync_column && !cells.empty()) out << "  every cell at synchronous=" << one_sync << ":\n";
  out << lines[0] << "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    out << lines[i] << "\n";
    for (const std::string& line : WrapJoined(extras[i - 1], "; ", "      ")) out << line << "\n";
  }
  if (!two_phase.empty()) SummarizeTwoPhase(two_phase, out);
  return WrapLongLines(out.str());
}

}  // namespace shardlab
