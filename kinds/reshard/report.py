"""The report's section for kind reshard: key movement, ring balance and migration.

Keys moved per router and change against the least possible movement (linear, from 0),
the balance before and after each change by keys and by load (max/mean, optimum 1.0),
the ring's balance
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


def movement_cells(metrics):
    """(routers, changes, movement) of a result, or Missing."""
    movement = dig(metrics, "movement")
    if not isinstance(movement, dict) or not movement:
        raise Missing("no metrics.movement")
    routers = list(movement)
    changes = list(dict.fromkeys(ch for r in routers for ch in (movement[r] or {})))
    if not changes:
        raise Missing("no metrics.movement.<router>.<change>")
    return routers, changes, movement


def optimum_label(movement, routers, change):
    """(fraction, text) of the least movement a change allows: 1/(N+1) when one shard joins N."""
    cell = next((dig(movement, r, change) for r in routers if isinstance(dig(movement, r, change), dict)), {})
    opt, before, after = num(cell.get("optimal_fraction")), num(cell.get("shards_before")), num(cell.get("shards_after"))
    if opt is None:
        return None, ""
    if before is not None and after is not None and abs(after - before) == 1:
        return opt, f"minimum 1/{int(max(before, after))} = {opt:.3g}"
    return opt, f"minimum {opt:.3g}"


def fig_movement(metrics, path, name):
    routers, changes, movement = movement_cells(metrics)
    values = [[num(dig(movement, r, ch, "moved_fraction")) for ch in changes] for r in routers]
    colours = list(plt.cm.tab10(np.arange(len(routers)) % 10))
    fig, ax = new_figure(max(6.5, 0.7 * len(routers) * len(changes) + 3), 4.5)
    grouped_bars(ax, changes, routers, values, colours=colours)
    # The optimum of each change as a line across its group of bars (linear axis from 0:
    # bar heights compare as the fractions do).
    for g, ch in enumerate(changes):
        opt, label = optimum_label(movement, routers, ch)
        if opt is None:
            continue
        ax.hlines(opt, g - 0.45, g + 0.45, colors="black", linestyles="--", linewidth=1.5,
                  label="least possible movement" if g == 0 else None)
        ax.annotate(label, (g, opt), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    ax.set_ylim(bottom=0)
    ax.set_xlabel("change to the shard set")
    ax.set_ylabel("fraction of keys moved")
    ax.set_title(f"{name}: keys moved per router and change")
    ax.legend(fontsize=8, ncol=len(routers) + 1, loc="upper center", bbox_to_anchor=(0.5, -0.14))
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)
    save(fig, path)
    ratios = []
    for r in routers:
        mo = [num(dig(movement, r, ch, "moved_over_optimal")) for ch in changes]
        mo = [v for v in mo if v is not None]
        if mo:
            ratios.append((max(mo), r))
    ratios.sort()
    text = ", ".join(f"{r} {v:.2f}×" for v, r in ratios)
    best = [r for v, r in ratios if v <= 1.05]
    verdict = f"Within 5% of it: {', '.join(best)}." if best else "No router comes within 5% of it."
    return (f"{name}: movement",
            "Bars from zero; the dashed line over each change is the least movement it allows. "
            f"{verdict} Worst moved/minimum per router: {text}.")


BALANCE_SERIES = [("balance_before", "keys, before", "#9ecae1"), ("balance", "keys, after", "#3182bd"),
                  ("load_balance_before", "load, before", "#fdae6b"), ("load_balance", "load, after", "#e6550d")]


def fig_balance(metrics, path, name):
    """max/mean per shard before and after each change, by keys and by load (requests drawn
    from keys.distribution), per router; 1.0 is a perfectly even spread."""
    routers, changes, movement = movement_cells(metrics)
    groups = [(r, ch) for r in routers for ch in changes if isinstance(dig(movement, r, ch), dict)]
    series = [(k, label, c) for k, label, c in BALANCE_SERIES
              if any(num(dig(movement, r, ch, k, "max_over_mean")) is not None for r, ch in groups)]
    if not series:
        raise Missing("no metrics.movement.<router>.<change>.balance")
    values = [[num(dig(movement, r, ch, k, "max_over_mean")) for r, ch in groups] for k, _, _ in series]
    labels = [f"{r}\n{ch}" if len(changes) > 1 else r for r, ch in groups]
    fig, ax = new_figure(max(7.0, 0.9 * len(groups) * len(series) / 2 + 3), 4.5)
    grouped_bars(ax, labels, [label for _, label, _ in series], values, colours=[c for _, _, c in series])
    ax.axhline(1.0, color="black", linestyle="--", linewidth=1.2, label="optimum 1.0 (every shard equal)")
    ax.set_ylim(bottom=0)
    ax.set_ylabel("busiest shard / mean shard (max/mean)")
    ax.set_xlabel("router" + (" and change" if len(changes) > 1 else ""))
    ax.set_title(f"{name}: balance before and after resharding")
    ax.legend(fontsize=8, ncol=len(series) + 1, loc="upper center", bbox_to_anchor=(0.5, -0.2 if len(changes) > 1 else -0.14))
    ax.margins(y=0.15)
    ax.grid(axis="y", alpha=0.3)
    save(fig, path)
    worst = max(((v, labels[i].replace("\n", " "), series[j][1]) for j, row in enumerate(values)
                 for i, v in enumerate(row) if v is not None), default=None)
    caption = "Each bar is the busiest shard over the mean; the dashed line at 1.0 is a perfectly even spread."
    if worst is not None:
        caption += f" Most uneven: {worst[1]} by {worst[2]}, {worst[0]:.2f}× the mean."
    return f"{name}: balance", caption


def balance_table(metrics):
    try:
        routers, changes, movement = movement_cells(metrics)
    except Missing:
        return ""
    rows = []
    for r in routers:
        for ch in changes:
            cell = dig(movement, r, ch)
            if not isinstance(cell, dict):
                continue
            rows.append([r, ch] + [
                (esc(fmt(num(dig(cell, k, field)), 4)), 'class="num"')
                for k in ("balance_before", "balance", "load_balance_before", "load_balance")
                for field in ("max_over_mean",)] + [
                (esc(fmt(num(dig(cell, "load_balance", "cv")), 3)), 'class="num"')])
    if not rows:
        return ""
    return ("<p>Balance as max/mean keys (or requests) per shard; 1.0 is optimal.</p>" +
            table(["router", "change", "keys before", "keys after", "load before", "load after", "load cv after"],
                  rows, cls="balance"))


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
    n_most = max(lines)
    ratios = ", ".join(f"v={v} {cv * math.sqrt(v):.2f}×" for v, cv in lines[n_most])
    return (f"{name}: balance vs vnodes",
            "The dashed line is 1/√v (ten times the virtual nodes, about three times less imbalance), the "
            f"crosses the published points. Measured cv over 1/√v with {n_most} shards: {ratios}.")


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
        parts.append(render_figure(fig_balance, m, out_dir, f"{prefix}{key}-balance.png", name, "Balance figure"))
        parts.append(balance_table(m))
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
KEY_FIGURES = [("movement", fig_movement, "Movement"), ("balance", fig_balance, "Balance"),
               ("vnodes", fig_vnode_sweep, "Vnode sweep"),
               ("migration", fig_migration, "Migration")]
