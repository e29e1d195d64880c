#pragma once
// Test support for loader tests: a fake kind to load scenarios with, the problem lines of
// a scenario that must be rejected, and the expected lines with the origin in front.
// Header-only; tests only.
#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "scenario/kind.h"
#include "scenario/scenario.h"

namespace shardlab {

// A kind for loader tests: "test", no block of its own, the metric root "rows", never run.
// Tests derive from it and override the hooks they exercise.
class FakeKind : public Kind {
 public:
  const char* name() const override { return "test"; }
  std::any Read(FieldReader&, const Scenario&) const override { return 0; }
  const std::set<std::string>& MetricRoots() const override {
    static const std::set<std::string> kRoots = {"rows"};
    return kRoots;
  }
  Footprint Estimate(const Scenario&) const override { return {}; }
  StatusOr<Json> Run(const Scenario&, RunContext&) const override { return Status::Runtime("not run"); }
  std::string Summarize(const Json&) const override { return ""; }
};

// The lines of `loaded`'s error (one problem each); a test failure when `loaded` is ok
// (`raw` is shown) or the error is not kInvalidInput.
inline std::vector<std::string> RejectedLines(const StatusOr<Scenario>& loaded, const Json& raw) {
  if (loaded.ok()) {
    ADD_FAILURE() << "expected the scenario to be rejected:\n" << raw.dump(2);
    return {};
  }
  const std::string& message = loaded.status().message();
  EXPECT_EQ(loaded.status().kind(), ErrorKind::kInvalidInput) << message;
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = message.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(message.substr(start, nl - start));
  }
  lines.push_back(message.substr(start));
  return lines;
}

// "ORIGIN: PATH: MESSAGE" for each "PATH: MESSAGE".
inline std::vector<std::string> WithOrigin(const std::string& origin, std::initializer_list<std::string> lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines) out.push_back(origin + ": " + l);
  return out;
}

}  // namespace shardlab
