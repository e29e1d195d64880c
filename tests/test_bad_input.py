"""Bad input of every class: exit 2, the message names the file and the JSON path, and
nothing is written (neither the --out nor the --data directory appears)."""
import json
import re

import pytest

from conftest import describe, small_scenario


@pytest.fixture
def reject(run, tmp_path, write_scenario):
    """reject(scenario, *extra_args) -> stderr lines, after checking that both `validate`
    and `run` exit 2 and that `run` wrote nothing."""

    def _reject(scenario, *extra, file_in_message=True):
        path = write_scenario(scenario)
        out = tmp_path / "out"
        data = tmp_path / "data"
        proc = run(["run", path, "--out", out, "--data", data, "--quick", *extra])
        assert proc.returncode == 2, describe(proc)
        assert not out.exists(), f"exit 2 must write nothing, but {out} exists\n" + describe(proc)
        assert not data.exists(), f"exit 2 must write nothing, but {data} exists\n" + describe(proc)
        assert proc.stdout == "", describe(proc)
        set_args = [a for i, a in enumerate(extra) if a == "--set" or (i > 0 and extra[i - 1] == "--set")]
        val = run(["validate", path, *set_args])
        assert val.returncode == 2, describe(val)
        assert val.stderr == proc.stderr, "validate and run report the same problems\n" + describe(val)
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        if file_in_message:
            for line in lines:
                assert line.startswith(f"{path}: "), f"every problem line names the file:\n{proc.stderr}"
        return lines

    return _reject


def one_line(lines, path, pattern):
    """Exactly one problem line, for JSON path `path`, whose message matches `pattern`."""
    assert len(lines) == 1, "\n".join(lines)
    m = re.fullmatch(r"(.*?): " + re.escape(path) + r": (.*)", lines[0])
    assert m, f"expected the JSON path {path!r} right after the file name: {lines[0]!r}"
    assert re.search(pattern, m.group(2)), f"{m.group(2)!r} does not match {pattern!r}"
    return m.group(2)


# --- unknown keys -------------------------------------------------------------------

def test_unknown_top_level_key(reject):
    lines = reject(small_scenario(shard={"count": 4}))
    msg = one_line(lines, "shard", r"^unknown key; allowed keys here: ")
    allowed = msg.split("allowed keys here: ")[1].split(", ")
    assert {"name", "kind", "shards", "keys", "router", "sqlite", "workload", "expect"} <= set(allowed)


def test_unknown_nested_key(reject):
    lines = reject(small_scenario(router={"type": "ring", "vnode": 64}))
    msg = one_line(lines, "router.vnode", r"^unknown key; allowed keys here: ")
    assert "vnodes" in msg.split("allowed keys here: ")[1].split(", ")


def test_unknown_key_deep_inside_arrays(reject):
    s = small_scenario(expect=[{"metric": "load.rows", "op": "eq", "value": 100, "tolerence": 1}])
    one_line(reject(s), "expect[0].tolerence", r"^unknown key")


# --- wrong type, missing keys ----------------------------------------------------------

def test_wrong_type(reject):
    s = small_scenario(shards={"count": "4"})
    one_line(reject(s), "shards.count", r'^found "4" \(a string\); expected an integer from 1 to ')


def test_float_where_integer_expected(reject):
    s = small_scenario(keys={"count": 100.5})
    one_line(reject(s), "keys.count", r"^found 100\.5 \(a number\); expected an integer")


def test_missing_keys_count(reject):
    s = small_scenario(keys={"format": "user:{i}"})
    one_line(reject(s), "keys.count", r"^missing; expected an integer")


def test_missing_name(reject):
    s = small_scenario()
    del s["name"]
    one_line(reject(s), "name", r"^missing; expected a string")


def test_missing_kind(reject):
    s = small_scenario()
    del s["kind"]
    one_line(reject(s), "kind", r"^missing; expected one of .*workload")


def test_empty_name(reject):
    # The name names the result file (<out>/<name>.json) and the data directory.
    one_line(reject(small_scenario(name="")), "name", r'^found ""')


@pytest.mark.parametrize("name", ["a/b", "../up", ".hidden", "sp ace"])
def test_name_that_cannot_name_a_file(reject, name):
    one_line(reject(small_scenario(name=name)), "name", r"^found " + re.escape(json.dumps(name)))


