#include "scenario/expectations.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace shardlab {

const Json* FindMetric(const Json& metrics, const std::string& path) {
  const Json* node = &metrics;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '.') {
      ++pos;
      continue;
    }
    if (path[pos] == '[') {
      const size_t close = path.find(']', pos);
      if (close == std::string::npos || !node->is_array()) return nullptr;
      size_t index = 0;
      auto [end, ec] = std::from_chars(path.data() + pos + 1, path.data() + close, index);
      if (ec != std::errc() || end != path.data() + close || index >= node->size()) return nullptr;
      node = &(*node)[index];
      pos = close + 1;
      continue;
    }
    const size_t end = path.find_first_of(".[", pos);
    const std::string key = path.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    pos = end == std::string::npos ? path.size() : end;
  }
  return node;
}

namespace {

// Why a metric is missing: the `unavailable` text of the deepest object on its path
// that has one (a peer that could not run says why there), else the generic reason.
std::string MissingReason(const Json& metrics, const std::string& path) {
  std::string reason = "the run produced no metric " + path;
  for (size_t end = 0; end != std::string::npos;) {
    end = path.find_first_of(".[", end + 1);
    const Json* node = FindMetric(metrics, path.substr(0, end));
    if (node == nullptr) break;
    if (node->is_object() && node->contains("unavailable") && (*node)["unavailable"].is_string()) {
      reason = (*node)["unavailable"].get<std::string>();
    }
  }
  return reason;
}

// Why a metric that exists could not have moved in this run, or "": the `vacuous` entry
// for the next path component of an object on the metric's path (a crash cell with no
// acknowledged transfer says {"vacuous": {"lost": "..."}}, so `...lost eq 0` is unknown).
std::string VacuousReason(const Json& metrics, const std::string& path) {
  size_t start = 0;  // where the next component begins
  while (start < path.size()) {
    const Json* node = start == 0 ? &metrics : FindMetric(metrics, path.substr(0, start - 1));
    const size_t dot = path.find('.', start);
    const std::string component = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const std::string key = component.substr(0, component.find('['));
    if (node != nullptr && node->is_object()) {
      const auto vacuous = node->find("vacuous");
      if (vacuous != node->end() && vacuous->is_object() && vacuous->contains(key) && (*vacuous)[key].is_string()) {
        return (*vacuous)[key].get<std::string>();
      }
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return "";
}

// A number as the reasons print it: 4 significant digits (1.072, 1.8e+04 as 18000).
std::string ShortNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// `v` to 6 significant digits, for the interval in the result.
double RoundSignificant(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 5 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  return std::round(v * scale) / scale;
}

// The verdict of a numeric claim on the whole interval [lo, hi]: "pass" when every value
// in it satisfies the claim, "fail" when none does, "" when it straddles.
std::string IntervalVerdict(const std::string& op, double lo, double hi, double v, double tolerance) {
  if (op == "gt") return lo > v ? "pass" : hi <= v ? "fail" : "";
  if (op == "ge") return lo >= v ? "pass" : hi < v ? "fail" : "";
  if (op == "lt") return hi < v ? "pass" : lo >= v ? "fail" : "";
  if (op == "le") return hi <= v ? "pass" : lo > v ? "fail" : "";
  if (op == "approx") {
    if (lo >= v - tolerance && hi <= v + tolerance) return "pass";
    if (hi < v - tolerance || lo > v + tolerance) return "fail";
    return "";
  }
  return "";
}

}  // namespace

double StudentT975(size_t df) {
  static constexpr double kT[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return INFINITY;
  return df <= std::size(kT) ? kT[df - 1] : 1.96;
}

std::optional<Interval> MeanInterval95(const std::vector<double>& xs) {
  if (xs.size() < 2) return std::nullopt;
  const double n = static_cast<double>(xs.size());
  const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double ss = 0;
  for (double x : xs) ss += (x - mean) * (x - mean);
  const double half = StudentT975(xs.size() - 1) * std::sqrt(ss / (n - 1)) / std::sqrt(n);
  return Interval{mean, mean - half, mean + half, xs.size()};
}

const Json* FindSamples(const Json& metrics, const std::string& path) {
  const Json* found = nullptr;
  // Every object on the path, the metrics themselves first: samples[<rest of the path>].
  for (size_t start = 0; start < path.size();) {
    const Json* node = start == 0 ? &metrics : FindMetric(metrics, path.substr(0, start - 1));
    if (node == nullptr) break;
    if (node->is_object()) {
      const auto samples = node->find("samples");
      if (samples != node->end() && samples->is_object()) {
        const auto list = samples->find(path.substr(start));
        if (list != samples->end() && list->is_array()) found = &*list;
      }
    }
    const size_t dot = path.find('.', start);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return found;
}

Json EvaluateExpectations(const std::vector<Expectation>& expect, const Json& metrics) {
  Json checks = Json::array();
  for (const Expectation& e : expect) {
    Json c;
    c["name"] = e.metric + " " + e.op + " " + e.value.dump() + (e.op == "approx" ? " ± " + Json(e.tolerance).dump() : "");
    if (!e.claim.empty()) c["claim"] = e.claim;
    c["metric"] = e.metric;
    c["op"] = e.op;
    c["expected"] = e.value;
    if (e.op == "approx") c["tolerance"] = e.tolerance;
    if (!e.note.empty()) c["note"] = e.note;
    const Json* observed = FindMetric(metrics, e.metric);
    if (observed == nullptr) {
      c["observed"] = nullptr;
      c["verdict"] = "unknown";
      c["reason"] = MissingReason(metrics, e.metric);
      checks.push_back(std::move(c));
      continue;
    }
    c["observed"] = *observed;
    if (std::string why = VacuousReason(metrics, e.metric); !why.empty()) {
      c["verdict"] = "unknown";
      c["reason"] = "this check could not have failed in this run: " + why;
      checks.push_back(std::move(c));
      continue;
    }
    // Repetitions: judged on the 95 % interval of their mean when there are two or more.
    std::optional<Interval> interval;
    if (const Json* samples = FindSamples(metrics, e.metric); samples != nullptr && observed->is_number()) {
      std::vector<double> xs;
      for (const Json& x : *samples) {
        if (x.is_number()) xs.push_back(x.get<double>());
      }
      if (xs.size() == samples->size()) interval = MeanInterval95(xs);
    }
    if (interval) {
      c["interval"] = {RoundSignificant(interval->lo), RoundSignificant(interval->hi)};
      c["samples"] = interval->n;
      if (e.op != "eq" && e.value.is_number()) {
        const double v = e.value.get<double>();
        std::string verdict = IntervalVerdict(e.op, interval->lo, interval->hi, v, e.tolerance);
        if (verdict.empty()) {
          verdict = "unknown";
          const std::string edge = e.op != "approx"                   ? ShortNumber(v)
                                   : interval->lo < v - e.tolerance ? ShortNumber(v - e.tolerance)
                                                                    : ShortNumber(v + e.tolerance);
          c["reason"] = "the 95 % interval [" + ShortNumber(interval->lo) + ", " + ShortNumber(interval->hi) + "] over " +
                        std::to_string(interval->n) + " repetitions straddles " + edge +
                        (e.op == "approx" ? " (an edge of " + ShortNumber(v) + " ± " + ShortNumber(e.tolerance) + ")" : "");
        }
        c["verdict"] = verdict;
        checks.push_back(std::move(c));
        continue;
      }
    }
    bool pass = false;
    if (e.op == "eq") {
      pass = *observed == e.value;
    } else if (!observed->is_number()) {
      c["reason"] = "observed value is not a number";
    } else {
      const double o = observed->get<double>(), v = e.value.get<double>();
      if (e.op == "approx") pass = std::fabs(o - v) <= e.tolerance;
      if (e.op == "lt") pass = o < v;
      if (e.op == "le") pass = o <= v;
      if (e.op == "gt") pass = o > v;
      if (e.op == "ge") pass = o >= v;
    }
    c["verdict"] = pass ? "pass" : "fail";
    checks.push_back(std::move(c));
  }
  return checks;
}

}  // namespace shardlab
