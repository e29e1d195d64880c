#!/usr/bin/python3
"""A timed micro-benchmark regression must show twice (A/B mode of make bench).

usage: ci/confirm_ab.py RUN BASE_BUILD CHANGE_BUILD ROUNDS MIN_TIME

The gate runs dozens of U tests per run; on a loaded machine one of them now and then
finds all of one side's repetitions slower by chance (with 5 against 5, p = 0.008 is one
chance in 126 per benchmark). So the micro-benchmarks the gate found regressed on time
(RUN/gate.json: source micro, kind timed, status regression) are measured again in a new
interleaved A/B series, and their repetitions in RUN/base/micro.json and
RUN/change/micro.json are replaced by the new ones (the first measurement is kept as
micro.first.json on each side); the gate then judges again. A real slowdown shows again;
a chance one almost never does. Instruction counts, I/O counts and verdicts are exact and
are never rerun.

Exit 0 after a rerun, 3 when no timed micro-benchmark needed one, 2 on a usage error
(bad arguments, or a gate.json or micro.json that cannot be read, is empty, truncated or
holds non-finite times: one line naming the file, as ci/gate.py reports them).
"""
import json
import re
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ab  # noqa: E402
from gate import UsageError, read_json, read_micro  # noqa: E402  (one reader for the gate's inputs)


def regressed(run):
    path = run / "gate.json"
    gate = read_json(path, allow_non_finite=True)  # a row may hold an inf ratio; only names are read here
    if not isinstance(gate, dict) or not isinstance(gate.get("rows"), list) or \
            not all(isinstance(r, dict) for r in gate["rows"]):
        raise UsageError(f"{path}: no \"rows\" list; expected ci/gate.py's gate.json")
    return sorted({r["name"] for r in gate["rows"]
                   if r.get("source") == "micro" and r.get("kind") == "timed" and r.get("status") == "regression"})


def replace(micro_path, again):
    """micro_path's repetitions of the benchmarks in `again` replaced by again's."""
    first = read_micro(micro_path)
    shutil.copy(micro_path, micro_path.with_name("micro.first.json"))
    rerun = {b.get("run_name", b["name"]) for b in again["benchmarks"]}
    first["benchmarks"] = [b for b in first["benchmarks"] if b.get("run_name", b["name"]) not in rerun] + \
        again["benchmarks"]
    micro_path.write_text(json.dumps(first, indent=1))


def main(argv):
    if len(argv) != 6:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    run, base_build, change_build, rounds, min_time = Path(argv[1]), argv[2], argv[3], argv[4], argv[5]
    if not rounds.isdigit() or int(rounds) < 1:
        print(f"confirm_ab: ROUNDS {rounds}: expected a whole number >= 1", file=sys.stderr)
        return 2
    rounds = int(rounds)
    try:
        names = regressed(run)
    except UsageError as e:
        print(f"confirm_ab: {e}", file=sys.stderr)
        return 2
    if not names:
        return 3
    print(f"== confirming {len(names)} micro-benchmark(s) slower on time, in a second A/B series: {', '.join(names)}")
    bench_filter = "^(" + "|".join(re.escape(n) for n in names) + ")$"
    sides = {"base": Path(base_build), "change": Path(change_build)}
    series = {name: [] for name in sides}
    log = run / "ab.log"
    start = time.monotonic()
    for i in range(rounds):
        for name in (("base", "change") if i % 2 == 0 else ("change", "base")):
            out = run / name / f"micro.confirm{i}.json"
            series[name].append(ab.run_micro(sides[name] / "shardlab_micro", min_time, out, log, bench_filter))
            out.unlink()
    try:
        for name in sides:
            replace(run / name / "micro.json", ab.merge_micro(series[name]))
    except UsageError as e:
        print(f"confirm_ab: {e}", file=sys.stderr)
        return 2
    print(f"   done ({time.monotonic() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
