"""The metrics the regression gate compares for backup results (rule format: ci/metrics.py)."""

RULES = [
    # backup: counts SQLite guarantees are exact; how often a raw copy races a commit is
    # timing, so those outcome counts are reported, not gated. Time per GB of the methods
    # that always complete (a paged backup rarely does; copy_db_wal's -wal varies in size).
    ("backups.*.*.backups", "exact", None),
    ("backups.*.backup_api.not_consistent", "exact", None),
    ("backups.*.vacuum_into.not_consistent", "exact", None),
    # SQLite's I/O per backup: how many files a backup creates and syncs is fixed; the
    # pages, bytes and VM steps follow what the writer processes committed meanwhile
    # (timing), so they are reported, not gated.
    ("backups.*.*.io_per_backup.syncs", "io", None),
    ("backups.*.*.io_per_backup.dir_syncs", "io", None),
    ("backups.*.*.io_per_backup.files_created", "io", None),
    ("backups.*.*.io_per_backup.files_deleted", "io", None),
    ("backups.*.copy_db.s_per_gb", "timed", "lower"),
    ("backups.*.backup_api.s_per_gb", "timed", "lower"),
    ("backups.*.vacuum_into.s_per_gb", "timed", "lower"),
]
