"""kind = concurrency (C16): the CI scenario's result layout and verdicts, and bad input."""
import pytest

from conftest import SCENARIOS, assert_rejected, describe, load_result

CELL_KEYS = {"writers", "readers", "files", "seconds", "writes", "reads", "write_ops_per_s", "read_ops_per_s",
             "busy_returns", "locked_returns", "busy_waits", "busy_wait_ms", "writer_busy_waits", "reader_busy_waits",
             "writer_overlap"}


@pytest.fixture(scope="module")
def ci(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("concurrency") / "out"
    proc = run(["run", SCENARIOS / "ci" / "concurrency.json", "--out", out])
    return proc, load_result(out, "ci-concurrency")


def test_ci_concurrency_passes(ci):
    proc, r = ci
    assert proc.returncode == 0, describe(proc)
    assert r["summary"] == {"pass": 5, "fail": 0, "unknown": 0}


def test_cells_per_journal_mode_layout_and_writers(ci):
    _, r = ci
    cells = r["metrics"]["cells"]
    assert set(cells) == {"delete", "wal"}
    for mode in cells.values():
        assert set(mode) == {"one_file", "shards"}
        for layout, by_writers in mode.items():
            assert set(by_writers) == {"writers_1", "writers_4"}
            for c in by_writers.values():
                assert CELL_KEYS <= set(c), CELL_KEYS - set(c)
                assert c["files"] == (1 if layout == "one_file" else 8)
                assert c["writes"] > 0 and c["reads"] > 0 and c["readers"] == 1
                assert c["write_latency_us"]["p50"] <= c["write_latency_us"]["p99"]
                assert c["busy_waits"] == c["writer_busy_waits"] + c["reader_busy_waits"]
                # Time inside statements cannot exceed W writers x the window.
                assert 0 < c["writer_overlap"] <= c["writers"] * 1.01
    assert "shards_over_one_file_writers_4" in r["metrics"]["scaling"]["wal"]


def small(**concurrency):
    return {"name": "small-cc", "kind": "concurrency", "shards": {"count": 2}, "keys": {"count": 100},
            "concurrency": concurrency}


@pytest.mark.parametrize("block,field,words", [
    ({"layouts": ["sharded"]}, "concurrency.layouts", "one_file"),
    ({"writers": []}, "concurrency.writers", "empty"),
    ({"journal_modes": ["memory"]}, "concurrency.journal_modes", "wal"),
    ({"duration_s": 0}, "concurrency.duration_s", ""),
    ({"writers": [0]}, "concurrency", "readers > 0"),
])
def test_bad_concurrency_block_exits_2(run, write_scenario, tmp_path, block, field, words):
    assert_rejected(run, write_scenario(small(**block)), tmp_path, field, words)


def test_repetitions_publish_samples_and_paired_ratios(run, write_scenario, tmp_path):
    s = small(writers=[1, 2], readers=0, journal_modes=["wal"], duration_s=0.05, repetitions=3)
    # Far from anything a window can measure (overlap <= 2, a ratio > 0 and < 1e6), so
    # the verdicts do not depend on the machine's load.
    s["expect"] = [{"metric": "cells.wal.shards.writers_2.writer_overlap", "op": "lt", "value": 1000},
                   {"metric": "scaling.wal.shards_over_one_file_writers_2", "op": "gt", "value": -1e9}]
    proc = run(["run", write_scenario(s), "--out", tmp_path / "out"])
    assert proc.returncode == 0, describe(proc)
    r = load_result(tmp_path / "out", "small-cc")
    for layout in ("one_file", "shards"):
        for c in r["metrics"]["cells"]["wal"][layout].values():
            assert c["repetitions"] == 3
            for key in ("writer_overlap", "write_ops_per_s", "read_ops_per_s"):
                xs = c["samples"][key]
                assert len(xs) == 3 and c[key] == sorted(xs)[1]  # the median window's
    scaling = r["metrics"]["scaling"]["wal"]
    assert len(scaling["samples"]["shards_over_one_file_writers_2"]) == 3
    assert len(scaling["samples"]["shards_writers_2_over_1"]) == 3
    overlap, ratio = r["checks"]
    assert overlap["samples"] == 3 and overlap["verdict"] == "pass" and overlap["interval"][0] <= overlap["interval"][1]
    assert ratio["samples"] == 3 and ratio["verdict"] == "pass"
    assert "n=3" in proc.stdout


def test_one_repetition_publishes_no_samples(ci):
    _, r = ci
    for mode in r["metrics"]["cells"].values():
        for by_writers in mode.values():
            for c in by_writers.values():
                assert "samples" not in c and "repetitions" not in c
    assert all("interval" not in c for c in r["checks"])
