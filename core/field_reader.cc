#include "core/field_reader.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <sstream>
#include <utility>

#include "core/str_format.h"

namespace shardlab {
namespace {

std::string Join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string FormatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

std::string IntRange(int64_t min, int64_t max) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (min == kMin && max == kMax) return "an integer";
  if (max == kMax) return "an integer >= " + std::to_string(min);
  if (min == kMin) return "an integer <= " + std::to_string(max);
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string NumberRange(double min, double max, bool min_exclusive, bool max_exclusive) {
  std::string lo = std::isinf(min) ? "" : (min_exclusive ? "> " : ">= ") + FormatNumber(min);
  std::string hi = std::isinf(max) ? "" : (max_exclusive ? "< " : "<= ") + FormatNumber(max);
  if (lo.empty() && hi.empty()) return "a number";
  if (hi.empty()) return "a number " + lo;
  if (lo.empty()) return "a number " + hi;
  return "a number " + lo + " and " + hi;
}

bool IsInteger(const Json& v) { return v.is_number_integer() || v.is_number_unsigned(); }

}  // namespace

void Problems::Add(const std::string& path, const std::string& message) {
  constexpr size_t kMaxLineBytes = 2000;
  lines_.push_back(Printable(file_, 500) + ": " + (path.empty() ? "" : Printable(path, 500) + ": ") +
                   Printable(message, kMaxLineBytes));
}

void CheckStrings(const Json& value, Problems& problems, size_t max_bytes) {
  const auto check = [&](const std::string& text, const std::string& path, const char* what) {
    if (text.size() > max_bytes) {
      problems.Add(path, std::string(what) + " of " + std::to_string(text.size()) + " bytes (" + Quoted(text, 40) +
                             "); at most " + std::to_string(max_bytes) + " bytes");
    } else if (const size_t nul = text.find('\0'); nul != std::string::npos) {
      problems.Add(path, std::string(what) + " with a NUL character (\\u0000) at byte " + std::to_string(nul) + " (" +
                             Quoted(text, 40) + ")");
    }
  };
  std::vector<std::pair<const Json*, std::string>> todo{{&value, ""}};
  while (!todo.empty()) {
    auto [v, path] = std::move(todo.back());
    todo.pop_back();
    if (v->is_string()) {
      check(v->get_ref<const std::string&>(), path, "a string");
    } else if (v->is_array()) {
      for (size_t i = v->size(); i-- > 0;) todo.emplace_back(&(*v)[i], path + "[" + std::to_string(i) + "]");
    } else if (v->is_object()) {
      std::vector<std::pair<const Json*, std::string>> items;
      for (auto it = v->begin(); it != v->end(); ++it) {
        const std::string item_path = path.empty() ? it.key() : path + "." + it.key();
        check(it.key(), item_path.size() > 200 ? path : item_path, "a key");
        items.emplace_back(&it.value(), item_path);
      }
      for (auto it = items.rbegin(); it != items.rend(); ++it) todo.push_back(std::move(*it));
    }
  }
}

Status Problems::ToStatus() const {
  if (lines_.empty()) return Status::Ok();
  std::string text;
  for (const std::string& line : lines_) {
    if (!text.empty()) text += "\n";
    text += line;
  }
  return Status::Invalid(text);
}

FieldReader::FieldReader(const Json& object, Problems* problems)
    : FieldReader(&object, "", problems, nullptr, "", nullptr) {
  if (!object.is_object()) {
    problems_->Add("", "found " + DescribeJsonValue(object) + "; expected a JSON object");
    object_ = nullptr;
  }
}

FieldReader::FieldReader(const Json* object, std::string path, Problems* problems, FieldReader* parent,
                         std::string key_in_parent, Json* array_slot)
    : object_(object),
      path_(std::move(path)),
      problems_(problems),
      parent_(parent),
      key_in_parent_(std::move(key_in_parent)),
      array_slot_(array_slot) {}

FieldReader::FieldReader(FieldReader&& other) noexcept
    : object_(other.object_),
      path_(std::move(other.path_)),
      problems_(other.problems_),
      parent_(other.parent_),
      key_in_parent_(std::move(other.key_in_parent_)),
      array_slot_(other.array_slot_),
      resolved_(std::move(other.resolved_)),
      known_(std::move(other.known_)),
      finished_(other.finished_) {
  other.finished_ = true;  // the moved-from reader owns nothing to finish
}

FieldReader::~FieldReader() {
  // Every reader must be finished, or unknown keys would pass silently.
  assert(finished_ || object_ == nullptr || problems_ == nullptr);
}

std::string FieldReader::PathOf(const char* key) const {
  if (*key == '\0') return path_;  // the object itself
  return path_.empty() ? key : path_ + "." + key;
}

void FieldReader::Problem(const char* key, const std::string& message) { problems_->Add(PathOf(key), message); }

bool FieldReader::Has(const char* key) const { return object_ != nullptr && object_->contains(key); }

void FieldReader::MissingOrWrongType(const char* key, const Json* found, const char* expected) {
  if (found == nullptr) {
    Problem(key, std::string("missing; expected ") + expected);
  } else {
    Problem(key, "found " + DescribeJsonValue(*found) + "; expected " + expected);
  }
}

const Json* FieldReader::Lookup(const char* key, bool required, const char* expected) {
  known_.emplace_back(key);
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end()) {
    if (required) MissingOrWrongType(key, nullptr, expected);
    return nullptr;
  }
  return &*it;
}

