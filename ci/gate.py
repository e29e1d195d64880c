#!/usr/bin/python3
"""The regression gate of `make bench`: compares a run directory with a baseline.

usage: ci/gate.py RUN_DIR [--baseline DIR] [--threshold 0.10] [--instructions-threshold 0.02]
                  [--alpha 0.05] [--out DIR] [--title TEXT]

Two uses: A/B (`make bench BASE=<ref>`: RUN_DIR is the change's side and --baseline the
base's, both measured interleaved in one run, which is the comparison that means something
on a shared machine), and the stored baseline (results/baseline/, meaningful only on the
machine that recorded it).

- Micro-benchmarks (micro.json, Google Benchmark JSON with every repetition): Debian's
  /usr/share/benchmark/compare.py does the comparison (its Mann-Whitney U test needs
  python3-scipy). A regression is a significant U test (p < alpha) AND a median slower
  by more than the threshold.
- Instruction counts (instructions.json, ci/instructions.py: each micro-benchmark's loop
  under callgrind, a fixed number of iterations): deterministic, so no statistics. An
  increase beyond --instructions-threshold (2 %) is a regression whatever the clock says;
  a decrease beyond it is reported as improved.
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

Output: the console table; gate.json (every row) and gate.md (the rows a reviewer needs,
ready to paste into a pull request) in --out (default RUN_DIR). Each timed row carries
the ratio change/base of the medians and its 95 % bootstrap interval.

Exit codes: 0 no regression; 1 a regression, a changed exact count or a verdict change
(the table says which); 2 usage error, no baseline, or a number that is not finite (NaN,
inf) where a measurement should be: never passed as a measurement.

Input that cannot be judged is a usage error (exit 2), reported on one line of stderr that
names the file (and the benchmark, field or metric), never as a traceback, and never as a
pass: a file that cannot be read, an empty or truncated JSON file, JSON of the wrong shape
(a result without a name, a micro.json without benchmarks or repetitions), and a number
that is not finite. Python's json module accepts the literals NaN, Infinity and -Infinity
(Google Benchmark writes them; shardlab's results never do: nlohmann/json writes a
non-finite double as null). The gate decides: NaN or an infinity is never a value. In a
scenario result (anywhere in the file) and in instructions.json it is a usage error; in
micro.json every real_time and cpu_time (repetitions and aggregates) must be a finite
number. null or a string where a compared metric's number should be is a usage error too.
The numeric options must be finite and in range: --threshold and --instructions-threshold
(what ci/bench passes from SHARDLAB_GATE_THRESHOLD and SHARDLAB_GATE_INSTRUCTIONS_THRESHOLD)
from 0 up to, not including, 1; --alpha strictly between 0 and 1. `--threshold nan` would
make every comparison false and so pass everything; it is refused instead.
"""
import argparse
import json
import math
import random
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


class UsageError(ValueError):
    """Input the gate cannot judge: one line naming the file, exit 2."""


class NotFinite(UsageError):
    """A measurement that is NaN or infinite: a usage error, never a pass."""


class _NonFinite:
    """What a NaN / Infinity literal parses to in a file where none may be."""

    def __init__(self, literal):
        self.literal = literal


def _first_non_finite(value, where=""):
    """The dotted path of the first _NonFinite in a parsed document, and its literal."""
    if isinstance(value, _NonFinite):
        return where, value.literal
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _first_non_finite(item, f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else key)
        if found is not None:
            return found
    return None


