"""Command-line behaviour: --set, --seed, determinism, --data, --keep, exit 1, layouts (help and the other conventions: test_cli_conventions.py)."""
import json
import os
import sqlite3

import pytest

from conftest import describe, load_result, small_scenario

# A small mixed workload: fsync off to keep it fast on a busy disk; one client thread so
# that every count is a pure function of the seed.
MIXED = small_scenario(
    name="mixed",
    seed=7,
    shards={"count": 4},
    keys={"count": 1000, "format": "user:{i}", "distribution": {"type": "zipfian", "theta": 0.9}},
    sqlite={"synchronous": "off"},
    workload={
        "value_format": "city-{i % 20}",
        "query": {"where": "v = ?1", "param": "city-{i % 20}"},
        "mix": {"get": 0.5, "put": 0.2, "scan": 0.1, "scatter": 0.2},
        "ops": 300,
        "scan_length": 5,
        "probes": [
            {"name": "one", "op": "get", "index": 17},
            {"name": "by_text", "op": "get", "key": "user:999"},
            {"name": "range", "op": "scan", "index": 3},
            {"name": "city3", "op": "scatter", "param": "city-3"},
        ],
    },
)


def run_ok(run, args, expect_rc=0):
    proc = run(args)
    assert proc.returncode == expect_rc, describe(proc)
    return proc


def deterministic_part(result):
    """What must not change between two runs with the same seed."""
    m = result["metrics"]
    probes = {name: {k: v for k, v in p.items() if "latency" not in k} for name, p in m["probes"].items()}
    ops = {name: {k: o[k] for k in ("count", "rows", "busy", "weight")} for name, o in m["ops"].items()}
    shards = {name: (o["shards_touched"]["min"], o["shards_touched"]["max"]) for name, o in m["ops"].items()}
    return {"per_shard_counts": m["per_shard_counts"], "ops": ops, "shards_touched": shards, "probes": probes,
            "load_rows": m["load"]["rows"]}


# --- --set and --seed ----------------------------------------------------------------------

def test_set_override_is_applied_and_recorded(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(name="ring", keys={"count": 2000}, router={"type": "ring"}))
    base = run_ok(run, ["run", path, "--out", tmp_path / "base"])
    over = run_ok(run, ["run", path, "--out", tmp_path / "over", "--set", "router.vnodes=64",
                        "--set", "sqlite.journal_mode=wal"])
    b = load_result(tmp_path / "base", "ring")
    r = load_result(tmp_path / "over", "ring")
    assert b["scenario"]["router"]["vnodes"] == 100  # the default, resolved
    assert r["scenario"]["router"]["vnodes"] == 64
    assert r["scenario"]["sqlite"]["journal_mode"] == "wal"
    assert r["run"]["overrides"] == ["router.vnodes=64", "sqlite.journal_mode=wal"]
    assert b["run"]["overrides"] == []
    assert "--set router.vnodes=64" in r["run"]["command"]
    # The override changed the ring, so it changed where the keys went.
    assert sum(r["metrics"]["per_shard_counts"]) == 2000
    assert r["metrics"]["per_shard_counts"] != b["metrics"]["per_shard_counts"], describe(over)


def test_seed_option_is_stored(run, tmp_path, write_scenario):
    path = write_scenario(MIXED)
    proc = run_ok(run, ["run", path, "--out", tmp_path / "o", "--seed", "99"])
    r = load_result(tmp_path / "o", "mixed")
    assert r["seed"] == 99
    assert r["scenario"]["seed"] == 99
    assert "seed 99" in proc.stderr + proc.stdout  # the seed is printed


def test_same_seed_same_results_other_seed_other_mix(run, tmp_path, write_scenario):
    path = write_scenario(MIXED)
    results = []
    for out, seed in [("a", "99"), ("b", "99"), ("c", "100")]:
        run_ok(run, ["run", path, "--out", tmp_path / out, "--seed", seed])
        results.append(load_result(tmp_path / out, "mixed"))
    a, b, c = (deterministic_part(r) for r in results)
    assert a == b
    # Sanity: the values compared are real.
    assert sum(a["per_shard_counts"]) == 1000
    assert sum(o["count"] for o in a["ops"].values()) == 300
    assert set(a["ops"]) == {"get", "put", "scan", "scatter"}
    assert a["probes"]["one"]["value"] == "city-17" and a["probes"]["one"]["found"] is True
    assert a["probes"]["by_text"]["value"] == "city-19"
    assert a["probes"]["city3"]["rows"] == 50 and a["probes"]["city3"]["shards_touched"] == 4
    assert a["probes"]["range"]["shards_touched"] == 1 and 1 <= a["probes"]["range"]["rows"] <= 5
    assert a["ops"]["scatter"]["rows"] == 50 * a["ops"]["scatter"]["count"]
    # Another seed: same data (the keys do not depend on it), another operation mix.
    assert c["per_shard_counts"] == a["per_shard_counts"]
    assert {k: o["count"] for k, o in c["ops"].items()} != {k: o["count"] for k, o in a["ops"].items()}


