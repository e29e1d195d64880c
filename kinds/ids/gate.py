"""The metrics the regression gate compares for ids results (rule format: ci/metrics.py)."""

RULES = [
    ("schemes.*.collisions", "exact", None),
    ("schemes.*.btree_pages", "exact", None),
    ("schemes.*.self_routing_failures", "exact", None),
    # SQLite's I/O and VM steps per inserted row (one thread, rows from the seed): exact.
    ("schemes.*.io_per_row.*", "io", None),
    ("schemes.*.rows_per_s", "timed", "higher"),
]
