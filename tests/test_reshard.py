"""kind = reshard: the blog's block 6, the CI movement scenario's result keys, and the
bad-input rules of the reshard block."""
import pytest

from conftest import assert_rejected, SCENARIOS, describe, load_result, read_scenario

CI = SCENARIOS / "ci" / "reshard-movement.json"
PAIR_KEYS = {"router", "change", "moved", "moved_fraction", "optimal_fraction", "moved_over_optimal",
             "extra_moves", "flows", "balance", "balance_before", "memory_bytes", "lookup_ns",
             "shards_before", "shards_after"}
BALANCE_KEYS = {"max_over_mean", "min_over_mean", "stddev", "cv"}


@pytest.fixture(scope="module")
def ci(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("reshard") / "out"
    proc = run(["run", CI, "--out", out])
    return proc, load_result(out, "ci-reshard-movement")


def test_ci_movement_passes_its_expectations(ci):
    proc, r = ci
    assert proc.returncode == 0, describe(proc)
    assert r["summary"]["pass"] == len(read_scenario(CI)["expect"]) and r["summary"]["fail"] == 0


def test_every_router_and_change_has_the_documented_keys(ci):
    _, r = ci
    movement = r["metrics"]["movement"]
    assert set(movement) == {"mod", "ring_100", "jump", "rendezvous"}
    for router, changes in movement.items():
        assert set(changes) == {"add_1", "remove_1"}
        for change, m in changes.items():
            assert PAIR_KEYS <= set(m), PAIR_KEYS - set(m)
            assert (m["router"], m["change"]) == (router, change)
            assert BALANCE_KEYS <= set(m["balance"]) and BALANCE_KEYS <= set(m["load_balance"])
            assert m["moved"] == sum(f["keys"] for f in m["flows"])
            assert m["moved_fraction"] == pytest.approx(m["moved"] / 200000, abs=1e-6)
            assert sum(m["keys_after"]) == 200000
            assert m["memory_bytes"] > 0 and m["lookup_ns"] > 0
    add = movement["rendezvous"]["add_1"]
    assert (add["shards_before"], add["shards_after"], add["optimal_fraction"]) == (4, 5, 0.2)
    # Only keys of the removed shard move on a consistent router; jump says why it cannot.
    assert all(f["from"] == 1 for f in movement["ring_100"]["remove_1"]["flows"])
    assert "jump hash cannot remove" in movement["jump"]["remove_1"]["note"]


def test_vnode_sweep_has_reference_points(ci):
    _, r = ci
    sweep = r["metrics"]["vnode_sweep"]["shards_16"]
    assert set(sweep) == {"vnodes_10", "vnodes_100", "vnodes_1000"}
    assert sweep["vnodes_10"]["cv"] > sweep["vnodes_100"]["cv"] > sweep["vnodes_1000"]["cv"]
    assert sweep["vnodes_100"]["reference_cv"] == 0.1


def test_blog_block_6_reproduced(run, tmp_path):
    proc = run(["run", SCENARIOS / "reshard" / "blog-4-to-5.json", "--out", tmp_path], check_rc=0)
    m = load_result(tmp_path, "reshard-blog-4-to-5")["metrics"]["movement"]
    assert m["mod"]["add_1"]["moved"] == 7911
    assert m["ring_blog"]["add_1"]["moved"] == 1772
    assert "7911" in proc.stdout and "1772" in proc.stdout


def small_reshard(**reshard):
    s = {"name": "small-reshard", "kind": "reshard", "shards": {"count": 4}, "keys": {"count": 1000},
         "reshard": {"routers": [{"type": "ring"}], "changes": [{"add": 1}]}}
    s["reshard"].update(reshard)
    return s


@pytest.mark.parametrize("reshard,field,words", [
    ({"changes": [{"remove": 4}]}, "reshard.changes[0].remove", "0..3"),
    ({"changes": [{"add": 1, "remove": 2}]}, "reshard.changes[0]", "exactly one of"),
    ({"changes": [{"add": 0}]}, "reshard.changes[0].add", ""),
    ({"routers": [{"type": "ring", "vnodes": 0}]}, "reshard.routers[0].vnodes", "1 to 100000"),
    ({"routers": [{"type": "range"}]}, "reshard.routers[0].type", "rendezvous"),
    ({"routers": [{"type": "jump"}, {"type": "jump"}]}, "reshard.routers", "named \"jump\""),
    ({"routers": [{"type": "ring", "compat": "blog"}]}, "reshard.routers[0].compat", "sha256"),
    ({"frobnicate": 1}, "reshard.frobnicate", ""),
])
def test_bad_reshard_block_exits_2_naming_the_field(run, write_scenario, tmp_path, reshard, field, words):
    assert_rejected(run, write_scenario(small_reshard(**reshard)), tmp_path, field, words)


def test_a_top_level_router_is_refused(run, write_scenario, tmp_path):
    s = small_reshard()
    s["router"] = {"type": "mod"}
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 2 and "reshard.routers" in proc.stderr, describe(proc)


def test_ci_migration_killed_and_resumed_verifies_clean(run, tmp_path):
    scenario = SCENARIOS / "ci" / "reshard-migration.json"
    proc = run(["run", scenario, "--out", tmp_path], check_rc=0)
    g = load_result(tmp_path, "ci-reshard-migration")["metrics"]["migration"]
    assert g["verify"]["ok"] is True and g["rerun_rows_moved"] == 0
    assert g["rows_moved"] == load_result(tmp_path, "ci-reshard-migration")["metrics"]["movement"]["ring_100"]["add_1"]["moved"]
    assert g["bytes_moved"] == g["rows_moved"] * 64
    assert g["rows_per_s"] > 0 and g["bare_rows_per_s"] > 0
    c = g["crash"]
    # A kill after every batch plus 10 at random I/O events, each resumed and verified.
    assert c["trials"] == g["batches"] + 10
    assert c["ok"] == c["trials"] and c["failures"] == []
    assert (c["lost"], c["duplicated"], c["corrupt"], c["misplaced"], c["resume_failed"]) == (0, 0, 0, 0, 0)
    assert c["not_killed"] == 0
    assert "killed and resumed" in proc.stdout


@pytest.mark.parametrize("migrate,field", [
    ({"router": "nope", "change": "add_1"}, "reshard.migrate.router"),
    ({"router": "ring_100", "change": "add_9"}, "reshard.migrate.change"),
    ({"router": "ring_100"}, "reshard.migrate.change"),
])
def test_bad_migrate_block_exits_2(run, write_scenario, tmp_path, migrate, field):
    assert_rejected(run, write_scenario(small_reshard(migrate=migrate)), tmp_path, field)
