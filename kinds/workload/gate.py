"""The regression gate's rules for results of kind workload: which metrics it compares, and how.

ci/metrics.py loads this file by path for a workload result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

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
