#pragma once
// Errors are values inside the library (DESIGN.md); only the CLI turns them into
// messages and exit codes. Two kinds matter to callers: bad input (exit 2, nothing
// written) and a failure while running (exit 3).
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace shardlab {

enum class ErrorKind { kInvalidInput, kRuntime };

class Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Invalid(std::string message) { return Status(ErrorKind::kInvalidInput, std::move(message)); }
  static Status Runtime(std::string message) { return Status(ErrorKind::kRuntime, std::move(message)); }

  bool ok() const { return !failed_; }
  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }

  // The same error with context in front: "loading shard_0003.db: disk I/O error".
  Status Wrap(const std::string& context) const {
    return ok() ? *this : Status(kind_, context + ": " + message_);
  }

 private:
  Status(ErrorKind kind, std::string message) : failed_(true), kind_(kind), message_(std::move(message)) {}
  bool failed_ = false;
  ErrorKind kind_ = ErrorKind::kRuntime;
  std::string message_;
};

// A value or the error that prevented it.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}                       // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
const Status& AsStatus(const StatusOr<T>& s) { return s.status(); }

}  // namespace shardlab

// Early return of a failed Status / StatusOr from a function returning Status or StatusOr.
#define SHARDLAB_RETURN_IF_ERROR(expr)          \
  do {                                          \
    auto _shardlab_status = (expr);             \
    if (!_shardlab_status.ok()) return ::shardlab::AsStatus(_shardlab_status); \
  } while (0)

#define SHARDLAB_CONCAT_INNER(a, b) a##b
#define SHARDLAB_CONCAT(a, b) SHARDLAB_CONCAT_INNER(a, b)
#define SHARDLAB_ASSIGN_OR_RETURN(lhs, expr) \
  SHARDLAB_ASSIGN_OR_RETURN_IMPL(SHARDLAB_CONCAT(_shardlab_or_, __LINE__), lhs, expr)
#define SHARDLAB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
