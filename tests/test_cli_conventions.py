"""The command line's conventions: help on every command, --version, --opt=value, short
flags, array indices in --set, the closing summary (text and JSON), colour only on a
terminal without NO_COLOR, results/latest, and validate's metric-path suggestions."""
import json
import os
import pty
import re
import sqlite3
import subprocess

import pytest

from conftest import REPO, describe, load_result, read_scenario, small_scenario

COMMANDS = ["run", "validate", "list", "repro"]

PASSING = small_scenario(name="good", expect=[{"metric": "load.rows", "op": "eq", "value": 100},
                                              {"metric": "shards", "op": "gt", "value": 3}])
FAILING = small_scenario(name="bad", expect=[{"metric": "load.rows", "op": "eq", "value": 99}])
# No mix: the run has no throughput, so this check is unknown.
UNKNOWN = small_scenario(name="unsure", expect=[{"metric": "throughput.ops_per_s", "op": "gt", "value": 1}])

# --- help and version ----------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_on_every_command(run, command, flag):
    proc = run([command, flag])
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.startswith(f"usage: shardlab {command}"), proc.stdout
    assert "options:" in proc.stdout and "example" in proc.stdout
    assert proc.stderr == ""


def test_help_wins_over_other_arguments(run):
    proc = run(["run", "no-such-file.json", "--help"])
    assert proc.returncode == 0 and proc.stdout.startswith("usage: shardlab run"), describe(proc)


def test_run_help_lists_every_option(run):
    text = run(["run", "--help"]).stdout
    for option in ("--out", "--seed", "--quick", "--set", "--data", "--keep", "--keep-failures", "--summary-json",
                   "--format", "--quiet", "--verbose", "NO_COLOR", "routers[1]"):
        assert option in text, option


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"]])
def test_top_level_help(run, args):
    proc = run(args)
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.startswith("usage: shardlab <command>")
    for command in COMMANDS + ["--version", "exit codes"]:
        assert command in proc.stdout, command


def test_help_for_a_command(run):
    assert run(["help", "validate"]).stdout == run(["validate", "--help"]).stdout


def test_version(run):
    proc = run(["--version"])
    assert proc.returncode == 0, describe(proc)
    lines = proc.stdout.splitlines()
    assert re.fullmatch(r"shardlab \S+ \((Release|Debug|RelWithDebInfo|MinSizeRel|)(, sanitized)?\)", lines[0]), lines
    m = re.fullmatch(r"SQLite (3\.\d+\.\d+) \((\d+) compile options\)", lines[1])
    assert m, lines
    # The same system library Python links: the same version and option count.
    with sqlite3.connect(":memory:") as db:
        assert m.group(1) == db.execute("select sqlite_version()").fetchone()[0]
        assert int(m.group(2)) == len(db.execute("pragma compile_options").fetchall())


def test_unknown_option_names_the_command(run):
    proc = run(["validate", "--bogus", "scenarios/ci"])
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == "shardlab: unknown option --bogus for validate (shardlab validate --help)"


# --- option syntax ---------------------------------------------------------------------------


