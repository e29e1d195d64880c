"""kind = workload, walk.repetitions: rounds of the same walks give the timed walk metrics
their per-round samples, and the checks on them a 95 % interval."""
import pytest

from conftest import describe, load_result


def walk_scenario(name, repetitions=None, expect=()):
    walk = {"shards": [2, 4], "fanout_threads": [1, 2], "iterations": 10, "single_file": True}
    if repetitions is not None:
        walk["repetitions"] = repetitions
    return {"name": name, "kind": "workload", "seed": 3, "shards": {"count": 4},
            "keys": {"count": 200, "format": "user:{i}"}, "router": {"type": "mod"},
            "workload": {"walk": walk}, "expect": list(expect)}


def test_rounds_publish_samples_and_paired_ratios(run, write_scenario, tmp_path):
    # Far from anything a walk can measure, so the verdicts do not depend on the load.
    expect = [{"metric": "walk.shards_4.threads_1.latency_us.p50", "op": "lt", "value": 1e9},
              {"metric": "walk.shards_4.walk_over_one_query_p50", "op": "gt", "value": -1e9},
              {"metric": "walk.shards_4.threads_1.rows_per_walk", "op": "eq", "value": 4.0}]
    proc = run(["run", write_scenario(walk_scenario("walk-rounds", 3, expect)), "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "walk-rounds")
    for k in (2, 4):
        point = r["metrics"]["walk"][f"shards_{k}"]
        for form in ("threads_1", "threads_2", "single_file", "single_file_one_query"):
            f = point[form]
            assert f["repetitions"] == 3 and f["latency_us"]["count"] == 30, form
            assert f["rows_per_walk"] == k  # every round found one row per shard
            rounds = f["samples"]["latency_us.p50"]
            assert len(rounds) == 3 and all(x > 0 for x in rounds), form
        # Ratios paired round by round: round i of the walk over round i of the other form.
        for ratio, other in (("walk_over_one_query_p50", "single_file_one_query"),
                             ("walk_over_single_file_p50", "single_file"),
                             ("fanout_speedup_p50_threads_2", "threads_2")):
            xs = point["samples"][ratio]
            walk, by = point["threads_1"]["samples"]["latency_us.p50"], point[other]["samples"]["latency_us.p50"]
            assert xs == [pytest.approx(a / b, rel=0.01, abs=0.002) for a, b in zip(walk, by)], ratio
    latency, ratio, rows = r["checks"]
    assert latency["samples"] == 3 and latency["verdict"] == "pass"
    lo, hi = latency["interval"]
    assert lo <= hi
    assert ratio["samples"] == 3 and ratio["verdict"] == "pass"
    assert "interval" not in rows or rows["verdict"] == "pass"
    line = next(x for x in proc.stdout.splitlines() if "walk.shards_4.threads_1.latency_us.p50 lt" in x)
    # The observed value, its 95 % interval over the repetitions and n.
    assert line.startswith("  pass  ") and line.endswith("] n=3)") and "(observed " in line and " [" in line, line


def test_one_round_is_as_before(run, write_scenario, tmp_path):
    expect = [{"metric": "walk.shards_4.threads_1.latency_us.p50", "op": "lt", "value": 1e9}]
    proc = run(["run", write_scenario(walk_scenario("walk-one", None, expect)), "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "walk-one")
    point = r["metrics"]["walk"]["shards_4"]
    assert "samples" not in point and "samples" not in point["threads_1"] and "repetitions" not in point["threads_1"]
    assert point["threads_1"]["latency_us"]["count"] == 10
    assert "interval" not in r["checks"][0] and r["checks"][0]["verdict"] == "pass"
