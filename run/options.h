#pragma once
// The command line's options, parsed the usual way: `--out DIR` or `--out=DIR`, short
// flags (-h, -q, -v, combinable as -qv), `--` ends the options. Each command accepts its
// own set; anything else is a one-line kInvalidInput naming the option.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "scenario/scenario.h"

namespace shardlab {

struct Args {
  std::vector<std::string> positional;
  LoadOptions load;  // --set, --seed, --quick
  std::optional<std::string> out, data, summary_json;
  bool keep = false;
  bool keep_failures = false;
  bool help = false;
  bool json_format = false;  // --format json: the closing summary as JSON on stdout
  int verbosity = 0;         // -1 quiet, 0 normal, 1 verbose
  std::optional<uint64_t> trial;
};

// The long options `command` accepts ("run", "validate", "list", "repro"), without "--".
const std::vector<std::string>& OptionsOf(const std::string& command);

// Parses `argv` (the arguments after the command) for `command`.
StatusOr<Args> ParseArgs(const std::string& command, const std::vector<std::string>& argv);

}  // namespace shardlab