def test_opt_equals_value(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario())
    proc = run(["run", path, f"--out={tmp_path / 'out'}", "--seed=11", "--set=keys.count=50", "-q"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "small")
    assert r["seed"] == 11 and r["metrics"]["load"]["rows"] == 50


@pytest.mark.parametrize("args, message", [
    (["--quick=yes"], "--quick takes no value"),
    (["--seed=x"], "--seed x: expected a non-negative integer"),
    (["--out="], "--out needs a non-empty path"),
    (["--format=xml"], "--format xml: expected text or json"),
    (["-x"], "unknown option -x for run (shardlab run --help)"),
    (["--out"], "--out needs a value (shardlab run --help)"),
])
def test_bad_options(run, tmp_path, write_scenario, args, message):
    proc = run(["run", write_scenario(small_scenario())] + args, cwd=tmp_path)
    assert proc.returncode == 2, describe(proc)
    assert proc.stderr.splitlines()[0] == "shardlab: " + message
    assert os.listdir(tmp_path) == ["scenario.json"]  # nothing written


def test_double_dash_ends_options(run, tmp_path):
    path = tmp_path / "-odd.json"
    path.write_text(json.dumps(small_scenario(name="odd")))
    proc = run(["validate", "--", path.name], cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.startswith("ok  -odd.json")


def test_set_with_array_index(run, tmp_path):
    scenario = "scenarios/ci/reshard-movement.json"
    routers = read_scenario(REPO / scenario)["reshard"]["routers"]
    ring = next(i for i, r in enumerate(routers) if r["type"] == "ring")
    out = tmp_path / "out"
    proc = run(["run", scenario, "--out", out, "--quick", "-q", "--set", f"reshard.routers[{ring}].vnodes=64",
                "--set", "expect=[]"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(out, "ci-reshard-movement")
    assert r["scenario"]["reshard"]["routers"][ring]["vnodes"] == 64
    assert "ring_64" in r["metrics"]["movement"]
    proc = run(["validate", scenario, "--set", f"reshard.routers[{len(routers)}].vnodes=64"])
    assert proc.returncode == 2
    assert f"reshard.routers is an array of {len(routers)} items" in proc.stderr


# --- validate ----------------------------------------------------------------------------------


def test_validate_suggests_the_metric_meant(run, write_scenario):
    s = read_scenario(REPO / "scenarios/ci/reshard-movement.json")
    s["expect"] = [{"metric": "movement.ring100.add_1.moved_fraction", "op": "lt", "value": 1},
                   {"metric": "movment.mod.add_1.moved_fraction", "op": "lt", "value": 1}]
    proc = run(["validate", write_scenario(s)])
    assert proc.returncode == 2, describe(proc)
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, lines
    assert 'expect[0].metric: found "movement.ring100.add_1.moved_fraction"; no "ring100" under movement ' \
           '(did you mean "ring_100"?' in lines[0]
    assert 'expect[1].metric: found "movment.mod.add_1.moved_fraction"; a reshard result has no metric ' \
           '"movment" (did you mean "movement"?' in lines[1]


def test_validate_reports_valid_files_beside_an_invalid_one(run, tmp_path):
    d = tmp_path / "scen"
    d.mkdir()
    (d / "a.json").write_text(json.dumps(small_scenario(name="a")))
    (d / "b.json").write_text(json.dumps(small_scenario(name="b", seed=-1)))
    (d / "c.json").write_text(json.dumps(small_scenario(name="c")))
    proc = run(["validate", d])
    assert proc.returncode == 2, describe(proc)
    oks = [line for line in proc.stdout.splitlines() if line.startswith("ok  ")]
    assert [line.split()[1] for line in oks] == [str(d / "a.json"), str(d / "c.json")]
    assert "b.json: seed" in proc.stderr
    quiet = run(["validate", d, "-q"])
    assert quiet.returncode == 2 and quiet.stdout == ""


# --- the closing summary ----------------------------------------------------------------------------


@pytest.fixture
def three(tmp_path):
    d = tmp_path / "scen"
    d.mkdir()
    for s in (PASSING, FAILING, UNKNOWN):
        (d / f"{s['name']}.json").write_text(json.dumps(s))
    return d


def test_closing_line_and_exit_code(run, tmp_path, three):
    proc = run(["run", three, "--out", tmp_path / "out"])
    assert proc.returncode == 1, describe(proc)
    last = proc.stdout.splitlines()[-1]
    assert last == "3 scenarios: 1 passed, 1 failed, 1 unknown (4 checks: 2 pass, 1 fail, 1 unknown)"
    only = run(["run", three / "good.json", "--out", tmp_path / "out2"])
    assert only.returncode == 0, describe(only)
    assert only.stdout.splitlines()[-1] == "1 scenario: 1 passed, 0 failed, 0 unknown (2 checks: 2 pass, 0 fail, 0 unknown)"


def test_pass_lines_show_the_observed_value(run, tmp_path, three):
    proc = run(["run", three / "good.json", "--out", tmp_path / "out"])
    assert "  pass  shards gt 3  (observed 4)" in proc.stdout.splitlines(), proc.stdout


def test_quiet_shows_problems_and_the_closing_line(run, tmp_path, three):
    proc = run(["run", three, "--out", tmp_path / "out", "-q"])
    assert proc.returncode == 1
    assert "running" not in proc.stderr and "result:" not in proc.stdout
    assert not any(line.startswith("  pass") for line in proc.stdout.splitlines())
    assert "  fail  load.rows eq 99  (observed 100)" in proc.stdout.splitlines()
    assert proc.stdout.splitlines()[-1].startswith("3 scenarios: 1 passed, 1 failed, 1 unknown")


def test_summary_json(run, tmp_path, three):
    summary = tmp_path / "summary.json"
    proc = run(["run", three, "--out", tmp_path / "out", "--summary-json", summary])
    assert proc.returncode == 1
    s = json.loads(summary.read_text())
    assert s["scenarios"] == 3 and s["exit_code"] == 1
    assert s["outcomes"] == {"passed": 1, "failed": 1, "unknown": 1, "error": 0, "interrupted": 0}
    assert s["checks"] == {"pass": 2, "fail": 1, "unknown": 1}
    by_name = {r["name"]: r for r in s["results"]}
    assert by_name["bad"]["outcome"] == "failed" and by_name["unsure"]["outcome"] == "unknown"
    assert by_name["good"]["result"] == str(tmp_path / "out" / "good.json")
    # Never replaced: a second run naming the same file is refused before it runs.
    again = run(["run", three, "--out", tmp_path / "out2", "--summary-json", summary])
    assert again.returncode == 2 and "exists already" in again.stderr
    assert not (tmp_path / "out2").exists()


def test_format_json_puts_only_the_summary_on_stdout(run, tmp_path, three):
    proc = run(["run", three, "--out", tmp_path / "out", "--format", "json"])
    assert proc.returncode == 1
    s = json.loads(proc.stdout)
    assert s["outcomes"]["failed"] == 1
    assert "3 scenarios: 1 passed" in proc.stderr


# --- colour ----------------------------------------------------------------------------------------------


def run_on_a_terminal(shardlab, args, env_extra, cwd):
    """stdout of shardlab with stdout on a pseudo-terminal."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(env_extra)
    proc = subprocess.Popen([shardlab] + [str(a) for a in args], stdout=slave, stderr=subprocess.DEVNULL,
                            cwd=cwd, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_unless_no_color(shardlab, tmp_path, three):
    args = ["run", three / "good.json", "--out"]
    coloured = run_on_a_terminal(shardlab, args + [tmp_path / "a"], {}, tmp_path)
    assert "\033[32mpass\033[0m" in coloured, coloured
    plain = run_on_a_terminal(shardlab, args + [tmp_path / "b"], {"NO_COLOR": "1"}, tmp_path)
    assert "pass  shards gt 3" in plain and "\033[" not in plain, plain


def test_no_colour_into_a_pipe(run, tmp_path, three):
    proc = run(["run", three / "good.json", "--out", tmp_path / "out"])
    assert "\033[" not in proc.stdout


# --- results/latest ---------------------------------------------------------------------------------------


def test_results_latest_points_at_the_newest_run(run, tmp_path, three):
    first = run(["run", three / "good.json"], cwd=tmp_path)
    assert first.returncode == 0, describe(first)
    latest = tmp_path / "results" / "latest"
    assert latest.is_symlink() and (latest / "good.json").is_file()
    target = os.readlink(latest)
    second = run(["run", three / "good.json"], cwd=tmp_path)
    assert second.returncode == 0, describe(second)
    assert os.readlink(latest) != target and (latest / "good.json").is_file()
    assert (tmp_path / "results" / target / "good.json").is_file()  # the older run stays


def test_results_latest_that_is_not_ours_is_left_alone(run, tmp_path, three):
    (tmp_path / "results").mkdir()
    mine = tmp_path / "results" / "latest"
    mine.write_text("my notes\n")
    proc = run(["run", three / "good.json"], cwd=tmp_path)
    assert proc.returncode == 0, describe(proc)
    assert mine.read_text() == "my notes\n"
    assert "results/latest is not a link shardlab made; left as it is" in proc.stderr
