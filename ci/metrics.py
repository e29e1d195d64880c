"""Which scenario metrics the regression gate compares, and how.

Each rule is (pattern, kind, direction). A pattern is a dotted path into a result's
`metrics` where `*` matches any one component. kind:
  exact - a count from a fixed seed (moved keys, verdict counts): must equal the baseline;
  timed - throughput or latency: compared by median over repetitions, Mann-Whitney U test.
direction: "higher" or "lower" is better (exact metrics have none).
The first matching rule wins; metrics no rule matches are not compared.
"""

RULES = [
    # workload
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
    # crash
    ("matrix.*.*.*.*.trials", "exact", None),
    ("matrix.*.*.*.*.old", "exact", None),
    ("matrix.*.*.*.*.new", "exact", None),
    ("matrix.*.*.*.*.mixed", "exact", None),
    ("matrix.*.*.*.*.lost", "exact", None),
    ("matrix.*.*.*.*.corrupt", "exact", None),
    ("matrix.*.*.*.*.commit_point.index", "exact", None),
    ("trials_per_s", "timed", "higher"),
    # reshard
    ("movement.*.*.moved", "exact", None),
    ("movement.*.*.extra_moves", "exact", None),
    ("vnode_sweep.*.*.cv", "exact", None),
    ("analysis.keys_routed_per_s", "timed", "higher"),
    ("migration.rows_moved", "exact", None),
    ("migration.crash.lost", "exact", None),
    ("migration.crash.duplicated", "exact", None),
    ("migration.crash.corrupt", "exact", None),
    ("migration.rows_per_s", "timed", "higher"),
    # ids
    ("schemes.*.collisions", "exact", None),
    ("schemes.*.btree_pages", "exact", None),
    ("schemes.*.self_routing_failures", "exact", None),
    ("schemes.*.rows_per_s", "timed", "higher"),
    # concurrency
    ("cells.*.*.*.write_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.read_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.busy_returns", "exact", None),
]


def _match(pattern, path):
    p, q = pattern.split("."), path.split(".")
    return len(p) == len(q) and all(a == "*" or a == b for a, b in zip(p, q))


def rule_for(path):
    for pattern, kind, direction in RULES:
        if _match(pattern, path):
            return kind, direction
    return None


def flatten(metrics, prefix=""):
    """Dotted path -> value for every leaf (lists of numbers are leaves)."""
    out = {}
    if isinstance(metrics, dict):
        for key, value in metrics.items():
            out.update(flatten(value, f"{prefix}{key}."))
    else:
        out[prefix[:-1]] = metrics
    return out


def compared_metrics(metrics):
    """(path, kind, direction, value) for every metric a rule covers."""
    rows = []
    for path, value in sorted(flatten(metrics).items()):
        rule = rule_for(path)
        if rule is not None:
            rows.append((path, rule[0], rule[1], value))
    return rows


# Micro-benchmarks that measure the machine, not shardlab's code: references for ratios
# (BM_CrashTrial / BM_BareCrashTrial, the fork floor). Reported, never gated.
REFERENCE_BENCHMARKS = {"BM_ForkExit/real_time", "BM_BareCrashTrial/real_time"}
