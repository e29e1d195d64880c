"""The metrics the regression gate compares for ids results (rule format: ci/metrics.py)."""

RULES = [
    ("schemes.*.collisions", "exact", None),
    ("schemes.*.btree_pages", "exact", None),
    ("schemes.*.self_routing_failures", "exact", None),
    ("schemes.*.rows_per_s", "timed", "higher"),
]
