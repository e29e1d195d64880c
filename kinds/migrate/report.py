"""The report's section for kind migrate: schema migrations over a fleet of files.

Files migrated per second for each strategy and journal mode next to the floor (one commit
per file) and the bare statements, what the kill-and-rerun trials ended as, and tables of
both. Loaded by plot/kind_sections.py, which puts plot/ on sys.path for the shared
helpers.
"""

import numpy as np

from figures import DPI, Missing, grouped_bars, plt, render_figure, save
from html_parts import esc, note, table
from values import dig, fmt, num

ORDER = 7  # this kind's sections come after those of lower ORDER

def migrate_cells(metrics):
    """[(strategy, journal mode, cell)] in the result's order."""
    return [(st, mode, cell) for st, modes in (dig(metrics, "strategies") or {}).items() if isinstance(modes, dict)
            for mode, cell in modes.items() if isinstance(cell, dict)]


def fig_migrate(metrics, path, name):
    cells = migrate_cells(metrics)
    modes = list(dict.fromkeys(mode for _, mode, _ in cells))
    strategies = list(dict.fromkeys(st for st, _, _ in cells))
    if not any(num(c.get("files_per_s")) for _, _, c in cells):
        raise Missing("no metrics.strategies.<strategy>.<journal mode>.files_per_s")
    refs = [r for r in ("floor", "bare") if isinstance(dig(metrics, r), dict)]
    series = (["floor (version-only commit)"] if "floor" in refs else []) + strategies + \
             (["bare statements"] if "bare" in refs else [])
    values = ([[num(dig(metrics, "floor", m, "files_per_s")) for m in modes]] if "floor" in refs else []) + \
             [[num(dig(metrics, "strategies", st, m, "files_per_s")) for m in modes] for st in strategies] + \
             ([[num(dig(metrics, "bare", m, "files_per_s")) for m in modes]] if "bare" in refs else [])
    crash = [(st, mode, c["crash"]) for st, mode, c in cells if isinstance(c.get("crash"), dict)]
    fig, axes = plt.subplots(1, 2 if crash else 1, figsize=(12.5 if crash else 6.5, 4.4), dpi=DPI, squeeze=False)
    left = axes[0][0]
    colours = (["#8c8c8c"] if "floor" in refs else []) + list(plt.cm.tab10(np.arange(len(strategies)))) + \
              (["#c7c7c7"] if "bare" in refs else [])
    grouped_bars(left, modes, series, values, colours=colours)
    left.set_xlabel("journal mode")
    left.set_ylabel("files migrated per second")
    left.set_title(f"migration rate ({fmt(dig(metrics, 'files'))} files, synchronous "
                   f"{dig(metrics, 'synchronous') or '?'})", fontsize=10)
    left.legend(fontsize=7)
    left.grid(axis="y", alpha=0.3)
    if crash:
        right = axes[0][1]
        labels = [f"{st.replace('_', ' ')}\n{mode}" for st, mode, _ in crash]
        x = np.arange(len(crash))
        ok = [num(k.get("ok")) or 0 for _, _, k in crash]
        failed = [num(k.get("rerun_failed")) or 0 for _, _, k in crash]
        other = [max(0, (num(k.get("trials")) or 0) - a - b) for (_, _, k), a, b in zip(crash, ok, failed)]
        right.bar(x, ok, color="#55a868", label="ok after the rerun")
        right.bar(x, failed, bottom=ok, color="#c44e52", label="rerun failed")
        right.bar(x, other, bottom=[a + b for a, b in zip(ok, failed)], color="#8172b2", label="other failure")
        mixed = [num(k.get("mixed_before_rerun")) or 0 for _, _, k in crash]
        right.plot(x, mixed, "k^", label="files between versions before the rerun")
        right.set_xticks(x)
        right.set_xticklabels(labels, fontsize=7, rotation=30, ha="right")
        right.set_ylabel("kill-and-rerun trials")
        right.set_ylim(0, max([num(k.get("trials")) or 0 for _, _, k in crash] + mixed + [1]) * 1.1)
        right.set_title("crash campaign", fontsize=10)
        right.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.suptitle(f"{name}: schema migration")
    save(fig, path)
    bad = sorted({st for st, _, k in crash if num(k.get("mixed_before_rerun"))})
    return (f"{name}: schema migration",
            "Files per second for each strategy next to the floor (the fixed cost of one commit per file) and "
            "the bare statements; right, what the kill-and-rerun trials ended as"
            + (f". Strategies that left files between versions: {', '.join(bad)}." if bad else "."))


