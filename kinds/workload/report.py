"""The report's section for kind workload: latency, throughput, balance, tail and walk.

Figures of a workload result's metrics: latency percentiles per operation, throughput per
repetition, rows per shard, the tail amplification of fan-out operations (scatter, walk:
the whole query against each shard's own), and the shard walk against one file and the
PostgreSQL peer, with its table of p50s and ratios. Loaded by plot/kind_sections.py, which
puts plot/ on sys.path for the shared helpers.
"""

import math

import numpy as np

from figures import DPI, Missing, grouped_bars, integer_ticks, new_figure, plt, render_figure, save
from html_parts import esc, note, table
from values import dig, fmt, num, suffixed

ORDER = 0  # this kind's sections come after those of lower ORDER

PERCENTILES = [("p50", "p50"), ("p95", "p95"), ("p99", "p99"), ("p999", "p99.9"), ("max", "max")]


def latency_ops(metrics):
    ops = dig(metrics, "ops")
    if not isinstance(ops, dict):
        raise Missing("no metrics.ops")
    out = {op: d["latency_us"] for op, d in ops.items() if isinstance(dig(d, "latency_us"), dict)}
    if not out:
        raise Missing("no metrics.ops.<op>.latency_us")
    return out


def fig_latency(metrics, path, name):
    ops = latency_ops(metrics)
    names = list(ops)
    values = [[num(ops[op].get(key)) for op in names] for key, _ in PERCENTILES]
    if not any(v is not None and v > 0 for row in values for v in row):
        raise Missing("no positive latency percentiles in metrics.ops.<op>.latency_us")
    fig, ax = new_figure(max(6.0, 1.6 * len(names) + 3), 4.5)
    grouped_bars(ax, names, [label for _, label in PERCENTILES], values,
                 colours=plt.cm.viridis(np.linspace(0.1, 0.9, len(PERCENTILES))))
    ax.set_yscale("log")
    ax.set_xlabel("operation")
    ax.set_ylabel("latency (µs, log scale)")
    ax.set_title(f"{name}: latency percentiles per operation")
    ax.legend(title="percentile", fontsize=8, ncol=len(PERCENTILES), loc="upper left")
    ax.grid(axis="y", which="major", alpha=0.3)
    ax.margins(y=0.25)
    save(fig, path)
    worst = max(names, key=lambda op: (num(ops[op].get("p99")) or 0) / (num(ops[op].get("p50")) or math.inf))
    return (f"{name}: latency percentiles per operation",
            "Read the distance between the p50 bar and the p99/p99.9/max bars: that is the tail "
            f"(widest p99/p50 here: {worst}). Counts: "
            + ", ".join(f"{op} {fmt(ops[op].get('count'))}" for op in names) + ".")


def fig_throughput(metrics, path, name):
    tp = dig(metrics, "throughput")
    reps = [num(v) for v in (dig(tp, "per_repetition") or [])]
    overall = num(dig(tp, "ops_per_s"))
    if not reps and overall is None:
        raise Missing("no metrics.throughput")
    fig, ax = new_figure(max(5.0, 0.6 * len(reps) + 3), 3.6)
    if reps:
        ax.bar([str(i + 1) for i in range(len(reps))], [v or 0 for v in reps], color="#4c72b0",
               label="per repetition")
    if overall is not None:
        ax.axhline(overall, color="#c44e52", linestyle="--", label=f"reported {overall:,.0f} ops/s")
    ax.set_xlabel("repetition")
    ax.set_ylabel("throughput (operations/s)")
    threads = dig(tp, "threads")
    plural = "" if threads == 1 else "s"
    ax.set_title(f"{name}: throughput per repetition" + (f" ({threads} thread{plural})" if threads else ""))
    ax.set_ylim(0, max([v or 0 for v in reps] + [overall or 0]) * 1.3)
    ax.legend(fontsize=8, loc="upper right", ncol=2)
    ax.grid(axis="y", alpha=0.3)
    save(fig, path)
    cv = num(dig(tp, "cv"))
    return (f"{name}: throughput",
            "Bars of similar height mean a stable measurement; the dashed line is the reported figure"
            + (f" (cv {cv * 100:.1f}% across repetitions)." if cv is not None else "."))


def fig_balance(metrics, path, name):
    counts = [num(v) for v in (dig(metrics, "per_shard_counts") or [])]
    if not counts or any(v is None for v in counts):
        raise Missing("no metrics.per_shard_counts")
    mean = sum(counts) / len(counts)
    fig, ax = new_figure(8.0, 3.6)
    ax.bar(range(len(counts)), counts, width=0.8 if len(counts) < 64 else 1.0, color="#4c72b0")
    ax.axhline(mean, color="#c44e52", linestyle="--", label=f"mean {mean:,.1f}")
    integer_ticks(ax, range(len(counts)))
    ax.set_xlabel("shard index")
    ax.set_ylabel("rows on the shard")
    ax.set_title(f"{name}: rows per shard after loading ({len(counts)} shards)")
    ax.set_ylim(0, max(counts) * 1.15)
    ax.legend(fontsize=8, loc="lower right")
    save(fig, path)
    spread = num(dig(metrics, "balance", "spread_pct"))
    mom = num(dig(metrics, "balance", "max_over_mean"))
    return (f"{name}: per-shard balance",
            "Bars should hug the mean line; the fullest shard sets the hot spot"
            + (f" (max/mean {mom:.3f}" if mom is not None else " (")
            + (f", spread {spread:.1f}% of the mean)." if spread is not None else ")."))


