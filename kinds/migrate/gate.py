"""The regression gate's rules for results of kind migrate: which metrics it compares, and how.

ci/metrics.py loads this file by path for a migrate result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

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
    # The naive strategies are there for contrast: only the safe one's speed is gated.
    ("strategies.transactional.*.files_per_s", "timed", "higher"),
    ("floor.*.files_per_s", "timed", "higher"),
]
