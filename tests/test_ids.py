"""kind = ids (C11): the CI scenario, its result keys, and bad input."""
import pytest

from conftest import SCENARIOS, assert_rejected, describe, load_result

SCHEMES = {"autoincrement", "offsets", "uuid4", "uuid7", "snowflake"}


def test_ci_ids(run, tmp_path):
    proc = run(["run", SCENARIOS / "ci" / "ids.json", "--out", tmp_path])
    assert proc.returncode == 0, describe(proc)
    m = load_result(tmp_path, "ci-ids")["metrics"]
    assert set(m["schemes"]) == SCHEMES and m["rows"] == 20000 and m["shards"] == 4
    for name, s in m["schemes"].items():
        assert s["rows"] == 20000 and s["distinct_ids"] == s["rows"] - s["collisions"]
        assert s["bytes_on_disk"] > 0 and s["btree_pages"] > 0 and s["rows_per_s"] > 0
        assert "t" in s["btrees"] and 0 < s["btrees"]["t"]["fill"] <= 1
    # Every shard restarts AUTOINCREMENT at 1: all but the largest shard's ids repeat.
    assert 0 < m["schemes"]["autoincrement"]["collisions"] < 20000
    assert "sqlite_autoindex_t_1" in m["schemes"]["uuid4"]["btrees"]  # the BLOB key's index
    assert m["schemes"]["snowflake"]["self_routing_failures"] == 0


@pytest.mark.parametrize("ids,shards,field,words", [
    ({"schemes": ["guid"]}, 2, "ids.schemes", "snowflake"),
    ({"schemes": []}, 2, "ids.schemes", "empty"),
    ({"batch_rows": 0}, 2, "ids.batch_rows", ""),
    ({}, 2000, "shards", "1024"),
])
def test_bad_ids_block_exits_2(run, write_scenario, tmp_path, ids, shards, field, words):
    s = {"name": "small-ids", "kind": "ids", "shards": {"count": shards}, "keys": {"count": 100}, "ids": ids}
    assert_rejected(run, write_scenario(s), tmp_path, field, words)
