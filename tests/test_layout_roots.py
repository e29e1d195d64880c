"""Every kind puts its shard files where the resolved scenario says (issue 14 item 7).

Each kind's ci-sized scenario runs with --quick, small sizes, `shards.layout = digits`
and two roots (one relative, one absolute) and --keep; then the kept files are walked:
every shard database the run ever made (the directories are listed over and over while it
runs: some kinds remove their copies before the end) is under its root (shard i under
roots[i % 2]) at a digits path (first digit / next two / rest), the result records the
layout and roots that were used, and no file named shard_*.db appeared anywhere. The crash kind cannot honour them
(its trials keep every shard in one directory) and refuses both fields at validation.
"""
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, RUN_TIMEOUT_S, SCENARIOS

# scenario file in scenarios/ci -> extra --set overrides that keep the run to seconds
KINDS = {
    "backup": ["keys.count=400", "backup.rounds=1"],
    # One writer count: the expectations on 4 writers go (validate refuses cells the run lacks).
    "concurrency": ["keys.count=400", "concurrency.writers=[1]", "concurrency.duration_s=0.1", "expect=[]"],
    "ids": ["keys.count=400"],
    "migrate": ["shards.count=6", "keys.count=120", "migrate.crash_trials=1", "migrate.crash_files=2"],
    "reshard-migration": ["keys.count=400"],
    "tenants": ["shards.count=60", "tenants.bare_files=20", "tenants.requests=200", "tenants.cache_files=10",
                "tenants.minishards=6", "tenants.packed_shards=4", "tenants.chunk_rows=200",
                "tenants.chunk_rounds=1"],
    "workload-mix": ["keys.count=400", "workload.ops=200", "workload.warmup_ops=20", "workload.repetitions=1"],
}
# Files that are not shards, at fixed places in the data directory (not in any root).
NOT_SHARDS = {
    "workload-mix": re.compile(r"single\.db$"),           # the one-file comparison
    "tenants": re.compile(r"preallocation/.*file_\d+\.db$"),  # the chunk-size files
}
DIGITS = re.compile(r"(?:^|/)(\d)/(\d\d)/(\d+)\.db$")


def scenario_name(path):
    text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("//"))
    return json.loads(text)["name"]


def databases(directory):
    """Every SQLite database file below `directory` (not journals, WALs or other files)."""
    found = set()
    for parent, _, names in os.walk(directory):
        found.update(os.path.join(parent, n) for n in names if n.endswith(".db"))
    return found


def run_watching(shardlab, args, directories):
    """Runs shardlab, listing the databases below `directories` again and again while it
    runs: kinds remove their copies (migrate's fleets, reshard's trial copies) before the
    run ends, --keep or not. Returns the process and every database path ever seen."""
    proc = subprocess.Popen([shardlab, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(REPO))
    seen, start = set(), time.monotonic()
    while proc.poll() is None and time.monotonic() - start < RUN_TIMEOUT_S:
        for d in directories:
            seen |= databases(d)
        time.sleep(0.005)
    if proc.poll() is None:
        proc.kill()
    stdout, stderr = proc.communicate()
    for d in directories:
        seen |= databases(d)
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr), seen


@pytest.mark.parametrize("scenario", sorted(KINDS))
def test_every_shard_is_under_its_root_at_its_digits_path(shardlab, tmp_path, scenario):
    path = SCENARIOS / "ci" / f"{scenario}.json"
    out, absolute = tmp_path / "out", tmp_path / "elsewhere" / "disk1"
    roots = ["disk0", str(absolute)]
    sets = [f"shards.layout=digits", f"shards.roots={json.dumps(roots)}", *KINDS[scenario]]
    args = ["run", path, "--out", out, "--keep", "--quick"]
    for s in sets:
        args += ["--set", s]
    proc, seen = run_watching(shardlab, args, [out, absolute])
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1: a check of the full-size scenario may fail
    name = scenario_name(path)
    result = json.loads((out / f"{name}.json").read_text())
    # The result records what was used.
    assert result["scenario"]["shards"]["layout"] == "digits"
    assert result["scenario"]["shards"]["roots"] == roots
    data = out / "data" / name
    root_dirs = [data / "disk0", absolute]

    found = {0: 0, 1: 0}
    for where in sorted(seen):
        db = Path(where)
        assert not db.name.startswith("shard_"), f"{where}: a fixed shard_* name"
        root = next((i for i, r in enumerate(root_dirs) if r in db.parents), None)
        if root is None:
            assert scenario in NOT_SHARDS and NOT_SHARDS[scenario].search(where), \
                f"{where}: a database outside both roots"
            continue
        if db.name == "control.db":  # reshard's migration record, in its set's directory of the first root
            assert scenario == "reshard-migration" and root == 0, where
            continue
        m = DIGITS.search(db.relative_to(root_dirs[root]).as_posix())
        assert m, f"{where}: not at a digits path (first digit / next two / rest)"
        shard = int("".join(m.groups()))
        assert shard % len(roots) == root, f"{where}: shard {shard} belongs under roots[{shard % len(roots)}]"
        found[root] += 1
    assert found[0] > 0 and found[1] > 0, found  # both roots held shards


def test_the_crash_kind_refuses_a_layout_or_roots_it_cannot_honour(run, tmp_path):
    path = SCENARIOS / "ci" / "crash-matrix.json"
    proc = run(["run", path, "--out", tmp_path / "out", "--quick", "--set", "shards.layout=digits",
                "--set", 'shards.roots=["a","b"]'])
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "shards.layout" in proc.stderr and '"flat"' in proc.stderr
    assert "shards.roots" in proc.stderr and '["."]' in proc.stderr
    assert not (tmp_path / "out" / "data").exists()
