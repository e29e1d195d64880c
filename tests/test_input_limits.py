"""Hostile input gets a clear error, never a crash or a hang: numbers out of range, deep
nesting, long strings, NUL bytes, control characters, huge files, FIFOs, /proc, /dev/zero,
--set values and indexes. Each case: exit 2, one line per problem naming the file (and the
field where there is one), nothing written, and a prompt answer (a subprocess timeout)."""
import json
import os
import re
from pathlib import Path

import pytest

from conftest import describe, small_scenario

# A hang (a FIFO, /dev/zero) must fail the test, not the suite's timeout.
PROMPT_S = 60


@pytest.fixture
def reject(run, tmp_path):
    """reject(text_or_bytes_or_path, *extra) -> stderr lines, after checking that `run`
    and `validate` exit 2 promptly, say nothing on stdout, write nothing under --out and
    --data, and print one problem per line, each naming the file."""

    def _reject(content, *extra, name_in_lines=None):
        if isinstance(content, (str, bytes)):
            path = tmp_path / "scenario.json"
            path.write_bytes(content.encode() if isinstance(content, str) else content)
        else:
            path = content
        out = tmp_path / "out"
        data = tmp_path / "data"
        before = sorted(os.listdir(tmp_path))
        proc = run(["run", path, "--out", out, "--data", data, "--quick", *extra], timeout=PROMPT_S)
        assert proc.returncode == 2, describe(proc)
        assert proc.stdout == "", describe(proc)
        assert sorted(os.listdir(tmp_path)) == before, "exit 2 must write nothing\n" + describe(proc)
        val = run(["validate", path, *extra], timeout=PROMPT_S)
        assert val.returncode == 2, describe(val)
        assert val.stderr == proc.stderr, describe(val)
        lines = proc.stderr.splitlines()
        assert lines, describe(proc)
        for line in lines:
            assert line.startswith(name_in_lines or f"{path}: "), f"every line names the file:\n{proc.stderr}"
            assert len(line) < 4000, f"a line of {len(line)} characters"
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", line), repr(line)
        return lines

    return _reject


def scenario_text(**overrides):
    return json.dumps(small_scenario(**overrides), indent=2)


# --- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1" * 400])
def test_number_out_of_range_names_the_field(reject, number):
    text = scenario_text().replace('"seed": 7', f'"seed": {number}')
    [line] = reject(text)
    assert re.search(r": seed: number .* is out of range", line), line


def test_number_out_of_range_deep_inside_names_the_path(reject):
    text = scenario_text(expect=[{"metric": "ops", "op": "eq", "value": [1, 2, "X"]}]).replace('"X"', "1e999")
    [line] = reject(text)
    assert ": expect[0].value[2]: number 1e999 is out of range" in line, line


def test_float_seed_in_range_is_a_type_problem(reject):
    [line] = reject(scenario_text(seed=1e300))
    assert ": seed: found 1e+300 (a number); expected an integer" in line, line


# --- nesting ------------------------------------------------------------------------


def test_deep_nesting_in_a_top_level_key(reject):
    text = scenario_text(extra="X").replace('"X"', "[" * 70000 + "]" * 70000)
    [line] = reject(text)
    assert re.search(r": nesting deeper than 64 levels at line \d+, column \d+$", line), line


def test_deep_nesting_inside_expect_value(reject):
    text = scenario_text(expect=[{"metric": "ops", "op": "eq", "value": "X"}]).replace('"X"', "{\"a\":" * 100 + "1" + "}" * 100)
    [line] = reject(text)
    assert "nesting deeper than 64 levels" in line, line


def test_nesting_at_the_limit_is_read(run, tmp_path):
    # 64 levels is fine: the root object, expect, its item and 61 arrays.
    value = "[" * 61 + "]" * 61
    path = tmp_path / "s.json"
    path.write_text(scenario_text(expect=[{"metric": "ops", "op": "eq", "value": "X"}]).replace('"X"', value))
    proc = run(["validate", path])
    assert "nesting" not in proc.stderr, describe(proc)


