#include "scenario/metric_shape.h"

#include <algorithm>
#include <cctype>

#include "core/str_format.h"

namespace shardlab {
namespace {

std::string Folded(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '_' && c != '-') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string Names(const Json& level) {
  std::string out;
  size_t shown = 0;
  for (auto it = level.begin(); it != level.end(); ++it) {
    if (it.key() == "*") continue;
    if (++shown > 12) return out + ", …";
    out += (out.empty() ? "" : ", ") + it.key();
  }
  return out;
}

}  // namespace

Json OpenShape(const std::set<std::string>& roots) {
  Json shape = Json::object();
  for (const std::string& r : roots) shape[r] = nullptr;
  return shape;
}

Json ProductShape(const std::vector<std::vector<std::string>>& levels, const Json& leaf) {
  Json shape = leaf;
  for (auto level = levels.rbegin(); level != levels.rend(); ++level) {
    Json above = Json::object();
    for (const std::string& name : *level) above[name] = shape;
    shape = std::move(above);
  }
  return shape;
}

std::vector<std::string> MetricPathParts(const std::string& metric) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos < metric.size()) {
    if (metric[pos] == '.') {
      ++pos;
    } else if (metric[pos] == '[') {
      const size_t close = metric.find(']', pos);
      const size_t end = close == std::string::npos ? metric.size() : close + 1;
      parts.push_back(metric.substr(pos, end - pos));
      pos = end;
    } else {
      const size_t end = std::min(metric.find_first_of(".[", pos), metric.size());
      parts.push_back(metric.substr(pos, end - pos));
      pos = end;
    }
  }
  return parts;
}

std::string ClosestName(const std::string& word, const std::vector<std::string>& names) {
  const std::string folded = Folded(word);
  std::string best;
  size_t best_distance = std::string::npos;
  bool tie = false;
  for (const std::string& name : names) {
    const size_t d = EditDistance(folded, Folded(name));
    tie = d == best_distance || (tie && d > best_distance);
    if (d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  // A likely misspelling: a third of the word's letters or fewer differ (at least one),
  // and no other name is as close (writers_3 is as near writers_2 as writers_4).
  const size_t allowed = std::max<size_t>(1, folded.size() / 3);
  return best_distance <= allowed && !tie ? best : "";
}

std::string MetricPathProblem(const Json& shape, const std::string& metric) {
  const std::vector<std::string> parts = MetricPathParts(metric);
  if (parts.empty()) return "an empty metric path";
  const Json* level = &shape;
  std::string walked;
  for (const std::string& part : parts) {
    if (level->is_null()) return "";  // not described below here: the run decides
    if (level->is_boolean()) {
      // A value: only an array index may follow.
      if (part.front() == '[' || std::all_of(part.begin(), part.end(), ::isdigit)) return "";
      return Quoted(walked, 100) + " is a value; it has no " + Quoted(part, 60);
    }
    if (!level->is_object()) return "";
    auto it = level->find(part);
    if (it == level->end()) it = level->find("*");
    if (it == level->end()) {
      std::vector<std::string> names;
      for (auto n = level->begin(); n != level->end(); ++n) names.push_back(n.key());
      const std::string guess = ClosestName(part, names);
      const std::string where = walked.empty() ? "at the top" : "under " + walked;
      return "no " + Quoted(part, 60) + " " + where + " (" + (guess.empty() ? "" : "did you mean " + Quoted(guess) + "? ") +
             "names there: " + Names(*level) + ")";
    }
    walked += (walked.empty() || part.front() == '[' ? "" : ".") + part;
    level = &*it;
  }
  return "";
}

}  // namespace shardlab