def test_unknown_kind(reject):
    one_line(reject(small_scenario(kind="workloads")), "kind", r'^found "workloads" \(a string\); expected one of .*workload')


# --- out of range --------------------------------------------------------------------

def test_zero_shards(reject):
    one_line(reject(small_scenario(shards={"count": 0})), "shards.count",
             r"^found 0 \(an integer\); expected an integer from 1 to \d+")


def test_zero_vnodes_on_ring(reject):
    one_line(reject(small_scenario(router={"type": "ring", "vnodes": 0})), "router.vnodes",
             r"^found 0 \(an integer\); expected an integer from 1 to \d+")


@pytest.mark.parametrize("theta", [0, -0.5], ids=["zero", "negative"])
def test_zipfian_theta_not_positive(reject, theta):
    s = small_scenario(keys={"count": 100, "distribution": {"type": "zipfian", "theta": theta}})
    one_line(reject(s), "keys.distribution.theta", r"^found " + re.escape(str(theta)) + r" .*expected a number > 0")


def test_negative_ops(reject):
    s = small_scenario(workload={"mix": {"get": 1}, "ops": -5})
    one_line(reject(s), "workload.ops", r"^found -5 \(an integer\); expected an integer >= 0")


def test_negative_key_count(reject):
    one_line(reject(small_scenario(keys={"count": -1})), "keys.count",
             r"^found -1 \(an integer\); expected an integer from 1 to ")


def test_journal_mode_typo(reject):
    msg = one_line(reject(small_scenario(sqlite={"journal_mode": "wall"})), "sqlite.journal_mode",
                   r'^found "wall" \(a string\); expected one of ')
    assert set(msg.split("expected one of ")[1].split(", ")) == {"delete", "truncate", "persist", "wal", "memory", "off"}


def test_synchronous_unknown(reject):
    msg = one_line(reject(small_scenario(sqlite={"synchronous": "sometimes"})), "sqlite.synchronous",
                   r'^found "sometimes" \(a string\); expected one of ')
    assert set(msg.split("expected one of ")[1].split(", ")) == {"off", "normal", "full", "extra"}


# --- files that cannot be read ---------------------------------------------------------