def fig_tail_amplification(metrics, path, name):
    ops = dig(metrics, "ops") or {}
    pairs = {op: (d["latency_us"], d["per_shard_latency_us"]) for op, d in ops.items()
             if isinstance(dig(d, "latency_us"), dict) and isinstance(dig(d, "per_shard_latency_us"), dict)}
    if not pairs:
        raise Missing("no operation with per_shard_latency_us (scatter or walk)")
    fig, axes = plt.subplots(1, len(pairs), figsize=(4.8 * len(pairs) + 1, 4.2), dpi=DPI, squeeze=False)
    notes = []
    for ax, (op, (fan, own)) in zip(axes[0], pairs.items()):
        labels = [label for _, label in PERCENTILES]
        values = [[num(own.get(k)) for k, _ in PERCENTILES], [num(fan.get(k)) for k, _ in PERCENTILES]]
        grouped_bars(ax, labels, ["one shard's query", f"whole {op} (fan-out)"], values,
                     colours=["#8c8c8c", "#c44e52"])
        ax.set_yscale("log")
        ax.set_xlabel("percentile")
        ax.set_ylabel("latency (µs, log scale)")
        touched = num(dig(ops, op, "shards_touched", "mean"))
        ax.set_title(f"{op}" + (f" over {touched:g} shards" if touched else ""))
        ax.legend(fontsize=8, loc="upper left")
        ax.margins(y=0.2)
        ax.grid(axis="y", alpha=0.3)
        if num(fan.get("p50")) and num(own.get("p50")):
            notes.append(f"{op}: fan-out p50 = {fan['p50'] / own['p50']:.1f}× a shard's p50")
    fig.suptitle(f"{name}: tail amplification (fan-out vs each shard's own query)")
    save(fig, path)
    return (f"{name}: tail amplification",
            "A fan-out waits for its slowest shard, so its p50 sits near the single-shard tail; "
            "the red/grey gap grows with the shards touched. " + "; ".join(notes) + ".")


# walk.shards_<K>.postgres.<form> (the PostgreSQL peer) and their figure labels.
WALK_POSTGRES_FORMS = (("lookups", "PostgreSQL, same lookups one by one"),
                       ("one_query", "PostgreSQL, one = ANY query"))


def walk_series(metrics):
    """{series label: [(shards walked, p50 µs)]} from metrics.walk."""
    walk = dig(metrics, "walk")
    if not isinstance(walk, dict):
        raise Missing("no metrics.walk")
    series = {}
    for key, block in walk.items():
        k = suffixed(key, "shards_", "")
        if k is None or not isinstance(block, dict):
            continue
        for sub, data in block.items():
            p50 = num(dig(data, "latency_us", "p50"))
            t = suffixed(sub, "threads_", "")
            if p50 is None:
                continue
            if t is not None:
                label = f"walk, {t} thread" + ("s" if t != 1 else "")
            elif sub == "single_file":
                label = "one file, same lookups one by one"
            elif sub == "single_file_one_query":
                label = "one file, one IN query"
            else:
                continue
            series.setdefault(label, []).append((k, p50))
        for form, label in WALK_POSTGRES_FORMS:
            p50 = num(dig(block, "postgres", form, "latency_us", "p50"))
            if p50 is not None:
                series.setdefault(label, []).append((k, p50))
    if not series:
        raise Missing("no metrics.walk.shards_<K>.*.latency_us")
    return {label: sorted(points) for label, points in series.items()}


def fig_walk(metrics, path, name):
    series = walk_series(metrics)
    fig, ax = new_figure(7.5, 4.5)
    for label, points in sorted(series.items(), key=lambda kv: (not kv[0].startswith("walk"), kv[0])):
        xs, ys = zip(*points)
        style = "-o" if label.startswith("walk") else ":^" if label.startswith("PostgreSQL") else "--s"
        ax.plot(xs, ys, style, label=label)
    ax.set_yscale("log")
    integer_ticks(ax, [x for points in series.values() for x, _ in points])
    ax.set_xlabel("shards walked (one lookup per shard)")
    ax.set_ylabel("p50 latency of the whole walk (µs, log scale)")
    server = any(label.startswith("PostgreSQL") for label in series)
    ax.set_title(f"{name}: shard walk vs one file" + (" vs PostgreSQL" if server else ""))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    save(fig, path)
    gaps = []
    for key, point in sorted((dig(metrics, "walk") or {}).items(), key=lambda kv: suffixed(kv[0], "shards_", "") or 0):
        ratio = num(dig(point, "walk_over_single_file_p50"))
        if ratio is not None:
            gaps.append(f"{suffixed(key, 'shards_', '')} shards {ratio:.1f}×")
    return (f"{name}: walk latency vs shards walked",
            "Solid lines are walks over K shard files, dashed lines the same keys in one file"
            + ("; dotted lines the same keys on a PostgreSQL server over loopback TCP" if server else "")
            + "; the vertical gap is the cost of sharding a query that touches every shard"
            + (f". Walk p50 over one file's: {', '.join(gaps)}." if gaps else "."))


