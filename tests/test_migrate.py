"""kind = migrate (C18): the CI scenario's result layout and verdicts, reproducible crash
counts, and bad input."""
import pytest

from conftest import SCENARIOS, assert_rejected, describe, load_result, read_scenario

STRATEGIES = {"transactional", "separate_version", "autocommit"}
MODES = {"delete", "wal"}
CELL_KEYS = {"files", "seconds", "files_per_s", "rows_per_s", "file_latency_us", "migrated", "backfilled_rows",
             "verify", "rerun_migrated", "rerun_failed", "seconds_over_floor", "files_per_s_over_bare", "crash"}
CRASH_KEYS = {"files", "events", "trials", "killed", "timed_out", "ok", "in_flight", "fleet_mixed_trials",
              "mixed_before_rerun", "stale_version", "half_migrated", "mixed_outside_in_flight", "log_mismatch",
              "rerun_failed", "not_at_v2", "data_lost", "wrong_backfill", "corrupt", "before_rerun", "rerun_errors",
              "failures", "per_trial"}


@pytest.fixture(scope="module")
def ci(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("migrate") / "out"
    proc = run(["run", SCENARIOS / "ci" / "migrate.json", "--out", out])
    return proc, load_result(out, "ci-migrate")


def test_ci_migrate_passes(ci):
    proc, r = ci
    assert proc.returncode == 0, describe(proc)
    assert r["summary"]["fail"] == 0 and r["summary"]["unknown"] == 0, r["checks"]


def test_timed_cells(ci):
    _, r = ci
    m = r["metrics"]
    assert m["files"] == 30 and m["rows"] == 3000 and m["rows_per_file"]["mean"] == 100
    assert set(m["strategies"]) == STRATEGIES
    assert set(m["floor"]) == MODES and set(m["bare"]) == MODES
    assert len(m["change"]) == 4 and m["change"][-1] == "PRAGMA user_version = 2"
    for strategy, modes in m["strategies"].items():
        assert set(modes) == MODES
        for mode, c in modes.items():
            assert CELL_KEYS <= set(c), (strategy, mode, CELL_KEYS - set(c))
            assert c["files"] == 30 and c["migrated"] == 30 and c["backfilled_rows"] == 3000
            assert c["files_per_s"] > 0 and c["rows_per_s"] == pytest.approx(100 * c["files_per_s"], rel=0.01)
            assert c["verify"]["ok"] is True and c["verify"]["at_v2"] == 30, c["verify"]
            assert c["rerun_migrated"] == 0 and c["rerun_failed"] == 0
            assert c["file_latency_us"]["count"] == 30
    for mode in MODES:
        assert m["bare"][mode]["verify"]["ok"] is True
        assert m["floor"][mode]["files_per_s"] > 0


def test_crash_campaign_accounting(ci):
    _, r = ci
    for strategy, modes in r["metrics"]["strategies"].items():
        for mode, c in modes.items():
            k = c["crash"]
            assert CRASH_KEYS <= set(k), CRASH_KEYS - set(k)
            assert k["files"] == 4 and k["events"] > 0
            assert k["trials"] == 12 == len(k["per_trial"]) and k["killed"] == 12 and k["timed_out"] == 0
            assert sum(k["before_rerun"].values()) == 12 * 4
            assert k["mixed_before_rerun"] == k["stale_version"] + k["half_migrated"]
            # Only the file in flight is ever between versions, and what the migrator logged
            # as finished is at version 2 (a process crash loses nothing committed).
            assert k["mixed_outside_in_flight"] == 0 and k["log_mismatch"] == 0
            assert k["data_lost"] == 0 and k["corrupt"] == 0 and k["wrong_backfill"] == 0
            assert k["ok"] == sum(t["verdict"] == "ok" for t in k["per_trial"])
            for t in k["per_trial"]:
                assert len(t["in_flight"]) <= 1, t
                mixed = t["before_rerun"].get("stale_version", 0) + t["before_rerun"].get("half_migrated", 0)
                # A file left between versions is exactly what makes the rerun fail.
                assert (mixed > 0) == (not t["rerun_ok"]), t
                if t["rerun_ok"]:
                    assert t["verdict"] == "ok" and t["rerun_migrated"] == t["before_rerun"].get("v1", 0), t
                if t["after_file"] > 0:  # killed right after the n-th file: n at version 2, the rest at 1
                    assert t["in_flight"] == [] and t["verdict"] == "ok"
                    assert t["before_rerun"].get("v2", 0) == t["after_file"], t
                    assert t["before_rerun"].get("v1", 0) == 4 - t["after_file"], t


def test_transactional_never_leaves_a_file_between_versions(ci):
    _, r = ci
    for mode, c in r["metrics"]["strategies"]["transactional"].items():
        k = c["crash"]
        assert k["mixed_before_rerun"] == 0 and k["rerun_failed"] == 0 and k["ok"] == k["trials"], (mode, k["failures"])
        assert k["fleet_mixed_trials"] > 0  # but the fleet is at two versions until the rerun


def test_naive_strategies_fail_the_rerun(ci):
    _, r = ci
    s = r["metrics"]["strategies"]
    sep = s["separate_version"]["delete"]["crash"]
    assert sep["stale_version"] > 0 and sep["half_migrated"] == 0
    assert sep["rerun_failed"] == sep["stale_version"]
    assert any("duplicate column name" in e for e in sep["rerun_errors"]), sep["rerun_errors"]
    auto = s["autocommit"]["delete"]["crash"]
    assert auto["half_migrated"] > 0 and auto["rerun_failed"] == auto["mixed_before_rerun"]


def test_quick_mode_shrinks_the_crash_campaign(run, write_scenario, tmp_path):
    s = read_scenario(SCENARIOS / "ci" / "migrate.json")
    s["migrate"].update(strategies=["transactional"], journal_modes=["delete"])
    s["expect"] = []
    out = tmp_path / "out"
    proc = run(["run", write_scenario(s), "--out", out, "--quick"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(out, "ci-migrate")
    assert r["scenario"]["migrate"]["crash_trials"] == 2 and r["scenario"]["migrate"]["crash_every_file"] is False
    k = r["metrics"]["strategies"]["transactional"]["delete"]["crash"]
    assert k["files"] == 3 and k["trials"] == 2 and k["ok"] == 2
    assert r["metrics"]["strategies"]["transactional"]["delete"]["files"] == 30  # the timed run is unchanged


def small(**migrate):
    return {"name": "small-migrate", "kind": "migrate", "seed": 5, "shards": {"count": 4}, "keys": {"count": 200},
            "sqlite": {"synchronous": "off"}, "migrate": migrate}


def test_crash_counts_come_from_the_seed(run, write_scenario, tmp_path):
    s = small(strategies=["separate_version"], journal_modes=["delete"], floor=False, bare=False, crash_trials=6)
    path = write_scenario(s)
    crashes = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        proc = run(["run", path, "--out", out])
        assert proc.returncode == 0, describe(proc)
        k = load_result(out, "small-migrate")["metrics"]["strategies"]["separate_version"]["delete"]["crash"]
        crashes.append(k)
    assert crashes[0] == crashes[1]
    assert [t["event"] for t in crashes[0]["per_trial"]] == [t["event"] for t in crashes[1]["per_trial"]]


def test_digits_layout_and_workers(run, write_scenario, tmp_path):
    s = small(strategies=["transactional"], journal_modes=["wal"], workers=3, crash_trials=2, crash_files=2)
    s["shards"] = {"count": 12, "layout": "digits"}
    out = tmp_path / "out"
    proc = run(["run", write_scenario(s), "--out", out])
    assert proc.returncode == 0, describe(proc)
    m = load_result(out, "small-migrate")["metrics"]
    c = m["strategies"]["transactional"]["wal"]
    assert c["verify"]["ok"] and c["migrated"] == 12
    assert c["crash"]["files"] == 2 and c["crash"]["ok"] == 2
    assert not (out / "data").exists()


@pytest.mark.parametrize("migrate,shards,field,words", [
    ({"strategies": ["online"]}, 4, "migrate.strategies", "separate_version"),
    ({"strategies": []}, 4, "migrate.strategies", "empty"),
    ({"journal_modes": ["memory"]}, 4, "migrate.journal_modes", "wal"),
    ({"workers": 0}, 4, "migrate.workers", ""),
    ({"crash_files": 9}, 4, "migrate.crash_files", "shards.count"),
    ({"timeout_s": 0}, 4, "migrate.timeout_s", ""),
    ({"crash_every_file": "yes"}, 4, "migrate.crash_every_file", ""),
    ({"rollback": True}, 4, "migrate.rollback", "unknown key"),
])
def test_bad_migrate_block_exits_2(run, write_scenario, tmp_path, migrate, shards, field, words):
    s = small(**migrate)
    s["shards"] = {"count": shards}
    assert_rejected(run, write_scenario(s), tmp_path, field, words)


def test_expectation_on_an_unknown_metric_exits_2(run, write_scenario, tmp_path):
    s = small()
    s["expect"] = [{"metric": "throughput.ops_per_s", "op": "gt", "value": 0}]
    assert_rejected(run, write_scenario(s), tmp_path, "expect[0].metric", "strategies")
