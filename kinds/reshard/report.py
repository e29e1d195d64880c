"""The report's section for kind reshard: key movement, ring balance and migration.

Keys moved per router and change against the theoretical minimum, the ring's balance
against its virtual nodes (with the 1/sqrt(v) reference and the published points), and the
migration's speed against a bare copy with its verification and kill-and-resume tables.
Loaded by plot/kind_sections.py, which puts plot/ on sys.path for the shared helpers.
"""

import math

import numpy as np

from figures import Missing, grouped_bars, new_figure, plain_log_ticks, plt, render_figure, save
from html_parts import esc, note, table
from values import dig, fmt, num, suffixed

ORDER = 2  # this kind's sections come after those of lower ORDER

PUBLISHED_CV = [(10, 0.315), (100, 0.0997), (1000, 0.0316)]  # Lamping & Veach


def fig_movement(metrics, path, name):
    movement = dig(metrics, "movement")
    if not isinstance(movement, dict) or not movement:
        raise Missing("no metrics.movement")
    routers = list(movement)
    changes = list(dict.fromkeys(ch for r in routers for ch in (movement[r] or {})))
    if not changes:
        raise Missing("no metrics.movement.<router>.<change>")
    values = [[num(dig(movement, r, ch, "moved_fraction")) for ch in changes] for r in routers]
    optimal = []
    for ch in changes:
        opts = [num(dig(movement, r, ch, "optimal_fraction")) for r in routers]
        optimal.append(next((o for o in opts if o is not None), None))
    series = routers + ["theoretical minimum"]
    colours = list(plt.cm.tab10(np.arange(len(routers)) % 10)) + ["#333333"]
    fig, ax = new_figure(max(6.5, 0.5 * len(series) * len(changes) + 3), 4.5)
    grouped_bars(ax, changes, series, values + [optimal], colours=colours)
    ax.set_yscale("log")
    ax.set_xlabel("change to the shard set")
    ax.set_ylabel("fraction of keys moved (log scale)")
    plain_log_ticks(ax)
    ax.set_title(f"{name}: keys moved per router and change")
    ax.legend(fontsize=8, ncol=2)
    ax.margins(y=0.3)
    ax.grid(axis="y", which="both", alpha=0.3)
    save(fig, path)
    ratios = []
    for r in routers:
        mo = [num(dig(movement, r, ch, "moved_over_optimal")) for ch in changes]
        mo = [v for v in mo if v is not None]
        if mo:
            ratios.append(f"{r} {max(mo):.2f}×")
    return (f"{name}: movement",
            "A router is consistent when its bar matches the dark 'theoretical minimum' bar; "
            "taller bars move keys that did not need to move. Worst moved/minimum: " + ", ".join(ratios) + ".")