def test_brackets_in_strings_and_comments_do_not_count(run, tmp_path):
    path = tmp_path / "s.json"
    path.write_text("// " + "[" * 100 + "\n/* " + "{" * 100 + " */\n" + scenario_text(description="[" * 100))
    run(["validate", path], check_rc=0)


# --- strings ------------------------------------------------------------------------


@pytest.mark.parametrize("length", [30000, 5000])
def test_long_name_is_cut_in_the_message(reject, length):
    [line] = reject(scenario_text(name="n" * length))
    assert re.search(rf": name: a string of {length} bytes \(\"n+…\"\); at most 4096 bytes$", line), line


def test_long_claim_is_cut_in_the_message(reject):
    [line] = reject(scenario_text(expect=[{"metric": "ops", "op": "eq", "value": 1, "claim": "C" * 30000}]))
    assert ": expect[0].claim: a string of 30000 bytes" in line, line


def test_long_name_within_the_bound_is_checked_without_a_crash(reject):
    # Below the string bound the name check itself runs (once a recursive std::regex).
    lines = reject(scenario_text(name="a" * 4000 + "/"))
    assert any(": name: found \"aaa" in l and "…" in l for l in lines), lines


def test_ten_megabyte_string_is_not_echoed(reject, tmp_path):
    # The file-size bound answers first; the 10 MB value never reaches a message.
    lines = reject(scenario_text(description="x" * 10_000_000))
    assert len("\n".join(lines)) < 1000
    assert "is at most 1048576 bytes (1 MiB)" in lines[0], lines


def test_long_string_from_set_is_bounded(reject, tmp_path):
    lines = reject(scenario_text(), "--set", "description=" + "d" * 20000)
    assert any(": description: a string of 20000 bytes" in l for l in lines), lines


def test_nul_byte_reports_its_offset(reject):
    text = scenario_text()
    [line] = reject(text.encode() + b"\0 not JSON {{{")
    assert line.endswith(f": a NUL byte at offset {len(text)} (line {text.count(chr(10)) + 1}, column "
                         f"{len(text) - text.rfind(chr(10))}); JSON text has none, and nothing after it would be read"), line


def test_escaped_nul_in_a_root_is_rejected(reject):
    text = scenario_text(shards={"count": 2, "roots": ["a", "X"]}).replace('"X"', '"b\\u0000c"')
    [line] = reject(text)
    assert re.search(r": shards\.roots\[1\]: a string with a NUL character \(\\u0000\) at byte 1", line), line


def test_newline_in_a_value_stays_on_one_line(reject):
    lines = reject(scenario_text(name="two\nlines", router={"type": "mod\r\nx\x1b[31m"}))
    assert any(": name: found \"two\\nlines\"" in l for l in lines), lines
    assert any("router.type: found \"mod\\r\\nx\\u001b[31m\"" in l for l in lines), lines


def test_newline_in_an_unknown_key_stays_on_one_line(reject):
    [line] = reject(scenario_text(**{"bad\nkey": 1}))
    assert ": bad\\nkey: unknown key" in line, line


def test_newline_in_a_set_value_stays_on_one_line(reject):
    lines = reject(scenario_text(), "--set", "router.type=a\nb")
    assert any('router.type: found "a\\nb" (a string)' in l for l in lines), lines


# --- files --------------------------------------------------------------------------


