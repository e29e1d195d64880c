"""scenarios/ci under --quick: exit 0, and the layout of every result file."""
import json
import os
import re
from pathlib import Path

import pytest

from conftest import SCENARIOS, describe, load_result, read_scenario

CI_FILES = sorted((SCENARIOS / "ci").glob("*.json"))
CI = {read_scenario(p)["name"]: read_scenario(p) for p in CI_FILES}
CI_RUN_TIMEOUT_S = 1200
CORE_KEYS = {"schema_version", "scenario", "seed", "env", "metrics", "checks", "started", "duration_s"}


@pytest.fixture(scope="module")
def ci_run(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("ci") / "out"
    # Every CI scenario in one process: minutes under ASan on a shared 2-core machine.
    proc = run(["run", "scenarios/ci", "--out", out, "--quick"], timeout=CI_RUN_TIMEOUT_S)
    return proc, out


@pytest.fixture(scope="module")
def kept_run(run, tmp_path_factory):
    """One CI scenario with --keep: the shard files stay."""
    out = tmp_path_factory.mktemp("ci-keep") / "out"
    proc = run(["run", "scenarios/ci/scatter-fanout.json", "--out", out, "--quick", "--keep"])
    return proc, out


def test_ci_scenarios_exist():
    assert len(CI) == len(CI_FILES) >= 3, "scenario names must differ"


def test_run_exits_zero(ci_run):
    proc, _ = ci_run
    assert proc.returncode == 0, describe(proc)


def test_one_result_per_scenario(ci_run):
    proc, out = ci_run
    assert out.is_dir(), describe(proc)
    assert sorted(os.listdir(out)) == sorted(name + ".json" for name in CI), describe(proc)
    for name in CI:
        assert f"result: {out}/{name}.json" in proc.stdout


def test_no_leftover_temporary_files(ci_run):
    _, out = ci_run
    leftovers = [str(p) for p in Path(out).rglob("*") if ".tmp" in p.name]
    assert leftovers == []


def test_data_directory_removed(ci_run):
    _, out = ci_run
    assert not (out / "data").exists(), sorted(str(p) for p in (out / "data").rglob("*"))
    for name in CI:
        r = load_result(out, name)
        assert r["run"]["data_kept"] is False
        assert r["run"]["data_dir"] == str((out / "data" / name).resolve())
        assert not Path(r["run"]["data_dir"]).exists()


@pytest.mark.parametrize("name", sorted(CI))
def test_result_core_layout(ci_run, name):
    _, out = ci_run
    r = load_result(out, name)
    assert CORE_KEYS <= set(r), CORE_KEYS - set(r)
    assert r["schema_version"] == 1
    assert r["name"] == name and r["kind"] == CI[name]["kind"]
    assert r["status"] == "ok", r.get("error")
    assert r["seed"] == CI[name]["seed"]
    assert r["scenario"]["seed"] == CI[name]["seed"]
    assert r["scenario"]["name"] == name
    # The resolved scenario has the defaults filled in.
    assert r["scenario"]["sqlite"]["page_size"] == 4096
    assert r["scenario"]["shards"]["layout"] == CI[name]["shards"].get("layout", "flat")
    assert r["scenario"]["shards"]["count"] == CI[name]["shards"]["count"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["started"]), r["started"]
    assert isinstance(r["duration_s"], (int, float)) and 0 < r["duration_s"] < 600
    assert r["run"]["quick"] is True
    if CI[name]["kind"] != "workload":
        return  # crash results: tests/test_crash.py
    m = r["metrics"]
    assert m["shards"] == CI[name]["shards"]["count"]
    assert len(m["per_shard_counts"]) == CI[name]["shards"]["count"]
    assert sum(m["per_shard_counts"]) == CI[name]["keys"]["count"] == m["load"]["rows"]


@pytest.mark.parametrize("name", sorted(CI))
def test_result_checks(ci_run, name):
    _, out = ci_run
    r = load_result(out, name)
    assert len(r["checks"]) == len(CI[name].get("expect", []))
    for check, expect in zip(r["checks"], CI[name].get("expect", [])):
        assert {"name", "expected", "observed", "verdict"} <= set(check), check
        assert check["verdict"] in ("pass", "fail", "unknown")
        assert check["expected"] == expect["value"]
        assert check["metric"] == expect["metric"]
    summary = {v: sum(c["verdict"] == v for c in r["checks"]) for v in ("pass", "fail", "unknown")}
    assert r["summary"] == summary


@pytest.mark.parametrize("name", sorted(CI))
def test_every_check_passes_under_quick(ci_run, name):
    _, out = ci_run
    r = load_result(out, name)
    failed = [(c["name"], c["observed"]) for c in r["checks"] if c["verdict"] != "pass"]
    assert failed == [], f"--quick run of {name}: checks not passing (name, observed): {failed}"


@pytest.mark.parametrize("name", sorted(CI))
def test_environment_block(ci_run, name):
    _, out = ci_run
    env = load_result(out, name)["env"]
    assert re.fullmatch(r"3\.\d+\.\d+", env["sqlite"]["version"]), env["sqlite"]
    opts = env["sqlite"]["compile_options"]
    assert isinstance(opts, list) and opts and all(isinstance(o, str) and o for o in opts)
    assert any(o.startswith("THREADSAFE=") for o in opts), opts
    for key in ("kernel", "cpu_model", "memory", "compiler", "build_type", "git_commit"):
        assert isinstance(env[key], str) and env[key].strip(), (key, env.get(key))
    assert env["kernel"].startswith(os.uname().sysname)
    assert isinstance(env["cores"], int) and env["cores"] >= 1
    assert isinstance(env["filesystem"]["type"], str) and env["filesystem"]["type"] not in ("", "unknown")
    assert isinstance(env["compiler_flags"], str)
    assert env["build_type"] in ("Release", "Debug", "RelWithDebInfo", "MinSizeRel"), env["build_type"]


def test_compiler_flags_are_recorded(ci_run):
    _, out = ci_run
    env = load_result(out, sorted(CI)[0])["env"]
    # DESIGN: the environment records "compiler and flags"; every build type has some
    # (-O3 -DNDEBUG for Release, -g for Debug, plus -fsanitize=... for the ASan build).
    assert env["compiler_flags"].strip(), (
        "env.compiler_flags is empty: the result does not record how the binary was compiled "
        f"(build_type {env['build_type']!r})")
    if env["build_type"] == "Release":
        assert "-O" in env["compiler_flags"]
    if env.get("sanitized"):
        assert "-fsanitize" in env["compiler_flags"]


def test_keep_leaves_shard_files(kept_run):
    proc, out = kept_run
    assert proc.returncode == 0, describe(proc)
    r = load_result(out, "ci-scatter-fanout")
    assert r["run"]["data_kept"] is True
    data = Path(r["run"]["data_dir"])
    assert data == (out / "data" / "ci-scatter-fanout").resolve()
    shards = sorted(p.name for p in data.glob("shard_*.db"))
    assert shards == [f"shard_{i:04d}.db" for i in range(8)]
    for p in data.glob("shard_*.db"):
        with open(p, "rb") as f:
            assert f.read(16) == b"SQLite format 3\x00"
    assert not [p for p in Path(out).rglob("*") if ".tmp" in p.name]


def metric_paths(node, prefix=""):
    """Every path to a value in a result's metrics (arrays are values)."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from metric_paths(value, f"{prefix}.{key}" if prefix else key)
    elif prefix:
        yield prefix


@pytest.mark.parametrize("name", sorted(CI))
def test_validate_accepts_every_metric_the_run_produced(ci_run, run, name, tmp_path):
    """validate checks expect[].metric against what a run will produce; it must not refuse
    a metric a real run of the same scenario did produce."""
    _, out = ci_run
    paths = sorted(set(metric_paths(load_result(out, name)["metrics"])))
    assert paths
    scenario = dict(CI[name])
    scenario["expect"] = [{"metric": p, "op": "ge", "value": 0} for p in paths]
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(scenario))
    proc = run(["validate", path, "--quiet"])
    assert proc.returncode == 0, describe(proc)
