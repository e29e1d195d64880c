"""walk.postgres (C14 against a real server): the peer's metrics, that no PostgreSQL
process outlives a run (also a killed one), the `unknown` verdict when the server is
absent, and bad input.

The server tests skip only when this machine has no PostgreSQL server binaries
(ci/install-deps installs Debian's postgresql package, so CI always runs them).
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import assert_rejected, describe, load_result, small_scenario


def server_binaries():
    """The directory holding initdb and postgres, found the way shardlab looks (or None)."""
    dirs = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], stdout=subprocess.PIPE, text=True)
        dirs.append(out.stdout.strip())
    dirs += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for d in dirs:
        if all(os.access(os.path.join(d, b), os.X_OK) for b in ("initdb", "postgres")):
            return d
    return None


needs_server = pytest.mark.skipif(server_binaries() is None and not os.environ.get("SHARDLAB_PG_BINDIR"),
                                  reason="no PostgreSQL server binaries on this machine")


def processes_in(directory):
    """pids whose working directory is `directory` or below (a postmaster and its children)."""
    directory = str(Path(directory).resolve())
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{entry}/cwd")
        except OSError:
            continue
        if cwd == directory or cwd.startswith(directory + "/"):
            pids.append(int(entry))
    return pids


def server_ready(data_dir):
    """The postmaster's pid file says it accepts connections."""
    try:
        lines = (Path(data_dir) / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[7].strip() == "ready"


def walk_scenario(name="pg-walk", keys=None, walk=None, expect=None, **workload):
    w = {"walk": {"shards": [4, 16], "iterations": 30, "single_file": True, "postgres": True}}
    w["walk"].update(walk or {})
    w.update(workload)
    return small_scenario(name=name, shards={"count": 16},
                          keys=keys or {"count": 3000, "format": "user:{i}"},
                          workload=w, expect=expect or [])


@needs_server
def test_peer_metrics_and_no_server_left(run, write_scenario, tmp_path):
    expect = [{"metric": "walk.shards_16.postgres.lookups.rows_per_walk", "op": "eq", "value": 16.0},
              {"metric": "walk.shards_16.postgres.one_query.rows_per_walk", "op": "eq", "value": 16.0}]
    out = tmp_path / "out"
    proc = run(["run", write_scenario(walk_scenario(expect=expect)), "--out", out])
    assert proc.returncode == 0, describe(proc)
    r = load_result(out, "pg-walk")
    m = r["metrics"]
    pg = m["postgres"]
    assert pg["available"] is True, pg
    assert pg["rows"] == sum(m["per_shard_counts"]) == 3000
    assert pg["address"].startswith("127.0.0.1:")
    assert pg["settings"]["fsync"] == "on" and pg["settings"]["jit"] == "off"
    assert pg["round_trip_us"]["count"] == 1000 and pg["round_trip_us"]["p50"] > 0
    if os.geteuid() == 0:
        assert pg["run_as"] == "postgres"
    for k in (4, 16):
        w = m["walk"][f"shards_{k}"]
        p = w["postgres"]
        for form in ("lookups", "one_query"):
            assert p[form]["rows_per_walk"] == k, (form, p[form])
            assert p[form]["latency_us"]["count"] == 30 and p[form]["latency_us"]["p50"] > 0
        # The ratios are those of the p50s the result shows (rounding of both aside).
        walk_p50 = w["threads_1"]["latency_us"]["p50"]
        assert p["walk_over_lookups_p50"] == pytest.approx(walk_p50 / p["lookups"]["latency_us"]["p50"], rel=0.02)
        assert p["walk_over_one_query_p50"] == pytest.approx(walk_p50 / p["one_query"]["latency_us"]["p50"], rel=0.02)
        assert p["single_file_lookups_over_lookups_p50"] == pytest.approx(
            w["single_file"]["latency_us"]["p50"] / p["lookups"]["latency_us"]["p50"], rel=0.02)
        assert p["single_file_one_query_over_one_query_p50"] > 0
    assert "PostgreSQL, same lookups: p50" in proc.stdout
    # Stopped and removed: nothing runs in the server's directory, which is gone.
    assert processes_in(tmp_path) == []
    assert not Path(pg["dir"]).exists()
    assert not (out / "data").exists()


# Integer keys (BIGINT, `= ANY($1::bigint[])`), the value index, and repeated keys: the
# server holds what the shards hold (the last value of a repeated key).
@needs_server
def test_peer_holds_what_the_shards_hold(run, write_scenario, tmp_path):
    s = walk_scenario(name="pg-int", keys={"count": 1000, "type": "integer", "format": "{i % 300}"},
                      walk={"shards": [8], "single_file": False}, index_values=True)
    out = tmp_path / "out"
    proc = run(["run", write_scenario(s), "--out", out])
    assert proc.returncode == 0, describe(proc)
    m = load_result(out, "pg-int")["metrics"]
    assert m["postgres"]["rows"] == sum(m["per_shard_counts"]) == 300
    p = m["walk"]["shards_8"]["postgres"]
    assert p["lookups"]["rows_per_walk"] == p["one_query"]["rows_per_walk"] == 8
    assert "single_file_lookups_over_lookups_p50" not in p  # no single file in this run
    assert processes_in(tmp_path) == []


def test_absent_server_is_unknown_with_the_reason(shardlab, write_scenario, tmp_path):
    empty = tmp_path / "no-server-here"
    empty.mkdir()
    expect = [{"metric": "walk.shards_16.postgres.walk_over_one_query_p50", "op": "approx", "value": 4.5,
               "tolerance": 0.5, "claim": "C14"},
              {"metric": "walk.shards_16.threads_1.rows_per_walk", "op": "eq", "value": 16.0}]
    out = tmp_path / "out"
    env = dict(os.environ, SHARDLAB_PG_BINDIR=str(empty))
    proc = subprocess.run([shardlab, "run", str(write_scenario(walk_scenario(expect=expect))), "--out", str(out)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=240)
    assert proc.returncode == 1, describe(proc)  # an unknown check did not hold
    r = load_result(out, "pg-walk")
    reason = f"peer not available (SHARDLAB_PG_BINDIR={empty} holds no executable initdb and postgres)"
    assert r["metrics"]["postgres"] == {"available": False, "reason": reason}
    c14, rows = r["checks"]
    assert c14["verdict"] == "unknown" and c14["reason"] == reason and c14["observed"] is None
    assert rows["verdict"] == "pass"  # the shard walk itself ran
    assert r["metrics"]["walk"]["shards_4"]["postgres"] == {"unavailable": reason}
    assert "single_file" in r["metrics"]["walk"]["shards_4"]
    assert "unknown  C14 walk.shards_16.postgres.walk_over_one_query_p50" in proc.stdout
    # The reason, wrapped to the console's 100 columns.
    assert re.sub(r"\s+", "", reason) in re.sub(r"\s+", "", proc.stdout), proc.stdout
    assert max(len(line) for line in proc.stdout.splitlines()) <= 100


# A run killed while the server runs: the server gets SIGINT (a fast shutdown) from
# PR_SET_PDEATHSIG and goes away on its own.
@needs_server
def test_killed_run_leaves_no_server(shardlab, write_scenario, tmp_path):
    data = Path(tempfile.mkdtemp(prefix="shardlab-pgkill-"))
    os.chmod(data, 0o755)  # so that `postgres` (when we are root) can use it
    try:
        s = walk_scenario(name="pg-kill", walk={"shards": [16], "iterations": 5000, "single_file": False})
        proc = subprocess.Popen([shardlab, "run", str(write_scenario(s)), "--out", str(tmp_path / "out"),
                                 "--data", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server_dir = data / "pg-kill" / "postgres"
        deadline = time.monotonic() + 120
        while not server_ready(server_dir / "data") and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        running = processes_in(server_dir)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert running, "the server never started"
        deadline = time.monotonic() + 60
        while processes_in(server_dir) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_in(server_dir) == []
    finally:
        shutil.rmtree(data, ignore_errors=True)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_bad_postgres_value_exits_2(run, write_scenario, tmp_path, value):
    s = walk_scenario()
    s["workload"]["walk"]["postgres"] = value
    assert_rejected(run, write_scenario(s), tmp_path, "workload.walk.postgres", "expected true or false")
