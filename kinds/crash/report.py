"""The report's section for kind crash: the verdict matrix, timelines and I/O error campaigns.

The matrix colours each strategy / journal mode (/ synchronous) by fault cell by its share
of violations; a table gives every cell's outcome counts and commit point; a timeline per
cell (attach cells first, at most MAX_TIMELINES) shows the outcome of a crash before and
after each I/O event; the errors campaign gets a table per cell of its injected failures.
Loaded by plot/kind_sections.py, which puts plot/ on sys.path for the shared helpers.
"""

import numpy as np

from figures import Missing, new_figure, plt, render_figure, save
from html_parts import esc, note, outcome_cell, table
from values import dig, fmt, num, slug

ORDER = 1  # this kind's sections come after those of lower ORDER

OUTCOME_COLOURS = {
    "old": "#4c72b0",
    "new": "#55a868",
    "mixed": "#c44e52",
    "lost": "#dd8452",
    "corrupt": "#8172b3",
    "hung": "#222222",
}


MAX_TIMELINES = 8


def cells_of(metrics):
    cells = [c for c in (dig(metrics, "cells") or []) if isinstance(c, dict)]
    if not cells:
        raise Missing("no metrics.cells")
    return cells


def cell_row_label(cell, with_sync):
    parts = [cell.get("strategy"), cell.get("journal_mode")]
    if with_sync:
        parts.append(f"sync={cell.get('synchronous')}")
    return " / ".join(str(p) for p in parts)


def cell_label(cell):
    return " / ".join(str(cell.get(k)) for k in ("strategy", "journal_mode", "synchronous", "fault"))


