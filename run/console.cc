#include "run/console.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "core/json.h"
#include "core/str_format.h"
#include "kinds/registry.h"

namespace shardlab {
namespace {

std::string ShortFigure(double v) { return StrFormat("%.4g", v); }

std::string Paint(const std::string& verdict, bool colour) {
  if (!colour) return verdict;
  const char* code = verdict == "pass" ? "32" : verdict == "fail" ? "31" : "33";
  return std::string("\033[") + code + "m" + verdict + "\033[0m";
}

// An observed value in at most `max_bytes` (arrays of per-shard counts can be long).
std::string Observed(const Json& observed, size_t max_bytes) {
  if (observed.is_number_float()) return ShortFigure(observed.get<double>());
  return Printable(observed.dump(), max_bytes);
}

std::string CheckLines(const Json& c, const ConsoleStyle& style) {
  const std::string verdict = c.value("verdict", "unknown");
  const std::string text = (c.contains("claim") ? c["claim"].get<std::string>() + " " : "") + c.value("name", "");
  std::string value;
  if (c.contains("interval") && c["interval"].is_array() && c["interval"].size() == 2) {
    // A timed claim judged over its repetitions: the metric, the 95 % interval and n.
    value = "observed " + Observed(c["observed"], 40) + " [" + ShortFigure(c["interval"][0].get<double>()) + ", " +
            ShortFigure(c["interval"][1].get<double>()) + "] n=" + c["samples"].dump();
  } else if (c.contains("observed") && !c["observed"].is_null() &&
             !(c.value("op", "") == "eq" && c.contains("expected") && c["observed"] == c["expected"])) {
    // (An equality that held says its value already.)
    value = "observed " + Observed(c["observed"], 60);
  }
  const std::string reason = verdict == "unknown" && c.contains("reason") ? c["reason"].get<std::string>() : "";
  std::string out = "  " + Paint(verdict, style.colour) + "  " + text;
  const size_t width = 4 + verdict.size() + DisplayWidth(text);
  if (!value.empty()) {
    if (width + 4 + DisplayWidth(value) <= kConsoleWidth) {
      out += "  (" + value + ")";
    } else {
      out += "\n        (" + value + ")";
    }
  }
  out += "\n";
  if (!reason.empty()) out += "        " + Printable(reason, 4096) + "\n";  // wrapped, not cut
  return out;
}

}  // namespace

bool UseColour(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour != nullptr && no_colour[0] != '\0') return false;
  return ::isatty(fd) == 1;
}

std::string SummarizeResult(const Json& r, const ConsoleStyle& style) {
  if (style.only_problems && r.value("status", "") == "ok") {
    bool all_pass = true;
    for (const Json& c : r["checks"]) all_pass = all_pass && c.value("verdict", "") == "pass";
    if (all_pass) return "";  // --quiet: nothing to report about this one
  }
  std::ostringstream out;
  out << r.value("name", "") << " (" << r.value("kind", "") << ", seed " << (r.contains("seed") ? r["seed"].dump() : "?")
      << ", "
      << Fixed(r.value("duration_s", 0.0), 2) << " s)\n";
  if (r.value("status", "") != "ok") {
    out << "  error: " << r.value("error", "") << "\n";
    return out.str();
  }
  if (!style.only_problems) {
    if (const Kind* kind = FindKind(AllKinds(), r.value("kind", ""))) out << kind->Summarize(r);
  }
  for (const Json& c : r["checks"]) {
    if (style.only_problems && c.value("verdict", "") == "pass") continue;
    out << CheckLines(c, style);
  }
  return WrapLongLines(out.str());  // a long check name or error: no line past kConsoleWidth
}

std::string OutcomeOf(int fail, int unknown) { return fail > 0 ? "failed" : unknown > 0 ? "unknown" : "passed"; }

std::string ClosingLine(const RunTally& tally, bool colour) {
  int passed = 0, failed = 0, unknown = 0, errors = 0, interrupted = 0, pass = 0, fail = 0, unknown_checks = 0;
  for (const ScenarioTally& s : tally.scenarios) {
    passed += s.outcome == "passed";
    failed += s.outcome == "failed";
    unknown += s.outcome == "unknown";
    errors += s.outcome == "error";
    interrupted += s.outcome == "interrupted";
    pass += s.pass;
    fail += s.fail;
    unknown_checks += s.unknown;
  }
  const size_t n = tally.scenarios.size();
  std::string line = std::to_string(n) + (n == 1 ? " scenario: " : " scenarios: ") + std::to_string(passed) +
                     " passed, " + std::to_string(failed) + " failed, " + std::to_string(unknown) + " unknown";
  if (errors > 0) line += ", " + std::to_string(errors) + (errors == 1 ? " error" : " errors");
  if (interrupted > 0) line += ", " + std::to_string(interrupted) + " interrupted";
  const int checks = pass + fail + unknown_checks;
  line += " (" + std::to_string(checks) + (checks == 1 ? " check: " : " checks: ") + std::to_string(pass) + " pass, " +
          std::to_string(fail) + " fail, " + std::to_string(unknown_checks) + " unknown)";
  if (colour) {
    const char* code = failed + errors + interrupted > 0 ? "31" : unknown > 0 ? "33" : "32";
    line = std::string("\033[") + code + "m" + line + "\033[0m";
  }
  return line;
}

Json SummaryJson(const RunTally& tally) {
  Json scenarios = Json::array();
  Json counts = {{"passed", 0}, {"failed", 0}, {"unknown", 0}, {"error", 0}, {"interrupted", 0}};
  Json checks = {{"pass", 0}, {"fail", 0}, {"unknown", 0}};
  for (const ScenarioTally& s : tally.scenarios) {
    counts[s.outcome] = counts[s.outcome].get<int>() + 1;
    checks["pass"] = checks["pass"].get<int>() + s.pass;
    checks["fail"] = checks["fail"].get<int>() + s.fail;
    checks["unknown"] = checks["unknown"].get<int>() + s.unknown;
    Json one = {{"name", s.name},
                {"kind", s.kind},
                {"file", s.file},
                {"outcome", s.outcome},
                {"checks", {{"pass", s.pass}, {"fail", s.fail}, {"unknown", s.unknown}}},
                {"duration_s", s.seconds}};
    one["result"] = s.result_path.empty() ? Json(nullptr) : Json(s.result_path);
    scenarios.push_back(std::move(one));
  }
  return {{"schema_version", 1}, {"run_dir", tally.run_dir}, {"scenarios", tally.scenarios.size()},
          {"outcomes", counts},  {"checks", checks},         {"exit_code", tally.exit_code},
          {"results", scenarios}};
}

}  // namespace shardlab
