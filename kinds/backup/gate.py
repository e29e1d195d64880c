"""The regression gate's rules for results of kind backup: which metrics it compares, and how.

ci/metrics.py loads this file by path for a backup result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

RULES = [
    # backup: counts SQLite guarantees are exact; how often a raw copy races a commit is
    # timing, so those outcome counts are reported, not gated. Time per GB of the methods
    # that always complete (a paged backup rarely does; copy_db_wal's -wal varies in size).
    ("backups.*.*.backups", "exact", None),
    ("backups.*.backup_api.not_consistent", "exact", None),
    ("backups.*.vacuum_into.not_consistent", "exact", None),
    ("backups.*.copy_db.s_per_gb", "timed", "lower"),
    ("backups.*.backup_api.s_per_gb", "timed", "lower"),
    ("backups.*.vacuum_into.s_per_gb", "timed", "lower"),
]