# --- --data -------------------------------------------------------------------------------

def test_data_dir_with_user_files_is_left_as_it_was(run, tmp_path, write_scenario):
    data = tmp_path / "data"
    data.mkdir()
    mine = data / "precious.txt"
    mine.write_text("the user's own file\n")
    os.utime(mine, (1_000_000_000, 1_000_000_000))
    path = write_scenario(small_scenario())
    run_ok(run, ["run", path, "--out", tmp_path / "out", "--data", data])
    r = load_result(tmp_path / "out", "small")
    assert r["run"]["data_dir"] == str((data / "small").resolve())
    assert r["run"]["data_kept"] is False
    assert sorted(os.listdir(data)) == ["precious.txt"]
    assert mine.read_text() == "the user's own file\n"
    assert mine.stat().st_mtime == 1_000_000_000
    assert not (tmp_path / "out" / "data").exists()


def test_data_dir_that_does_not_exist_is_created_and_removed(run, tmp_path, write_scenario):
    data = tmp_path / "new" / "data"
    path = write_scenario(small_scenario())
    run_ok(run, ["run", path, "--out", tmp_path / "out", "--data", data])
    assert not data.exists()
    assert not (tmp_path / "new").exists(), "shardlab created tmp_path/new, so it should remove it"


def test_existing_scenario_data_dir_is_refused(run, tmp_path, write_scenario):
    data = tmp_path / "data"
    (data / "small").mkdir(parents=True)
    (data / "small" / "shard_0000.db").write_text("not shardlab's")
    path = write_scenario(small_scenario())
    out = tmp_path / "out"
    proc = run_ok(run, ["run", path, "--out", out, "--data", data], expect_rc=2)
    assert str(path) in proc.stderr and str(data / "small") in proc.stderr, describe(proc)
    assert (data / "small" / "shard_0000.db").read_text() == "not shardlab's"
    assert sorted(os.listdir(data / "small")) == ["shard_0000.db"]
    assert not out.exists(), "exit 2 writes nothing"


# --- failing expectation ------------------------------------------------------------------

def test_failed_expectation_exits_1_and_writes_the_result(run, tmp_path, write_scenario):
    s = small_scenario(expect=[
        {"metric": "per_shard_counts", "op": "eq", "value": [25, 25, 25, 25]},
        {"metric": "load.rows", "op": "eq", "value": 100},
    ])
    path = write_scenario(s)
    out = tmp_path / "out"
    proc = run_ok(run, ["run", path, "--out", out], expect_rc=1)
    r = load_result(out, "small")
    assert r["status"] == "ok"
    wrong, right = r["checks"]
    assert wrong["verdict"] == "fail"
    assert wrong["expected"] == [25, 25, 25, 25]
    assert wrong["observed"] == r["metrics"]["per_shard_counts"] != [25, 25, 25, 25]
    assert sum(wrong["observed"]) == 100
    assert right["verdict"] == "pass" and right["observed"] == 100
    assert r["summary"] == {"pass": 1, "fail": 1, "unknown": 0}
    assert "fail  per_shard_counts eq [25,25,25,25]" in proc.stdout
    assert not list(out.glob("*.tmp*"))


def test_one_failing_scenario_among_passing_ones(run, tmp_path):
    d = tmp_path / "scen"
    d.mkdir()
    (d / "a.json").write_text(json.dumps(small_scenario(
        name="passes", expect=[{"metric": "load.rows", "op": "eq", "value": 100}])))
    (d / "b.json").write_text(json.dumps(small_scenario(
        name="fails", expect=[{"metric": "shards", "op": "gt", "value": 4}])))
    out = tmp_path / "out"
    run_ok(run, ["run", d, "--out", out], expect_rc=1)
    assert load_result(out, "passes")["checks"][0]["verdict"] == "pass"
    assert load_result(out, "fails")["checks"][0]["verdict"] == "fail"


