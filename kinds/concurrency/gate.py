"""The metrics the regression gate compares for concurrency results (rule format: ci/metrics.py)."""

RULES = [
    ("cells.*.*.*.write_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.read_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.busy_returns", "exact", None),
]