def test_nonexistent_file(run, tmp_path):
    missing = tmp_path / "no-such-scenario.json"
    out = tmp_path / "out"
    proc = run(["run", missing, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert str(missing) in proc.stderr
    assert "No such file" in proc.stderr
    assert not out.exists()


def test_directory_without_scenarios(run, tmp_path):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "sub" / "notes.txt").write_text("not a scenario")
    out = tmp_path / "out"
    proc = run(["run", empty, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert str(empty) in proc.stderr and "no scenario files" in proc.stderr
    assert not out.exists()


def test_directory_whose_only_scenarios_are_under_data(run, tmp_path):
    d = tmp_path / "s"
    (d / "data").mkdir(parents=True)
    (d / "data" / "x.json").write_text("{}")
    proc = run(["validate", d])
    assert proc.returncode == 2, describe(proc)
    assert "no scenario files" in proc.stderr


# --- invalid JSON --------------------------------------------------------------------

MISSING_COMMA_BETWEEN_OBJECTS = """\
{
  "name": "small",
  "kind": "workload",
  "shards": {"count": 4},
  "keys": {"count": 100},
  "expect": [
    {"metric": "load.rows", "op": "eq", "value": 100}
    {"metric": "shards", "op": "eq", "value": 4}
  ]
}
"""

MISSING_COMMA_BETWEEN_KEYS = """\
// a comment line counts as a line
{
  "name": "small",
  "kind": "workload"
  "shards": {"count": 4},
  "keys": {"count": 100}
}
"""


def test_invalid_json_position(reject):
    # The second object of the array starts at line 8, column 5, where a ',' or ']' belongs.
    lines = reject(MISSING_COMMA_BETWEEN_OBJECTS)
    assert len(lines) == 1, lines
    assert re.search(r": invalid JSON at line 8, column 5: ", lines[0]), lines[0]


def test_invalid_json_position_of_a_key(reject):
    # "shards" (line 5, columns 3 to 10) follows "workload" without a comma.
    lines = reject(MISSING_COMMA_BETWEEN_KEYS)
    assert len(lines) == 1, lines
    m = re.search(r": invalid JSON at line (\d+), column (\d+): ", lines[0])
    assert m, lines[0]
    assert int(m.group(1)) == 5, lines[0]
    assert 3 <= int(m.group(2)) <= 10, lines[0]


def test_truncated_json(reject):
    lines = reject('{"name": "small",\n "kind": ')
    assert re.search(r": invalid JSON at line 2, column \d+: ", lines[0]), lines


def test_top_level_not_an_object(reject):
    lines = reject("[1, 2]")
    assert len(lines) == 1 and re.search(r": found \[1,2\] \(an array\); expected a JSON object$", lines[0]), lines


# --- --set overrides ------------------------------------------------------------------

def test_set_override_with_bad_value(reject):
    s = small_scenario(router={"type": "ring", "vnodes": 100})
    one_line(reject(s, "--set", "router.vnodes=0"), "router.vnodes",
             r"^found 0 \(an integer\); expected an integer from 1 to ")


def test_set_override_with_unknown_path(reject):
    s = small_scenario(router={"type": "ring"})
    one_line(reject(s, "--set", "router.vnode=64"), "router.vnode", r"^unknown key")


def test_malformed_set(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario(router={"type": "ring"}))
    out = tmp_path / "out"
    for bad in ["router.vnodes", "=64"]:
        proc = run(["run", path, "--out", out, "--set", bad])
        assert proc.returncode == 2, describe(proc)
        assert f"--set {bad}" in proc.stderr and "path=value" in proc.stderr, describe(proc)
        assert not out.exists()
    proc = run(["run", path, "--out", out, "--set"])
    assert proc.returncode == 2 and "--set needs a value" in proc.stderr, describe(proc)
    assert not out.exists()


# --- cross-field checks ----------------------------------------------------------------

def test_attach_union_over_the_attach_limit(reject):
    s = small_scenario(shards={"count": 11},
                       workload={"probes": [{"name": "all", "op": "attach_union", "where": "1"}]})
    lines = reject(s)
    assert len(lines) == 1, lines
    assert re.match(r".*?: workload(\.\S+)?: ", lines[0]), lines[0]
    assert "attach_union" in lines[0] and "11" in lines[0]
    assert "at most 10" in lines[0], lines[0]


def test_attach_union_at_the_limit_is_fine(run, tmp_path, write_scenario):
    s = small_scenario(shards={"count": 10},
                       workload={"probes": [{"name": "all", "op": "attach_union", "where": "1"}]})
    proc = run(["validate", write_scenario(s)])
    assert proc.returncode == 0, describe(proc)


def test_expectation_names_no_metric(reject):
    s = small_scenario(expect=[{"metric": "per_shard_count", "op": "eq", "value": [25, 25, 25, 25]}])
    one_line(reject(s), "expect[0].metric", r'^found "per_shard_count"; .*no metric')


def test_expectation_names_no_probe(reject):
    s = small_scenario(expect=[{"metric": "load.rows", "op": "eq", "value": 100},
                               {"metric": "probes.missing.rows", "op": "eq", "value": 1}])
    one_line(reject(s), "expect[1].metric", r'no probe is named "missing"')


def test_bad_key_template(reject):
    s = small_scenario(keys={"count": 100, "format": "user:{i"})
    one_line(reject(s), "keys.format", r"expected '}'")


def test_bad_value_template(reject):
    s = small_scenario(workload={"value_format": "v{i"})
    lines = reject(s)
    assert any(re.match(r".*?: workload\.value_format: .*expected '}'", l) for l in lines), lines


def test_bad_sql_where(reject):
    s = small_scenario(workload={"query": {"where": "v = = ?1"}})
    one_line(reject(s), "workload.query.where", r"syntax error")


# --- command line ----------------------------------------------------------------------

def test_unknown_option(run, tmp_path, write_scenario):
    path = write_scenario(small_scenario())
    out = tmp_path / "out"
    proc = run(["run", path, "--out", out, "--frobnicate"])
    assert proc.returncode == 2, describe(proc)
    assert "unknown option --frobnicate" in proc.stderr
    assert "usage:" in proc.stderr
    assert not out.exists()


def test_run_only_options_are_rejected_by_validate(run, write_scenario):
    proc = run(["validate", write_scenario(small_scenario()), "--quick"])
    assert proc.returncode == 2 and "unknown option --quick" in proc.stderr, describe(proc)


@pytest.mark.parametrize("args", [["--seed", "-1"], ["--seed", "abc"], ["--seed", "12x"], ["--out"]],
                         ids=["seed-negative", "seed-word", "seed-suffix", "out-without-value"])
def test_bad_option_values(run, tmp_path, write_scenario, args):
    path = write_scenario(small_scenario())
    out = tmp_path / "out"
    proc = run(["run", path, *args] if args == ["--out"] else ["run", path, "--out", out, *args])
    assert proc.returncode == 2, describe(proc)
    assert args[0] in proc.stderr
    assert not out.exists()


def test_unknown_command(run):
    proc = run(["runn", "scenarios"])
    assert proc.returncode == 2, describe(proc)
    assert "unknown command runn" in proc.stderr


@pytest.mark.parametrize("args", [[], ["run"], ["validate"]], ids=["nothing", "run", "validate"])
def test_missing_arguments(run, args):
    proc = run(args)
    assert proc.returncode == 2, describe(proc)
    assert "usage:" in proc.stderr


# --- several problems, several files ---------------------------------------------------

def test_every_problem_is_reported(reject):
    s = small_scenario(shards={"count": 0, "layuot": "flat"},
                       sqlite={"journal_mode": "wall", "synchronous": "sometimes"},
                       router={"type": "ring", "vnodes": 0})
    s["bogus"] = True
    lines = reject(s)
    paths = sorted(re.match(r".*?: (\S+?): ", l).group(1) for l in lines)
    assert paths == sorted(["shards.count", "shards.layuot", "sqlite.journal_mode", "sqlite.synchronous",
                            "router.vnodes", "bogus"]), "\n".join(lines)


def test_one_bad_file_stops_the_whole_run(run, tmp_path):
    d = tmp_path / "scen"
    d.mkdir()
    (d / "a-good.json").write_text(json.dumps(small_scenario(name="good")))
    (d / "b-bad.json").write_text(json.dumps(small_scenario(name="bad", shards={"count": 0})))
    (d / "c-good.json").write_text(json.dumps(small_scenario(name="good2")))
    out = tmp_path / "out"
    proc = run(["run", d, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert f"{d}/b-bad.json: shards.count: " in proc.stderr
    assert "a-good" not in proc.stderr and "c-good" not in proc.stderr
    assert not out.exists()


def test_duplicate_scenario_names(run, tmp_path):
    d = tmp_path / "scen"
    d.mkdir()
    (d / "a.json").write_text(json.dumps(small_scenario(name="same")))
    (d / "b.json").write_text(json.dumps(small_scenario(name="same")))
    out = tmp_path / "out"
    proc = run(["run", d, "--out", out])
    assert proc.returncode == 2, describe(proc)
    assert re.search(re.escape(f"{d}/b.json") + r": name: .*same.*" + re.escape(f"{d}/a.json"), proc.stderr), proc.stderr
    assert not out.exists()


# --- comments --------------------------------------------------------------------------

def test_comments_are_accepted(run, tmp_path, write_scenario):
    text = """\
// A scenario with comments, as the format allows.
{
  "name": "commented",  // trailing comment
  "kind": "workload",
  // a comment between keys, with "quotes" and a { brace
  "shards": {"count": 4},
  "keys": {"count": 100, "format": "http://host/{i}"}
}
"""
    path = write_scenario(text)
    proc = run(["validate", path])
    assert proc.returncode == 0, describe(proc)
    out = tmp_path / "out"
    proc = run(["run", path, "--out", out])
    assert proc.returncode == 0, describe(proc)
    r = json.loads((out / "commented.json").read_text())
    assert r["scenario"]["keys"]["format"] == "http://host/{i}", "// inside a string is not a comment"
    assert sum(r["metrics"]["per_shard_counts"]) == 100
