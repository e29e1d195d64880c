"""shardlab only touches what it created, and an interrupted run leaves nothing half-done.

- a file in a shard root that SQLite would use beside a shard (a super-journal name) stops
  the run before anything is created, and survives;
- an existing result is never replaced (exit 2 before anything runs);
- SIGINT/SIGTERM: one line saying what was interrupted and removed, no data, no temp
  files, no process left, exit 130/143, and the same command then runs;
- SIGKILL of shardlab alone takes its child processes with it;
- two runs of one scenario into one --out: one runs, the other stops with exit 2 and
  touches nothing;
- a result that cannot be written (a full disk) keeps the shard files and says so.
"""
import fcntl
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, describe, load_result, small_scenario

CI = REPO / "scenarios" / "ci"


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in Path(path).rglob("*"))


def session_processes(sid):
    """PIDs of the live processes (not zombies) in session `sid`."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            pids.append(int(entry))
    return pids


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def state_dirs():
    return {f"/dev/shm/{p}" for p in os.listdir("/dev/shm") if p.startswith("shardlab-states-")}


def held(path):
    """True when a live run holds the directory's lock (or it is gone already)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def start(shardlab, args):
    """shardlab in its own session (so its process tree can be found and signalled alone)."""
    return subprocess.Popen(
        [shardlab] + [str(a) for a in args],
        cwd=str(REPO),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_foreign_super_journal_in_a_root_stops_the_run_and_survives(run, write_scenario, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    foreign = root / "shard_0002.db-mjABCDEF9AB"
    foreign.write_text("a user's file")
    path = write_scenario(small_scenario(shards={"count": 4, "roots": [str(root)]}))
    out = tmp_path / "out"
    proc = run(["run", path, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert str(foreign) in proc.stderr and "shards.roots" in proc.stderr, proc.stderr
    assert foreign.read_text() == "a user's file"
    assert files_under(root) == ["shard_0002.db-mjABCDEF9AB"]
    assert not out.exists()


def test_an_existing_shard_file_in_a_root_stops_the_run(run, write_scenario, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "shard_0001.db-wal").write_text("x")
    path = write_scenario(small_scenario(shards={"count": 4, "roots": [str(root)]}))
    proc = run(["run", path, "--out", tmp_path / "out"])
    assert proc.returncode == 2, describe(proc)
    assert files_under(root) == ["shard_0001.db-wal"]


@pytest.mark.parametrize("existing", ["file", "symlink"])
def test_an_existing_result_is_never_replaced(run, write_scenario, tmp_path, existing):
    path = write_scenario(small_scenario())
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere.json"
    target.write_text("mine")
    result = out / "small.json"
    if existing == "file":
        result.write_text("mine")
    else:
        result.symlink_to(target)
    proc = run(["run", path, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert f"{result} exists already" in proc.stderr, proc.stderr
    assert result.read_text() == "mine" and target.read_text() == "mine"
    assert files_under(out) == ["small.json"]


def test_absolute_roots_are_used_and_cleaned(run, write_scenario, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "unrelated.txt").write_text("keep me")
    path = write_scenario(small_scenario(shards={"count": 4, "roots": [str(root)]}))
    run(["run", path, "--out", tmp_path / "out"], check_rc=0)
    assert files_under(root) == ["unrelated.txt"]


# Scenarios long enough to interrupt: the SQLite load loop, fork workers, writer
# processes, threads creating files.
INTERRUPTIBLE = {
    "workload": (small_scenario(keys={"count": 3000000, "format": "user:{i}"}), []),
    "crash": (None, [CI / "crash-matrix.json"]),
    "backup": (None, [CI / "backup.json", "--set", "backup.rounds=200"]),
    "tenants": (None, [CI / "tenants.json", "--set", "shards.count=50000"]),
}


@pytest.mark.parametrize("kind", sorted(INTERRUPTIBLE))
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_cleans_up_and_runs_again(shardlab, run, write_scenario, tmp_path, kind, sig):
    scenario, args = INTERRUPTIBLE[kind]
    if scenario is not None:
        args = [write_scenario(scenario)]
    out = tmp_path / "out"
    states_before = state_dirs()
    proc = start(shardlab, ["run", *args, "--out", out])
    # Interrupt once it is working (its data directory has files).
    data = out / "data"
    started = wait_until(lambda: data.exists() and len(files_under(data)) > 3, 60)
    time.sleep(0.5)
    assert proc.poll() is None, f"the run ended before it could be interrupted: {proc.communicate()}"
    assert started
    os.kill(proc.pid, sig)
    try:
        stdout, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"shardlab did not stop within 30 s of {sig.name}")
    assert proc.returncode == 128 + sig, (proc.returncode, stderr)
    name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
    lines = [l for l in stderr.splitlines() if l.startswith("shardlab:") and "interrupted" in l]
    assert len(lines) == 1 and f"interrupted by {name}" in lines[0] and "removed" in lines[0], stderr
    assert wait_until(lambda: not session_processes(proc.pid), 10), session_processes(proc.pid)
    # Nothing half-done: no data, no result, no temp file, not even an empty directory.
    assert not out.exists(), files_under(out)
    # Crash states on tmpfs: a new state directory nobody holds (flock) was left behind.
    leftovers = [p for p in state_dirs() - states_before if not held(p)]
    assert not leftovers, leftovers
    if kind == "workload":
        # The same command runs (smaller, to be quick).
        rerun = run(["run", args[0], "--out", out, "--set", "keys.count=100"])
        assert rerun.returncode == 0, describe(rerun)


def test_sigkill_of_shardlab_takes_its_children(shardlab, tmp_path):
    out = tmp_path / "out"
    proc = start(shardlab, ["run", CI / "backup.json", "--set", "backup.rounds=200", "--out", out])
    try:
        # The writers are forked children of shardlab.
        assert wait_until(lambda: len(session_processes(proc.pid)) >= 3, 60), session_processes(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        assert wait_until(lambda: not session_processes(proc.pid), 10), session_processes(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_two_runs_into_one_out_never_share_files(shardlab, write_scenario, tmp_path):
    path = write_scenario(small_scenario(keys={"count": 20000, "format": "user:{i}"}))
    out = tmp_path / "out"
    procs = [start(shardlab, ["run", path, "--out", out]) for _ in range(2)]
    results = [p.communicate(timeout=240) + (p.returncode,) for p in procs]
    codes = sorted(r[2] for r in results)
    assert codes == [0, 2], results
    loser = next(r for r in results if r[2] == 2)
    assert "exists already" in loser[1], loser
    # Only the winner's result. (When both create <out>/data/ at once and the loser made
    # it, the loser cannot remove it while the winner uses it, nor the winner a folder it
    # did not make: an empty data/ may stay. No file of either run does.)
    assert [f for f in files_under(out) if f != "data"] == ["small.json"]
    r = load_result(out, "small")
    assert r["status"] == "ok" and r["run"]["data_kept"] is False


def test_a_result_that_cannot_be_written_keeps_the_data_and_says_so(run, write_scenario, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    out = tmp_path / "full"
    out.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(out)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        filler = out / "filler"
        with open(filler, "wb") as f:
            try:
                f.write(b"x" * (1 << 20))
            except OSError:
                pass  # full: the result cannot be written now
        data = tmp_path / "data"
        path = write_scenario(small_scenario())
        proc = run(["run", path, "--out", out, "--data", data])
        assert proc.returncode == 3, describe(proc)
        assert "result:" not in proc.stdout, proc.stdout
        kept = data / "small"
        assert f"shard files kept for inspection in {kept}" in proc.stderr, proc.stderr
        assert kept.is_dir() and any(kept.iterdir())
        assert sorted(os.listdir(out)) == ["filler"]  # no temp file left
    finally:
        subprocess.run(["umount", str(out)])
