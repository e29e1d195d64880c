#include "run/cli.h"

#include <dirent.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <set>
#include <utility>

#include "core/interrupt.h"
#include "core/json.h"
#include "core/overrides.h"
#include "core/process_stats.h"
#include "core/progress.h"
#include "core/str_format.h"
#include "core/workspace.h"
#include "kinds/crash/crash_runner.h"
#include "kinds/registry.h"
#include "run/footprint_check.h"
#include "run/console.h"
#include "run/help.h"
#include "run/options.h"
#include "run/runner.h"
#include "scenario/scenario.h"
#include "sqlite/io_counter.h"

namespace shardlab {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitInvalid = 2;
constexpr int kExitRuntime = 3;

// A usage problem: one line saying what is wrong, then the command's usage line (or the
// list of commands) and where the help is.
int Usage(const std::string& command, const std::string& problem) {
  std::cerr << "shardlab: " << problem << "\n";
  const char* help = command.empty() ? nullptr : CommandHelp(command);
  if (help != nullptr) {
    const std::string text = help;
    std::cerr << text.substr(0, text.find('\n')) << "\n";
  } else {
    std::cerr << "usage: shardlab <command> [options] [arguments]; commands: run, validate, list, repro "
                 "(shardlab --help)\n";
  }
  return kExitInvalid;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Directory expansion is bounded: it never leaves the tree it was given (no symlinked
// directories, no directory twice), never enters procfs or sysfs (/proc/self loops
// through the whole filesystem), and stops at kMaxWalkDepth levels or kMaxWalkEntries
// entries with an error rather than walking on.
constexpr int kMaxWalkDepth = 32;
constexpr size_t kMaxWalkEntries = 100000;

struct Walk {
  std::set<std::pair<dev_t, ino_t>> seen;
  size_t entries = 0;
};

// "" or why `dir` is not walked: "on a procfs filesystem".
std::string PseudoFilesystem(const std::string& dir) {
  struct statfs fs;
  if (::statfs(dir.c_str(), &fs) != 0) return "";
  if (fs.f_type == PROC_SUPER_MAGIC) return "a procfs filesystem";
  if (fs.f_type == SYSFS_MAGIC) return "a sysfs filesystem";
  return "";
}

Status CollectJson(const std::string& dir, int depth, Walk& walk, std::vector<std::string>& out) {
  if (depth > kMaxWalkDepth) {
    return Status::Invalid(dir + ": more than " + std::to_string(kMaxWalkDepth) + " directory levels below the scenario path");
  }
  if (const std::string pseudo = PseudoFilesystem(dir); !pseudo.empty()) {
    return Status::Invalid(dir + ": on " + pseudo + "; scenario files are not there");
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::Invalid("cannot read " + dir + ": " + std::strerror(errno));
  struct stat self;
  if (::fstat(::dirfd(d), &self) == 0 && !walk.seen.insert({self.st_dev, self.st_ino}).second) {
    ::closedir(d);
    return Status::Ok();  // reached twice (a bind mount): walked once
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    if (++walk.entries > kMaxWalkEntries) {
      ::closedir(d);
      return Status::Invalid(dir + ": more than " + std::to_string(kMaxWalkEntries) +
                             " entries below the scenario path; name the scenario files or a smaller directory");
    }
    names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (name == "." || name == "..") continue;
    const std::string path = (dir == "." ? "" : dir + "/") + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      if (name != "data") SHARDLAB_RETURN_IF_ERROR(CollectJson(path, depth + 1, walk, out));
    } else if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
      // A symlink to a directory is not followed; one to a file is read like the file.
      if (S_ISLNK(st.st_mode) && IsDirectory(path)) continue;
      out.push_back(path);
    }
  }
  return Status::Ok();
}

// Files and directories on the command line -> scenario files. kInvalidInput when a
// path does not exist or a directory holds no scenario.
StatusOr<std::vector<std::string>> ExpandScenarioPaths(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  Walk walk;
  for (std::string arg : args) {
    while (arg.size() > 1 && arg.back() == '/') arg.pop_back();
    if (IsDirectory(arg)) {
      const size_t before = files.size();
      SHARDLAB_RETURN_IF_ERROR(CollectJson(arg, 0, walk, files));
      if (files.size() == before) return Status::Invalid(arg + ": no scenario files (*.json) in this directory");
    } else if (PathExists(arg)) {
      files.push_back(arg);
    } else {
      return Status::Invalid("cannot read " + arg + ": No such file or directory");
    }
  }
  return files;
}

// Loads every scenario and prints every problem of each. Returns the scenarios (the
// invalid ones left out) and whether all were valid. `on_valid` is called for each valid
// one in order (validate prints its ok line there).
struct LoadedAll {
  std::vector<Scenario> scenarios;
  bool all_valid = true;
};
LoadedAll LoadAll(const std::vector<std::string>& files, const LoadOptions& load) {
  LoadedAll out;
  for (const std::string& file : files) {
    auto s = LoadScenario(file, load);
    if (!s.ok()) {
      std::cerr << s.status().message() << "\n";
      out.all_valid = false;
      continue;
    }
    bool unique = true;
    for (const Scenario& other : out.scenarios) {
      if (other.name == s->name) {
        std::cerr << file << ": name: \"" << s->name << "\" is also the name of " << other.file
                  << "; results are named after scenarios, so names must differ\n";
        out.all_valid = unique = false;
      }
    }
    if (unique) out.scenarios.push_back(std::move(s).value());
  }
  return out;
}

// The common front of run and validate: parse options, expand paths, load and validate
// every scenario. nullopt after printing the problem (exit 2) or the help (exit 0).
struct Loaded {
  Args args;
  LoadedAll loaded;
};
std::optional<Loaded> ParseAndLoad(const std::vector<std::string>& argv, const std::string& command, int& exit_code) {
  auto args = ParseArgs(command, argv);
  if (!args.ok()) {
    exit_code = Usage(command, args.status().message());
    return std::nullopt;
  }
  if (args->positional.empty()) {
    exit_code = Usage(command, command + " needs at least one scenario file or directory (shardlab " + command +
                                   " --help)");
    return std::nullopt;
  }
  SetVerbosity(args->verbosity < 0 ? Verbosity::kQuiet : args->verbosity > 0 ? Verbosity::kVerbose : Verbosity::kNormal);
  auto files = ExpandScenarioPaths(args->positional);
  if (!files.ok()) {
    std::cerr << files.status().message() << "\n";
    exit_code = kExitInvalid;
    return std::nullopt;
  }
  return Loaded{*args, LoadAll(*files, args->load)};
}

std::string NewRunDir() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
  std::string dir = std::string("results/") + stamp;
  for (int n = 2; PathExists(dir); ++n) dir = std::string("results/") + stamp + "-" + std::to_string(n);
  return dir;
}

const char* SignalName(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal"; }

// results/latest -> the run directory `name` (a sibling), replacing only a link shardlab
// made: a symlink to a plain name. Anything else there is left alone, with a note.
void PointLatestAt(const std::string& name) {
  const std::string latest = "results/latest";
  struct stat st;
  if (::lstat(latest.c_str(), &st) == 0) {
    char target[256];
    const ssize_t n = S_ISLNK(st.st_mode) ? ::readlink(latest.c_str(), target, sizeof(target) - 1) : -1;
    const std::string old = n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
    if (old.empty() || old.find('/') != std::string::npos || !IsWordOf(old, "-_.")) {
      std::cerr << "note: " << latest << " is not a link shardlab made; left as it is\n";
      return;
    }
  }
  const std::string temp = "results/.latest." + std::to_string(::getpid());
  if (::symlink(name.c_str(), temp.c_str()) != 0 || ::rename(temp.c_str(), latest.c_str()) != 0) {
    std::cerr << "note: cannot point " << latest << " at " << name << ": " << std::strerror(errno) << "\n";
    ::unlink(temp.c_str());
  }
}

int CmdRun(const std::vector<std::string>& argv, const std::string& command_line) {
  int exit_code = kExitOk;
  auto parsed = ParseAndLoad(argv, "run", exit_code);
  if (!parsed) return exit_code;
  if (!parsed->loaded.all_valid) return kExitInvalid;
  const Args& args = parsed->args;
  const std::vector<Scenario>& scenarios = parsed->loaded.scenarios;
  const bool quiet = args.verbosity < 0;
  // --format json: stdout carries the summary alone; people read stderr.
  std::ostream& human = args.json_format ? std::cerr : std::cout;
  const ConsoleStyle style{UseColour(args.json_format ? STDERR_FILENO : STDOUT_FILENO), quiet};

  RunOptions options;
  const bool default_run_dir = !args.out;
  options.run_dir = args.out.value_or(NewRunDir());
  options.data_dir = args.data;
  options.keep = args.keep;
  options.keep_failures = args.keep_failures;
  options.self_executable = SelfExecutable();
  options.load = args.load;
  options.command_line = command_line;
  // Refuse before running anything if a data directory or a result is there already
  // (shardlab neither reuses a directory nor replaces a file it did not create), or a
  // run cannot fit (space, inodes, descriptors).
  bool taken = false;
  if (args.summary_json && PathExists(*args.summary_json)) {
    std::cerr << "--summary-json " << *args.summary_json << ": exists already; shardlab does not replace files "
              << "(choose another name)\n";
    taken = true;
  }
  std::vector<FootprintVerdict> verdicts;
  uint64_t fds_needed = 0;
  for (const Scenario& s : scenarios) {
    if (Status st = CheckPlacesFree(s, options); !st.ok()) {
      std::cerr << s.file << ": " << st.message() << "\n";
      taken = true;
    }
    verdicts.push_back(CheckFootprint(s, DataDirFor(s, options)));
    if (!verdicts.back().status.ok()) {
      std::cerr << verdicts.back().status.message() << "\n";
      taken = true;
    }
    for (const std::string& w : verdicts.back().warnings) std::cerr << w << "\n";
    fds_needed = std::max(fds_needed, verdicts.back().estimate.fds + kFdMargin);
  }
  if (taken) return kExitInvalid;
  // Below the hard limit (checked above): raise the soft one to what the largest run needs.
  if (auto limit = EnsureOpenFileLimit(fds_needed); !limit.ok()) {
    std::cerr << limit.status().message() << "\n";
    return kExitRuntime;
  }
  // Every connection of the run counts its I/O (kinds report it per operation).
  if (Status st = InstallIoCounter(); !st.ok()) {
    std::cerr << st.message() << "\n";
    return kExitRuntime;
  }
  Workspace results;  // cleaned only of what stays empty: results stay
  if (Status st = results.MakeDirs(options.run_dir); !st.ok()) {
    std::cerr << st.message() << "\n";
    return kExitRuntime;
  }
  // Ctrl-C and SIGTERM stop the run cleanly from here on (core/interrupt.h).
  InstallInterruptHandlers();
  // A SIGKILLed crash run cannot remove its states from tmpfs, which holds them in memory.
  uint64_t abandoned_bytes = 0;
  if (const auto abandoned = AbandonedStateDirs(&abandoned_bytes); !abandoned.empty()) {
    std::cerr << "note: " << abandoned.size() << " crash-state director" << (abandoned.size() == 1 ? "y" : "ies")
              << " of killed runs hold " << Fixed(static_cast<double>(abandoned_bytes) / 1e6, 1)
              << " MB of memory; remove with: rm -r";
    for (size_t i = 0; i < abandoned.size() && i < 3; ++i) std::cerr << " " << abandoned[i];
    std::cerr << (abandoned.size() > 3 ? " …" : "") << "\n";
  }

  RunTally tally;
  tally.run_dir = options.run_dir;
  size_t finished = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Scenario& s = scenarios[i];
    if (Interrupted()) break;
    if (verdicts[i].large && !quiet) std::cerr << WrapLongLines("estimate: " + DescribeFootprint(verdicts[i].estimate)) << "\n";
    if (!quiet) std::cerr << "running " << s.file << " (seed " << s.seed << ")\n";
    ScenarioOutcome outcome = RunScenario(s, options);
    ScenarioTally one{s.name, s.kind, s.file, "", "", outcome.passed, outcome.failed, outcome.unknown, outcome.seconds};
    if (outcome.interrupted) {
      std::cerr << "shardlab: " << s.name << " interrupted by " << SignalName(InterruptSignal()) << " after "
                << Fixed(outcome.seconds, 1) << " s; no result written for it; "
                << (outcome.data_kept ? "its shard files are kept in " + outcome.data_dir + " (--keep)"
                                      : "removed the " + std::to_string(outcome.removed) +
                                            " files and directories it had created")
                << "\n";
      one.outcome = "interrupted";
      tally.scenarios.push_back(one);
      break;
    }
    if (!outcome.status.ok() && outcome.status.kind() == ErrorKind::kInvalidInput && !outcome.result_written) {
      // Its places were taken between the check above and now (another run): nothing ran.
      std::cerr << s.file << ": " << outcome.status.message() << "\n";
      exit_code = kExitInvalid;
      break;
    }
    ++finished;
    if (outcome.result_written) {
      human << SummarizeResult(outcome.result, style);
      one.result_path = outcome.result_path;
    }
    if (!outcome.status.ok()) {
      std::cerr << s.file << ": " << outcome.status.message() << "\n";
      if (outcome.data_kept && PathExists(outcome.data_dir)) {
        std::cerr << "  shard files kept for inspection in " << AbsolutePath(outcome.data_dir) << "\n";
      }
      if (exit_code != kExitInvalid) exit_code = kExitRuntime;
      one.outcome = "error";
    } else {
      one.outcome = OutcomeOf(outcome.failed, outcome.unknown);
      // A check that could not be evaluated did not hold either.
      if (outcome.failed + outcome.unknown > 0 && exit_code == kExitOk) exit_code = kExitCheckFailed;
    }
    if (outcome.result_written && !quiet) human << "  result: " << outcome.result_path << "\n";
    human.flush();
    tally.scenarios.push_back(one);
  }
  results.RemoveCreated();  // the results directory, only when no result went into it
  if (default_run_dir && IsDirectory(options.run_dir)) PointLatestAt(options.run_dir.substr(8));  // "results/"
  const int sig = InterruptSignal();
  if (sig != 0) {
    if (finished > 0) {
      std::cerr << "shardlab: interrupted; the results of " << finished << " finished scenario"
                << (finished == 1 ? "" : "s") << " are in " << options.run_dir << "\n";
    }
    exit_code = 128 + sig;
  }
  tally.exit_code = exit_code;
  human << ClosingLine(tally, style.colour) << "\n";
  human.flush();
  if (args.json_format) std::cout << SummaryJson(tally).dump(2) << "\n";
  if (args.summary_json) {
    if (Status st = WriteNewJsonFile(*args.summary_json, SummaryJson(tally)); !st.ok()) {
      std::cerr << "--summary-json: " << st.message() << "\n";
      if (exit_code == kExitOk) exit_code = kExitRuntime;
    }
  }
  std::cout.flush();
  return exit_code;
}

int CmdRepro(const std::vector<std::string>& argv) {
  auto args = ParseArgs("repro", argv);
  if (!args.ok()) return Usage("repro", args.status().message());
  if (args->positional.size() != 1 || !args->trial) {
    return Usage("repro", "repro needs one result file and --trial N (shardlab repro --help)");
  }
  const std::string& result = args->positional[0];
  const size_t slash = result.rfind('/');
  const std::string beside = slash == std::string::npos ? "." : result.substr(0, slash);
  return ReproTrial(result, *args->trial, args->data.value_or(beside));
}

int CmdValidate(const std::vector<std::string>& argv) {
  int exit_code = kExitOk;
  auto parsed = ParseAndLoad(argv, "validate", exit_code);
  if (!parsed) return exit_code;
  if (!parsed->loaded.all_valid) exit_code = kExitInvalid;
  const bool quiet = parsed->args.verbosity < 0;
  // The footprint against the default data location (results/<run>/data/) or the
  // scenario's data_dir.
  RunOptions where;
  where.run_dir = "results/run";
  for (const Scenario& s : parsed->loaded.scenarios) {
    const FootprintVerdict v = CheckFootprint(s, DataDirFor(s, where));
    for (const std::string& w : v.warnings) std::cerr << w << "\n";
    if (!v.status.ok()) {
      std::cerr << v.status.message() << "\n";
      exit_code = kExitInvalid;
      continue;
    }
    if (quiet) continue;
    std::cout << "ok  " << s.file << "  (" << s.name << ", " << s.kind << ")\n"
              << WrapLongLines("    estimate: " + DescribeFootprint(v.estimate)) << "\n";
  }
  return exit_code;
}

int CmdList(const std::vector<std::string>& argv) {
  auto args = ParseArgs("list", argv);
  if (!args.ok()) return Usage("list", args.status().message());
  if (args->positional.size() > 1) return Usage("list", "list takes at most one directory (shardlab list --help)");
  auto files = ExpandScenarioPaths({args->positional.empty() ? std::string("scenarios") : args->positional[0]});
  if (!files.ok()) {
    std::cerr << files.status().message() << "\n";
    return kExitInvalid;
  }
  int code = kExitOk;
  for (const std::string& file : *files) {
    auto s = LoadScenario(file, LoadOptions{});
    if (!s.ok()) {
      std::cout << file << "  INVALID (shardlab validate " << file << ")\n";
      code = kExitInvalid;
      continue;
    }
    std::string claims;
    for (const std::string& c : s->claims) claims += (claims.empty() ? "" : ",") + c;
    // The file on its own line: name, kind and claims below it fit 100 columns.
    const std::string head = file + "\n    " + s->name + "  [" + s->kind + "]" + (claims.empty() ? "" : "  " + claims);
    std::cout << head << "\n";
    std::vector<std::string> words;
    for (size_t at = 0; at < s->description.size();) {
      const size_t space = std::min(s->description.find(' ', at), s->description.size());
      if (space > at) words.push_back(s->description.substr(at, space - at));
      at = space + 1;
    }
    for (const std::string& line : WrapJoined(words, " ", "    ")) std::cout << line << "\n";
  }
  return code;
}

// -h or --help before a `--`.
bool AsksForHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

}  // namespace

int RunCli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command_line = "shardlab";
  for (const std::string& a : args) command_line += " " + a;
  if (args.empty()) return Usage("", "missing command");
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "__trial-child" && args.size() == 4) {
    // Internal: a crash trial child re-executed with libfiu's POSIX preload.
    return TrialChildMain(args[0], args[1], std::stoi(args[2]), args[3]);
  }
  if (command == "help" || command == "--help" || command == "-h") {
    const char* help = args.empty() ? nullptr : CommandHelp(args[0]);
    std::cout << (help != nullptr ? help : TopLevelHelp());
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << VersionText();
    return kExitOk;
  }
  if (CommandHelp(command) != nullptr && AsksForHelp(args)) {
    std::cout << CommandHelp(command);
    return kExitOk;
  }
  if (command == "run") return CmdRun(args, command_line);
  if (command == "validate") return CmdValidate(args);
  if (command == "list") return CmdList(args);
  if (command == "repro") return CmdRepro(args);
  return Usage("", "unknown command " + Printable(command, 60));
}

}  // namespace shardlab
