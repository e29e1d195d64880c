"""The metrics the regression gate compares for workload results (rule format: ci/metrics.py)."""

RULES = [
    ("throughput.ops_per_s", "timed", "higher"),
    # Medians and throughput only: tail percentiles on a shared machine measure the
    # neighbours more than the code (the report shows them; the gate does not judge them).
    ("ops.*.latency_us.p50", "timed", "lower"),
    ("walk.*.*.latency_us.p50", "timed", "lower"),
    ("load.rows", "exact", None),
    ("per_shard_counts", "exact", None),
    ("probes.*.rows", "exact", None),
    ("probes.*.shards_touched", "exact", None),
    ("attach.limit", "exact", None),
    ("walk.*.*.rows_per_walk", "exact", None),
]
