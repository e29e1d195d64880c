#include "scenario/expectations.h"

#include <charconv>
#include <cmath>

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

}  // namespace

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
