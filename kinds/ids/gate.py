"""The regression gate's rules for results of kind ids: which metrics it compares, and how.

ci/metrics.py loads this file by path for a ids result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

RULES = [
    ("schemes.*.collisions", "exact", None),
    ("schemes.*.btree_pages", "exact", None),
    ("schemes.*.self_routing_failures", "exact", None),
    ("schemes.*.rows_per_s", "timed", "higher"),
]
