#!/usr/bin/python3
"""The regression gate of `make bench`: compares a run directory with a baseline.

usage: ci/gate.py RUN_DIR [--baseline DIR] [--threshold 0.10] [--alpha 0.05]

- Micro-benchmarks (micro.json, Google Benchmark JSON with every repetition): Debian's
  /usr/share/benchmark/compare.py does the comparison (its Mann-Whitney U test needs
  python3-scipy). A regression is a significant U test (p < alpha) AND a median slower
  by more than the threshold.
- Scenario metrics (ci/metrics.py says which, and how, from the rules of each result's
  kind in kinds/<kind>/gate.py): exact metrics must equal the baseline; timed metrics
  are compared by median over the repetitions of the run (RUN_DIR/*.json and
  RUN_DIR/repeats/*/*.json) with the same rule.
- A check whose verdict changed (a claim confirmed before and refuted now, or back) always
  fails the gate; so does a scenario or metric the baseline has and the run lacks.
- Noise: the coefficient of variation (cv) of every timed metric is printed. When the
  cv of either side is above the threshold the comparison is flagged NOISY: a slowdown
  then fails the gate only if it is also larger than 3x that cv (far outside the noise);
  otherwise it is reported as `noisy` and does not fail. Benchmarks that measure the
  machine rather than shardlab (ci/metrics.py REFERENCE_BENCHMARKS) are never gated.

Exit codes: 0 no regression; 1 a regression, a changed exact count or a verdict change
(the table says which, and RUN_DIR/gate.json holds it); 2 usage error or no baseline.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import metrics as metric_rules  # noqa: E402

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
COMPARE_PY = "/usr/share/benchmark/compare.py"
FAILING = {"regression", "changed", "verdict", "missing"}


def load_run(run_dir):
    """{scenario name: [result of each repetition]} and the micro.json path (or None)."""
    run_dir = Path(run_dir)
    scenarios = {}
    files = sorted(run_dir.glob("*.json")) + sorted(run_dir.glob("repeats/*/*.json"))
    for path in files:
        if path.name in ("micro.json", "gate.json"):
            continue
        with open(path) as f:
            result = json.load(f)
        if isinstance(result, dict) and "kind" in result and "metrics" in result:
            scenarios.setdefault(result["name"], []).append(result)
    micro = run_dir / "micro.json"
    return scenarios, (micro if micro.is_file() else None)


def cv(values):
    if len(values) < 2 or statistics.mean(values) == 0:
        return None
    return statistics.stdev(values) / abs(statistics.mean(values))


def utest(a, b):
    from scipy.stats import mannwhitneyu
    if len(a) < 2 or len(b) < 2:
        return None
    return float(mannwhitneyu(a, b, alternative="two-sided").pvalue)


def decide(worse, p, cv_base, cv_cur, threshold, alpha):
    """The gate's rule for one timed comparison (worse > 0: slower / lower throughput)."""
    if p is None:
        return "not-gated"  # one sample on a side: no test possible
    noise = max(c for c in (cv_base, cv_cur, 0.0) if c is not None)
    if p < alpha and worse > threshold:
        if noise > threshold and worse <= 3 * noise:
            return "noisy"  # a slowdown inside what this machine's noise can produce
        return "regression"
    if p < alpha and worse < -threshold:
        return "improved"
    return "ok"


def judge_timed(name, base, cur, direction, threshold, alpha, source):
    """One row for a timed metric: medians, relative change (+ = worse), p, status."""
    mb, mc = statistics.median(base), statistics.median(cur)
    worse = ((mc - mb) / mb if direction == "lower" else (mb - mc) / mb) if mb else 0.0
    p = utest(base, cur)
    noise = cv(cur)
    row = {"source": source, "name": name, "kind": "timed", "baseline": mb, "current": mc,
           "worse_by": round(worse, 4), "p": p, "cv": noise, "n": [len(base), len(cur)],
           "status": decide(worse, p, cv(base), noise, threshold, alpha)}
    if max(c for c in (cv(base), noise, 0.0) if c is not None) > threshold:
        row["noisy"] = True
    return row


