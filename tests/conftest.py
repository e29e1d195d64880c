"""Shared fixtures for the black-box tests of the shardlab CLI.

The binary comes from $SHARDLAB (set by ctest to the built target), falling back to
build/shardlab under the repository root. A missing binary is an error, never a skip.
Every test writes only below pytest's tmp_path: results go to an explicit --out.
"""
import copy
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"

# Generous: an ASan build is several times slower than a release one.
RUN_TIMEOUT_S = 240

# A small valid scenario (workload kind, 4 shards, 100 keys) that tests copy and break.
SMALL_SCENARIO = {
    "name": "small",
    "kind": "workload",
    "seed": 7,
    "shards": {"count": 4},
    "keys": {"count": 100, "format": "user:{i}"},
    "router": {"type": "mod"},
}


def _find_binary():
    env = os.environ.get("SHARDLAB")
    if env:
        path = Path(env)
        if not path.is_absolute():
            path = (REPO / path) if not path.exists() else path.resolve()
        return path, "$SHARDLAB=" + env
    return REPO / "build" / "shardlab", "fallback build/shardlab (SHARDLAB is not set)"


@pytest.fixture(scope="session")
def shardlab():
    """Absolute path of the shardlab binary; fails (not skips) when it is missing."""
    path, origin = _find_binary()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"shardlab binary not found or not executable at {path} ({origin}); "
            "build it with `cmake --build build` or set SHARDLAB to its path",
            pytrace=False,
        )
    return str(path.resolve())


@pytest.fixture(scope="session")
def run(shardlab):
    """run(args, cwd=REPO, timeout=...) -> CompletedProcess with text stdout/stderr."""

    def _run(args, cwd=None, timeout=RUN_TIMEOUT_S, check_rc=None):
        proc = subprocess.run(
            [shardlab] + [str(a) for a in args],
            cwd=str(cwd if cwd is not None else REPO),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
        if check_rc is not None:
            assert proc.returncode == check_rc, describe(proc)
        return proc

    return _run


def describe(proc):
    """A failure message with everything the CLI said."""
    return (
        f"command: {' '.join(proc.args)}\nexit code: {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


def small_scenario(**overrides):
    """A deep copy of SMALL_SCENARIO with top-level keys replaced."""
    s = copy.deepcopy(SMALL_SCENARIO)
    s.update(copy.deepcopy(overrides))
    return s


@pytest.fixture
def write_scenario(tmp_path):
    """write_scenario(dict_or_text, name="scenario.json") -> Path of the written file."""

    def _write(content, name="scenario.json"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text)
        return path

    return _write


def load_result(out_dir, name):
    path = Path(out_dir) / f"{name}.json"
    assert path.is_file(), f"no result file {path}; the directory holds {sorted(os.listdir(out_dir))}"
    with open(path) as f:
        return json.load(f)


def scenario_files():
    """Every scenario file under scenarios/, except below folders named data/."""
    files = []
    for path in sorted(SCENARIOS.rglob("*.json")):
        rel = path.relative_to(SCENARIOS)
        if "data" in rel.parts[:-1]:
            continue
        files.append(path)
    return files


def strip_comments(text):
    """Removes // line comments outside strings (the scenario format's comments)."""
    out = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_string = False
            i += 1
        elif c == '"':
            in_string = True
            out.append(c)
            i += 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read_scenario(path):
    """A scenario file parsed as JSON (comments removed)."""
    return json.loads(strip_comments(Path(path).read_text()))


@pytest.fixture(scope="session")
def repo():
    """The repository root (the working directory ctest runs the tests in)."""
    return REPO


def assert_rejected(run, scenario_path, tmp_path, field, words=""):
    """`run` of an invalid scenario: exit 2, one line naming the file and the field (and
    `words`), and nothing written."""
    out = tmp_path / "out"
    proc = run(["run", scenario_path, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert f"{scenario_path}: {field}" in proc.stderr and words in proc.stderr, proc.stderr
    assert not out.exists()
    return proc
