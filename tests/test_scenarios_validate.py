"""Every scenario shipped in scenarios/ is valid, and `list` shows them all."""
import re

import pytest

from conftest import REPO, SCENARIOS, describe, read_scenario, scenario_files

FILES = scenario_files()


def test_there_are_scenarios_to_check():
    # A broken glob would make the parametrized test below vacuous.
    rel = {p.relative_to(SCENARIOS).as_posix() for p in FILES}
    assert {"blog/hash-distribution.json", "ci/workload-mix.json"} <= rel, rel
    assert not any("/data/" in "/" + r for r in rel)


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(REPO).as_posix() for p in FILES])
def test_scenario_validates(run, path):
    rel = path.relative_to(REPO).as_posix()
    proc = run(["validate", rel])
    assert proc.returncode == 0, describe(proc)
    scenario = read_scenario(path)
    name, kind = scenario["name"], scenario["kind"]
    # "ok  FILE  (NAME, KIND)"
    assert re.search(r"^ok\s+" + re.escape(rel) + r"\s+\(" + re.escape(name) + r", " + kind + r"\)$",
                     proc.stdout, re.M), describe(proc)
    assert proc.stderr == "", describe(proc)


def test_validate_whole_directory(run):
    proc = run(["validate", "scenarios"])
    assert proc.returncode == 0, describe(proc)
    ok_lines = [l for l in proc.stdout.splitlines() if l.startswith("ok  ")]
    assert len(ok_lines) == len(FILES), describe(proc)
    for path in FILES:
        assert path.relative_to(REPO).as_posix() in proc.stdout


def test_validate_directory_with_trailing_slash(run):
    proc = run(["validate", "scenarios/blog/"])
    assert proc.returncode == 0, describe(proc)
    blog = [p for p in FILES if p.parent.name == "blog"]
    assert len([l for l in proc.stdout.splitlines() if l.startswith("ok  ")]) == len(blog)


def test_validate_skips_data_folders(run, tmp_path):
    # A directory stands for every *.json below it, except under folders named data/.
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "data").mkdir()
    (tmp_path / "s" / "data" / "junk.json").write_text("this is not json")
    (tmp_path / "s" / "a.json").write_text(
        '{"name": "a", "kind": "workload", "shards": {"count": 2}, "keys": {"count": 10}}')
    proc = run(["validate", tmp_path / "s"])
    assert proc.returncode == 0, describe(proc)
    assert "junk" not in proc.stdout + proc.stderr


def test_list_names_every_scenario(run):
    proc = run(["list"])
    assert proc.returncode == 0, describe(proc)
    for path in FILES:
        s = read_scenario(path)
        rel = path.relative_to(REPO).as_posix()
        lines = proc.stdout.splitlines()
        at = next((i for i, l in enumerate(lines) if l == rel), None)
        assert at is not None, f"{rel} not listed:\n{proc.stdout}"
        line = lines[at + 1]  # name, kind and claims under the file
        assert line.startswith(f"    {s['name']}  [{s['kind']}]"), line
        for claim in s.get("claims", []):
            assert claim in line, line
    assert max(len(l) for l in proc.stdout.splitlines()) <= 100


def test_list_of_a_directory(run):
    proc = run(["list", "scenarios/ci"])
    assert proc.returncode == 0, describe(proc)
    names = {read_scenario(p)["name"] for p in FILES if p.parent.name == "ci"}
    lines = proc.stdout.splitlines()
    listed = {lines[i + 1].split()[0] for i, l in enumerate(lines) if l.startswith("scenarios/")}
    assert listed == names
