"""The regression gate's rules for results of kind reshard: which metrics it compares, and how.

ci/metrics.py loads this file by path for a reshard result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

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
]
