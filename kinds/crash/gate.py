"""The metrics the regression gate compares for crash results (rule format: ci/metrics.py).

Verdict counts and the states the replay engine explored come from the seed and are
exact; so are a 2pc cell's (each trial is hit at a step point chosen by its number):
blocked trials, blocked writers, intermediate reads, outcomes as the step implies and
what is left prepared; an extra state or a changed verdict is a change in behaviour. The I/O per transfer
(from the recorded trace) is exact too, reported as kind `io`: one more fdatasync per
transfer shows as +1. Throughput (distinct
states per second for the replay engine, trials per second for the fork engine) is timed.
"""

RULES = [
    ("matrix.*.*.*.*.trials", "exact", None),
    ("matrix.*.*.*.*.old", "exact", None),
    ("matrix.*.*.*.*.new", "exact", None),
    ("matrix.*.*.*.*.mixed", "exact", None),
    ("matrix.*.*.*.*.lost", "exact", None),
    ("matrix.*.*.*.*.corrupt", "exact", None),
    ("matrix.*.*.*.*.acknowledged", "exact", None),
    ("matrix.*.*.*.*.states_explored", "exact", None),
    ("matrix.*.*.*.*.states_distinct", "exact", None),
    ("matrix.*.*.*.*.commit_point.index", "exact", None),
    # What one transfer asks of the disk (fdatasync calls, writes, bytes, files): exact.
    ("matrix.*.*.*.*.io_per_transfer.*", "io", None),
    ("matrix.*.*.*.*.blocked", "exact", None),
    ("matrix.*.*.*.*.writers_blocked", "exact", None),
    ("matrix.*.*.*.*.intermediate", "exact", None),
    ("matrix.*.*.*.*.as_expected", "exact", None),
    ("matrix.*.*.*.*.leftover_prepared", "exact", None),
    # 2pc: trials per second per cell, and the resolver's time (the writer's wait is the
    # coordinator's downtime plus that, so it adds nothing).
    ("matrix.*.*.*.*.trials_per_s", "timed", "higher"),
    ("matrix.*.*.*.*.resolve_ms.p50", "timed", "lower"),
    ("states_per_s", "timed", "higher"),
    ("trials_per_s", "timed", "higher"),
]
