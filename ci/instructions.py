#!/usr/bin/python3
"""Instruction counts of the micro-benchmarks: the `instructions` rows of make bench.

usage: ci/instructions.py OUT_JSON BUILD_DIR [--filter REGEX] [--workdir DIR]

Runs BUILD_DIR/shardlab_micro once under valgrind's callgrind with
SHARDLAB_BENCH_INSTRUCTIONS=1: each counted benchmark runs a fixed number of iterations
(SHARDLAB_COUNTED in core/bench_loop.h) and its timed loop is bracketed by callgrind
client requests, so the count covers the loop and not the setup. Writes
{"tool": ..., "benchmarks": {name: {"instructions_per_iteration": x, "iterations": n,
"instructions": total}}} with names as the timed runs print them (without the
"/iterations:N" that fixed iterations add). Instructions executed are a property of the
code and its input, not of the machine's load: two runs of one build agree to a few
parts per million, so the gate can compare them with a tight bound (2 %).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LOOP = "shardlab-bench-loop"
NAMED = re.compile(r"^shardlab-bench (\S+) iterations=(\d+)$")


def valgrind_version():
    try:
        return subprocess.run(["valgrind", "--version"], stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def read_dumps(workdir):
    """(label, Ir) of each callgrind dump, in dump order."""
    dumps = []
    for path in workdir.glob("cg.out.*"):
        suffix = path.name.rsplit(".", 1)[1]
        if not suffix.isdigit():
            continue
        label, total = None, None
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("desc: Trigger: Client Request: "):
                    label = line[len("desc: Trigger: Client Request: "):].strip()
                elif line.startswith("summary:") or (total is None and line.startswith("totals:")):
                    total = int(line.split()[1])
                if label is not None and total is not None and line.startswith("summary:"):
                    break
        if label is not None and total is not None:
            dumps.append((int(suffix), label, total))
    return [(label, total) for _, label, total in sorted(dumps)]


def name_loops(dumps):
    """{benchmark: (instructions, iterations)}: each named dump names the loop dump before it."""
    out = {}
    loop = None
    for label, total in dumps:
        if label == LOOP:
            loop = total
            continue
        m = NAMED.match(label)
        if m and loop is not None:
            name = re.sub(r"/iterations:\d+", "", m.group(1))
            out[name] = (loop, int(m.group(2)))
        loop = None
    return out


def counted_benchmarks(binary, bench_filter, env):
    """The benchmarks with a fixed iteration count (> 1) in counting mode: the others
    (SHARDLAB_NOT_COUNTED) are not run under callgrind at all."""
    cmd = [str(binary), "--benchmark_list_tests"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    listed = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env, check=True).stdout.split()
    return [name for name in listed if (m := re.search(r"/iterations:(\d+)", name)) and int(m.group(1)) > 1]


def count(build, out_json, bench_filter="", workdir=None, log=None):
    """Writes out_json and returns its content; None (and no file) when the build counts no
    benchmark."""
    binary = Path(build) / "shardlab_micro"
    version = valgrind_version()
    if version is None:
        raise RuntimeError("valgrind is not installed (ci/install-deps installs it)")
    env = dict(os.environ, SHARDLAB_BENCH_INSTRUCTIONS="1")
    names = counted_benchmarks(binary, bench_filter, env)
    if not names:
        return None  # a build from before instruction counts, or a filter that counts nothing
    with tempfile.TemporaryDirectory(prefix="shardlab-callgrind-", dir=workdir) as tmp:
        tmp = Path(tmp)
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", "--dump-line=no",
               str(binary), "--benchmark_repetitions=1",
               "--benchmark_filter=^(" + "|".join(re.escape(n) for n in names) + ")$"]
        with open(log or os.devnull, "a") as f:
            proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}" + (f" (see {log})" if log else ""))
        loops = name_loops(read_dumps(tmp))
    if not loops:
        raise RuntimeError(f"callgrind recorded no benchmark loop in {binary}")
    result = {"tool": f"{version} --tool=callgrind (instructions executed, Ir)",
              "benchmarks": {name: {"instructions": ir, "iterations": n, "instructions_per_iteration": ir / n}
                             for name, (ir, n) in sorted(loops.items())}}
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out_json")
    parser.add_argument("build")
    parser.add_argument("--filter", default="", help="a --benchmark_filter regex")
    parser.add_argument("--log", help="shardlab_micro's output goes here (default: discarded)")
    args = parser.parse_args(argv)
    try:
        result = count(args.build, args.out_json, args.filter, log=args.log)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        print(f"instructions: {e}", file=sys.stderr)
        return 2
    if result is None:
        print(f"instructions: {args.build}/shardlab_micro counts no benchmark (SHARDLAB_COUNTED)", file=sys.stderr)
        return 2
    for name, b in result["benchmarks"].items():
        print(f"{name:<56} {b['instructions_per_iteration']:>14,.1f} instructions/iteration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
