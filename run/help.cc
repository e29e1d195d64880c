#include "run/help.h"

#include "run/build_info.h"
#include "sqlite/sqlite_facts.h"

namespace shardlab {

const char* TopLevelHelp() {
  return R"(usage: shardlab <command> [options] [arguments]

shardlab measures and fault-tests sharding data over many SQLite files: each scenario
file is a claim, run against real shard files, with a verdict per expectation.

commands:
  run SCENARIO_OR_DIR...       run scenarios, write one JSON result each
  validate SCENARIO_OR_DIR...  check scenarios (and their expectations) without running
  list [DIR]                   list the scenarios under DIR (default scenarios/)
  repro RESULT.json --trial N  rerun one recorded violation of a crash result

options:
  -h, --help     this text; `shardlab <command> --help` for a command's options
  --version      shardlab's version, the SQLite it is linked with

A directory stands for every *.json below it, except under folders named data/.
Options take `--name VALUE` or `--name=VALUE`; `--` ends the options.

exit codes:
  0    every expectation held
  1    a run finished but an expectation failed or could not be evaluated (unknown)
  2    invalid input or usage; nothing was written or deleted
  3    runtime failure
  130  interrupted by SIGINT, 143 by SIGTERM (the interrupted scenario has no result)

example:
  shardlab run scenarios/blog
)";
}

namespace {

constexpr const char* kRunHelp = R"(usage: shardlab run SCENARIO_OR_DIR... [options]

Validate every scenario, then run each against real shard files and write one JSON
result per scenario into the run directory. The console shows each scenario's numbers
and checks, then one closing line: `N scenarios: P passed, F failed, U unknown`.

options:
  --out DIR            results go to DIR (default results/<UTC timestamp>/, and
                       results/latest then points at it); DIR/<name>.json must not exist
  --seed N             override every scenario's seed
  --quick              one repetition, fewer timed operations (loaded data unchanged)
  --set PATH=VALUE     override a scenario key before validation (repeatable); arrays
                       take an index: --set router.vnodes=64,
                       --set reshard.routers[1].vnodes=64, --set sqlite.journal_mode=wal
  --data DIR           shard files go under DIR/<scenario>/ (default <out>/data/)
  --keep               keep the shard files after a successful run
  --keep-failures      crash scenarios: keep each violating trial's directory
  --summary-json FILE  also write the closing summary as JSON to FILE (a new file)
  --format text|json   json: print the closing summary as JSON on stdout; the
                       scenario lines go to stderr
  -q, --quiet          only problems, the scenarios with failed or unknown checks
                       (those checks alone), and the closing line
  -v, --verbose        also a line for every phase that took a second or more
  -h, --help           this text

Colour marks verdicts when stdout is a terminal and NO_COLOR is not set.
A result that exists already is never replaced (exit 2): choose another --out.
Exit codes: 0 all held, 1 an expectation failed or was unknown, 2 invalid input,
3 runtime failure, 130/143 interrupted (shardlab --help).

examples:
  shardlab run scenarios/blog/hash-distribution.json
  shardlab run scenarios/ci --quick --out=/tmp/ci --summary-json=/tmp/ci-summary.json
)";

constexpr const char* kValidateHelp = R"(usage: shardlab validate SCENARIO_OR_DIR... [options]

Check scenarios without running them: every field, every expectation's metric path
(with a suggestion for a misspelt name), and the run's estimated footprint against
this machine. Prints `ok` for each valid file and every problem of each invalid one.

options:
  --set PATH=VALUE   override a scenario key first, as `run` would (repeatable)
  -q, --quiet        only problems
  -h, --help         this text

Exit codes: 0 every file is valid, 2 a file is invalid.

example:
  shardlab validate scenarios/ --set reshard.routers[1].vnodes=64
)";

constexpr const char* kListHelp = R"(usage: shardlab list [DIR] [options]

List the scenarios under DIR (default scenarios/): file, name, kind, the claims they
test (defined in scenarios/CLAIMS.md) and the description.

options:
  -h, --help   this text

Exit codes: 0 all listed scenarios are valid, 2 one is invalid (marked INVALID).

example:
  shardlab list scenarios/crash
)";

constexpr const char* kReproHelp = R"(usage: shardlab repro RESULT.json --trial N [options]

Rerun trial N of a crash result (one of its recorded violations) in a fresh directory,
keep it for inspection, and print the verdict.

options:
  --trial N    the trial to rerun (the result's violations list their trial numbers)
  --data DIR   where the fresh directory goes (default: beside the result)
  -h, --help   this text

Exit codes: 0 the verdict matches the recorded one, 1 it differs, 2 invalid input.

example:
  shardlab repro results/latest/crash-matrix-2-shards.json --trial 17
)";

}  // namespace

const char* CommandHelp(const std::string& command) {
  if (command == "run") return kRunHelp;
  if (command == "validate") return kValidateHelp;
  if (command == "list") return kListHelp;
  if (command == "repro") return kReproHelp;
  return nullptr;
}

std::string VersionText() {
  return std::string("shardlab ") + kGitDescribe + " (" + kBuildType + (kSanitized ? ", sanitized" : "") +
         ")\nSQLite " + SqliteVersion() + " (" + std::to_string(SqliteCompileOptions().size()) +
         " compile options)\n";
}

}  // namespace shardlab