const Json* FieldReader::Raw(const char* key) { return Lookup(key, false, ""); }

void FieldReader::Resolve(const char* key, Json value) { resolved_[key] = std::move(value); }

std::string FieldReader::String(const char* key, std::optional<std::string> def) {
  const Json* v = Lookup(key, !def.has_value(), "a string");
  std::string out = def.value_or("");
  if (v != nullptr) {
    if (v->is_string()) {
      out = v->get<std::string>();
    } else {
      MissingOrWrongType(key, v, "a string");
    }
  }
  if (v != nullptr || def.has_value()) resolved_[key] = out;
  return out;
}

std::string FieldReader::Choice(const char* key, std::optional<std::string> def,
                                std::initializer_list<std::string_view> allowed) {
  return ChoiceOf(key, std::move(def), std::vector<std::string_view>(allowed));
}

std::string FieldReader::Choice(const char* key, std::optional<std::string> def, const std::vector<std::string>& allowed) {
  return ChoiceOf(key, std::move(def), std::vector<std::string_view>(allowed.begin(), allowed.end()));
}

std::string FieldReader::ChoiceOf(const char* key, std::optional<std::string> def,
                                  const std::vector<std::string_view>& allowed) {
  const std::string expected = "one of " + Join(allowed);
  const Json* v = Lookup(key, !def.has_value(), expected.c_str());
  std::string out = def.value_or("");
  if (v != nullptr) {
    if (v->is_string() && std::find(allowed.begin(), allowed.end(), v->get<std::string>()) != allowed.end()) {
      out = v->get<std::string>();
    } else {
      MissingOrWrongType(key, v, expected.c_str());
    }
  }
  if (v != nullptr || def.has_value()) resolved_[key] = out;
  return out;
}

int64_t FieldReader::Int(const char* key, std::optional<int64_t> def, int64_t min, int64_t max) {
  const std::string expected = IntRange(min, max);
  const Json* v = Lookup(key, !def.has_value(), expected.c_str());
  int64_t out = def.value_or(min > 0 ? min : std::min<int64_t>(0, max));
  if (v != nullptr) {
    bool fits = false;
    if (v->is_number_unsigned()) {
      const uint64_t u = v->get<uint64_t>();
      fits = u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) && static_cast<int64_t>(u) >= min &&
             static_cast<int64_t>(u) <= max;
      if (fits) out = static_cast<int64_t>(u);
    } else if (v->is_number_integer()) {
      const int64_t i = v->get<int64_t>();
      fits = i >= min && i <= max;
      if (fits) out = i;
    }
    if (!fits) MissingOrWrongType(key, v, expected.c_str());
  }
  if (v != nullptr || def.has_value()) resolved_[key] = out;
  return out;
}

uint64_t FieldReader::Uint64(const char* key, uint64_t def) {
  const char* expected = "an integer from 0 to 18446744073709551615";
  const Json* v = Lookup(key, false, expected);
  uint64_t out = def;
  if (v != nullptr) {
    if (v->is_number_unsigned()) {
      out = v->get<uint64_t>();
    } else if (v->is_number_integer() && v->get<int64_t>() >= 0) {
      out = static_cast<uint64_t>(v->get<int64_t>());
    } else {
      MissingOrWrongType(key, v, expected);
    }
  }
  resolved_[key] = out;
  return out;
}

double FieldReader::Number(const char* key, std::optional<double> def, double min, double max, bool min_exclusive,
                           bool max_exclusive) {
  const std::string expected = NumberRange(min, max, min_exclusive, max_exclusive);
  const Json* v = Lookup(key, !def.has_value(), expected.c_str());
  double out = def.value_or(std::isinf(min) ? 0.0 : min);
  if (v != nullptr) {
    bool ok = false;
    if (v->is_number()) {
      const double d = v->get<double>();
      ok = std::isfinite(d) && (min_exclusive ? d > min : d >= min) && (max_exclusive ? d < max : d <= max);
      if (ok) out = d;
    }
    if (!ok) MissingOrWrongType(key, v, expected.c_str());
  }
  if (v != nullptr || def.has_value()) resolved_[key] = out;
  return out;
}

