"""The metrics the regression gate compares for tenants results (rule format: ci/metrics.py)."""

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
