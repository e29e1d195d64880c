#!/usr/bin/python3
"""A/B runs for `make bench BASE=<ref>`: the base's and the change's micro-benchmarks and
scenarios/ci, interleaved in one run so that both see the same machine: round i runs base
then change, round i+1 change then base. Results go to RUN/base and RUN/change, laid out
as ci/gate.py reads a run (the first repetition of each scenario at the top, the others
in repeats/<n>/; micro.json with every repetition and its aggregates).

usage: ci/ab.py RUN BASE_BUILD CHANGE_BUILD [--rounds 9] [--scenario-reps 5] [--min-time 0.1]
                [--scenarios scenarios/ci] [--filter REGEX] [--no-instructions]

Last, each side's micro-benchmark loops are counted under callgrind (ci/instructions.py ->
RUN/<side>/instructions.json), both sides at once: an instruction count does not depend
on the machine's load, so they need not take turns.

Both sides run the change's scenario files. A scenario the base cannot run (a key it does
not know yet) is reported and left out of the base side; the gate then lists it as new.
"""
import argparse
import concurrent.futures
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import instructions  # noqa: E402


def run_micro(binary, min_time, out, log, bench_filter):
    cmd = [str(binary), "--benchmark_repetitions=1", f"--benchmark_min_time={min_time}",
           f"--benchmark_out={out}", "--benchmark_out_format=json"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    with open(log, "a") as f:
        subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, check=True)
    with open(out) as f:
        return json.load(f)


def aggregates(entries):
    """Google Benchmark's aggregate rows (mean, median, stddev, cv) over repetitions."""
    out = []
    by_name = {}
    for e in entries:
        by_name.setdefault(e["run_name"], []).append(e)
    for name, runs in by_name.items():
        first = runs[0]
        for agg in ("mean", "median", "stddev", "cv"):
            row = {k: first[k] for k in ("run_name", "family_index", "per_family_instance_index", "threads",
                                         "time_unit") if k in first}
            row.update({"name": f"{name}_{agg}", "run_type": "aggregate", "aggregate_name": agg,
                        "repetitions": len(runs), "iterations": len(runs)})
            if agg == "cv":
                row["aggregate_unit"] = "percentage"
            for key in ("real_time", "cpu_time"):
                values = [r[key] for r in runs]
                mean = statistics.mean(values)
                sd = statistics.stdev(values) if len(values) > 1 else 0.0
                row[key] = {"mean": mean, "median": statistics.median(values), "stddev": sd,
                            "cv": sd / mean if mean else 0.0}[agg]
            out.append(row)
    return out


def merge_micro(runs):
    """One Google Benchmark JSON from single-repetition runs: every repetition and the aggregates."""
    merged = {"context": dict(runs[0]["context"]), "benchmarks": []}
    iterations = []
    for i, run in enumerate(runs):
        for b in run["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
                continue
            b = dict(b)
            b["repetitions"] = len(runs)
            b["repetition_index"] = i
            iterations.append(b)
    merged["context"]["interleaved_runs"] = len(runs)
    merged["benchmarks"] = iterations + aggregates(iterations)
    return merged


def run_scenario(binary, scenario, out_dir, data_dir, log):
    with open(log, "a") as f:
        f.write(f"$ {binary} run {scenario} --out {out_dir} --data {data_dir}\n")
        f.flush()
        proc = subprocess.run([str(binary), "run", str(scenario), "--out", str(out_dir), "--data", str(data_dir)],
                              stdout=f, stderr=subprocess.STDOUT)
    return proc.returncode


def data_dir(run, side, rep):
    """Where a side's shard files go: paths of the same length for both sides, because
    SQLite writes file names into its journals (an ATTACH commit's super-journal lists the
    journals' full paths), so bytes written per transaction depend on the path's length."""
    return run / "data" / ("A" if side == "base" else "B") / str(rep + 1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run")
    parser.add_argument("base_build")
    parser.add_argument("change_build")
    parser.add_argument("--rounds", type=int, default=9, help="micro-benchmark repetitions per side")
    parser.add_argument("--scenario-reps", type=int, default=5, help="scenarios/ci runs per side")
    parser.add_argument("--min-time", default="0.1")
    parser.add_argument("--scenarios", default="scenarios/ci")
    parser.add_argument("--filter", default="", help="micro-benchmarks to run (a --benchmark_filter regex)")
    parser.add_argument("--no-instructions", action="store_true", help="skip the instruction counts")
    args = parser.parse_args(argv)
    run = Path(args.run)
    sides = {"base": Path(args.base_build), "change": Path(args.change_build)}
    for name, build in sides.items():
        for tool in ("shardlab", "shardlab_micro"):
            if not (build / tool).is_file():
                print(f"ab: no {tool} in the {name} build {build}", file=sys.stderr)
                return 2
    for name in sides:
        (run / name).mkdir(parents=True, exist_ok=False)
    log = run / "ab.log"
    start = time.monotonic()

    def order(i):
        return ("base", "change") if i % 2 == 0 else ("change", "base")

    if args.rounds > 0:
        print(f"== micro-benchmarks: {args.rounds} rounds, base and change alternating")
        micro = {name: [] for name in sides}
        for i in range(args.rounds):
            for name in order(i):
                out = run / name / f"micro.round{i}.json"
                micro[name].append(run_micro(sides[name] / "shardlab_micro", args.min_time, out, log, args.filter))
                out.unlink()
            print(f"   round {i + 1}/{args.rounds} ({time.monotonic() - start:.0f} s)", flush=True)
        for name in sides:
            with open(run / name / "micro.json", "w") as f:
                json.dump(merge_micro(micro[name]), f, indent=1)

    files = sorted(Path(args.scenarios).glob("*.json"))
    if args.scenario_reps > 0 and files:
        print(f"== {args.scenarios}: {len(files)} scenarios x {args.scenario_reps}, base and change alternating")
        refused = set()
        for r in range(args.scenario_reps):
            for name in order(r):
                out = run / name if r == 0 else run / name / "repeats" / str(r + 1)
                for scenario in files:
                    if (name, scenario) in refused:
                        continue
                    rc = run_scenario(sides[name] / "shardlab", scenario, out, data_dir(run, name, r), log)
                    if rc == 2:
                        refused.add((name, scenario))
                        print(f"   the {name} build refuses {scenario} (exit 2; see {log}): left out of that side")
            print(f"   round {r + 1}/{args.scenario_reps} ({time.monotonic() - start:.0f} s)", flush=True)
    if not args.no_instructions:
        print("== instruction counts: each side's micro-benchmark loops under callgrind, both at once")
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            jobs = {name: pool.submit(instructions.count, sides[name], run / name / "instructions.json",
                                      args.filter, None, run / f"instructions.{name}.log") for name in sides}
            for name, job in jobs.items():
                try:
                    if job.result() is None:
                        print(f"   the {name} build counts no benchmark (it predates instruction counts): "
                              "no instructions rows")
                except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
                    print(f"ab: instruction counts of the {name} build failed: {e}", file=sys.stderr)
                    return 2
        print(f"   done ({time.monotonic() - start:.0f} s)", flush=True)
    print(f"== A/B runs done in {time.monotonic() - start:.0f} s -> {run}/base, {run}/change")
    return 0


if __name__ == "__main__":
    sys.exit(main())
