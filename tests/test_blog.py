"""The blog scenarios (source 003 in scenarios/CLAIMS.md) reproduce the blog's numbers, read from the metrics."""
import pytest

from conftest import describe, load_result

BLOG = ["blog-attach-union", "blog-hash-distribution", "blog-range-hotspot", "blog-scatter-gather"]


@pytest.fixture(scope="module")
def blog(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("blog") / "out"
    proc = run(["run", "scenarios/blog", "--out", out, "--quick"])
    return proc, out


def result(blog, name):
    return load_result(blog[1], name)


def test_run_exits_zero(blog):
    proc, out = blog
    assert proc.returncode == 0, describe(proc)
    assert sorted(p.name for p in out.iterdir()) == sorted(n + ".json" for n in BLOG)


def test_hash_distribution_counts(blog):
    m = result(blog, "blog-hash-distribution")["metrics"]
    assert m["per_shard_counts"] == [2472, 2479, 2501, 2548]
    assert m["load"]["rows"] == 10000
    assert m["balance"]["spread"] == 76
    assert m["balance"]["min"] == 2472 and m["balance"]["max"] == 2548
    assert m["balance"]["spread_pct"] == pytest.approx(3.04, abs=0.005)


def test_range_hotspot_counts(blog):
    m = result(blog, "blog-range-hotspot")["metrics"]
    assert m["per_shard_counts"] == [1000, 1000, 1000, 7000]
    assert m["balance"]["max_over_mean"] == pytest.approx(2.8)


def test_scatter_gather_probes(blog):
    r = result(blog, "blog-scatter-gather")
    probes = r["metrics"]["probes"]
    assert probes["by_key"]["op"] == "get"
    assert probes["by_key"]["shards_touched"] == 1
    assert probes["by_key"]["found"] is True
    assert probes["by_key"]["value"] == "city-42"
    assert probes["by_key"]["key"] == "user:4242"
    assert probes["city7"]["op"] == "scatter"
    assert probes["city7"]["shards_touched"] == 8
    assert probes["city7"]["rows"] == 160
    assert sum(r["metrics"]["per_shard_counts"]) == 8000
    ops = r["metrics"]["ops"]
    assert ops["scatter"]["shards_touched"]["min"] == 8
    assert ops["get"]["shards_touched"]["max"] == 1
    # value_format city-{i % 50}: every scatter for one city merges 8000 / 50 rows.
    assert ops["scatter"]["rows_per_op"] == 160


def test_scatter_gather_quick_limits(blog):
    r = result(blog, "blog-scatter-gather")
    assert r["run"]["quick"] is True
    assert r["scenario"]["workload"]["repetitions"] == 1
    tp = r["metrics"]["throughput"]
    assert len(tp["per_repetition"]) == 1
    ops = r["metrics"]["ops"]
    assert ops["get"]["count"] + ops["scatter"]["count"] == r["scenario"]["workload"]["ops"] == 2000


def test_attach_union_probes(blog):
    m = result(blog, "blog-attach-union")["metrics"]
    assert m["probes"]["all_rows"]["rows"] == 400
    assert m["probes"]["v3"]["rows"] == 57
    assert m["probes"]["v3"]["shards_touched"] == 4
    assert m["attach"]["limit"] == 10
    assert m["attach"]["failed_at"] == 11
    assert "10" in m["attach"]["error_at_limit_plus_1"]


@pytest.mark.parametrize("name", BLOG)
def test_every_check_passes(blog, name):
    r = result(blog, name)
    assert r["status"] == "ok", r.get("error")
    assert r["checks"], "the blog scenarios all state expectations"
    assert [c["verdict"] for c in r["checks"]] == ["pass"] * len(r["checks"]), r["checks"]
    assert r["summary"] == {"pass": len(r["checks"]), "fail": 0, "unknown": 0}
