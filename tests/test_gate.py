"""ci/gate.py, the regression gate of `make bench`, on synthetic runs: identical runs
pass, a 30 % slowdown of a timed metric or a micro-benchmark fails naming it, a verdict
change and a changed exact count fail, a missing baseline is a usage error. And the
rules of each kind (kinds/<kind>/gate.py, loaded by ci/metrics.py) are well formed and
apply to their own kind only."""
import json
import random
import re
import subprocess
import sys

import pytest

from conftest import REPO

GATE = REPO / "ci" / "gate.py"
sys.path.insert(0, str(REPO / "ci"))
import metrics as metric_rules  # noqa: E402


def micro_json(path, scale=1.0, seed=1):
    """Google Benchmark JSON with 9 repetitions per benchmark and the aggregates."""
    rng = random.Random(seed)
    benchmarks = []
    for name, base in (("BM_Route/jump/1024", 40.0), ("BM_Hash/xxh3", 6.0)):
        times = [base * scale * (1 + rng.uniform(-0.02, 0.02)) for _ in range(9)]
        for i, t in enumerate(times):
            benchmarks.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": 9,
                               "repetition_index": i, "threads": 1, "iterations": 1000, "real_time": t,
                               "cpu_time": t, "time_unit": "ns"})
        mean = sum(times) / 9
        sd = (sum((t - mean) ** 2 for t in times) / 8) ** 0.5
        for agg, value in (("mean", mean), ("median", sorted(times)[4]), ("stddev", sd), ("cv", sd / mean)):
            benchmarks.append({"name": f"{name}_{agg}", "run_name": name, "run_type": "aggregate", "repetitions": 9,
                               "threads": 1, "aggregate_name": agg, "aggregate_unit": "percentage" if agg == "cv" else "time",
                               "iterations": 9, "real_time": value, "cpu_time": value, "time_unit": "ns"})
    path.write_text(json.dumps({"context": {"date": "2026-11-23", "host_name": "test", "executable": "x",
                                            "num_cpus": 2, "mhz_per_cpu": 1, "cpu_scaling_enabled": False,
                                            "caches": [], "library_build_type": "release"},
                                "benchmarks": benchmarks}))


def result(ops_per_s, counts=(10, 20, 30), verdict="pass"):
    return {"schema_version": 1, "name": "demo", "kind": "workload", "seed": 1, "status": "ok",
            "checks": [{"name": "per_shard_counts eq [10,20,30]", "metric": "per_shard_counts", "verdict": verdict}],
            "metrics": {"throughput": {"ops_per_s": ops_per_s}, "per_shard_counts": list(counts)}}


def make_run(root, ops=1000.0, micro_scale=1.0, counts=(10, 20, 30), verdict="pass", seed=1, micro=True):
    root.mkdir(parents=True)
    rng = random.Random(seed)
    samples = [ops * (1 + rng.uniform(-0.02, 0.02)) for _ in range(5)]
    (root / "demo.json").write_text(json.dumps(result(samples[0], counts, verdict)))
    for i, s in enumerate(samples[1:], start=2):
        (root / "repeats" / str(i)).mkdir(parents=True)
        (root / "repeats" / str(i) / "demo.json").write_text(json.dumps(result(s, counts, verdict)))
    if micro:
        micro_json(root / "micro.json", micro_scale, seed)
    return root


