"""The regression gate's rules for results of kind tenants: which metrics it compares, and how.

ci/metrics.py loads this file by path for a tenants result (ci/gate.py compares a run with
the baseline through it). Each rule is (pattern, kind, direction): a dotted path into the
result's `metrics` where `*` matches any one component; "exact" (must equal the baseline)
or "timed" (medians over repetitions, Mann-Whitney U test); for timed metrics whether
"higher" or "lower" is better (None for exact). The first matching rule wins; metrics no
rule matches are not compared.
"""

RULES = [
    # tenants: counts from the seed, then the harness's own speed (fsync-bound puts are not judged)
    ("provision.files", "exact", None),
    ("directories.max_entries_per_dir", "exact", None),
    ("directories.count", "exact", None),
    ("disk.apparent_bytes", "exact", None),
    ("requests.opens", "exact", None),
    ("requests.hit_ratio", "exact", None),
    ("packings.*.files", "exact", None),
    ("packings.*.walk.rows", "exact", None),
    ("provision.files_per_s", "timed", "higher"),
    ("requests.latency_us.hit.get.p50", "timed", "lower"),
    ("requests.latency_us.miss.get.p50", "timed", "lower"),
    ("packings.per_user.walk.seconds", "timed", "lower"),
]
