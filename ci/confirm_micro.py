#!/usr/bin/python3
"""Reruns the micro-benchmarks the gate found regressed, and puts the new repetitions in
place of the old ones in RUN/micro.json (the first measurement is kept as
micro.first.json). A shared machine has slow minutes; a regression must show twice.

usage: ci/confirm_micro.py RUN_DIR BENCHMARK_BINARY REPETITIONS MIN_TIME
Exit 0 after a rerun, 3 when nothing needed one, 2 on a usage error (a gate.json or
micro.json that cannot be read or judged: one line naming the file).
"""
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from confirm_ab import replace  # noqa: E402  (one merge for both modes)
from gate import UsageError, read_json, read_micro  # noqa: E402


def main(argv):
    if len(argv) != 5:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    run, binary, reps, min_time = Path(argv[1]), argv[2], argv[3], argv[4]
    try:
        gate = read_json(run / "gate.json", allow_non_finite=True)
        if not isinstance(gate, dict) or not isinstance(gate.get("rows"), list):
            raise UsageError(f"{run / 'gate.json'}: no \"rows\" list; expected ci/gate.py's gate.json")
    except UsageError as e:
        print(f"confirm_micro: {e}", file=sys.stderr)
        return 2
    names = sorted({r["name"] for r in gate["rows"]
                    if isinstance(r, dict) and r.get("source") == "micro" and r.get("status") == "regression"})
    if not names:
        return 3
    print(f"confirming {len(names)} regressed micro-benchmark(s): {', '.join(names)}")
    confirm = run / "micro.confirm.json"
    subprocess.run([binary, "--benchmark_filter=^(" + "|".join(re.escape(n) for n in names) + ")$",
                    f"--benchmark_repetitions={reps}", "--benchmark_enable_random_interleaving=true",
                    f"--benchmark_min_time={min_time}", "--benchmark_display_aggregates_only=true",
                    f"--benchmark_out={confirm}", "--benchmark_out_format=json"], check=True)
    try:
        replace(run / "micro.json", read_micro(confirm))
    except UsageError as e:
        print(f"confirm_micro: {e}", file=sys.stderr)
        return 2
    confirm.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
