"""kind = crash: the CI crash matrix, its verdicts and result keys, repro, fail points,
and the bad-input rules of the crash block."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import assert_rejected, REPO, SCENARIOS, describe, load_result, read_scenario

CI_MATRIX = SCENARIOS / "ci" / "crash-matrix.json"
CELL_KEYS = {"strategy", "journal_mode", "synchronous", "fault", "campaign", "engine", "trials",
             "old", "new", "mixed", "lost", "corrupt", "hung", "violations", "violations_total",
             "simulated", "durability_promised", "commit_point", "start", "timeline", "leftover", "commit_rcs",
             "acknowledged", "states_possible", "states_explored", "states_distinct", "states_per_s", "crosscheck"}
FAULTS = ("process_crash", "power_loss", "power_loss_reorder")
VERDICTS = ("old", "new", "mixed", "lost", "corrupt", "hung")


@pytest.fixture(scope="module")
def matrix(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("crash") / "out"
    proc = run(["run", CI_MATRIX, "--out", out])
    return proc, load_result(out, "ci-crash-matrix"), out


def cell(result, strategy, journal, fault, sync="full"):
    for c in result["metrics"]["cells"]:
        if (c["strategy"], c["journal_mode"], c["synchronous"], c["fault"]) == (strategy, journal, sync, fault):
            return c
    raise AssertionError(f"no cell {strategy}/{journal}/{sync}/{fault}")


def test_ci_matrix_exits_zero_and_every_claim_holds(matrix):
    proc, r, _ = matrix
    assert proc.returncode == 0, describe(proc)
    assert r["status"] == "ok"
    assert [c for c in r["checks"] if c["verdict"] != "pass"] == []
    assert len(r["checks"]) == len(read_scenario(CI_MATRIX)["expect"])


def test_one_cell_per_combination_with_the_documented_keys(matrix):
    _, r, _ = matrix
    cells = r["metrics"]["cells"]
    combos = {(c["strategy"], c["journal_mode"], c["fault"]) for c in cells}
    assert combos == {(s, j, f) for s in ("naive", "attach") for j in ("delete", "wal") for f in FAULTS}
    for c in cells:
        assert CELL_KEYS <= set(c), CELL_KEYS - set(c)
        assert c["campaign"] == "enumerate" and c["engine"] == "replay"
        # Enumerate: one state per crash point 0..N for the single-state models, more for reorder.
        if c["fault"] == "power_loss_reorder":
            assert c["trials"] > c["events"] + 1
            assert c["states_possible"] >= c["states_explored"]
        else:
            assert c["trials"] == c["events"] + 1 > 1
        assert c["states_explored"] == c["trials"] == sum(c[v] for v in VERDICTS)
        assert 0 < c["states_distinct"] <= c["states_explored"]
        assert c["simulated"] == (c["fault"] != "process_crash")
        assert len(c["timeline"]) == c["events"]
        # Two transfers: the first is acknowledged at the second's crash points, so a lost
        # commit could show; no check in this cell is vacuous about it.
        assert c["acknowledged"] > 0 and "lost" not in c.get("vacuous", {})
        # Every crosscheck trial (a real SIGKILL) left exactly the replayed files.
        assert c["crosscheck"]["trials"] == c["crosscheck"]["identical"] == 8


def test_verdicts_match_what_sqlite_promises(matrix):
    _, r, _ = matrix
    for j in ("delete", "wal"):
        assert cell(r, "naive", j, "process_crash")["mixed"] > 0
    assert cell(r, "naive", "delete", "power_loss_reorder")["mixed"] > 0
    # The bound cut the reorder states of the rollback cells: more were possible than explored.
    c = cell(r, "attach", "delete", "power_loss_reorder")
    assert c["states_possible"] > c["states_explored"]
    for f in FAULTS:
        c = cell(r, "attach", "delete", f)
        assert (c["mixed"], c["lost"], c["corrupt"], c["hung"]) == (0, 0, 0, 0)
        assert c["durability_promised"] is True
    for f in FAULTS:
        assert cell(r, "attach", "wal", f)["mixed"] > 0, f


def test_commit_point_is_the_super_journal_delete(matrix):
    _, r, _ = matrix
    cp = cell(r, "attach", "delete", "process_crash")["commit_point"]
    assert cp["event"]["op"] == "delete" and cp["event"]["role"] == "super_journal", cp
    assert cp["clean"] is True
    # Under power loss the unlink only counts once its directory is synced.
    cp = cell(r, "attach", "delete", "power_loss")["commit_point"]
    assert (cp["event"]["op"], cp["event"]["role"]) == ("sync", "directory"), cp
    timeline = cell(r, "attach", "delete", "power_loss")["timeline"]
    i = cp["event"]["index"]
    assert (timeline[i - 1]["op"], timeline[i - 1]["role"]) == ("delete", "super_journal")


def test_results_say_power_loss_is_simulated(matrix):
    _, r, _ = matrix
    assert "simulated" in r["metrics"]["model"]["power_loss"]
    assert "simulated" in matrix[0].stdout


def test_matrix_addresses_cells_for_expect(matrix):
    _, r, _ = matrix
    m = r["metrics"]["matrix"]
    c = cell(r, "naive", "wal", "power_loss")
    assert m["naive"]["wal"]["full"]["power_loss"]["mixed"] == c["mixed"]
    assert m["attach"]["delete"]["full"]["process_crash"]["commit_point"]["role"] == "super_journal"


def test_violations_carry_a_repro_command_that_reproduces(matrix, run, tmp_path):
    _, r, out = matrix
    v = cell(r, "naive", "delete", "power_loss_reorder")["violations"][0]
    assert v["outcome"] == "mixed" and v["when"] == "after" and v["engine"] == "replay"
    assert v["state"]["point"] == v["point"] and v["event"]["index"] == v["point"] - 1
    assert re.fullmatch(r"shardlab repro \S+ci-crash-matrix\.json --trial \d+", v["repro"]), v["repro"]
    proc = run(["repro", out / "ci-crash-matrix.json", "--trial", v["trial"], "--data", tmp_path])
    assert proc.returncode == 0, describe(proc)
    assert "mixed" in proc.stdout and "(reproduced)" in proc.stdout
    assert "persisted" in proc.stdout and "dropped" in proc.stdout
    kept = tmp_path / f"repro-ci-crash-matrix-trial{v['trial']}" / "trial"
    assert (kept / "shard_0000.db").is_file() and (kept / "shard_0001.db").is_file()
    # The kept files are the crash state itself: the stock sqlite3 library opens and
    # recovers them, and the total balance is off, as the verdict says.
    import sqlite3
    total = 0
    for shard in ("shard_0000.db", "shard_0001.db"):
        with sqlite3.connect(kept / shard) as db:
            total += db.execute("SELECT sum(balance) FROM accounts").fetchone()[0]
    assert total != 32 * 1000


def test_repro_rejects_a_trial_that_is_not_a_recorded_violation(matrix, run, tmp_path):
    _, r, out = matrix
    listed = {v["trial"] for c in r["metrics"]["cells"] for v in c["violations"]}
    free = next(n for n in range(100000) if n not in listed)
    proc = run(["repro", out / "ci-crash-matrix.json", "--trial", free, "--data", tmp_path])
    assert proc.returncode == 2, describe(proc)
    assert "not among the recorded violations" in proc.stderr
    assert os.listdir(tmp_path) == []


def test_data_directory_removed_after_the_run(matrix):
    _, r, _ = matrix
    assert r["run"]["data_kept"] is False
    assert not Path(r["run"]["data_dir"]).exists()


def test_three_shards_by_override(run, tmp_path):
    proc = run(["run", CI_MATRIX, "--out", tmp_path / "out", "--set", "shards.count=3",
                "--set", 'crash.faults=["process_crash"]', "--set", 'crash.journal_modes=["delete"]',
                "--set", "expect=[]"])  # its expectations name cells this narrower matrix has not
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "ci-crash-matrix")
    assert r["scenario"]["shards"]["count"] == 3
    c = cell(r, "attach", "delete", "process_crash")
    assert (c["mixed"], c["lost"], c["corrupt"]) == (0, 0, 0), describe(proc)
    assert c["commit_point"]["event"]["role"] == "super_journal"


def small_crash(**crash):
    s = {"name": "small-crash", "kind": "crash", "seed": 3, "shards": {"count": 2},
         "keys": {"count": 16, "format": "acct:{i}"},
         "crash": {"strategies": ["attach"], "journal_modes": ["delete"], "faults": ["process_crash"]}}
    s["crash"].update(crash)
    return s


def test_io_errors_at_vfs_and_libc_level(run, write_scenario, tmp_path):
    # One transfer: each row is that transfer's COMMIT meeting the failed call.
    path = write_scenario(small_crash(faults=["io_error"], campaign="errors", transfers=1,
                                      fail_points=["vfs/sync/journal", "posix/io/sync/fdatasync"]))
    proc = run(["run", path, "--out", tmp_path / "out"])
    if proc.returncode == 3 and "AddressSanitizer" in proc.stderr:
        pytest.skip("sanitizer build: libfiu's POSIX preload cannot run under ASan (the release build runs this)")
    assert proc.returncode == 0, describe(proc)
    c = load_result(tmp_path / "out", "small-crash")["metrics"]["cells"][0]
    assert c["calls"]["vfs/sync/journal"] >= 2
    # SQLite on Linux calls fdatasync, 11 times for a 2-file ATTACH commit (FINDINGS.md).
    assert c["calls"]["posix/io/sync/fdatasync"] > c["calls"]["vfs/sync/journal"]
    rows = c["errors"]
    assert len(rows) == c["trials"] == sum(min(n, 1000) for n in c["calls"].values())
    assert all(row["fired"] for row in rows), describe(proc)
    vfs = [row for row in rows if row["fail_point"] == "vfs/sync/journal"]
    assert {row["rc"] for row in vfs} == {1034}  # SQLITE_IOERR_FSYNC
    assert all(row["outcome"] == "old" for row in vfs)
    libc = [row for row in rows if row["fail_point"] == "posix/io/sync/fdatasync"]
    # A failed file sync fails the COMMIT (old); the last directory sync, after the
    # super-journal is gone, fails it too but the transfer is committed (FINDINGS.md).
    assert 1034 in {row["rc"] for row in libc}
    assert libc[-1]["rc"] == 1290 and libc[-1]["outcome"] == "new"
    assert c["mixed"] == c["corrupt"] == 0


def test_io_errors_at_vfs_level(run, write_scenario, tmp_path):
    # Runs in every build, sanitizer builds included.
    path = write_scenario(small_crash(faults=["io_error"], campaign="errors", error="ENOSPC", transfers=1,
                                      fail_points=["vfs/write/journal", "vfs/delete/super_journal"]))
    run(["run", path, "--out", tmp_path / "out"], check_rc=0)
    c = load_result(tmp_path / "out", "small-crash")["metrics"]["cells"][0]
    rows = c["errors"]
    assert rows and all(row["fired"] for row in rows)
    # ENOSPC on a write is SQLITE_FULL; nothing half-applied either way.
    assert {row["rc"] for row in rows if row["fail_point"] == "vfs/write/journal"} == {13}
    assert [row["outcome"] for row in rows if row["fail_point"] == "vfs/delete/super_journal"] == ["old"]
    assert c["mixed"] == c["corrupt"] == 0


def test_keep_failures_keeps_violating_fork_trials(run, write_scenario, tmp_path):
    # The fork engine's trial directories are kept; a replayed state is rematerialised by
    # `shardlab repro` instead (its journals name the worker's directory).
    path = write_scenario(small_crash(strategies=["naive"], engine="fork"))
    proc = run(["run", path, "--out", tmp_path / "out", "--keep-failures"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "small-crash")
    c = r["metrics"]["cells"][0]
    assert c["mixed"] > 0
    trials = Path(r["run"]["data_dir"]) / "trials"
    kept = sorted(p.name for p in trials.iterdir())
    assert len(kept) == c["violations_total"], kept


@pytest.mark.parametrize("crash,field,words", [
    ({"fail_points": ["vfs/sync/nonsense"], "faults": ["io_error"], "campaign": "errors"},
     "crash.fail_points", "known fail point"),
    ({"journal_modes": ["wal", "wal"]}, "crash.journal_modes", "twice"),
    ({"strategies": ["3pc"]}, "crash.strategies", "naive, attach, saga, 2pc"),
    ({"campaign": "errors"}, "crash.campaign", "io_error"),
    ({"faults": ["power_cut"]}, "crash.faults", "power_loss"),
    ({"timeout_s": 0}, "crash.timeout_s", ""),
    ({"engine": "fork", "faults": ["power_loss_reorder"]}, "crash.faults", "replay"),
    ({"engine": "fork", "crosscheck": 3}, "crash.crosscheck", "replay engine"),
    ({"engine": "simulated"}, "crash.engine", "replay, fork"),
    ({"engine": "fork", "recovery_crashes": True}, "crash.recovery_crashes", "replay"),
    ({"max_states_per_point": 0}, "crash.max_states_per_point", ""),
])
def test_bad_crash_block_exits_2_naming_the_field(run, write_scenario, tmp_path, crash, field, words):
    assert_rejected(run, write_scenario(small_crash(**crash)), tmp_path, field, words)


def test_attach_beyond_the_attach_limit_is_refused(run, write_scenario, tmp_path):
    s = small_crash()
    s["shards"]["count"] = 12
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 2, describe(proc)
    assert "shards.count" in proc.stderr and "SQLITE_LIMIT_ATTACHED" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_one_transfer_makes_lost_checks_unknown_not_pass(run, write_scenario, tmp_path):
    # With one transfer killed by the fork engine it is always in flight at the crash:
    # nothing is acknowledged, so `lost eq 0` cannot fail. The check says so instead of
    # passing. (The replay engine also judges the point after the last COMMIT returned, so
    # there one transfer is acknowledged once.)
    s = small_crash(transfers=1, faults=["power_loss"], engine="fork")
    s["expect"] = [{"metric": "matrix.attach.delete.full.power_loss.lost", "op": "eq", "value": 0},
                   {"metric": "matrix.attach.delete.full.power_loss.mixed", "op": "eq", "value": 0}]
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    r = load_result(tmp_path / "out", "small-crash")
    lost, mixed = r["checks"]
    assert lost["verdict"] == "unknown" and "acknowledged" in lost["reason"], lost
    assert mixed["verdict"] == "pass"
    assert r["metrics"]["cells"][0]["acknowledged"] == 0
    assert proc.returncode == 1, describe(proc)  # an unknown check is not a passing run


def test_fork_engine_enumerates_each_crash_point_once(run, write_scenario, tmp_path):
    s = small_crash(engine="fork", faults=["process_crash", "power_loss"])
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "small-crash")
    assert r["metrics"]["engine"] == "fork" and r["metrics"]["trials_per_s"] > 0
    for c in r["metrics"]["cells"]:
        assert c["engine"] == "fork" and c["trials"] == c["events"] + 1
        assert (c["mixed"], c["lost"], c["corrupt"]) == (0, 0, 0)
    cp = cell(r, "attach", "delete", "process_crash")["commit_point"]
    assert (cp["event"]["op"], cp["event"]["role"], cp["clean"]) == ("delete", "super_journal", True)


def test_replay_and_fork_agree_on_every_verdict(run, write_scenario, tmp_path):
    # The same cells, the same crash points: the replay engine's verdicts are the fork
    # engine's, point by point (process crash and the drop-unsynced power loss).
    for engine in ("replay", "fork"):
        s = small_crash(engine=engine, strategies=["naive", "attach"], journal_modes=["delete", "wal"],
                        faults=["process_crash", "power_loss"])
        s["name"] = f"small-{engine}"
        run(["run", write_scenario(s, name=f"{engine}.json"), "--out", tmp_path / engine], check_rc=0)
    replay = load_result(tmp_path / "replay", "small-replay")["metrics"]["cells"]
    fork = load_result(tmp_path / "fork", "small-fork")["metrics"]["cells"]
    for a, b in zip(replay, fork):
        assert (a["strategy"], a["journal_mode"], a["fault"]) == (b["strategy"], b["journal_mode"], b["fault"])
        points = lambda c: [c["start"]["outcome"]] + [e["outcome"] for e in c["timeline"]]
        pa, pb = points(a), points(b)
        # The last point: the replay counts the last COMMIT as answered, the fork child dies
        # just before answering, so a missing last transfer is `lost` in one, `old` in the other.
        assert pa[:-1] == pb[:-1], (a["strategy"], a["journal_mode"], a["fault"])


def test_unsafe_settings_show_their_violations(run, tmp_path):
    # synchronous=off, WAL + NORMAL, journal memory/off: a disk that persists any subset of
    # the unsynced writes leaves mixed or corrupt states; the drop-unsynced model sees none
    # at synchronous=off.
    path = SCENARIOS / "crash" / "unsafe-settings.json"
    proc = run(["run", path, "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "crash-unsafe-settings")
    assert [c for c in r["checks"] if c["verdict"] != "pass"] == []
    assert cell(r, "attach", "delete", "power_loss_reorder", sync="off")["mixed"] > 0
    assert cell(r, "attach", "delete", "power_loss", sync="off")["violations_total"] == 0
    assert cell(r, "attach", "wal", "power_loss_reorder", sync="normal")["mixed"] > 0
    for journal in ("memory", "off"):
        c = cell(r, "attach", journal, "power_loss_reorder", sync="off")
        assert c["expected_unsafe"] is True and c["mixed"] + c["corrupt"] > 0


def test_a_replayed_corrupt_state_reproduces(run, tmp_path):
    out = tmp_path / "out"
    proc = run(["run", SCENARIOS / "crash" / "unsafe-settings.json", "--out", out, "--set", 'crash.journal_modes=["memory"]',
                "--set", 'crash.synchronous=["off"]', "--set", 'crash.faults=["power_loss_reorder"]', "--set", "expect=[]"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(out, "crash-unsafe-settings")
    v = next(v for v in r["metrics"]["cells"][0]["violations"] if v["outcome"] == "corrupt")
    data = tmp_path / "data"
    data.mkdir()
    proc = run(["repro", out / "crash-unsafe-settings.json", "--trial", v["trial"], "--data", data])
    assert proc.returncode == 0, describe(proc)
    assert "corrupt" in proc.stdout and "(reproduced)" in proc.stdout


def test_crashes_during_recovery_end_as_an_uninterrupted_recovery(run, write_scenario, tmp_path):
    s = small_crash(faults=["power_loss"], recovery_crashes=True, strategies=["attach", "saga"])
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    for c in load_result(tmp_path / "out", "small-crash")["metrics"]["cells"]:
        rc = c["recovery_crashes"]
        assert rc["states"] > 0 and rc["differing"] == 0, (c["strategy"], rc)
        assert "recovery_crashes" not in c.get("vacuous", {})
