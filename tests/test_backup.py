"""kind = backup (C17): the CI scenario, its result keys, and bad input."""
import pytest

from conftest import SCENARIOS, assert_rejected, describe, load_result, read_scenario

METHODS = ["copy_db", "copy_db_wal", "backup_api", "backup_api_paged", "vacuum_into"]
OUTCOMES = ["consistent", "stale", "missing_committed", "corrupt", "failed"]


@pytest.fixture(scope="module")
def ci_backup(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("backup") / "out"
    proc = run(["run", SCENARIOS / "ci" / "backup.json", "--out", out])
    assert proc.returncode == 0, describe(proc)
    return load_result(out, "ci-backup"), out


def test_ci_backup_matrix(ci_backup):
    r, _ = ci_backup
    spec = read_scenario(SCENARIOS / "ci" / "backup.json")
    m = r["metrics"]
    per_cell = spec["backup"]["rounds"] * spec["shards"]["count"]
    assert m["shards"] == 2 and m["rows"] == spec["keys"]["count"]
    assert set(m["backups"]) == {"delete", "wal"}
    for mode, cells in m["backups"].items():
        assert list(cells) == METHODS, mode
        for method, c in cells.items():
            assert c["backups"] == per_cell, (mode, method)
            assert sum(c[o] for o in OUTCOMES) == c["backups"], (mode, method, c)
            assert c["not_consistent"] == c["backups"] - c["consistent"]
            assert c["completed"] == c["backups"] - c["failed"]
            assert len(c["examples"]) == min(3, c["not_consistent"])
            if c["completed"]:
                assert c["source_bytes"] > 0 and c["bytes_written"] > 0 and c["seconds"] > 0
                assert c["s_per_gb"] > 0 and c["mb_per_s"] > 0
            else:  # nothing timed: no time per GB rather than a zero
                assert c["s_per_gb"] is None and c["mb_per_s"] is None and c["source_bytes"] == 0
        w = m["writers"][mode]
        assert w["processes"] == 2 and w["commits"] > 0 and w["commits_per_s"] > 0
        assert m["database_bytes"][mode] > 0
        assert set(m["speed"][mode]) <= {f"{k}_over_copy_db" for k in METHODS[1:]}
    # Guaranteed by SQLite: one read transaction is a snapshot, in either journal mode.
    for mode in ("delete", "wal"):
        for method in ("backup_api", "vacuum_into"):
            c = m["backups"][mode][method]
            assert c["consistent"] == c["backups"] and c["steps"] >= c["backups"], (mode, method)
    # A WAL shard's .db alone lacks what is still in its -wal.
    wal_copy = m["backups"]["wal"]["copy_db"]
    assert wal_copy["not_consistent"] > 0 and wal_copy["sidecars_copied"] == 0
    assert m["backups"]["wal"]["copy_db_wal"]["sidecars_copied"] == per_cell
    # The paged backup counts its restarts; steps and restarts only appear for the API.
    assert m["backups"]["wal"]["copy_db"]["steps"] == 0
    paged = m["backups"]["wal"]["backup_api_paged"]
    assert paged["steps"] >= paged["backups"]
    for c in (paged, m["backups"]["delete"]["backup_api_paged"]):
        if c["failed"]:
            assert c["restarts"] > spec["backup"]["max_restarts"]
            assert any("restarts" in e for e in c["examples"])


def test_ci_backup_checks_and_defaults(ci_backup):
    r, out = ci_backup
    assert [c["verdict"] for c in r["checks"]] == ["pass"] * len(r["checks"]) and r["checks"]
    assert r["scenario"]["backup"]["methods"] == METHODS  # defaults resolved
    assert not (out / "data").exists()


@pytest.mark.parametrize("backup,shards,field,words", [
    ({"methods": ["cp"]}, 2, "backup.methods", "copy_db"),
    ({"methods": []}, 2, "backup.methods", "empty"),
    ({"methods": ["copy_db", "copy_db"]}, 2, "backup.methods", "twice"),
    ({"journal_modes": ["memory"]}, 2, "backup.journal_modes", "wal"),
    ({"rounds": 0}, 2, "backup.rounds", ""),
    ({"writers": 0}, 2, "backup.writers", ""),
    ({"updates_per_txn": 0, "inserts_per_txn": 0}, 2, "backup.inserts_per_txn", "at least one row"),
    ({"timeout_s": 0}, 2, "backup.timeout_s", ""),
    ({"rows": 5}, 2, "backup.rows", "unknown key"),
    ({}, 300, "shards", "256"),
])
def test_bad_backup_block_exits_2(run, write_scenario, tmp_path, backup, shards, field, words):
    s = {"name": "small-backup", "kind": "backup", "shards": {"count": shards}, "keys": {"count": 100},
         "backup": backup}
    assert_rejected(run, write_scenario(s), tmp_path, field, words)


def test_unknown_backup_metric_exits_2(run, write_scenario, tmp_path):
    s = {"name": "small-backup", "kind": "backup", "shards": {"count": 2}, "keys": {"count": 100},
         "expect": [{"metric": "cells.wal.copy_db.stale", "op": "eq", "value": 0}]}
    assert_rejected(run, write_scenario(s), tmp_path, "expect[0].metric", "backups")
