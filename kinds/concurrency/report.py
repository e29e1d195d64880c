"""The report's section for kind concurrency: write throughput against writer threads.

One line per journal mode and layout (one file, or separate shard files) of committed
writes per second against the writers, and a table of every cell (reads, overlap, busy
waits, SQLITE_BUSY returns). Loaded by plot/kind_sections.py, which puts plot/ on sys.path
for the shared helpers.
"""

from figures import Missing, integer_ticks, new_figure, render_figure, save
from html_parts import table
from values import dig, fmt, num

ORDER = 3  # this kind's sections come after those of lower ORDER

def fig_concurrency(metrics, path, name):
    cells = dig(metrics, "cells")
    if not isinstance(cells, dict) or not cells:
        raise Missing("no metrics.cells")
    fig, ax = new_figure(7.5, 4.2)
    plotted = 0
    trends = []  # (label, fewest writers, most writers, throughput at most / at fewest)
    writers = set()
    for mode, layouts in sorted(cells.items()):
        for layout, by_writers in sorted((layouts or {}).items()):
            points = sorted((num(c.get("writers")), num(c.get("write_ops_per_s"))) for c in (by_writers or {}).values()
                            if isinstance(c, dict) and num(c.get("writers")) is not None
                            and num(c.get("write_ops_per_s")) is not None)
            if not points:
                continue
            label = f"{mode}, {layout.replace('_', ' ')}"
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                    linestyle="-" if layout == "shards" else "--", label=label)
            plotted += 1
            writers.update(p[0] for p in points)
            if len(points) > 1 and points[0][1] > 0:
                trends.append((label, points[0][0], points[-1][0], points[-1][1] / points[0][1]))
    if plotted == 0:
        raise Missing("no write_ops_per_s in metrics.cells")
    integer_ticks(ax, writers)
    ax.set_xlabel("writer threads")
    ax.set_ylabel("committed writes per second")
    ax.set_title(f"{name}: write throughput vs writers")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    save(fig, path)
    return f"{name}: write throughput vs writers", concurrency_caption(trends)


def concurrency_caption(trends):
    """What the lines do, from the numbers: each line's throughput at the most writers over
    that at the fewest (rising above 1.2, flat within ±20 %, falling below 0.8)."""
    text = "Dashed lines: every writer on one file; solid lines: each on its own shard file."
    if not trends:
        return text + " One writer count only: no trend to read."
    words = []
    for label, lo, hi, ratio in trends:
        shape = "rises" if ratio > 1.2 else "falls" if ratio < 0.8 else "stays flat"
        words.append(f"{label} {shape} ({ratio:.2f}× from {fmt(lo)} to {fmt(hi)} writers)")
    return text + " " + "; ".join(words) + "."


def section_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = [render_figure(fig_concurrency, m, out_dir, f"{prefix}{key}-concurrency.png", name, "Concurrency figure")]
    rows = []
    for mode, layouts in sorted((dig(m, "cells") or {}).items()):
        for layout, by_writers in sorted((layouts or {}).items()):
            for cell in (by_writers or {}).values():
                if isinstance(cell, dict):
                    rows.append([mode, layout, fmt(cell.get("writers")), fmt(cell.get("readers")),
                                 fmt(cell.get("write_ops_per_s")), fmt(cell.get("read_ops_per_s")),
                                 fmt(cell.get("writer_overlap")), fmt(cell.get("busy_waits")), fmt(cell.get("busy_wait_ms")), fmt(cell.get("busy_returns"))])
    if rows:
        parts.append(table(["journal", "layout", "writers", "readers", "writes/s", "reads/s",
                            "writer overlap", "busy waits", "waited (ms)", "SQLITE_BUSY"], rows))
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("concurrency", fig_concurrency, "Concurrency")]
