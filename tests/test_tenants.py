"""kind = tenants (C19, C15, C20): one file per tenant, the connection cache, packings."""
import os

import pytest

from conftest import assert_rejected, describe, load_result

SMALL = {
    "name": "small-tenants",
    "kind": "tenants",
    "seed": 5,
    "shards": {"count": 600, "layout": "digits", "roots": ["a", "b", "c"]},
    "keys": {"count": 4},
    "sqlite": {"synchronous": "off"},
    "tenants": {"requests": 2000, "put_fraction": 0.1, "cache_files": 50, "bare_files": 100,
                "minishards": 12, "packed_shards": 4, "chunk_files": 2, "chunk_rows": 300,
                "chunk_batch_rows": 100, "chunk_rounds": 2},
    # Far from any speedup two rounds can measure (0 < x < 10: the interval is within
    # ±64 of the mean), so the verdicts do not depend on the machine's load.
    "expect": [{"metric": "preallocation.speedup", "op": "gt", "value": -1000},
               {"metric": "preallocation.speedup", "op": "lt", "value": 1000}],
}


@pytest.fixture(scope="module")
def small_result(run, tmp_path_factory):
    import json
    d = tmp_path_factory.mktemp("tenants")
    path = d / "small.json"
    path.write_text(json.dumps(SMALL))
    proc = run(["run", path, "--out", d / "out"])
    assert proc.returncode == 0, describe(proc)
    return load_result(d / "out", "small-tenants"), proc, d


def test_every_tenant_file_and_the_census(small_result):
    r, _, _ = small_result
    m = r["metrics"]
    assert m["tenants"] == 600 and m["provision"]["files"] == 600 and m["directories"]["files"] == 600
    # 3 roots, width 4: each root holds 0/ with 06 second-level dirs of <= 34 files.
    assert 0 < m["directories"]["max_entries_per_dir"] <= 500
    assert {x["root"] for x in m["roots"]} == {"a", "b", "c"} and sum(x["files"] for x in m["roots"]) == 600
    assert m["provision"]["bare"]["files"] == 100 and m["provision"]["files_per_s"] > 0
    assert m["disk"]["allocated_bytes_per_tenant"] >= 2 * 4096  # header page + the table's root page, at least


def test_the_cache_never_exceeds_its_bound(small_result):
    m = small_result[0]["metrics"]["requests"]
    assert m["requests"] == 2000 and m["cache_files"] == 50
    assert m["opens"] - m["closes"] == 0  # closed at the end
    assert m["open_connections_at_end"] <= 50
    lat = m["latency_us"]
    assert lat["hit"]["all"]["count"] + lat["miss"]["all"]["count"] == 2000
    assert lat["miss"]["all"]["count"] == m["opens"]
    assert abs(m["hit_ratio"] - lat["hit"]["all"]["count"] / 2000) < 1e-3
    # zipfian over 600 tenants with 50 cached: most requests hit, some miss.
    assert 0.3 < m["hit_ratio"] < 1


def test_packings_hold_the_same_users(small_result):
    p = small_result[0]["metrics"]["packings"]
    assert p["per_user"]["files"] == 600 and p["minishards"]["files"] == 12 and p["shards"]["files"] == 4
    for name in ("per_user", "minishards", "shards"):
        assert p[name]["walk"]["rows"] == 600, name  # one matching row per user, wherever it lives
        assert p[name]["walk"]["files"] == p[name]["files"]
        assert p[name]["requests"]["requests"] == 2000
    # Small files waste pages: one file per user costs more disk per user (C15).
    assert p["ratios"]["per_user_vs_minishards"]["bytes_per_user"] > 1


def test_preallocation_reports_rates_and_extents(small_result):
    a = small_result[0]["metrics"]["preallocation"]
    assert a["none"]["rows_per_s"] > 0 and a["chunk"]["rows_per_s"] > 0 and a["speedup"] > 0
    # The chunk size rounds the file up to whole chunks.
    assert a["chunk"]["apparent_bytes_per_file"] % a["chunk_bytes"] == 0
    # The per-round speedups, paired round by round, are the speedup's repetitions.
    assert len(a["samples"]["speedup"]) == 2 == len(a["none"]["rows_per_s_rounds"])
    for x, n, c in zip(a["samples"]["speedup"], a["none"]["rows_per_s_rounds"], a["chunk"]["rows_per_s_rounds"]):
        assert x == pytest.approx(c / n, rel=0.01, abs=0.002)
    if a["none"]["extents_per_file"] is None:
        assert "FIEMAP" in a["none"]["extents_note"]
    else:
        assert a["chunk"]["extents_per_file"] >= 1