def section_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = []
    facts = [f"{fmt(m.get('files'))} files", f"{fmt(m.get('rows'))} rows",
             f"{fmt(dig(m, 'rows_per_file', 'mean'))} rows per file", f"synchronous {m.get('synchronous', '?')}"]
    if dig(m, "provision", "files_per_s") is not None:
        facts.append(f"provisioned at {fmt(dig(m, 'provision', 'files_per_s'))} files/s")
    parts.append(f"<p>{esc(' · '.join(facts))}</p>")
    if isinstance(m.get("change"), list):
        parts.append("<p>Change: <code>" + esc("; ".join(str(c) for c in m["change"])) + "</code></p>")
    parts.append(render_figure(fig_migrate, m, out_dir, f"{prefix}{key}-migrate.png", name, "Migration figure"))
    cells = migrate_cells(m)
    rows = []
    for st, mode, c in cells:
        lat = c.get("file_latency_us") or {}
        verify = c.get("verify") or {}
        rows.append([st, mode] + [(esc(fmt(v)), 'class="num"') for v in (
            c.get("files_per_s"), c.get("rows_per_s"), lat.get("p50"), lat.get("p99"), c.get("seconds_over_floor"),
            c.get("files_per_s_over_bare"), c.get("rerun_migrated"))] +
            [(esc(fmt(verify.get("ok"))), 'class="v-pass"' if verify.get("ok") else 'class="v-fail"')])
    if rows:
        parts.append(table(["strategy", "journal", "files/s", "rows/s", "p50 per file (µs)", "p99 per file (µs)",
                            "time × floor", "files/s ÷ bare", "rerun migrated", "verified"], rows))
    crash_rows = []
    for st, mode, c in cells:
        k = c.get("crash")
        if not isinstance(k, dict):
            continue
        row = [st, mode]
        for field in ("trials", "ok", "fleet_mixed_trials", "mixed_before_rerun", "stale_version", "half_migrated",
                      "mixed_outside_in_flight", "rerun_failed", "not_at_v2", "data_lost", "corrupt"):
            bad = field in ("mixed_before_rerun", "mixed_outside_in_flight", "rerun_failed", "not_at_v2", "data_lost",
                            "corrupt") and num(k.get(field))
            row.append((esc(fmt(k.get(field))), 'class="num v-fail"' if bad else 'class="num"'))
        errors = k.get("rerun_errors") or {}
        row.append("; ".join(f"{e} ×{n}" for e, n in errors.items()) if isinstance(errors, dict) else "")
        crash_rows.append(row)
    if crash_rows:
        parts.append("<h3>Kill-and-rerun campaign</h3>")
        parts.append(note("Each trial migrates a fresh fleet in a child process killed at a random I/O event (or "
                          "after a file), counts each file's state before the rerun (opening rolls back what was in "
                          "flight), reruns the migrator in a fresh process and verifies every file."))
        parts.append(table(["strategy", "journal", "trials", "ok", "fleet at 2+ states", "files between versions",
                            "stale version", "half migrated", "outside in-flight", "rerun failed", "not at v2",
                            "data lost", "corrupt", "rerun errors"], crash_rows))
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("migrate", fig_migrate, "Schema migration")]
