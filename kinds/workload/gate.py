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
    # SQLite's I/O and VM steps per operation (io_per_op: the mix's measured repetitions)
    # and per walk. Exact where they come from the seed alone: the VM steps (a query that
    # starts scanning shows in fullscan_steps), files, and the sequential walks' reads.
    # Not gated: with threads > 1 which connection's page cache holds a page, and when a
    # WAL checkpoint runs (syncs, writes, truncates), is timing; so is `opens` (a fan-out
    # worker opens its connection to a shard when it first serves one, during the warm-up
    # in one run and in the measured phase in another: 0.00067 vs 0 per op in an A/B run).
    ("walk.*.threads_1.io_per_walk.*", "io", None),
    ("walk.*.single_file.io_per_walk.*", "io", None),
    ("walk.*.single_file_one_query.io_per_walk.*", "io", None),
    ("walk.*.*.io_per_walk.ops", "io", None),
    ("walk.*.*.io_per_walk.vm_steps", "io", None),
    ("walk.*.*.io_per_walk.fullscan_steps", "io", None),
    ("walk.*.*.io_per_walk.syncs", "io", None),
    ("walk.*.*.io_per_walk.writes", "io", None),
    ("io_per_op.ops", "io", None),
    ("io_per_op.vm_steps", "io", None),
    ("io_per_op.fullscan_steps", "io", None),
    ("io_per_op.files_created", "io", None),
    ("io_per_op.files_deleted", "io", None),
    ("io_per_op.temp_files", "io", None),
]