def test_too_large_file_is_refused_before_reading(reject, tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.write(scenario_text().encode())
        f.write(b" " * (2 << 20))
    [line] = reject(path)
    assert line == f"{path}: {path.stat().st_size} bytes; a scenario file is at most 1048576 bytes (1 MiB)", line


def test_fifo_is_not_read(reject, tmp_path):
    path = tmp_path / "fifo.json"
    os.mkfifo(path)
    [line] = reject(path)
    assert line == f"{path}: not a regular file (a FIFO)", line


def test_fifo_inside_a_directory_is_not_read(reject, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    os.mkfifo(d / "fifo.json")
    [line] = reject(d, name_in_lines=f"{d}/fifo.json: ")
    assert line.endswith(": not a regular file (a FIFO)"), line


def test_dev_zero_is_not_read(reject):
    [line] = reject(Path("/dev/zero"), name_in_lines="/dev/zero: ")
    assert line == "/dev/zero: not a regular file (a character device)", line


def test_proc_self_is_not_walked(reject):
    [line] = reject(Path("/proc/self"), name_in_lines="/proc/self: ")
    assert line == "/proc/self: on a procfs filesystem; scenario files are not there", line


def test_sys_is_not_walked(reject):
    [line] = reject(Path("/sys"), name_in_lines="/sys: ")
    assert "a sysfs filesystem" in line, line


def test_symlinked_directory_loop_is_not_followed(run, tmp_path):
    d = tmp_path / "tree"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "s.json").write_text(scenario_text())
    os.symlink("..", d / "sub" / "loop")
    os.symlink(d / "sub", d / "again")
    proc = run(["validate", d], timeout=PROMPT_S, check_rc=0)
    assert proc.stdout.count("ok  ") == 1, describe(proc)


def test_deep_directory_tree_is_bounded(run, tmp_path):
    d = tmp_path / "deep"
    p = d
    for _ in range(40):
        p = p / "d"
    p.mkdir(parents=True)
    (p / "s.json").write_text(scenario_text())
    proc = run(["validate", d], timeout=PROMPT_S, check_rc=2)
    assert "more than 32 directory levels" in proc.stderr, describe(proc)
    assert len(proc.stderr.splitlines()) == 1, describe(proc)


# --- --set ----------------------------------------------------------------------------


def test_set_huge_array_index_is_refused(reject):
    text = scenario_text(expect=[{"metric": "ops", "op": "gt", "value": 0}])
    [line] = reject(text, "--set", "expect.99999999999.value=1")
    assert "expect is an array of 1 items; \"99999999999\" is not an index in it" in line, line


def test_set_value_nesting_is_bounded(reject):
    [line] = reject(scenario_text(), "--set", "description=" + "[" * 60000 + "]" * 60000)
    assert "nesting deeper than 64 levels" in line, line


def test_set_number_out_of_range(reject):
    [line] = reject(scenario_text(), "--set", "seed=1e400")
    assert "seed=1e400: seed: number 1e400 is out of range" in line or "seed: number 1e400 is out of range" in line, line


def test_set_path_depth_is_bounded(reject):
    [line] = reject(scenario_text(), "--set", ".".join(["a"] * 1000) + "=1")
    assert "a path deeper than 64 levels" in line, line


# --- repro reads hostile result files ---------------------------------------------------


@pytest.mark.parametrize("content", [
    b"",
    b"[]",
    b'{"kind": 3}',
    b'{"kind": "crash", "metrics": {"cells": 5}}',
    b'{"kind": "crash", "metrics": {"cells": [1]}}',
    b'{"kind": "crash", "metrics": {"cells": [{"violations": [{"trial": 1}]}]}}',
    b'{"kind": "crash", "metrics": {"cells": [{"violations": [{"trial": 1, "outcome": 3}]}]}, "scenario": 1}',
    b'{"kind": "crash", "metrics": {"cells": [{"violations": {"trial": 1}}]}}',
    b'{"kind": "crash", "seed": 1e400}',
    b"{" * 100000,
    b'{"kind": "crash"}\0junk',
])
def test_repro_of_a_hostile_result_is_one_line(run, tmp_path, content):
    path = tmp_path / "result.json"
    path.write_bytes(content)
    proc = run(["repro", path, "--trial", "1", "--data", tmp_path / "data"], timeout=PROMPT_S)
    assert proc.returncode == 2, describe(proc)
    assert not (tmp_path / "data").exists()
    lines = proc.stderr.splitlines()
    assert len(lines) >= 1 and lines[0].startswith(f"{path}"), describe(proc)
    assert all(not re.search(r"[\x00-\x08\x0b-\x1f]", l) for l in lines)


def test_repro_of_a_fifo(run, tmp_path):
    path = tmp_path / "result.json"
    os.mkfifo(path)
    proc = run(["repro", path, "--trial", "1"], timeout=PROMPT_S, check_rc=2)
    assert proc.stderr == f"{path}: not a regular file (a FIFO)\n", describe(proc)