def fig_crash_matrix(metrics, path, name):
    cells = cells_of(metrics)
    with_sync = len({c.get("synchronous") for c in cells}) > 1
    rows = list(dict.fromkeys(cell_row_label(c, with_sync) for c in cells))
    cols = list(dict.fromkeys(str(c.get("fault")) for c in cells))
    grid = np.full((len(rows), len(cols)), np.nan)
    notes = {}
    simulated = set()
    for c in cells:
        r, k = rows.index(cell_row_label(c, with_sync)), cols.index(str(c.get("fault")))
        trials, viol = num(c.get("trials")), num(c.get("violations_total"))
        if trials and viol is not None:
            grid[r, k] = viol / trials
        text = f"{fmt(c.get('violations_total'))}/{fmt(c.get('trials'))}\nmixed {fmt(c.get('mixed'))} · lost {fmt(c.get('lost'))}"
        extra = [f"{k2} {c[k2]}" for k2 in ("corrupt", "hung") if num(c.get(k2))]
        if extra:
            text += "\n" + " · ".join(extra)
        if c.get("durability_promised") is False:
            text += "\n(no durability promise)"
        if c.get("expected_unsafe"):
            text += "\n(unsafe by config)"
        notes[(r, k)] = text
        if c.get("simulated"):
            simulated.add(str(c.get("fault")))
    fig, ax = new_figure(2.3 * len(cols) + 3.2, 0.85 * len(rows) + 1.6)
    cmap = plt.get_cmap("Reds").copy()
    cmap.set_bad("#dddddd")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for (r, k), text in notes.items():
        dark = not np.isnan(grid[r, k]) and grid[r, k] > 0.55
        ax.text(k, r, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels([c + ("\n(simulated)" if c in simulated else "") for c in cols])
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.set_xlabel("fault")
    ax.set_ylabel("strategy / journal mode" + (" / synchronous" if with_sync else ""))
    ax.set_title(f"{name}: violations per trial")
    fig.colorbar(im, ax=ax, label="violations / trials", fraction=0.046, pad=0.04)
    save(fig, path)
    return (f"{name}: crash verdict matrix",
            "White cells never violated atomicity or durability; the redder a cell, the larger the share "
            "of crash points that left a mixed, lost or corrupt state (each cell: violations/trials, "
            "then the mixed and lost counts).")


def fig_crash_timeline(cell, path, name):
    events = [e for e in (cell.get("timeline") or []) if isinstance(e, dict) and num(e.get("index")) is not None]
    if not events:
        raise Missing("no timeline")
    n = len(events)
    fig, ax = new_figure(min(18.0, max(7.0, 0.17 * n + 2.5)), 3.2)
    seen = set()
    for row, when in enumerate(("before", "after")):
        for outcome in dict.fromkeys(str(e.get(when)) for e in events):
            xs = [e["index"] for e in events if str(e.get(when)) == outcome]
            label = outcome if outcome not in seen else None
            seen.add(outcome)
            ax.scatter(xs, [row] * len(xs), s=42, marker="s", label=label, zorder=3,
                       color=OUTCOME_COLOURS.get(outcome, "#bbbbbb"), edgecolors="none")
    cp = num(dig(cell, "commit_point", "event", "index"))
    if cp is not None:
        ax.axvline(cp, color="black", linestyle="--", linewidth=1, zorder=1)
        ax.annotate(f"commit point (event {cp:g})", (cp, 1.45), ha="right", va="center", fontsize=8,
                    xytext=(-4, 0), textcoords="offset points")
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["crash before event", "crash after event"])
    ax.set_ylim(-0.7, 1.7)
    ax.set_xlim(min(e["index"] for e in events) - 1, max(e["index"] for e in events) + 1)
    if n <= 90:
        ax.set_xticks([e["index"] for e in events])
        ax.set_xticklabels([f"{e['index']} {e.get('op', '')} {e.get('role', '')}" for e in events],
                           rotation=90, fontsize=6)
    ax.set_xlabel("I/O event (index, operation, file role)")
    ax.set_title(f"{name}: {cell_label(cell)} — outcome of a crash at each I/O event")
    ax.legend(title="outcome", fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    save(fig, path)
    cp_text = dig(cell, "commit_point", "text")
    clean = dig(cell, "commit_point", "clean")
    return (f"{name}: {cell_label(cell)} timeline",
            "Each square is one trial; find where the colour turns from old (blue) to new (green) — "
            "red (mixed) or orange (lost) squares are violations. "
            + (f"Commit point: {cp_text}" + (" (clean: old before, new after)." if clean else ".")
               if cp_text else "No single commit point: no event after which every crash gives new."))


def timeline_cells(cells):
    """Enumerate cells with a timeline, attach first, at most MAX_TIMELINES."""
    with_tl = [c for c in cells if c.get("timeline")]
    ordered = sorted(with_tl, key=lambda c: c.get("strategy") != "attach")
    return ordered[:MAX_TIMELINES], len(with_tl)


def crash_cells_table(cells):
    rows = []
    for c in cells:
        counts = [(esc(fmt(c.get(k))), 'class="num"') for k in
                  ("trials", "old", "new", "mixed", "lost", "corrupt", "hung", "violations_total", "failed_commits")]
        viol = num(c.get("violations_total"))
        if viol:
            counts[7] = (counts[7][0], 'class="num v-fail"')
        cp = dig(c, "commit_point", "text")
        rows.append([cell_label(c), c.get("campaign")] + counts +
                    ["yes" if c.get("durability_promised") else "no", cp or "—"])
    return table(["strategy / journal / synchronous / fault", "campaign", "trials", "old", "new", "mixed", "lost",
                  "corrupt", "hung", "violations", "failed commits", "durability promised", "commit point"], rows)


def errors_tables(cells):
    parts = []
    for c in cells:
        errors = [e for e in (c.get("errors") or []) if isinstance(e, dict)]
        if not errors:
            continue
        rows = [[e.get("fail_point"), (esc(e.get("k")), 'class="num"'),
                 f"{fmt(e.get('rc'))}" + (f" ({e['rc_text']})" if e.get("rc_text") else ""),
                 outcome_cell(str(e.get("outcome")))] for e in errors]
        summary = (f"I/O errors, {cell_label(c)}: {len(errors)} injected failures"
                   + (f" (of {fmt(c.get('trials'))} trials)" if num(c.get("trials")) and c["trials"] != len(errors)
                      else "") + f", {fmt(c.get('violations_total'))} violations")
        parts.append(f"<details open><summary>{esc(summary)}</summary>\n"
                     + table(["fail point", "k (call failed)", "COMMIT result code", "outcome"], rows)
                     + "</details>")
    return "\n".join(parts)


def section_html(r, out_dir, prefix, timelines=True):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = []
    facts = [f"{label} {fmt(m[k])}" for label, k in (("trials", "trials"), ("trials/s", "trials_per_s"),
                                                     ("accounts", "accounts")) if k in m]
    if facts:
        parts.append(f"<p>{esc(' · '.join(facts))}</p>")
    parts.append(render_figure(fig_crash_matrix, m, out_dir, f"{prefix}{key}-matrix.png", name, "Verdict matrix"))
    cells = [c for c in (dig(m, "cells") or []) if isinstance(c, dict)]
    if not cells:
        return "\n".join(parts)
    parts.append(crash_cells_table(cells))
    if timelines:
        chosen, total = timeline_cells(cells)
        if chosen:
            parts.append("<h3>Crash timelines</h3>")
        if total > len(chosen):
            parts.append(note(f"Showing {len(chosen)} of {total} timelines (attach cells first)."))
        for c in chosen:
            fname = f"{prefix}{key}-timeline-{slug(cell_label(c).replace(' / ', '-'))}.png"
            parts.append(render_figure(fig_crash_timeline, c, out_dir, fname, name, f"Timeline of {cell_label(c)}"))
    errors = errors_tables(cells)
    if errors:
        parts.append("<h3>I/O error campaigns</h3>\n" + errors)
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("matrix", fig_crash_matrix, "Verdict matrix")]
