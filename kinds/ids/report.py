"""The report's section for kind ids: insert rate, size and collisions of each id scheme.

A figure of rows inserted per second and bytes per row for each scheme, and a table with
collisions across shards, B-tree pages and self-routing failures. Loaded by
plot/kind_sections.py, which puts plot/ on sys.path for the shared helpers.
"""

from figures import Missing, plt, render_figure, save
from html_parts import table
from values import dig, fmt, num

ORDER = 4  # this kind's sections come after those of lower ORDER

def fig_id_schemes(metrics, path, name):
    schemes = dig(metrics, "schemes")
    rows = [(k, num(v.get("rows_per_s")), num(v.get("bytes_per_row"))) for k, v in (schemes or {}).items()
            if isinstance(v, dict)]
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        raise Missing("no metrics.schemes.*.rows_per_s")
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    labels = [r[0] for r in rows]
    bars = left.bar(labels, [r[1] for r in rows], color="#4c72b0")
    left.bar_label(bars, labels=[fmt(r[1]) for r in rows], fontsize=7)
    left.set_ylabel("rows inserted per second")
    left.set_xlabel("id scheme")
    left.set_title("insert rate")
    bars = right.bar(labels, [r[2] or 0 for r in rows], color="#dd8452")
    right.bar_label(bars, labels=[fmt(r[2]) for r in rows], fontsize=7)
    right.set_ylabel("bytes on disk per row")
    right.set_xlabel("id scheme")
    right.set_title("size")
    for ax in (left, right):
        plt.setp(ax.get_xticklabels(), rotation=20, ha="right")
        ax.margins(y=0.15)
    fig.suptitle(f"{name}: id schemes")
    save(fig, path)
    collide = [k for k, v in (schemes or {}).items() if isinstance(v, dict) and (num(v.get("collisions")) or 0) > 0]
    return (f"{name}: id schemes",
            "Random UUIDs cost insert rate against time-ordered ids; "
            + (f"{', '.join(collide)} collide across shards." if collide else "no scheme collides across shards."))


def section_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = [render_figure(fig_id_schemes, m, out_dir, f"{prefix}{key}-ids.png", name, "Id scheme figure")]
    rows = [[k, fmt(v.get("collisions")), fmt(v.get("rows_per_s")), fmt(v.get("bytes_per_row")),
             fmt(v.get("btree_pages")), fmt(v.get("self_routing_failures"))]
            for k, v in (dig(m, "schemes") or {}).items() if isinstance(v, dict)]
    if rows:
        parts.append(table(["scheme", "collisions", "rows/s", "bytes/row", "B-tree pages", "self-routing failures"], rows))
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("ids", fig_id_schemes, "Id schemes")]
