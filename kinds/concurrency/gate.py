"""The regression gate's rules for results of kind concurrency: which metrics it compares, and how.

ci/metrics.py loads this file by path for a concurrency result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

RULES = [
    ("cells.*.*.*.write_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.read_ops_per_s", "timed", "higher"),
    ("cells.*.*.*.busy_returns", "exact", None),
]