def compare_micro(base_path, cur_path, threshold, alpha):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "compare.json"
        proc = subprocess.run([sys.executable, COMPARE_PY, "-a", "--no-color", "--alpha", str(alpha), "-d", str(dump),
                               "benchmarks", str(base_path), str(cur_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0 or not dump.is_file():
            raise RuntimeError(f"{COMPARE_PY} failed: {proc.stderr.strip() or proc.stdout.strip()}")
        with open(dump) as f:
            report = json.load(f)
    def cvs_of(path):
        with open(path) as f:
            data = json.load(f)
        return {b["run_name"]: b["real_time"] for b in data.get("benchmarks", [])
                if b.get("aggregate_name") == "cv" and "run_name" in b}

    cvs, base_cvs = cvs_of(cur_path), cvs_of(base_path)
    medians = {e["name"][: -len("_median")] if e["name"].endswith("_median") else e["name"]: e
               for e in report if e.get("aggregate_name") == "median"}
    for entry in report:
        if entry.get("run_type") != "iteration" or "utest" not in entry or not entry["utest"]:
            continue
        name = entry["name"]
        median = medians.get(name)
        if median is None or not median.get("measurements"):
            continue
        m = median["measurements"][0]
        worse = m["time"]  # compare.py: (new - old) / old of the median real time
        p = entry["utest"].get("time_pvalue")
        noise = cvs.get(name)
        status = decide(worse, p, base_cvs.get(name), noise, threshold, alpha)
        if name in metric_rules.REFERENCE_BENCHMARKS:
            status = "reference"
        row = {"source": "micro", "name": name, "kind": "timed", "baseline": m["real_time"],
               "current": m["real_time_other"], "worse_by": round(worse, 4), "p": p, "cv": noise,
               "n": [entry["utest"].get("nr_of_repetitions"), entry["utest"].get("nr_of_repetitions_other")],
               "status": status}
        if max(c for c in (base_cvs.get(name), noise, 0.0) if c is not None) > threshold:
            row["noisy"] = True
        rows.append(row)
    return rows


def compare_scenarios(base, cur, threshold, alpha):
    rows = []
    for name in sorted(base):
        if name not in cur:
            rows.append({"source": name, "name": "(scenario)", "kind": "scenario", "status": "missing"})
            continue
        b_first, c_first = base[name][0], cur[name][0]
        # Verdicts: a claim that changed side always fails the gate.
        b_checks = {(c["name"]): c["verdict"] for c in b_first.get("checks", [])}
        c_checks = {(c["name"]): c["verdict"] for c in c_first.get("checks", [])}
        for check, verdict in sorted(b_checks.items()):
            now = c_checks.get(check, "missing")
            if now != verdict:
                rows.append({"source": name, "name": check, "kind": "verdict", "baseline": verdict, "current": now,
                             "status": "verdict"})
        b_metrics = {p: (k, d, v) for p, k, d, v
                     in metric_rules.compared_metrics(b_first.get("kind"), b_first.get("metrics", {}))}
        samples = {}
        for result in cur[name]:
            rows_of_result = metric_rules.compared_metrics(result.get("kind"), result.get("metrics", {}))
            for path, kind, direction, value in rows_of_result:
                samples.setdefault(path, []).append(value)
        base_samples = {}
        for result in base[name]:
            rows_of_result = metric_rules.compared_metrics(result.get("kind"), result.get("metrics", {}))
            for path, kind, direction, value in rows_of_result:
                base_samples.setdefault(path, []).append(value)
        for path, (kind, direction, b_value) in sorted(b_metrics.items()):
            if path not in samples:
                rows.append({"source": name, "name": path, "kind": kind, "baseline": b_value, "current": None,
                             "status": "missing"})
                continue
            if kind == "exact":
                c_value = samples[path][0]
                row = {"source": name, "name": path, "kind": "exact", "baseline": b_value, "current": c_value,
                       "status": "ok" if c_value == b_value else "changed"}
                if any(v != c_value for v in samples[path][1:]):
                    row["unstable"] = True  # repetitions of one commit disagree: not deterministic
                rows.append(row)
            else:
                values = [float(v) for v in samples[path] if isinstance(v, (int, float))]
                bvals = [float(v) for v in base_samples.get(path, []) if isinstance(v, (int, float))]
                if values and bvals:
                    rows.append(judge_timed(path, bvals, values, direction, threshold, alpha, name))
    return rows


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    text = json.dumps(v)
    return text if len(text) <= 28 else text[:25] + "..."


def print_table(rows, threshold):
    interesting = [r for r in rows if r["status"] not in ("ok", "reference") or r.get("noisy") or r.get("unstable")]
    print(f"gate: {len(rows)} comparisons, {sum(r['status'] in FAILING for r in rows)} failing "
          f"(threshold {threshold:.0%})")
    if not interesting:
        return
    print(f"{'status':<11} {'where':<28} {'metric':<52} {'baseline':>12} {'current':>12} {'worse':>8} {'p':>7} {'cv':>6}")
    for r in interesting:
        worse = f"{r['worse_by']:+.1%}" if "worse_by" in r else ""
        p = f"{r['p']:.3f}" if r.get("p") is not None else ""
        noise = f"{r['cv']:.0%}" if r.get("cv") is not None else ""
        flags = (" NOISY" if r.get("noisy") else "") + (" UNSTABLE" if r.get("unstable") else "")
        print(f"{r['status']:<11} {r['source'][:28]:<28} {r['name'][:52]:<52} {fmt(r.get('baseline')):>12} "
              f"{fmt(r.get('current')):>12} {worse:>8} {p:>7} {noise:>6}{flags}")
    if any(r.get("noisy") for r in rows):
        print(f"warning: metrics marked NOISY vary by more than {threshold:.0%} between repetitions; comparing "
              "them at this threshold is meaningless (quiet the machine, add repetitions or raise "
              "SHARDLAB_GATE_THRESHOLD); a slowdown among them fails only beyond 3x their cv")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--baseline", default="results/baseline")
    parser.add_argument("--threshold", type=float, default=0.10, help="relative slowdown that counts (default 0.10)")
    parser.add_argument("--alpha", type=float, default=0.05, help="U test significance (default 0.05)")
    try:
        args = parser.parse_args(argv)
    except SystemExit:
        return EXIT_USAGE
    run_dir, base_dir = Path(args.run_dir), Path(args.baseline)
    if not run_dir.is_dir():
        print(f"gate: no run directory {run_dir}", file=sys.stderr)
        return EXIT_USAGE
    if not base_dir.is_dir() or not any(base_dir.glob("*.json")):
        print(f"gate: no baseline in {base_dir}; record one from a run with `make bench-baseline` "
              f"(copies the newest results/<run> there)", file=sys.stderr)
        return EXIT_USAGE
    base, base_micro = load_run(base_dir)
    cur, cur_micro = load_run(run_dir)
    if not cur and cur_micro is None:
        print(f"gate: {run_dir} holds no results", file=sys.stderr)
        return EXIT_USAGE
    rows = []
    if base_micro is not None and cur_micro is not None:
        try:
            rows += compare_micro(base_micro, cur_micro, args.threshold, args.alpha)
        except RuntimeError as e:
            print(f"gate: {e}", file=sys.stderr)
            return EXIT_USAGE
    elif base_micro is not None:
        rows.append({"source": "micro", "name": "micro.json", "kind": "micro", "status": "missing"})
    rows += compare_scenarios(base, cur, args.threshold, args.alpha)
    print_table(rows, args.threshold)
    failing = [r for r in rows if r["status"] in FAILING]
    summary = {"baseline": str(base_dir), "threshold": args.threshold, "alpha": args.alpha,
               "failing": len(failing), "rows": rows}
    with open(run_dir / "gate.json", "w") as f:
        json.dump(summary, f, indent=1)
    return EXIT_FAIL if failing else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
