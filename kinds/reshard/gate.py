"""The metrics the regression gate compares for reshard results (rule format: ci/metrics.py)."""

RULES = [
    ("movement.*.*.moved", "exact", None),
    ("movement.*.*.extra_moves", "exact", None),
    ("vnode_sweep.*.*.cv", "exact", None),
    ("analysis.keys_routed_per_s", "timed", "higher"),
    ("migration.rows_moved", "exact", None),
    ("migration.crash.lost", "exact", None),
    ("migration.crash.duplicated", "exact", None),
    ("migration.crash.corrupt", "exact", None),
    ("migration.rows_per_s", "timed", "higher"),
    # SQLite's I/O and VM steps per batch (one transaction over two files) of the
    # uninterrupted migration: exact.
    ("migration.io_per_batch.*", "io", None),
]
