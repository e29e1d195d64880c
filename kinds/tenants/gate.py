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
    # SQLite's I/O and VM steps per provisioned file and per request (the stream, and so
    # the cache's opens and closes, come from the seed): exact.
    ("provision.io_per_file.*", "io", None),
    ("requests.io_per_request.*", "io", None),
    ("packings.*.requests.io_per_request.*", "io", None),
    ("provision.files_per_s", "timed", "higher"),
    ("requests.latency_us.hit.get.p50", "timed", "lower"),
    ("requests.latency_us.miss.get.p50", "timed", "lower"),
    ("packings.per_user.walk.seconds", "timed", "lower"),
]
