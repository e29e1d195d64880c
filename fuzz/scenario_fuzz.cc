// Fuzz target: a scenario file's text and --set overrides, loaded exactly as `shardlab
// validate FILE --set PATH=VALUE` loads them (ParseOverride, the bounded JSON parse,
// ApplyOverride, every kind's Read / Check through kinds/registry AllKinds()).
//
// Input: TEXT, then up to 4 overrides each after "\n--set " (a scenario file as it is is
// an input without overrides). An odd-sized input also applies --quick.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/overrides.h"
#include "fuzz/fuzz_check.h"
#include "kinds/registry.h"
#include "scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shardlab;
  constexpr std::string_view kSeparator = "\n--set ";
  constexpr size_t kMaxOverrides = 4;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t cut = input.find(kSeparator);
  const std::string text(input.substr(0, cut));
  LoadOptions options;
  options.quick = size % 2 == 1;
  while (cut != std::string_view::npos && options.overrides.size() < kMaxOverrides) {
    const size_t from = cut + kSeparator.size();
    cut = input.find(kSeparator, from);
    const std::string override_text(input.substr(from, cut == std::string_view::npos ? cut : cut - from));
    auto kv = ParseOverride(override_text);
    if (!kv.ok()) {
      fuzz::CheckMessage(kv.status().message(), "--set ");
      return 0;
    }
    options.overrides.push_back(*kv);
  }
  auto scenario = LoadScenarioText(text, "fuzz.json", options, AllKinds());
  if (!scenario.ok()) fuzz::CheckMessage(scenario.status().message(), "fuzz.json");
  return 0;
}