@pytest.mark.parametrize("op,value,verdict", [
    ("approx", 101, "pass"), ("lt", 100, "fail"), ("le", 100, "pass"), ("ge", 101, "fail"), ("gt", 99, "pass")])
def test_comparison_ops(run, tmp_path, write_scenario, op, value, verdict):
    e = {"metric": "load.rows", "op": op, "value": value}
    if op == "approx":
        e["tolerance"] = 1
    path = write_scenario(small_scenario(expect=[e]))
    run_ok(run, ["run", path, "--out", tmp_path / "out"], expect_rc=0 if verdict == "pass" else 1)
    assert load_result(tmp_path / "out", "small")["checks"][0]["verdict"] == verdict


# --- layouts and --keep ---------------------------------------------------------------------

def digits_path(i, width):
    s = str(i).zfill(width)
    return f"{s[0]}/{s[1:3]}/{s[3:]}.db"


@pytest.mark.parametrize("width", [0, 5], ids=["automatic-width", "width-5"])
def test_digits_layout(run, tmp_path, write_scenario, width):
    shards = {"count": 12, "layout": "digits"}
    if width:
        shards["digits_width"] = width
    path = write_scenario(small_scenario(name="digits", shards=shards))
    out = tmp_path / "out"
    run_ok(run, ["run", path, "--out", out, "--keep"])
    r = load_result(out, "digits")
    assert r["run"]["data_kept"] is True
    data = out / "data" / "digits"
    files = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file())
    expected = sorted(digits_path(i, width or 4) for i in range(12))
    assert files == expected
    if width == 5:
        assert "0/00/00.db" in files and "0/00/11.db" in files
    else:
        assert "0/00/0.db" in files and "0/01/1.db" in files
    counts = []
    for i in range(12):
        with sqlite3.connect(data / digits_path(i, width or 4)) as db:
            counts.append(db.execute("SELECT COUNT(*) FROM kv").fetchone()[0])
    assert counts == r["metrics"]["per_shard_counts"]
    assert sum(counts) == 100


def test_flat_layout_keep(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario())
    out = tmp_path / "out"
    run_ok(run, ["run", path, "--out", out, "--keep"])
    data = out / "data" / "small"
    assert sorted(os.listdir(data)) == [f"shard_{i:04d}.db" for i in range(4)]
    with sqlite3.connect(data / "shard_0000.db") as db:
        assert db.execute("SELECT COUNT(*) FROM kv").fetchone()[0] == load_result(out, "small")["metrics"]["per_shard_counts"][0]


# --- expectations the run cannot check ------------------------------------------------------

def test_expectation_on_a_metric_the_run_does_not_produce_is_not_success(run, tmp_path, write_scenario):
    # No mix, so there is no throughput metric; "load.nosuch" does not exist either. Either
    # validation rejects these (exit 2, naming the path) or the run reports them as not held
    # (exit 1); exit 0 would claim that "all expectations held".
    s = small_scenario(expect=[{"metric": "throughput.ops_per_s", "op": "gt", "value": 1},
                               {"metric": "load.nosuch", "op": "eq", "value": 1}])
    out = tmp_path / "out"
    proc = run(["run", write_scenario(s), "--out", out])
    assert proc.returncode in (1, 2), describe(proc)
    if proc.returncode == 2:
        assert "expect[0].metric" in proc.stderr and "expect[1].metric" in proc.stderr, describe(proc)
        assert not out.exists()
    else:
        assert [c["verdict"] for c in load_result(out, "small")["checks"]] == ["unknown", "unknown"]


def test_largest_seed(run, tmp_path, write_scenario):
    # --seed accepts any non-negative 64-bit integer; if validation then rejects it, its
    # message must state the range that excludes it (not "expected an integer >= 0").
    big = str(2**64 - 1)
    out = tmp_path / "out"
    proc = run(["run", write_scenario(small_scenario()), "--out", out, "--seed", big])
    if proc.returncode == 0:
        assert load_result(out, "small")["seed"] == 2**64 - 1
    else:
        assert proc.returncode == 2, describe(proc)
        assert str(2**63 - 1) in proc.stderr, "the message should say which seeds are allowed\n" + describe(proc)