def fig_vnode_sweep(metrics, path, name):
    sweep = dig(metrics, "vnode_sweep")
    lines = {}
    for skey, block in (sweep or {}).items():
        n = suffixed(skey, "shards_", "")
        if n is None or not isinstance(block, dict):
            continue
        pts = sorted((suffixed(vk, "vnodes_", ""), num(dig(v, "cv"))) for vk, v in block.items()
                     if suffixed(vk, "vnodes_", "") is not None and num(dig(v, "cv")) is not None)
        if pts:
            lines[n] = pts
    if not lines:
        raise Missing("no metrics.vnode_sweep.shards_<N>.vnodes_<v>.cv")
    fig, ax = new_figure(7.0, 4.5)
    for n, pts in sorted(lines.items()):
        xs, ys = zip(*pts)
        ax.plot(xs, ys, "-o", label=f"ring, {n} shards")
    all_v = [v for pts in lines.values() for v, _ in pts] + [p[0] for p in PUBLISHED_CV]
    ref_x = np.logspace(math.log10(max(1, min(all_v))), math.log10(max(all_v)), 100)
    ax.plot(ref_x, 1 / np.sqrt(ref_x), "k--", linewidth=1, label="reference 1/√v")
    ax.scatter(*zip(*PUBLISHED_CV), marker="x", s=70, color="black", zorder=5,
               label="published (Lamping & Veach)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("virtual nodes per shard (v, log scale)")
    ax.set_ylabel("coefficient of variation of keys per shard (log scale)")
    plain_log_ticks(ax)
    plain_log_ticks(ax, "x")
    ax.set_title(f"{name}: ring balance vs virtual nodes")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    save(fig, path)
    return (f"{name}: balance vs vnodes",
            "Measured points should follow the dashed 1/√v line and the published crosses: "
            "ten times the virtual nodes buys about three times less imbalance.")


def fig_migration(metrics, path, name):
    mig = dig(metrics, "migration")
    rate, bare = num(dig(mig, "rows_per_s")), num(dig(mig, "bare_rows_per_s"))
    if rate is None and bare is None:
        raise Missing("no metrics.migration.rows_per_s")
    labels, values = [], []
    if rate is not None:
        labels.append("migration\n(copy + delete, batched)")
        values.append(rate)
    if bare is not None:
        labels.append("bare INSERT … SELECT\n(physical limit)")
        values.append(bare)
    fig, ax = new_figure(5.5, 3.8)
    bars = ax.bar(labels, values, color=["#4c72b0", "#8c8c8c"][: len(values)], width=0.5)
    ax.bar_label(bars, labels=[fmt(v) for v in values], fontsize=8)
    ax.set_ylabel("rows moved per second")
    ax.set_xlabel("method")
    ax.set_title(f"{name}: migration speed")
    ax.margins(y=0.15)
    save(fig, path)
    ratio = num(dig(mig, "rows_per_s_over_bare"))
    return (f"{name}: migration speed",
            "The safe migration against the physical limit on the same rows and machine"
            + (f": it runs at {ratio:.2f}× the bare copy." if ratio is not None else "."))


def migration_table(m):
    mig = dig(m, "migration")
    if not isinstance(mig, dict):
        return ""
    parts = []
    verify = dig(mig, "verify")
    if isinstance(verify, dict):
        keys = ["ok", "lost", "duplicated", "misplaced", "changed", "corrupt"]
        parts.append("<p>Uninterrupted migration, verified: " + esc(", ".join(
            f"{k} {fmt(verify.get(k))}" for k in keys if k in verify)) +
            esc(f"; rerun moved {fmt(mig.get('rerun_rows_moved'))} rows") + "</p>")
    crash = dig(mig, "crash")
    if isinstance(crash, dict):
        keys = [k for k in ("trials", "events", "ok", "lost", "duplicated", "corrupt", "misplaced", "resume_failed",
                            "not_killed") if k in crash]
        row = []
        for k in keys:
            bad = k in ("lost", "duplicated", "corrupt", "misplaced", "resume_failed") and num(crash.get(k))
            row.append((esc(fmt(crash.get(k))), 'class="num v-fail"' if bad else 'class="num"'))
        parts.append("<p>Kill-and-resume campaign (each trial killed at a random I/O event, then resumed):</p>"
                     + table(keys, [row]))
    return "\n".join(parts)


def section_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = []
    if dig(m, "movement") is not None:
        parts.append(render_figure(fig_movement, m, out_dir, f"{prefix}{key}-movement.png", name, "Movement figure"))
    if dig(m, "vnode_sweep") is not None:
        parts.append(render_figure(fig_vnode_sweep, m, out_dir, f"{prefix}{key}-vnodes.png", name,
                                   "Vnode sweep figure"))
    if dig(m, "migration") is not None:
        parts.append(render_figure(fig_migration, m, out_dir, f"{prefix}{key}-migration.png", name,
                                   "Migration figure"))
        parts.append(migration_table(m))
    notes = [f"{router}/{change}: {d['note']}" for router, changes in (dig(m, "movement") or {}).items()
             if isinstance(changes, dict) for change, d in changes.items() if isinstance(d, dict) and d.get("note")]
    parts.extend(note(n) for n in notes)
    if not parts:
        parts.append(note("No movement, vnode sweep or migration metrics."))
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("movement", fig_movement, "Movement"), ("vnodes", fig_vnode_sweep, "Vnode sweep"),
               ("migration", fig_migration, "Migration")]
