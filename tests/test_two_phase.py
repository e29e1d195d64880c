"""crash strategy 2pc (claim C12 over real PostgreSQL servers): the result keys of a
cell, that an interrupted run (SIGINT, SIGTERM) leaves no server process and nothing
prepared, the `unknown` verdict when PostgreSQL is absent, and bad input.

The ci scenario's expectations run in test_ci_scenarios.py. The resolver's idempotence
and decisions are unit tests (faults/two_phase_test.cc, faults/coordinator_log_test.cc).
The server tests skip only when this machine has no PostgreSQL server binaries
(ci/install-deps installs Debian's postgresql package, so CI always runs them).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import assert_rejected, describe, load_result
from test_walk_postgres import needs_server, processes_in, server_ready


def two_phase_scenario(name="tpc", trials=12, faults=("coordinator_crash", "participant_crash"), expect=None, **crash):
    c = {"strategies": ["2pc"], "faults": list(faults), "trials": trials}
    c.update(crash)
    return {"name": name, "kind": "crash", "seed": 3, "shards": {"count": 2},
            "keys": {"count": 16, "format": "acct:{i}"}, "crash": c, "expect": expect or []}


@needs_server
def test_cell_keys_and_nothing_left(run, write_scenario, tmp_path):
    out = tmp_path / "out"
    proc = run(["run", write_scenario(two_phase_scenario(participants=[3])), "--out", out])
    assert proc.returncode == 0, describe(proc)
    r = load_result(out, "tpc")
    cells = r["metrics"]["cells"]
    assert [(c["fault"], c["participants"]) for c in cells] == [("coordinator_crash", 3), ("participant_crash", 3)]
    kill, part = cells
    # 3 servers: 8 step points (before any prepare, after 1 and 2 of 3 prepares, after all
    # 3, after the decision, after 1 and 2 of 3 commits, after all 3 commits).
    assert [s["at"] for s in kill["steps"]][:3] == ["before any prepare", "after 1 of 3 prepares", "after 2 of 3 prepares"]
    assert [s["trials"] for s in kill["steps"]] == [2, 2, 2, 2, 1, 1, 1, 1]  # 12 trials round-robin
    assert kill["coordinator_kills"] == 12 and kill["participant_restarts"] == 0
    # Committed exactly when the decision was logged before the kill (step 4 on).
    for s in kill["steps"]:
        assert s["new"] == (s["trials"] if s["commit_expected"] else 0), s
        assert s["old"] == (0 if s["commit_expected"] else s["trials"]), s
        # Held prepared from the first prepare until the last COMMIT PREPARED.
        assert s["blocked"] == (s["trials"] if 0 < s["step"] < 7 else 0), s
        # How many servers hold it: one per PREPARE, then one fewer per COMMIT PREPARED.
        held_by = s["step"] if s["step"] <= 3 else 3 if s["step"] == 4 else 7 - s["step"]
        assert s["holders"] == held_by * s["trials"], s
    assert kill["blocked"] == kill["writers_blocked"] == sum(s["blocked"] for s in kill["steps"])
    assert kill["blocked_ms"]["n"] == kill["writers_blocked"]
    # The writer waited at least the coordinator's downtime (it was held until the resolver).
    assert kill["blocked_ms"]["p50"] >= kill["down_ms"] == 50
    assert kill["resolve_ms"]["n"] == kill["blocked"] and kill["resolve_ms"]["max"] >= kill["resolve_ms"]["p50"] > 0
    assert part["participant_restarts"] == 12 and part["coordinator_kills"] == 0
    for c in cells:
        assert c["mixed"] == c["lost"] == c["corrupt"] == 0, c
        assert c["as_expected"] == c["trials"] == 12
        assert c["leftover_prepared"] == c["leftover_after_trial"] == 0
        assert c["total_balance"] == c["total_balance_expected"] == 16 * 1000
        assert c["servers"]["settings"]["max_prepared_transactions"] == "8"
    m = r["metrics"]["matrix"]["2pc"]["postgres"]["3_servers"]
    assert m["coordinator_crash"]["blocked"] == kill["blocked"]
    assert "2pc over PostgreSQL" in proc.stdout
    assert processes_in(tmp_path) == []
    assert not (out / "data").exists()

    # repro cannot rerun a 2pc trial (its servers are gone): exit 2, one line saying so.
    kill["violations"] = [{"trial": 5, "step": 5, "at": "after 1 of 3 commits", "outcome": "mixed", "detail": "x"}]
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(r))
    proc = run(["repro", forged, "--trial", "5", "--data", tmp_path / "repro"])
    assert proc.returncode == 2, describe(proc)
    assert proc.stderr.strip().splitlines() == [
        f"{forged}: trial 5 is a 2pc trial on PostgreSQL servers that no longer exist; repro reruns SQLite trials "
        f"(its record: metrics.cells[0].violations[0])"]
    assert not (tmp_path / "repro").exists()


# Interrupted between or inside trials: the run resolves what is prepared, stops its
# servers and removes their directories (so no prepared transaction can outlive it),
# and exits 128 + the signal.
@needs_server
@pytest.mark.parametrize("sig, keep", [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)])
def test_interrupt_leaves_no_server_and_nothing_prepared(shardlab, write_scenario, tmp_path, sig, keep):
    data = Path(tempfile.mkdtemp(prefix="shardlab-2pc-int-"))
    os.chmod(data, 0o755)  # so that `postgres` (when we are root) can use it
    try:
        s = two_phase_scenario(name="tpc-int", trials=600, faults=["coordinator_crash"])
        proc = subprocess.Popen([shardlab, "run", str(write_scenario(s)), "--out", str(tmp_path / "out"),
                                 "--data", str(data)] + (["--keep"] if keep else []),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        cell = data / "tpc-int" / "2pc-2_servers-coordinator_crash"
        log = cell / "coordinator.db"
        deadline = time.monotonic() + 120
        # Both servers up and the coordinator log written: trials are under way.
        while time.monotonic() < deadline and proc.poll() is None and not (
                server_ready(cell / "participant1" / "postgres" / "data") and log.exists()):
            time.sleep(0.05)
        time.sleep(1.0)
        running = processes_in(cell)
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=120)
        assert running, "the servers never started"
        assert proc.returncode == 128 + sig, f"exit {proc.returncode}\n{stdout}\n{stderr}"
        assert processes_in(data) == []
        assert [pid for pid in running if Path(f"/proc/{pid}").exists()] == []
        if not keep:
            assert not (data / "tpc-int").exists(), sorted(str(p) for p in (data / "tpc-int").rglob("*"))[:20]
        else:
            # Kept: a server's shutdown checkpoint writes every prepared transaction to
            # pg_twophase/; empty on both, so the resolver ran before the servers stopped.
            twophase = sorted(cell.glob("participant*/postgres/data/pg_twophase"))
            assert len(twophase) == 2
            assert [sorted(os.listdir(d)) for d in twophase] == [[], []]
    finally:
        shutil.rmtree(data, ignore_errors=True)


def test_absent_server_is_unknown_with_the_reason(shardlab, write_scenario, tmp_path):
    empty = tmp_path / "no-server-here"
    empty.mkdir()
    expect = [{"metric": "matrix.2pc.postgres.2_servers.coordinator_crash.blocked", "op": "gt", "value": 0,
               "claim": "C12"}]
    out = tmp_path / "out"
    env = dict(os.environ, SHARDLAB_PG_BINDIR=str(empty))
    proc = subprocess.run([shardlab, "run", str(write_scenario(two_phase_scenario(expect=expect))), "--out", str(out)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=240)
    assert proc.returncode == 1, describe(proc)
    r = load_result(out, "tpc")
    reason = f"2pc not available (SHARDLAB_PG_BINDIR={empty} holds no executable initdb and postgres)"
    (check,) = r["checks"]
    assert check["verdict"] == "unknown" and check["reason"] == reason and check["observed"] is None
    cell = r["metrics"]["matrix"]["2pc"]["postgres"]["2_servers"]["coordinator_crash"]
    assert cell["unavailable"] == reason and cell["trials"] == 0
    assert "2pc not available" in proc.stdout


@pytest.mark.parametrize("crash, field, words", [
    ({"strategies": ["2pc"], "faults": ["process_crash"]}, "crash.faults", "2pc needs coordinator_crash"),
    ({"strategies": ["attach"], "faults": ["coordinator_crash"]}, "crash.faults", "a fault of strategy 2pc"),
    ({"strategies": ["attach", "2pc"], "faults": ["coordinator_crash"]}, "crash.faults", "need a SQLite fault"),
    ({"strategies": ["2pc"], "faults": ["coordinator_crash", "power_loss"]}, "crash.faults", "2pc alone"),
    ({"strategies": ["2pc"], "faults": ["coordinator_crash"], "participants": [5]}, "crash.participants", "4"),
    ({"strategies": ["2pc"], "faults": ["coordinator_crash"], "participants": [2, 2]}, "crash.participants", "twice"),
    ({"strategies": ["attach"], "faults": ["process_crash"], "participants": [2]}, "crash.participants", "2pc"),
    ({"strategies": ["2pc"], "faults": ["coordinator_crash"], "trials": 5}, "crash.trials", "at least 6"),
    ({"strategies": ["2pc"], "faults": ["coordinator_crash"], "participants": [3], "trials": 7}, "crash.trials",
     "at least 8"),
    ({"strategies": ["2pc"], "faults": ["coordinator_crash"], "coordinator_down_ms": -1},
     "crash.coordinator_down_ms", ""),
])
def test_bad_2pc_input_exits_2(run, write_scenario, tmp_path, crash, field, words):
    s = two_phase_scenario()
    s["crash"] = crash
    assert_rejected(run, write_scenario(s), tmp_path, field, words)


def test_2pc_shards_beyond_four_need_participants(run, write_scenario, tmp_path):
    s = two_phase_scenario()
    s["shards"] = {"count": 5}
    assert_rejected(run, write_scenario(s), tmp_path, "shards.count", "2 to 4")
