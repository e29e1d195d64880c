// Fuzz target: the result file `shardlab repro RESULT.json --trial N` reads
// (kinds/crash/crash_runner.h ReadReproRequest: the bounded JSON parse, the crash result's
// cells and violations, the embedded scenario, the recorded state or trial spec). Nothing
// runs. The input is the result's text; the trials asked for are 0 and the first few
// trial numbers recorded in it (so seeds reach past "trial N is not among ...").
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "fuzz/fuzz_check.h"
#include "kinds/crash/crash_runner.h"

namespace {

std::vector<uint64_t> RecordedTrials(const shardlab::Json& r) {
  std::vector<uint64_t> trials{0};
  const auto metrics = r.is_object() ? r.find("metrics") : r.end();
  if (metrics == r.end() || !metrics->is_object()) return trials;
  const auto cells = metrics->find("cells");
  if (cells == metrics->end() || !cells->is_array()) return trials;
  for (const auto& cell : *cells) {
    const auto violations = cell.is_object() ? cell.find("violations") : cell.end();
    if (violations == cell.end() || !violations->is_array()) continue;
    for (const auto& v : *violations) {
      const auto trial = v.is_object() ? v.find("trial") : v.end();
      if (trial != v.end() && trial->is_number_unsigned()) trials.push_back(trial->get<uint64_t>());
      if (trials.size() >= 4) return trials;
    }
  }
  return trials;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shardlab;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string origin = "fuzz-result.json";
  auto parsed = ParseJsonText(text, origin, kResultLimits);
  if (!parsed.ok()) {
    fuzz::CheckMessage(parsed.status().message(), origin);
    return 0;
  }
  for (const uint64_t trial : RecordedTrials(*parsed)) {
    auto request = ReproRequestFromJson(*parsed, origin, trial);
    if (!request.ok()) fuzz::CheckMessage(request.status().message(), origin);
  }
  // The text entry point (what ReproTrial calls) on the same bytes, for one trial.
  auto request = ReadReproRequest(text, origin, 0);
  if (!request.ok()) fuzz::CheckMessage(request.status().message(), origin);
  return 0;
}