def test_speedup_checks_are_judged_on_the_interval(small_result):
    r, proc, _ = small_result
    above, below = r["checks"]
    samples = r["metrics"]["preallocation"]["samples"]["speedup"]
    mean, half = sum(samples) / 2, 12.706 * abs(samples[0] - samples[1]) / 2  # t(0.975, 1) s / sqrt(2)
    for c in (above, below):
        assert c["samples"] == 2 and c["observed"] == r["metrics"]["preallocation"]["speedup"]
        lo, hi = c["interval"]
        assert lo == pytest.approx(mean - half, rel=1e-4, abs=1e-5) and hi == pytest.approx(mean + half, rel=1e-4, abs=1e-5)
        assert c["verdict"] == "pass"
    assert "preallocation.speedup gt -1000  (observed " in proc.stdout and " n=2)" in proc.stdout


def test_nothing_is_left_behind(small_result):
    _, _, d = small_result
    data = d / "out" / "data"
    left = [os.path.join(p, f) for p, _, fs in os.walk(data) for f in fs] if data.exists() else []
    assert left == []


def test_flat_layout_breaks_the_500_entry_rule(run, write_scenario, tmp_path):
    s = dict(SMALL, name="flat-tenants", shards={"count": 600},
             tenants={"requests": 10, "packings": False, "preallocation": False, "bare_files": 0},
             expect=[{"metric": "directories.max_entries_per_dir", "op": "le", "value": 500, "claim": "C19"}])
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 1, describe(proc)
    m = load_result(tmp_path / "out", "flat-tenants")["metrics"]
    assert m["directories"]["max_entries_per_dir"] == 600
    assert "packings" not in m and "preallocation" not in m and "bare" not in m["provision"]


def test_a_symlinked_root_is_followed_and_reported(run, write_scenario, tmp_path):
    target = tmp_path / "disk1"
    target.mkdir()
    link = tmp_path / "root-link"
    link.symlink_to(target)
    s = dict(SMALL, name="linked-tenants", shards={"count": 40, "layout": "digits", "roots": [str(link)]},
             tenants={"requests": 10, "packings": False, "preallocation": False, "bare_files": 0}, expect=[])
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    root = load_result(tmp_path / "out", "linked-tenants")["metrics"]["roots"][0]
    assert root["realpath"] == str(target.resolve()) and root["files"] == 40 and root["filesystem"]
    assert list(target.iterdir()) == []  # its files were removed, the directory itself kept


@pytest.mark.parametrize("tenants,shards,field,words", [
    ({"cache_files": 0}, 100, "tenants.cache_files", ""),
    ({"put_fraction": 2}, 100, "tenants.put_fraction", ""),
    ({"minishards": 200}, 100, "tenants.minishards", "at most shards.count"),
    ({"distribution": {"type": "pareto"}}, 100, "tenants.distribution.type", "zipfian"),
    ({"cache": 10}, 100, "tenants.cache", ""),
])
def test_bad_tenants_block_exits_2(run, write_scenario, tmp_path, tenants, shards, field, words):
    s = {"name": "bad-tenants", "kind": "tenants", "shards": {"count": shards}, "keys": {"count": 2},
         "tenants": tenants}
    assert_rejected(run, write_scenario(s), tmp_path, field, words)


def test_a_cache_beyond_the_hard_file_limit_is_a_clear_error(run, write_scenario, tmp_path):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard >= 900_000:
        pytest.skip("no hard RLIMIT_NOFILE to exceed")
    s = {"name": "big-cache", "kind": "tenants", "shards": {"count": 10}, "keys": {"count": 2},
         "tenants": {"cache_files": 999_999, "packings": False, "preallocation": False, "bare_files": 0}}
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 3, describe(proc)
    assert "RLIMIT_NOFILE" in proc.stderr and "tenants.cache_files" in proc.stderr
