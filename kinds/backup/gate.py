"""The metrics the regression gate compares for backup results (rule format: ci/metrics.py)."""

RULES = [
    # backup: counts SQLite guarantees are exact; how often a raw copy races a commit is
    # timing, so those outcome counts are reported, not gated. Time per GB of the methods
    # that always complete (a paged backup rarely does; copy_db_wal's -wal varies in size).
    ("backups.*.*.backups", "exact", None),
    ("backups.*.backup_api.not_consistent", "exact", None),
    ("backups.*.vacuum_into.not_consistent", "exact", None),
    # backups.*.*.io_per_backup is reported, not gated: even the syncs per backup moved
    # between runs of one commit (wal/backup_api: 4 then 3), as the writer processes'
    # commits race the copy; the pages, bytes and VM steps follow what they committed.
    ("backups.*.copy_db.s_per_gb", "timed", "lower"),
    ("backups.*.backup_api.s_per_gb", "timed", "lower"),
    ("backups.*.vacuum_into.s_per_gb", "timed", "lower"),
]