# (header, path under walk.shards_<K>) of the walk table: p50s, then ratios.
WALK_TABLE_COLUMNS = (
    ("shard walk p50 µs", ("threads_1", "latency_us", "p50")),
    ("one file, lookups p50 µs", ("single_file", "latency_us", "p50")),
    ("one file, IN p50 µs", ("single_file_one_query", "latency_us", "p50")),
    ("PostgreSQL, lookups p50 µs", ("postgres", "lookups", "latency_us", "p50")),
    ("PostgreSQL, = ANY p50 µs", ("postgres", "one_query", "latency_us", "p50")),
    ("walk / one file (lookups)", ("walk_over_single_file_p50",)),
    ("walk / one file (IN)", ("walk_over_one_query_p50",)),
    ("walk / PostgreSQL (lookups)", ("postgres", "walk_over_lookups_p50")),
    ("walk / PostgreSQL (= ANY)", ("postgres", "walk_over_one_query_p50")),
    ("one file / PostgreSQL (lookups)", ("postgres", "single_file_lookups_over_lookups_p50")),
    ("one file / PostgreSQL (IN / = ANY)", ("postgres", "single_file_one_query_over_one_query_p50")),
)


def walk_table_html(metrics):
    """Per K: the p50 of each form and the ratios (shard walk / one file / PostgreSQL)."""
    walk = dig(metrics, "walk")
    if not isinstance(walk, dict):
        return ""
    blocks = sorted((k, b) for k, b in ((suffixed(key, "shards_", ""), b) for key, b in walk.items())
                    if k is not None and isinstance(b, dict))
    columns = [(h, path) for h, path in WALK_TABLE_COLUMNS if any(dig(b, *path) is not None for _, b in blocks)]
    if not blocks or not columns:
        return ""
    rows = [[(esc(k), 'class="num"')] + [(esc(fmt(dig(b, *path))), 'class="num"') for _, path in columns]
            for k, b in blocks]
    parts = [table(["shards walked"] + [h for h, _ in columns], rows)]
    unavailable = dig(metrics, "postgres", "reason") if dig(metrics, "postgres", "available") is False else None
    if unavailable:
        parts.append(note(f"PostgreSQL peer: {unavailable}."))
    elif dig(metrics, "postgres", "available"):
        pg = metrics["postgres"]
        rtt = num(dig(pg, "round_trip_us", "p50"))
        parts.append(note(f"PostgreSQL {pg.get('server_version', '?')} on {pg.get('address', '?')} (run as "
                          f"{pg.get('run_as', '?')}), {fmt(pg.get('rows'))} rows"
                          + (f"; one loopback round trip (prepared SELECT $1) p50 {rtt:g} µs" if rtt else "")
                          + ". A ratio above 1 means the left side is slower."))
    return "\n".join(parts)


def section_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = []
    facts = []
    for label, value in (("shards", dig(m, "shards")), ("load rows/s", dig(m, "load", "rows_per_s")),
                         ("throughput ops/s", dig(m, "throughput", "ops_per_s")),
                         ("threads", dig(m, "throughput", "threads"))):
        if value is not None:
            facts.append(f"{label} {fmt(value)}")
    if facts:
        parts.append(f"<p>{esc(' · '.join(facts))}</p>")
    if isinstance(dig(m, "ops"), dict) and any(isinstance(dig(d, "latency_us"), dict) for d in m["ops"].values()):
        parts.append(render_figure(fig_latency, m, out_dir, f"{prefix}{key}-latency.png", name, "Latency figure"))
    if dig(m, "throughput") is not None:
        parts.append(render_figure(fig_throughput, m, out_dir, f"{prefix}{key}-throughput.png", name,
                                   "Throughput figure"))
    parts.append(render_figure(fig_balance, m, out_dir, f"{prefix}{key}-balance.png", name, "Balance figure"))
    if any(isinstance(dig(d, "per_shard_latency_us"), dict) for d in (dig(m, "ops") or {}).values()):
        parts.append(render_figure(fig_tail_amplification, m, out_dir, f"{prefix}{key}-tail.png", name,
                                   "Tail amplification figure"))
    if dig(m, "walk") is not None:
        parts.append(render_figure(fig_walk, m, out_dir, f"{prefix}{key}-walk.png", name, "Walk figure"))
        parts.append(walk_table_html(m))
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("latency", fig_latency, "Latency"), ("walk", fig_walk, "Walk")]
