"""The metrics the regression gate compares for crash results (rule format: ci/metrics.py)."""

RULES = [
    ("matrix.*.*.*.*.trials", "exact", None),
    ("matrix.*.*.*.*.old", "exact", None),
    ("matrix.*.*.*.*.new", "exact", None),
    ("matrix.*.*.*.*.mixed", "exact", None),
    ("matrix.*.*.*.*.lost", "exact", None),
    ("matrix.*.*.*.*.corrupt", "exact", None),
    ("matrix.*.*.*.*.commit_point.index", "exact", None),
    ("trials_per_s", "timed", "higher"),
]
