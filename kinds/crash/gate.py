"""The regression gate's rules for results of kind crash: which metrics it compares, and how.

ci/metrics.py loads this file by path for a crash result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

RULES = [
    ("matrix.*.*.*.*.trials", "exact", None),
    ("matrix.*.*.*.*.old", "exact", None),
    ("matrix.*.*.*.*.new", "exact", None),
    ("matrix.*.*.*.*.mixed", "exact", None),
    ("matrix.*.*.*.*.lost", "exact", None),
    ("matrix.*.*.*.*.corrupt", "exact", None),
    ("matrix.*.*.*.*.commit_point.index", "exact", None),
    ("trials_per_s", "timed", "higher"),
]
