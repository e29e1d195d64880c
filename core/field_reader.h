#pragma once
// Strict, declarative reading of a scenario's JSON objects. A FieldReader checks every
// field's presence, type and range, reports every problem (not just the first) as
// "FILE: json.path: found X; expected Y", rejects unknown keys, and builds the
// resolved copy of the object (defaults filled in) that goes into the result file.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace shardlab {

// The longest string a scenario may hold (the longest shipped one, a note, has 175 bytes;
// names, roots and claims are far shorter).
inline constexpr size_t kMaxStringBytes = 4096;

class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  // One line, always: control characters in `path` and `message` are escaped and a line
  // is cut at kMaxLineBytes (values in messages are cut shorter where they are quoted).
  void Add(const std::string& path, const std::string& message);
  bool empty() const { return lines_.empty(); }
  const std::vector<std::string>& lines() const { return lines_; }
  const std::string& file() const { return file_; }
  // kInvalidInput with one line per problem; Ok when there are none.
  Status ToStatus() const;

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

// Every string and object key under `value`: at most `max_bytes` bytes and no NUL
// character (strings become paths, file names and SQL). One problem per string, named by
// its path ("roots[0]"). Walks without recursion.
void CheckStrings(const Json& value, Problems& problems, size_t max_bytes = kMaxStringBytes);

class FieldReader {
 public:
  // The root object of a file.
  FieldReader(const Json& object, Problems* problems);
  FieldReader(FieldReader&& other) noexcept;
  FieldReader& operator=(FieldReader&&) = delete;
  ~FieldReader();

  // Typed fields. `def` = nullopt makes the field required. Each accessor records the
  // key as known and the resolved value; on a problem it returns the default (or a
  // neutral value) so reading can go on and report everything at once.
  std::string String(const char* key, std::optional<std::string> def);
  std::string Choice(const char* key, std::optional<std::string> def, std::initializer_list<std::string_view> allowed);
  std::string Choice(const char* key, std::optional<std::string> def, const std::vector<std::string>& allowed);
  int64_t Int(const char* key, std::optional<int64_t> def, int64_t min = std::numeric_limits<int64_t>::min(),
              int64_t max = std::numeric_limits<int64_t>::max());
  // Any unsigned 64-bit integer (seeds).
  uint64_t Uint64(const char* key, uint64_t def);
  // `min_exclusive` for ranges like theta > 0.
  double Number(const char* key, std::optional<double> def, double min, double max, bool min_exclusive = false,
                bool max_exclusive = false);
  bool Bool(const char* key, bool def);
  std::vector<std::string> StringList(const char* key, std::optional<std::vector<std::string>> def);
  std::vector<int64_t> IntList(const char* key, std::optional<std::vector<int64_t>> def, int64_t min, int64_t max);

  // A nested object; absent → a reader over {} (its fields take their defaults).
  // Call Finish() on it before this reader finishes.
  FieldReader Object(const char* key, bool required = false);
  // Each element of an array of objects; item paths read "expect[2].metric".
  void ForEachObject(const char* key, bool required, const std::function<void(FieldReader&, size_t)>& read_item);

  // The raw value for fields with custom rules (nullptr when absent). The caller
  // reports problems with Problem() and stores the resolved value with Resolve().
  const Json* Raw(const char* key);
  void Resolve(const char* key, Json value);
  bool Has(const char* key) const;
  // A problem with field `key`, or with the object itself when `key` is "".
  void Problem(const char* key, const std::string& message);
  std::string PathOf(const char* key) const;
  const std::string& path() const { return path_; }
  Problems* problems() const { return problems_; }

  // Reports unknown keys and hands the resolved object to the parent (or keeps it, for
  // the root: see resolved()).
  void Finish();
  const Json& resolved() const { return resolved_; }

 private:
  FieldReader(const Json* object, std::string path, Problems* problems, FieldReader* parent, std::string key_in_parent,
              Json* array_slot);
  // The value of `key` if present and of an acceptable type; else reports and returns nullptr.
  const Json* Lookup(const char* key, bool required, const char* expected);
  void MissingOrWrongType(const char* key, const Json* found, const char* expected);
  std::string ChoiceOf(const char* key, std::optional<std::string> def, const std::vector<std::string_view>& allowed);

  const Json* object_;  // nullptr: absent or not an object (already reported)
  std::string path_;
  Problems* problems_;
  FieldReader* parent_ = nullptr;
  std::string key_in_parent_;
  Json* array_slot_ = nullptr;
  Json resolved_ = Json::object();
  std::vector<std::string> known_;
  bool finished_ = false;
};

}  // namespace shardlab
