#include "run/options.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/overrides.h"
#include "core/str_format.h"

namespace shardlab {
namespace {

// Options that take a value; every other option is a flag.
bool TakesValue(const std::string& name) {
  static const std::vector<std::string> kValued = {"out", "seed", "set", "data", "summary-json", "format", "trial"};
  return std::find(kValued.begin(), kValued.end(), name) != kValued.end();
}

StatusOr<uint64_t> NonNegative(const std::string& option, const std::string& text) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Status::Invalid("--" + option + " " + Printable(text, 40) + ": expected a non-negative integer");
  }
  return n;
}

Status Apply(Args& a, const std::string& name, const std::string& value) {
  if (name == "help") {
    a.help = true;
  } else if (name == "quiet") {
    a.verbosity = -1;
  } else if (name == "verbose") {
    a.verbosity = 1;
  } else if (name == "set") {
    SHARDLAB_ASSIGN_OR_RETURN(auto kv, ParseOverride(value));
    a.load.overrides.push_back(kv);
  } else if (name == "seed") {
    SHARDLAB_ASSIGN_OR_RETURN(a.load.seed, NonNegative(name, value));
  } else if (name == "trial") {
    SHARDLAB_ASSIGN_OR_RETURN(a.trial, NonNegative(name, value));
  } else if (name == "quick") {
    a.load.quick = true;
  } else if (name == "keep") {
    a.keep = true;
  } else if (name == "keep-failures") {
    a.keep_failures = true;
  } else if (name == "out" || name == "data" || name == "summary-json") {
    if (value.empty()) return Status::Invalid("--" + name + " needs a non-empty path");
    (name == "out" ? a.out : name == "data" ? a.data : a.summary_json) = value;
  } else if (name == "format") {
    if (value != "text" && value != "json") {
      return Status::Invalid("--format " + Printable(value, 40) + ": expected text or json");
    }
    a.json_format = value == "json";
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& OptionsOf(const std::string& command) {
  static const std::map<std::string, std::vector<std::string>> kOptions = {
      {"run", {"out", "seed", "quick", "set", "data", "keep", "keep-failures", "summary-json", "format", "quiet",
               "verbose", "help"}},
      {"validate", {"set", "quiet", "help"}},
      {"list", {"help"}},
      {"repro", {"trial", "data", "help"}},
  };
  static const std::vector<std::string> kNone = {"help"};
  auto it = kOptions.find(command);
  return it == kOptions.end() ? kNone : it->second;
}

StatusOr<Args> ParseArgs(const std::string& command, const std::vector<std::string>& argv) {
  const std::vector<std::string>& allowed = OptionsOf(command);
  auto accepts = [&](const std::string& name) { return std::find(allowed.begin(), allowed.end(), name) != allowed.end(); };
  const std::string see = " (shardlab " + command + " --help)";
  Args a;
  bool options_ended = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      a.positional.push_back(arg);
    } else if (arg == "--") {
      options_ended = true;
    } else if (arg[1] == '-') {
      const size_t eq = arg.find('=');
      const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      if (!accepts(name)) return Status::Invalid("unknown option --" + Printable(name, 60) + " for " + command + see);
      std::string value;
      if (TakesValue(name)) {
        if (eq != std::string::npos) {
          value = arg.substr(eq + 1);
        } else if (i + 1 < argv.size()) {
          value = argv[++i];
        } else {
          return Status::Invalid("--" + name + " needs a value" + see);
        }
      } else if (eq != std::string::npos) {
        return Status::Invalid("--" + name + " takes no value");
      }
      SHARDLAB_RETURN_IF_ERROR(Apply(a, name, value));
    } else {
      // Short flags, combinable: -q, -v, -h, -qv.
      for (size_t k = 1; k < arg.size(); ++k) {
        const char c = arg[k];
        const std::string name = c == 'h' ? "help" : c == 'q' ? "quiet" : c == 'v' ? "verbose" : "";
        if (name.empty() || !accepts(name)) {
          return Status::Invalid("unknown option -" + Printable(std::string(1, c)) + " for " + command + see);
        }
        SHARDLAB_RETURN_IF_ERROR(Apply(a, name, ""));
      }
    }
  }
  return a;
}

}  // namespace shardlab
