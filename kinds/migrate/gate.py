"""The metrics the regression gate compares for migrate results (rule format: ci/metrics.py)."""

RULES = [
    # migrate (the crash kills come from the seed: every count below is reproducible)
    ("strategies.*.*.verify.ok", "exact", None),
    ("strategies.*.*.rerun_migrated", "exact", None),
    ("strategies.*.*.crash.events", "exact", None),
    ("strategies.*.*.crash.ok", "exact", None),
    ("strategies.*.*.crash.mixed_before_rerun", "exact", None),
    ("strategies.*.*.crash.stale_version", "exact", None),
    ("strategies.*.*.crash.half_migrated", "exact", None),
    ("strategies.*.*.crash.mixed_outside_in_flight", "exact", None),
    ("strategies.*.*.crash.rerun_failed", "exact", None),
    ("strategies.*.*.crash.data_lost", "exact", None),
    ("strategies.*.*.crash.corrupt", "exact", None),
    # SQLite's I/O and VM steps per migrated file (each file's work is its own, whatever
    # thread runs it): exact.
    ("strategies.*.*.io_per_file.*", "io", None),
    ("bare.*.io_per_file.*", "io", None),
    # The naive strategies are there for contrast: only the safe one's speed is gated.
    ("strategies.transactional.*.files_per_s", "timed", "higher"),
    ("floor.*.files_per_s", "timed", "higher"),
]