bool FieldReader::Bool(const char* key, bool def) {
  const Json* v = Lookup(key, false, "true or false");
  bool out = def;
  if (v != nullptr) {
    if (v->is_boolean()) {
      out = v->get<bool>();
    } else {
      MissingOrWrongType(key, v, "true or false");
    }
  }
  resolved_[key] = out;
  return out;
}

std::vector<std::string> FieldReader::StringList(const char* key, std::optional<std::vector<std::string>> def) {
  const Json* v = Lookup(key, !def.has_value(), "an array of strings");
  std::vector<std::string> out = def.value_or(std::vector<std::string>{});
  if (v != nullptr) {
    bool ok = v->is_array();
    if (ok) {
      for (const Json& item : *v) ok = ok && item.is_string();
    }
    if (ok) {
      out = v->get<std::vector<std::string>>();
    } else {
      MissingOrWrongType(key, v, "an array of strings");
    }
  }
  if (v != nullptr || def.has_value()) resolved_[key] = out;
  return out;
}

std::vector<int64_t> FieldReader::IntList(const char* key, std::optional<std::vector<int64_t>> def, int64_t min,
                                          int64_t max) {
  // "an integer from 1 to 10" -> "an array of integers from 1 to 10"
  const std::string expected = "an array of integers" + IntRange(min, max).substr(std::string("an integer").size());
  const Json* v = Lookup(key, !def.has_value(), expected.c_str());
  std::vector<int64_t> out = def.value_or(std::vector<int64_t>{});
  if (v != nullptr) {
    bool ok = v->is_array();
    std::vector<int64_t> items;
    if (ok) {
      for (const Json& item : *v) {
        if (!IsInteger(item) || (item.is_number_unsigned() && item.get<uint64_t>() > static_cast<uint64_t>(max))) {
          ok = false;
          break;
        }
        const int64_t i = item.get<int64_t>();
        if (i < min || i > max) {
          ok = false;
          break;
        }
        items.push_back(i);
      }
    }
    if (ok) {
      out = std::move(items);
    } else {
      MissingOrWrongType(key, v, expected.c_str());
    }
  }
  if (v != nullptr || def.has_value()) resolved_[key] = out;
  return out;
}

FieldReader FieldReader::Object(const char* key, bool required) {
  static const Json kEmpty = Json::object();
  const Json* v = Lookup(key, required, "an object");
  const Json* object = &kEmpty;
  if (v != nullptr && !v->is_object()) {
    MissingOrWrongType(key, v, "an object");
    object = nullptr;
  } else if (v != nullptr) {
    object = v;
  } else if (required) {
    object = nullptr;  // reported as missing; do not report its fields as missing too
  }
  return FieldReader(object, PathOf(key), problems_, this, key, nullptr);
}

void FieldReader::ForEachObject(const char* key, bool required,
                                const std::function<void(FieldReader&, size_t)>& read_item) {
  const Json* v = Lookup(key, required, "an array of objects");
  if (v == nullptr) {
    resolved_[key] = Json::array();
    return;
  }
  if (!v->is_array()) {
    MissingOrWrongType(key, v, "an array of objects");
    return;
  }
  Json items = Json::array();
  for (size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    const std::string item_path = PathOf(key) + "[" + std::to_string(i) + "]";
    items.push_back(Json::object());
    if (!item.is_object()) {
      problems_->Add(item_path, "found " + DescribeJsonValue(item) + "; expected an object");
      continue;
    }
    FieldReader reader(&item, item_path, problems_, nullptr, "", &items.back());
    read_item(reader, i);
    reader.Finish();
  }
  resolved_[key] = std::move(items);
}

void FieldReader::Finish() {
  if (finished_) return;
  finished_ = true;
  if (object_ != nullptr) {
    std::string allowed;
    for (const std::string& k : known_) allowed += (allowed.empty() ? "" : ", ") + k;
    for (auto it = object_->begin(); it != object_->end(); ++it) {
      if (std::find(known_.begin(), known_.end(), it.key()) == known_.end()) {
        problems_->Add(path_.empty() ? Printable(it.key(), 80) : path_ + "." + Printable(it.key(), 80),
                       "unknown key; allowed keys here: " + (allowed.empty() ? std::string("none") : allowed));
      }
    }
  }
  if (array_slot_ != nullptr) {
    *array_slot_ = std::move(resolved_);
  } else if (parent_ != nullptr) {
    parent_->resolved_[key_in_parent_] = std::move(resolved_);
    resolved_ = Json::object();
  }
}

}  // namespace shardlab