def read_json(path, allow_non_finite=False):
    """The parsed JSON of `path`. UsageError (naming the file) when it cannot be read, is
    empty, is not valid JSON (truncated), or, unless allowed, holds NaN or an infinity."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot read it ({getattr(e, 'strerror', None) or e})") from None
    if not text.strip():
        raise UsageError(f"{path}: empty file; expected JSON")
    try:
        data = json.loads(text) if allow_non_finite else json.loads(text, parse_constant=_NonFinite)
    except json.JSONDecodeError as e:
        raise UsageError(f"{path}: not valid JSON (truncated?): {e.msg} (line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise UsageError(f"{path}: JSON nested too deeply") from None
    if not allow_non_finite:
        found = _first_non_finite(data)
        if found is not None:
            raise NotFinite(f"{path}: {found[0] or '(top level)'} is {found[1]}, not a finite number")
    return data


def check_result(path, result):
    """The fields of a result the gate reads, with the right types (else a UsageError)."""
    if not isinstance(result.get("name"), str) or not result["name"]:
        raise UsageError(f"{path}: name is {json.dumps(result.get('name'))}; expected the scenario's name")
    if not isinstance(result["metrics"], dict):
        raise UsageError(f"{path}: metrics is {type(result['metrics']).__name__}; expected an object")
    checks = result.get("checks", [])
    if not isinstance(checks, list) or not all(isinstance(c, dict) and "name" in c and "verdict" in c for c in checks):
        raise UsageError(f"{path}: checks is not a list of objects with a name and a verdict")


def load_run(run_dir):
    """{scenario name: [result of each repetition]} and the micro.json path (or None).
    Each result carries the file it came from under "_file" (for messages)."""
    run_dir = Path(run_dir)
    scenarios = {}
    files = sorted(run_dir.glob("*.json")) + sorted(run_dir.glob("repeats/*/*.json"))
    for path in files:
        if path.name in ("micro.json", "gate.json", "instructions.json"):
            continue
        result = read_json(path)
        if isinstance(result, dict) and "kind" in result and "metrics" in result:
            check_result(path, result)
            result["_file"] = str(path)
            scenarios.setdefault(result["name"], []).append(result)
    micro = run_dir / "micro.json"
    return scenarios, (micro if micro.exists() or micro.is_symlink() else None)


def instructions_file(run_dir):
    path = Path(run_dir) / "instructions.json"
    return path if path.exists() or path.is_symlink() else None


def finite(values, where):
    """`values`, unless one is (or, in a list of numbers, holds) NaN or an infinity."""
    for v in values:
        for x in (v if isinstance(v, list) else [v]):
            if isinstance(x, float) and not math.isfinite(x):
                raise NotFinite(f"{where} is {v}, not a finite number")
    return values


def ratio_interval(base, cur, rounds=2000, seed=1):
    """The ratio of medians change/base and its 95 % percentile-bootstrap interval."""
    mb = statistics.median(base)
    if not mb:
        return None, None
    ratio = statistics.median(cur) / mb
    if len(base) < 2 or len(cur) < 2:
        return ratio, None
    rng = random.Random(seed)
    ratios = []
    for _ in range(rounds):
        b = statistics.median(rng.choices(base, k=len(base)))
        c = statistics.median(rng.choices(cur, k=len(cur)))
        if b:
            ratios.append(c / b)
    ratios.sort()
    return ratio, [ratios[int(0.025 * len(ratios))], ratios[int(0.975 * len(ratios)) - 1]]


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
    finite(base, f"{source}: {name} (base)")
    finite(cur, f"{source}: {name} (change)")
    mb, mc = statistics.median(base), statistics.median(cur)
    worse = ((mc - mb) / mb if direction == "lower" else (mb - mc) / mb) if mb else 0.0
    p = utest(base, cur)
    noise = cv(cur)
    row = {"source": source, "name": name, "kind": "timed", "baseline": mb, "current": mc,
           "worse_by": round(worse, 4), "p": p, "cv": noise, "n": [len(base), len(cur)],
           "status": decide(worse, p, cv(base), noise, threshold, alpha)}
    row["ratio"], row["interval"] = ratio_interval(base, cur)
    if max(c for c in (cv(base), noise, 0.0) if c is not None) > threshold:
        row["noisy"] = True
    return row


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def read_micro(path):
    """A micro.json (Google Benchmark JSON), checked: a list of benchmarks, each with a name,
    every real_time and cpu_time a finite number, and at least one repetition (run_type
    iteration) with a real_time. Anything else is a usage error naming the file."""
    data = read_json(path, allow_non_finite=True)
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list):
        raise UsageError(f"{path}: no \"benchmarks\" list; expected Google Benchmark JSON")
    repetitions = 0
    for i, b in enumerate(data["benchmarks"]):
        if not isinstance(b, dict) or not isinstance(b.get("name"), str):
            raise UsageError(f"{path}: benchmarks[{i}] has no name; expected Google Benchmark JSON")
        iteration = b.get("run_type", "iteration") == "iteration"
        if iteration and "real_time" not in b:
            raise UsageError(f"{path}: {b['name']} (repetition) has no real_time")
        for field in ("real_time", "cpu_time"):
            if field in b and (not is_number(b[field]) or not math.isfinite(b[field])):
                raise NotFinite(f"{path}: {b['name']} {field} is {b[field]}, not a finite number")
        repetitions += iteration
    if repetitions == 0:
        raise UsageError(f"{path}: no repetitions (run_type iteration) to compare; the gate needs every "
                         "repetition (--benchmark_repetitions, without --benchmark_report_aggregates_only)")
    return data


def micro_repetitions(path):
    """{benchmark: [real time of each repetition]}; a non-finite time is a usage error."""
    reps = {}
    for b in read_micro(path)["benchmarks"]:
        if b.get("run_type", "iteration") == "iteration":
            reps.setdefault(b.get("run_name", b["name"]), []).append(b["real_time"])
    return reps


def compare_micro(base_path, cur_path, threshold, alpha):
    rows = []
    reps, base_reps = micro_repetitions(cur_path), micro_repetitions(base_path)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "compare.json"
        proc = subprocess.run([sys.executable, COMPARE_PY, "-a", "--no-color", "--alpha", str(alpha), "-d", str(dump),
                               "benchmarks", str(base_path), str(cur_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0 or not dump.is_file():
            last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
            raise RuntimeError(f"{COMPARE_PY} failed on {base_path} and {cur_path}: {last[-1] if last else '?'}")
        report = read_json(dump, allow_non_finite=True)

    def cvs_of(path):
        return {b["run_name"]: b["real_time"] for b in read_micro(path)["benchmarks"]
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
        if name in reps and name in base_reps:
            row["ratio"], row["interval"] = ratio_interval(base_reps[name], reps[name])
        if max(c for c in (base_cvs.get(name), noise, 0.0) if c is not None) > threshold:
            row["noisy"] = True
        rows.append(row)
    return rows


def load_instructions(path):
    """{benchmark: instructions per iteration}; a count that is not a finite number is a usage error."""
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), dict):
        raise UsageError(f"{path}: no \"benchmarks\" object; expected ci/instructions.py's output")
    out = {}
    for name, b in data["benchmarks"].items():
        v = b.get("instructions_per_iteration") if isinstance(b, dict) else None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise NotFinite(f"{path}: {name} instructions_per_iteration is {json.dumps(v)}, not a finite count")
        out[name] = float(v)
    return out


def compare_instructions(base_path, cur_path, threshold):
    """One row per benchmark: instructions per iteration, base vs change (exact counts, no test)."""
    base, cur = load_instructions(base_path), load_instructions(cur_path)
    rows = []
    for name in sorted(base):
        if name not in cur:
            rows.append({"source": "micro", "name": name, "kind": "instructions", "baseline": base[name],
                         "current": None, "status": "missing"})
            continue
        b, c = base[name], cur[name]
        ratio = c / b if b else (1.0 if c == b else math.inf)
        status = "regression" if ratio > 1 + threshold else "improved" if ratio < 1 - threshold else "ok"
        rows.append({"source": "micro", "name": name, "kind": "instructions", "baseline": b, "current": c,
                     "ratio": ratio, "worse_by": round(ratio - 1, 5), "status": status})
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
        samples, files = {}, {}  # metric -> values of the change's repetitions, and their files
        for result in cur[name]:
            rows_of_result = metric_rules.compared_metrics(result.get("kind"), result.get("metrics", {}))
            for path, kind, direction, value in rows_of_result:
                samples.setdefault(path, []).append(value)
                files.setdefault(path, []).append(result.get("_file", name))
        base_samples, base_files = {}, {}
        for result in base[name]:
            rows_of_result = metric_rules.compared_metrics(result.get("kind"), result.get("metrics", {}))
            for path, kind, direction, value in rows_of_result:
                base_samples.setdefault(path, []).append(value)
                base_files.setdefault(path, []).append(result.get("_file", name))
        for path, (kind, direction, b_value) in sorted(b_metrics.items()):
            if path not in samples:
                rows.append({"source": name, "name": path, "kind": kind, "baseline": b_value, "current": None,
                             "status": "missing"})
                continue
            if kind in ("exact", "io"):
                c_value = samples[path][0]
                finite([c_value], f"{files[path][0]}: metrics.{path}")
                finite([b_value], f"{b_first.get('_file', name)}: metrics.{path}")
                row = {"source": name, "name": path, "kind": kind, "baseline": b_value, "current": c_value,
                       "status": "ok" if c_value == b_value else "changed"}
                if kind == "io" and isinstance(c_value, (int, float)) and isinstance(b_value, (int, float)):
                    row["delta"] = c_value - b_value
                if any(v != c_value for v in samples[path][1:]):
                    row["unstable"] = True  # repetitions of one commit disagree: not deterministic
                rows.append(row)
            else:
                for side, vals, where in (("change", samples[path], files[path]),
                                          ("base", base_samples.get(path, []), base_files.get(path, []))):
                    for v, file in zip(vals, where):
                        if not is_number(v):
                            raise NotFinite(f"{file}: metrics.{path} ({side}) is {json.dumps(v)}, not a number")
                        finite([v], f"{file}: metrics.{path} ({side})")
                values = [float(v) for v in samples[path]]
                bvals = [float(v) for v in base_samples.get(path, [])]
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


MD_STATUS = {"regression": "**regression**", "changed": "**changed**", "verdict": "**verdict changed**",
             "missing": "**missing**", "improved": "improved", "noisy": "noisy", "ok": "ok", "not-gated": "not gated",
             "reference": "machine reference"}


def markdown(rows, title, threshold, alpha, instructions_threshold=0.02, largest=10):
    """gate.md: the verdict, the failing rows, then the instruction counts and the timed
    rows that moved most."""
    failing = [r for r in rows if r["status"] in FAILING or r.get("unstable")]

    def moved(kind):
        # Machine references and timings too few to test (one run a side) stay in gate.json only.
        out = [r for r in rows if r not in failing and r["kind"] == kind and r.get("ratio") is not None
               and r["status"] not in ("reference", "not-gated") and r["ratio"] != 1]
        out.sort(key=lambda r: -abs(math.log(r["ratio"])) if r["ratio"] > 0 else 0)
        return out[:largest // 2 if kind == "instructions" else largest]

    counted, timed = moved("instructions"), moved("timed")
    exact = [r for r in rows if r["kind"] in ("exact", "io")]
    ir = [r for r in rows if r["kind"] == "instructions"]
    lines = [f"### {title}", "",
             (f"**{len(failing)} failing** of {len(rows)} comparisons." if failing else
              f"**No regression** in {len(rows)} comparisons."),
             f"A timed metric fails when its U test gives p < {alpha} and its median is more than "
             f"{threshold:.0%} worse; {sum(r['status'] == 'ok' for r in exact)} of {len(exact)} exact counts "
             "are equal (they must all be)"
             + (f"; {sum(r['status'] == 'ok' for r in ir)} of {len(ir)} instruction counts are within "
                f"{instructions_threshold:.0%} (more instructions per iteration beyond that fail)." if ir else "."),
             ""]
    shown = failing + counted + timed
    if not shown:
        return "\n".join(lines) + "\n"
    if counted or timed:
        lines.append("Failing rows first, then the instruction counts and the timed metrics that moved most "
                     "(ratio = change / base: of the counts per iteration, or of the medians).")
        lines.append("")
    lines += ["| metric | kind | base | change | ratio (io: difference) | 95 % interval · p | verdict |",
              "| --- | --- | ---: | ---: | ---: | --- | --- |"]
    for r in shown:
        where = r["name"] if r["source"] == "micro" else f"{r['source']}: {r['name']}"
        ratio = f"{r['ratio']:.4f}" if r.get("ratio") is not None else ""
        if r.get("delta") is not None:
            ratio = f"{r['delta']:+g}"
        stats = []
        if r.get("interval"):
            stats.append(f"[{r['interval'][0]:.3f}, {r['interval'][1]:.3f}]")
        if r.get("p") is not None:
            stats.append(f"p {r['p']:.3f}")
        if r["kind"] == "instructions" and r.get("current") is not None:
            stats.append("exact count")
        flags = " (noisy)" if r.get("noisy") and r["status"] != "noisy" else ""
        flags += " (unstable)" if r.get("unstable") else ""
        lines.append(f"| `{where}` | {r['kind']} | {fmt(r.get('baseline'))} | {fmt(r.get('current'))} | {ratio} | "
                     f"{' · '.join(stats)} | {MD_STATUS.get(r['status'], r['status'])}{flags} |")
    return "\n".join(lines) + "\n"


# The numeric options: (option, what ci/bench fills it from, lowest, lowest allowed?, highest, highest allowed?).
NUMERIC_OPTIONS = [
    ("threshold", "SHARDLAB_GATE_THRESHOLD", 0.0, True, 1.0, False),
    ("instructions_threshold", "SHARDLAB_GATE_INSTRUCTIONS_THRESHOLD", 0.0, True, 1.0, False),
    ("alpha", None, 0.0, False, 1.0, False),
]


def number_option(args, option, env, low, low_ok, high, high_ok):
    """args.<option> as a float in its range, else a UsageError naming it (and its variable)."""
    text = getattr(args, option)
    flag = "--" + option.replace("_", "-")
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < low or (value == low and not low_ok) \
            or value > high or (value == high and not high_ok):
        source = f" (ci/bench: {env})" if env else ""
        lo, hi = ("[" if low_ok else "("), ("]" if high_ok else ")")
        raise UsageError(f"{flag} {text}{source}: expected a finite number in {lo}{low:g}, {high:g}{hi}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--baseline", default="results/baseline")
    parser.add_argument("--threshold", default="0.10", help="relative slowdown that counts, 0 <= t < 1 (default 0.10)")
    parser.add_argument("--instructions-threshold", default="0.02",
                        help="relative increase in instructions per iteration that counts, 0 <= t < 1 (default 0.02)")
    parser.add_argument("--alpha", default="0.05", help="U test significance, 0 < alpha < 1 (default 0.05)")
    parser.add_argument("--out", help="where gate.json and gate.md go (default RUN_DIR)")
    parser.add_argument("--title", default="shardlab regression gate", help="gate.md's heading")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_OK if e.code == 0 else EXIT_USAGE  # --help exits 0
    try:
        for option, *rule in NUMERIC_OPTIONS:
            setattr(args, option, number_option(args, option, *rule))
    except UsageError as e:
        print(f"gate: {e}", file=sys.stderr)
        return EXIT_USAGE
    run_dir, base_dir = Path(args.run_dir), Path(args.baseline)
    if not run_dir.is_dir():
        print(f"gate: no run directory {run_dir}", file=sys.stderr)
        return EXIT_USAGE
    if not base_dir.is_dir() or not any(base_dir.glob("*.json")):
        print(f"gate: no baseline in {base_dir}; record one from a run with `make bench-baseline` "
              f"(copies the newest results/<run> there)", file=sys.stderr)
        return EXIT_USAGE
    try:
        base, base_micro = load_run(base_dir)
        cur, cur_micro = load_run(run_dir)
    except UsageError as e:
        print(f"gate: {e}", file=sys.stderr)
        return EXIT_USAGE
    if not cur and cur_micro is None:
        print(f"gate: {run_dir} holds no results", file=sys.stderr)
        return EXIT_USAGE
    rows = []
    try:
        if base_micro is not None and cur_micro is not None:
            rows += compare_micro(base_micro, cur_micro, args.threshold, args.alpha)
        elif base_micro is not None:
            rows.append({"source": "micro", "name": "micro.json", "kind": "micro", "status": "missing"})
        base_ir, cur_ir = instructions_file(base_dir), instructions_file(run_dir)
        if base_ir is not None and cur_ir is not None:
            rows += compare_instructions(base_ir, cur_ir, args.instructions_threshold)
        elif base_ir is not None:
            rows.append({"source": "micro", "name": "instructions.json", "kind": "instructions", "status": "missing"})
        rows += compare_scenarios(base, cur, args.threshold, args.alpha)
    except (RuntimeError, UsageError) as e:
        print(f"gate: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as e:  # scipy, for the U test
        print(f"gate: {e.name or e} is missing (Debian: python3-scipy)", file=sys.stderr)
        return EXIT_USAGE
    print_table(rows, args.threshold)
    failing = [r for r in rows if r["status"] in FAILING]
    summary = {"baseline": str(base_dir), "threshold": args.threshold,
               "instructions_threshold": args.instructions_threshold, "alpha": args.alpha,
               "failing": len(failing), "rows": rows}
    out_dir = Path(args.out) if args.out else run_dir
    try:
        with open(out_dir / "gate.json", "w") as f:
            json.dump(summary, f, indent=1)
        with open(out_dir / "gate.md", "w") as f:
            f.write(markdown(rows, args.title, args.threshold, args.alpha, args.instructions_threshold))
    except OSError as e:
        print(f"gate: cannot write {e.filename or out_dir}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_FAIL if failing else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
