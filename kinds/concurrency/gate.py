"""The metrics the regression gate compares for concurrency results (rule format: ci/metrics.py)."""

RULES = [
    ("cells.*.*.*.write_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.read_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.busy_returns", "exact", None),
    # cells.*.*.*.io_per_op is not gated: readers and writers share one timed window, so
    # how many of each ran, what they re-read after each other's commits and when WAL
    # checkpoints ran are timing.
]
