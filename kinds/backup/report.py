"""The report's section for kind backup: how backups taken under writers restore, and their cost.

The share of restored backups by outcome (consistent, stale, missing a committed write,
corrupt, failed) per journal mode and method, the time per GB of the completed ones, a
table of both with the writers' commit rates, and examples of inconsistent backups. Loaded
by plot/kind_sections.py, which puts plot/ on sys.path for the shared helpers.
"""

import matplotlib.ticker
import numpy as np

from figures import Missing, grouped_bars, new_figure, render_figure, save
from html_parts import esc, table
from values import dig, fmt, num

ORDER = 6  # this kind's sections come after those of lower ORDER

BACKUP_OUTCOMES = [("consistent", "#55a868"), ("stale", "#ccb974"), ("missing_committed", "#dd8452"),
                   ("corrupt", "#c44e52"), ("failed", "#8c8c8c")]


def backup_cells(metrics):
    """[(journal, method, cell)] in result order; Missing when there are none."""
    out = [(mode, method, c) for mode, cells in (dig(metrics, "backups") or {}).items() if isinstance(cells, dict)
           for method, c in cells.items() if isinstance(c, dict) and num(c.get("backups"))]
    if not out:
        raise Missing("no metrics.backups.<journal>.<method>.backups")
    return out


def fig_backup_outcomes(metrics, path, name):
    cells = backup_cells(metrics)
    fig, ax = new_figure(8.5, 0.9 + 0.32 * len(cells))
    labels = [f"{mode} · {method}" for mode, method, _ in cells]
    y = np.arange(len(cells))[::-1]
    left = np.zeros(len(cells))
    for outcome, colour in BACKUP_OUTCOMES:
        share = np.array([(num(c.get(outcome)) or 0) / num(c.get("backups")) for _, _, c in cells])
        ax.barh(y, share, left=left, color=colour, label=outcome.replace("_", " "), height=0.75)
        left += share
    for yi, (_, _, c) in zip(y, cells):
        ax.text(1.01, yi, f"{fmt(c.get('backups'))}", va="center", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("share of backups taken while writers commit (count at the right)")
    ax.set_title(f"{name}: restored backups by outcome")
    # Below the x label, whatever the figure's height (about 0.6 inch of it).
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.65 / (0.25 * len(cells) + 0.6)))
    save(fig, path)
    bad = [f"{mode} {method}" for mode, method, c in cells
           if method.startswith("copy") and (num(c.get("not_consistent")) or 0) > 0]
    return (f"{name}: restored backups by outcome",
            "Green is a backup that restores to a state at least as new as what was acknowledged when it began. "
            + (f"Raw copies that were not: {', '.join(bad)}." if bad else "Every raw copy restored consistently."))


def fig_backup_speed(metrics, path, name):
    cells = [(mode, method, num(c.get("s_per_gb"))) for mode, method, c in backup_cells(metrics)]
    modes = list(dict.fromkeys(mode for mode, _, _ in cells))
    methods = list(dict.fromkeys(method for _, method, _ in cells))
    values = [[next((v for m2, me, v in cells if m2 == mode and me == method), None) for mode in modes]
              for method in methods]
    if all(v is None for row in values for v in row):
        raise Missing("no metrics.backups.<journal>.<method>.s_per_gb")
    fig, ax = new_figure(8, 4)
    grouped_bars(ax, modes, methods, values)
    ax.set_ylabel("seconds per GB of source, to a durable copy")
    ax.set_xlabel("journal mode")
    ax.set_title(f"{name}: time per GB")
    ax.legend(fontsize=8)
    save(fig, path)
    return (f"{name}: time per GB",
            "Completed backups only (a paged backup API that never finished has no bar); raw copies set the floor.")


def section_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = [render_figure(fig_backup_outcomes, m, out_dir, f"{prefix}{key}-backup-outcomes.png", name,
                           "Backup outcome figure"),
             render_figure(fig_backup_speed, m, out_dir, f"{prefix}{key}-backup-speed.png", name, "Backup speed figure")]
    try:
        cells = backup_cells(m)
    except Missing:
        return "\n".join(parts)
    rows = []
    for mode, method, c in cells:
        rows.append([mode, method, fmt(c.get("backups"))]
                    + [fmt(c.get(o)) for o, _ in BACKUP_OUTCOMES]
                    + [fmt(c.get("s_per_gb")), fmt(c.get("writer_commits_per_s_during")),
                       fmt(dig(m, "writers", mode, "commits_per_s")), fmt(c.get("restarts"))])
    parts.append(table(["journal", "method", "backups"] + [o.replace("_", " ") for o, _ in BACKUP_OUTCOMES]
                       + ["s/GB", "writer commits/s during", "writer commits/s overall", "restarts"], rows))
    examples = [f"{mode} {method}: {e}" for mode, method, c in cells for e in (c.get("examples") or [])]
    if examples:
        parts.append("<details><summary>Examples of backups that were not consistent</summary><ul>"
                     + "".join(f"<li>{esc(e)}</li>" for e in examples) + "</ul></details>")
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("backup-outcomes", fig_backup_outcomes, "Backup outcomes")]