def gate(run_dir, baseline):
    return subprocess.run([sys.executable, str(GATE), str(run_dir), "--baseline", str(baseline)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(REPO))


@pytest.fixture
def baseline(tmp_path):
    return make_run(tmp_path / "baseline", seed=1)


def test_two_runs_of_the_same_commit_pass_each_other(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", seed=2), baseline)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "run" / "gate.json").read_text())
    assert report["failing"] == 0 and report["rows"]


def test_a_30_percent_slower_timed_metric_fails_naming_it(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", ops=700.0, seed=3), baseline)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "regression" in proc.stdout and "throughput.ops_per_s" in proc.stdout


def test_a_30_percent_slower_micro_benchmark_fails_naming_it(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", micro_scale=1.3, seed=4), baseline)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "BM_Route/jump/1024" in proc.stdout and "regression" in proc.stdout


def test_a_verdict_change_fails(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", verdict="fail", seed=5), baseline)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "verdict" in proc.stdout and "per_shard_counts eq" in proc.stdout


def test_a_changed_exact_count_fails(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", counts=(10, 21, 29), seed=6), baseline)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "changed" in proc.stdout and "per_shard_counts" in proc.stdout


def test_a_missing_baseline_is_a_usage_error_saying_how_to_make_one(tmp_path):
    proc = gate(make_run(tmp_path / "run"), tmp_path / "nowhere")
    assert proc.returncode == 2
    assert "make bench-baseline" in proc.stderr
    assert not (tmp_path / "run" / "gate.json").exists()


def test_noisy_metrics_are_flagged(tmp_path, baseline):
    run = make_run(tmp_path / "run", seed=7)
    # Repetitions spread by ~50 %: the comparison is meaningless and the gate says so.
    for i, scale in ((2, 0.5), (3, 1.5)):
        path = run / "repeats" / str(i) / "demo.json"
        r = json.loads(path.read_text())
        r["metrics"]["throughput"]["ops_per_s"] *= scale
        path.write_text(json.dumps(r))
    proc = gate(run, baseline)
    assert "NOISY" in proc.stdout and "meaningless" in proc.stdout


def test_a_slowdown_inside_the_noise_warns_but_one_far_outside_fails(tmp_path, baseline):
    def noisy_run(root, ops, seed):
        run = make_run(root, ops=ops, seed=seed)
        for i, scale in ((2, 0.6), (3, 1.4)):  # cv ~ 30 %
            path = run / "repeats" / str(i) / "demo.json"
            r = json.loads(path.read_text())
            r["metrics"]["throughput"]["ops_per_s"] *= scale
            path.write_text(json.dumps(r))
        return run
    inside = gate(noisy_run(tmp_path / "inside", 800.0, 8), baseline)
    assert inside.returncode == 0, inside.stdout
    assert "NOISY" in inside.stdout and "throughput.ops_per_s" in inside.stdout  # reported, not failing
    far = gate(noisy_run(tmp_path / "far", 50.0, 9), baseline)
    assert far.returncode == 1, far.stdout
    assert "regression" in far.stdout


GATE_FILES = sorted((REPO / "kinds").glob("*/gate.py"))


def test_there_are_per_kind_gate_rules():
    kinds = {path.parent.name for path in GATE_FILES}
    assert {"workload", "crash", "reshard", "concurrency", "ids", "tenants", "backup", "migrate"} <= kinds


@pytest.mark.parametrize("path", GATE_FILES, ids=lambda p: p.parent.name)
def test_every_kind_gate_loads_and_its_patterns_are_well_formed(path):
    rules = metric_rules.load_rules(path)
    assert rules, f"{path}: no RULES"
    patterns = [rule[0] for rule in rules]
    assert len(set(patterns)) == len(patterns), f"{path}: a pattern twice"
    for rule in rules:
        assert isinstance(rule, tuple) and len(rule) == 3, rule
        pattern, kind, direction = rule
        assert isinstance(pattern, str) and all(re.fullmatch(r"\*|[A-Za-z0-9_]+", part)
                                                for part in pattern.split(".")), rule
        assert (kind, direction) in {("exact", None), ("io", None), ("timed", "higher"), ("timed", "lower")}, rule
    assert metric_rules.rules_for(path.parent.name) == rules


def test_rules_apply_to_their_own_kind_only():
    metrics = {"throughput": {"ops_per_s": 10.0}, "provision": {"files": 3, "files_per_s": 9.0}}
    assert [row[0] for row in metric_rules.compared_metrics("workload", metrics)] == ["throughput.ops_per_s"]
    assert [row[0] for row in metric_rules.compared_metrics("tenants", metrics)] == \
        ["provision.files", "provision.files_per_s"]
    assert metric_rules.compared_metrics("migrate", metrics) == []
    for kind in ("no-such-kind", "../ci", None, 3):  # no gate.py: nothing is compared
        assert metric_rules.compared_metrics(kind, metrics) == []


def test_gate_md_names_the_failing_metric_with_its_ratio_and_interval(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", ops=700.0, seed=3), baseline)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    md = (tmp_path / "run" / "gate.md").read_text()
    assert "**1 failing**" in md
    row = next(line for line in md.splitlines() if "throughput.ops_per_s" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "timed" and cells[-1] == "**regression**"
    assert 0.65 < float(cells[4]) < 0.75  # the ratio change / base
    low, high = (float(x) for x in re.search(r"\[([\d.]+), ([\d.]+)\]", cells[5]).groups())
    assert low <= float(cells[4]) <= high < 1.0  # the whole interval is below 1


def test_gate_md_of_an_unchanged_pair_says_no_regression(tmp_path, baseline):
    proc = gate(make_run(tmp_path / "run", seed=2), baseline)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    md = (tmp_path / "run" / "gate.md").read_text()
    assert "**No regression**" in md and "**regression**" not in md


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), None, "fast"])
def test_a_measurement_that_is_not_a_finite_number_is_a_usage_error(tmp_path, baseline, bad):
    run = make_run(tmp_path / "run", seed=2)
    r = json.loads((run / "repeats" / "3" / "demo.json").read_text())
    r["metrics"]["throughput"]["ops_per_s"] = bad
    (run / "repeats" / "3" / "demo.json").write_text(json.dumps(r))  # NaN and Infinity as Python writes them
    proc = gate(run, baseline)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "throughput.ops_per_s" in proc.stderr and "not" in proc.stderr


def test_a_non_finite_micro_benchmark_time_is_a_usage_error(tmp_path, baseline):
    run = make_run(tmp_path / "run", seed=2)
    data = json.loads((run / "micro.json").read_text())
    data["benchmarks"][0]["real_time"] = float("nan")
    (run / "micro.json").write_text(json.dumps(data))
    proc = gate(run, baseline)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "BM_Route/jump/1024" in proc.stderr and "nan" in proc.stderr


def test_ab_merges_interleaved_rounds_into_one_benchmark_json(tmp_path):
    # ci/ab.py's merge: single-repetition runs become one file with every repetition and
    # the aggregates compare.py and the gate read.
    sys.path.insert(0, str(REPO / "ci"))
    import ab
    runs = []
    for i, t in enumerate((10.0, 12.0, 11.0)):
        runs.append({"context": {"date": "d", "num_cpus": 2}, "benchmarks": [
            {"name": "BM_X", "run_name": "BM_X", "run_type": "iteration", "repetitions": 1, "repetition_index": 0,
             "threads": 1, "iterations": 100, "real_time": t, "cpu_time": t, "time_unit": "ns"}]})
    merged = ab.merge_micro(runs)
    reps = [b for b in merged["benchmarks"] if b["run_type"] == "iteration"]
    assert [b["real_time"] for b in reps] == [10.0, 12.0, 11.0]
    assert [b["repetition_index"] for b in reps] == [0, 1, 2] and all(b["repetitions"] == 3 for b in reps)
    aggs = {b["aggregate_name"]: b for b in merged["benchmarks"] if b["run_type"] == "aggregate"}
    assert aggs["median"]["real_time"] == 11.0 and aggs["mean"]["real_time"] == 11.0
    assert abs(aggs["cv"]["real_time"] - 1.0 / 11.0) < 1e-12
    assert merged["context"]["interleaved_runs"] == 3


def crash_result(fdatasync):
    return {"schema_version": 1, "name": "crash-demo", "kind": "crash", "seed": 1, "status": "ok", "checks": [],
            "metrics": {"matrix": {"attach": {"delete": {"full": {"process_crash": {
                "mixed": 0, "io_per_transfer": {"fdatasync": fdatasync, "bytes_written": 61000.0}}}}}}}}


def test_one_more_fdatasync_per_transfer_is_flagged_exactly(tmp_path):
    for name, syncs in (("base", 11.0), ("change", 12.0)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "crash-demo.json").write_text(json.dumps(crash_result(syncs)))
    proc = gate(tmp_path / "change", tmp_path / "base")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = json.loads((tmp_path / "change" / "gate.json").read_text())["rows"]
    row = next(r for r in rows if r["name"].endswith("io_per_transfer.fdatasync"))
    assert (row["kind"], row["status"], row["delta"]) == ("io", "changed", 1.0)
    assert next(r for r in rows if r["name"].endswith("bytes_written"))["status"] == "ok"
    md = (tmp_path / "change" / "gate.md").read_text()
    assert "| io | 11 | 12 | +1 |" in md


def instructions_json(path, counts):
    path.write_text(json.dumps({"tool": "valgrind-3.19.0 --tool=callgrind", "benchmarks": {
        name: {"instructions": ir * 1000 if isinstance(ir, float) else ir, "iterations": 1000,
               "instructions_per_iteration": ir}
        for name, ir in counts.items()}}))


COUNTS = {"BM_Route/jump/1024": 155.2, "BM_Hash/xxh3": 63.0}


@pytest.mark.parametrize("factor, code, status", [(1.0, 0, "ok"), (1.015, 0, "ok"), (1.03, 1, "regression"),
                                                  (0.9, 0, "improved")])
def test_instruction_counts_fail_beyond_two_percent_more_whatever_the_clock(tmp_path, baseline, factor, code, status):
    # The clock says nothing changed (same timings as the baseline): only the count moved.
    instructions_json(baseline / "instructions.json", COUNTS)
    run = make_run(tmp_path / "run", seed=2)
    instructions_json(run / "instructions.json", {**COUNTS, "BM_Route/jump/1024": 155.2 * factor})
    proc = gate(run, baseline)
    assert proc.returncode == code, proc.stdout + proc.stderr
    rows = json.loads((run / "gate.json").read_text())["rows"]
    row = next(r for r in rows if r["kind"] == "instructions" and r["name"] == "BM_Route/jump/1024")
    assert row["status"] == status and row["ratio"] == pytest.approx(factor)
    assert next(r for r in rows if r["kind"] == "instructions" and r["name"] == "BM_Hash/xxh3")["status"] == "ok"
    if status == "regression":
        md = (run / "gate.md").read_text()
        assert "`BM_Route/jump/1024` | instructions | 155.2 | 159.9 | 1.0300 | exact count | **regression**" in md


@pytest.mark.parametrize("bad", [float("nan"), None, -1.0])
def test_an_instruction_count_that_is_not_a_finite_count_is_a_usage_error(tmp_path, baseline, bad):
    instructions_json(baseline / "instructions.json", COUNTS)
    run = make_run(tmp_path / "run", seed=2)
    instructions_json(run / "instructions.json", {**COUNTS, "BM_Hash/xxh3": bad})
    proc = gate(run, baseline)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "BM_Hash/xxh3" in proc.stderr


def test_a_counted_benchmark_the_change_lost_fails_and_a_base_without_counts_compares_none(tmp_path, baseline):
    instructions_json(baseline / "instructions.json", COUNTS)
    run = make_run(tmp_path / "run", seed=2)
    instructions_json(run / "instructions.json", {"BM_Hash/xxh3": 63.0})
    proc = gate(run, baseline)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = json.loads((run / "gate.json").read_text())["rows"]
    assert [r["status"] for r in rows if r["name"] == "BM_Route/jump/1024" and r["kind"] == "instructions"] == ["missing"]
    # A base built before instruction counts existed has no instructions.json: nothing to compare.
    (baseline / "instructions.json").unlink()
    proc = gate(run, baseline)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not [r for r in json.loads((run / "gate.json").read_text())["rows"] if r["kind"] == "instructions"]


def test_instructions_names_each_loop_dump_by_the_dump_after_it():
    # ci/instructions.py: SHARDLAB_BENCH_LOOP dumps "shardlab-bench-loop" at the loop's end,
    # the reporter then dumps the benchmark's name; a benchmark without a loop dump
    # (SHARDLAB_NOT_COUNTED) gets no row, and the "/iterations:N" of fixed runs is dropped.
    sys.path.insert(0, str(REPO / "ci"))
    import instructions
    dumps = [("shardlab-bench-loop", 62900), ("shardlab-bench BM_Route/jump/4/iterations:1000 iterations=1000", 12),
             ("shardlab-bench BM_ForkExit/iterations:1/real_time iterations=1", 40),
             ("shardlab-bench-loop", 2000), ("shardlab-bench BM_ShardWalk/threads:1/iterations:20/real_time iterations=20", 5)]
    assert instructions.name_loops(dumps) == {"BM_Route/jump/4": (62900, 1000),
                                              "BM_ShardWalk/threads:1/real_time": (2000, 20)}


def test_ab_puts_both_sides_shard_files_at_paths_of_one_length(tmp_path):
    # SQLite writes file paths into journals (an ATTACH commit's super-journal lists the
    # journals), so bytes written per transaction move with the data path's length: a base
    # in RUN/base/data and a change in RUN/change/data differed by 8 bytes per batch.
    sys.path.insert(0, str(REPO / "ci"))
    import ab
    for rep in (0, 1, 9):
        base, change = ab.data_dir(tmp_path, "base", rep), ab.data_dir(tmp_path, "change", rep)
        assert base != change and len(str(base)) == len(str(change))


def test_a_timed_micro_regression_is_measured_again_and_the_second_series_decides(tmp_path, baseline):
    # ci/confirm_ab.py: only micro-benchmarks slower on time are rerun (instruction and I/O
    # counts are exact); their repetitions are replaced by the second series', the first kept.
    sys.path.insert(0, str(REPO / "ci"))
    import confirm_ab
    run = make_run(tmp_path / "run", micro_scale=1.3, seed=3)
    assert gate(run, baseline).returncode == 1
    assert confirm_ab.regressed(run) == ["BM_Hash/xxh3", "BM_Route/jump/1024"]
    micro_json(tmp_path / "again.json", 1.0, seed=4)  # the second series: no slowdown
    again = json.loads((tmp_path / "again.json").read_text())
    again["benchmarks"] = [b for b in again["benchmarks"] if b["run_name"] == "BM_Route/jump/1024"]
    confirm_ab.replace(run / "micro.json", again)
    assert (run / "micro.first.json").is_file()
    proc = gate(run, baseline)
    rows = {r["name"]: r["status"] for r in json.loads((run / "gate.json").read_text())["rows"] if r["source"] == "micro"}
    assert rows["BM_Route/jump/1024"] == "ok" and rows["BM_Hash/xxh3"] == "regression", proc.stdout


# --- Input the gate cannot judge: exit 2, one line naming the file, never a traceback ------


def gate_with(run_dir, baseline, *options):
    return subprocess.run([sys.executable, str(GATE), str(run_dir), "--baseline", str(baseline), *options],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(REPO))


def assert_usage_error(proc, *names):
    """Exit 2, no traceback, one line on stderr naming each of `names`, and no gate.json."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for name in names:
        assert str(name) in lines[0], lines[0]


def test_a_truncated_result_is_a_usage_error_naming_the_file(tmp_path, baseline):
    run = make_run(tmp_path / "run", seed=2)
    path = run / "repeats" / "3" / "demo.json"
    path.write_text(path.read_text()[:60])
    proc = gate(run, baseline)
    assert_usage_error(proc, path, "not valid JSON")
    assert not (run / "gate.json").exists()


def test_an_empty_result_file_is_a_usage_error_naming_the_file(tmp_path, baseline):
    run = make_run(tmp_path / "run", seed=2)
    (run / "demo.json").write_text("")
    assert_usage_error(gate(run, baseline), run / "demo.json", "empty")
    # The baseline's files are judged the same way.
    (baseline / "demo.json").write_text("  \n")
    assert_usage_error(gate(make_run(tmp_path / "run2", seed=3), baseline), baseline / "demo.json", "empty")


def test_a_micro_json_whose_times_are_all_nan_is_a_usage_error(tmp_path, baseline):
    run = make_run(tmp_path / "run", seed=2)
    data = json.loads((run / "micro.json").read_text())
    for b in data["benchmarks"]:
        b["real_time"] = b["cpu_time"] = float("nan")
    (run / "micro.json").write_text(json.dumps(data))  # NaN literals, as Google Benchmark writes them
    assert_usage_error(gate(run, baseline), run / "micro.json", "BM_Route/jump/1024", "real_time", "nan")
    # Only the aggregates, all NaN (no repetition left to test): refused too, not "0 failing".
    data["benchmarks"] = [b for b in data["benchmarks"] if b["run_type"] == "aggregate"]
    (run / "micro.json").write_text(json.dumps(data))
    assert_usage_error(gate(run, baseline), run / "micro.json", "nan")
    for b in data["benchmarks"]:
        b["real_time"] = b["cpu_time"] = 1.0
    (run / "micro.json").write_text(json.dumps(data))
    assert_usage_error(gate(run, baseline), run / "micro.json", "no repetitions")


@pytest.mark.parametrize("metric", ["throughput.ops_per_s", "per_shard_counts"])
def test_nan_in_a_scenario_metric_is_a_usage_error_naming_file_and_metric(tmp_path, baseline, metric):
    run = make_run(tmp_path / "run", seed=2)
    path = run / "demo.json"
    r = json.loads(path.read_text())
    if metric == "throughput.ops_per_s":
        r["metrics"]["throughput"]["ops_per_s"] = float("nan")
    else:
        r["metrics"]["per_shard_counts"] = [10, float("nan"), 30]  # inside a list: not "changed"
    path.write_text(json.dumps(r))
    assert_usage_error(gate(run, baseline), path, "metrics." + metric, "NaN")


@pytest.mark.parametrize("option, value", [("--threshold", "nan"), ("--threshold", "inf"), ("--threshold", "-0.1"),
                                           ("--threshold", "fast"), ("--alpha", "-1"), ("--alpha", "nan"),
                                           ("--alpha", "0"), ("--alpha", "1"),
                                           ("--instructions-threshold", "nan")])
def test_a_non_finite_or_out_of_range_option_is_a_usage_error(tmp_path, baseline, option, value):
    # `--threshold nan` made every comparison false: everything passed.
    run = make_run(tmp_path / "run", micro_scale=1.3, ops=700.0, seed=3)
    proc = gate_with(run, baseline, option, value)
    assert_usage_error(proc, option, value)
    if option != "--alpha":  # ci/bench fills the thresholds from these variables
        assert "SHARDLAB_GATE_" in proc.stderr
    assert not (run / "gate.json").exists()


def test_a_missing_file_is_a_usage_error_naming_it(tmp_path, baseline):
    run = make_run(tmp_path / "run", seed=2)
    (run / "lost.json").symlink_to(tmp_path / "nowhere.json")  # listed, but not there
    assert_usage_error(gate(run, baseline), run / "lost.json", "cannot read")
    (run / "lost.json").unlink()
    (run / "micro.json").unlink()
    (run / "micro.json").symlink_to(tmp_path / "nowhere.json")
    assert_usage_error(gate(run, baseline), run / "micro.json", "cannot read")
    assert_usage_error(gate(tmp_path / "no-such-run", baseline), tmp_path / "no-such-run")


def test_a_truncated_instructions_json_is_a_usage_error(tmp_path, baseline):
    instructions_json(baseline / "instructions.json", COUNTS)
    run = make_run(tmp_path / "run", seed=2)
    (run / "instructions.json").write_text('{"benchmarks": {"BM_Hash/xxh3": {"instructions_per')
    assert_usage_error(gate(run, baseline), run / "instructions.json", "not valid JSON")


def test_confirm_ab_on_a_truncated_gate_json_is_a_usage_error(tmp_path):
    (tmp_path / "gate.json").write_text('{"rows": [')
    proc = subprocess.run([sys.executable, str(REPO / "ci" / "confirm_ab.py"), str(tmp_path), "b", "c", "3", "0.1"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(REPO))
    assert_usage_error(proc, tmp_path / "gate.json")
    proc = subprocess.run([sys.executable, str(REPO / "ci" / "confirm_ab.py"), str(tmp_path), "b", "c", "x", "0.1"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(REPO))
    assert_usage_error(proc, "ROUNDS")
