#!/usr/bin/python3
"""Render a shardlab run directory as one self-contained HTML page with PNG figures.

Usage:
    plot/report.py RUN_DIR [--out DIR]
        Reads RUN_DIR/<scenario>.json (one shardlab result per scenario) and
        RUN_DIR/micro.json (Google Benchmark output, optional); ignores the
        repeats/ and data/ subfolders. Writes DIR/index.html and the PNG files
        beside it (DIR defaults to RUN_DIR/report/).

    plot/report.py --compare RUN_A RUN_B [--out DIR]
        A side-by-side page of two runs: both environment fingerprints, every
        check's verdict in A and in B (changed verdicts highlighted), key figures
        of every scenario present in both, and micro-benchmark medians with the
        ratio B/A. DIR defaults to RUN_B/report-compare/.

The page: a header (when, where, git commit, seeds), a claims table (every check of
every scenario: pass = confirmed, fail = refuted, unknown = the metric is absent),
then one section per scenario (figures with a caption saying what to look for) and
one for the micro-benchmarks. Nothing is fetched: inline CSS, relative PNG paths.
A missing or malformed metric skips its figure with a note; a scenario with status
"error" shows its error text.

Exit codes: 0 the page was written; 1 it could not be written (I/O error);
2 usage error (missing or unreadable run directory, no result files), with one line
on stderr. Requires Python 3 with matplotlib (Agg backend) and numpy.
"""

import argparse
import html
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

VERDICT_WORDS = {"pass": "confirmed", "fail": "refuted", "unknown": "unknown"}
KIND_ORDER = {"workload": 0, "crash": 1, "reshard": 2}
PERCENTILES = [("p50", "p50"), ("p95", "p95"), ("p99", "p99"), ("p999", "p99.9"), ("max", "max")]
OUTCOME_COLOURS = {
    "old": "#4c72b0",
    "new": "#55a868",
    "mixed": "#c44e52",
    "lost": "#dd8452",
    "corrupt": "#8172b3",
    "hung": "#222222",
}
OP_SYMBOLS = {"eq": "=", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
PUBLISHED_CV = [(10, 0.315), (100, 0.0997), (1000, 0.0316)]  # Lamping & Veach
MAX_TIMELINES = 8
DPI = 100
TIME_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


class UsageError(Exception):
    """Bad command line or unusable run directory: exit code 2."""


class Missing(Exception):
    """The metrics a figure needs are absent; the figure is skipped with this note."""


# ---------------------------------------------------------------------------
# Small helpers


def esc(value):
    """HTML-escape anything (None becomes an empty string)."""
    return html.escape("" if value is None else str(value), quote=True)


def dig(obj, *keys):
    """obj[k0][k1]... or None when any step is missing or of the wrong type."""
    for key in keys:
        if isinstance(obj, dict) and key in obj:
            obj = obj[key]
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


def num(value):
    """A finite float, or None (booleans and strings are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def slug(text):
    """A string safe for file names and HTML ids."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-") or "x"


def natural_key(text):
    """Sort C2 before C10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(text))]


def suffixed(name, prefix, suffix):
    """(numeric prefix, rest) of names like 'shards_16' -> 16; None otherwise."""
    m = re.fullmatch(re.escape(prefix) + r"(\d+)" + re.escape(suffix), name)
    return int(m.group(1)) if m else None


def fmt(value, digits=3):
    """A compact human form of a JSON value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ") if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return fmt(int(value))
        if abs(value) >= 10 ** digits:
            return f"{value:,.0f}".replace(",", " ")
        return f"{value:.{digits}g}"
    if isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 120 else text[:117] + "…"


def kib(memory):
    """'24683620 kB' -> '23.5 GiB (24683620 kB)'."""
    m = re.fullmatch(r"\s*(\d+)\s*kB\s*", str(memory or ""))
    if not m:
        return memory
    return f"{int(m.group(1)) / 1048576:.1f} GiB ({memory})"


def new_figure(width=8.0, height=4.5):
    fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
    return fig, ax


def plain_log_ticks(ax, axis="y"):
    """Label a log axis 0.2, 0.5, 100 rather than 2×10⁻¹ (major and minor ticks)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    formatter = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    target.set_major_formatter(formatter)
    def minor(v, _):
        mantissa = round(v / 10 ** math.floor(math.log10(v))) if v > 0 else 0
        return f"{v:g}" if mantissa in (2, 5) else ""
    target.set_minor_formatter(matplotlib.ticker.FuncFormatter(minor))


def save(fig, path):
    fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


# ---------------------------------------------------------------------------
# Loading


class Run:
    """One run directory: scenario results, micro-benchmarks, and load problems."""

    def __init__(self, path, results, micro, problems, gate=None):
        self.path = path
        self.results = results  # list of dicts, each with "_key" (unique, id/file safe)
        self.micro = micro  # dict or None
        self.problems = problems  # list of str
        self.gate = gate  # ci/gate.py's gate.json, when the gate ran on this run

    @property
    def label(self):
        return os.path.basename(os.path.normpath(self.path)) or self.path


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# Files of a run directory that are not scenario results: name -> (list key, what it is).
SPECIAL_FILES = {"micro.json": ("benchmarks", "Google Benchmark JSON"),
                 "gate.json": ("rows", "the regression gate's output")}


def load_run(path):
    """Read RUN_DIR; raise UsageError when it is missing, unreadable, or holds no result."""
    if not os.path.isdir(path):
        raise UsageError(f"{path}: not a directory (expected a shardlab run directory)")
    try:
        names = sorted(os.listdir(path))
    except OSError as e:
        raise UsageError(f"{path}: cannot list: {e.strerror}") from None
    results, special, problems, used = [], {}, [], set()
    for name in names:
        full = os.path.join(path, name)
        if not name.endswith(".json") or not os.path.isfile(full):
            continue  # repeats/, data/, report/ and anything else
        try:
            data = read_json(full)
        except (OSError, ValueError) as e:
            problems.append(f"{name}: unreadable ({e})")
            continue
        if name in SPECIAL_FILES:
            key, what = SPECIAL_FILES[name]
            if isinstance(data, dict) and isinstance(data.get(key), list):
                special[name] = data
            else:
                problems.append(f"{name}: not {what} (no '{key}' list)")
            continue
        if not isinstance(data, dict) or "kind" not in data or "checks" not in data:
            problems.append(f"{name}: not a shardlab result (no 'kind' or 'checks')")
            continue
        key = slug(data.get("name") or name[:-5])
        if key in used:
            key = slug(name[:-5])
        used.add(key)
        data["_key"] = key
        results.append(data)
    if not results and "micro.json" not in special:
        raise UsageError(f"{path}: no result files (*.json) found")
    results.sort(key=lambda r: (KIND_ORDER.get(r.get("kind"), 9), r["_key"]))
    return Run(path, results, special.get("micro.json"), problems, special.get("gate.json"))


# ---------------------------------------------------------------------------
# Figures: workload. Each fig_* draws one PNG at `path` and returns (title, caption),
# or raises Missing.


def latency_ops(metrics):
    ops = dig(metrics, "ops")
    if not isinstance(ops, dict):
        raise Missing("no metrics.ops")
    out = {op: d["latency_us"] for op, d in ops.items() if isinstance(dig(d, "latency_us"), dict)}
    if not out:
        raise Missing("no metrics.ops.<op>.latency_us")
    return out


def grouped_bars(ax, groups, series, values, colours=None):
    """Bars: one group per `groups` entry, one bar per `series` entry; values[s][g]."""
    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for i, name in enumerate(series):
        ys = [v if v is not None and v > 0 else np.nan for v in values[i]]
        ax.bar(x + (i - (len(series) - 1) / 2) * width, ys, width,
               label=name, color=None if colours is None else colours[i])
    ax.set_xticks(x)
    ax.set_xticklabels(groups)


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
    ax.set_xlabel("shards walked (one lookup per shard)")
    ax.set_ylabel("p50 latency of the whole walk (µs, log scale)")
    server = any(label.startswith("PostgreSQL") for label in series)
    ax.set_title(f"{name}: shard walk vs one file" + (" vs PostgreSQL" if server else ""))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    save(fig, path)
    return (f"{name}: walk latency vs shards walked",
            "Solid lines are walks over K shard files, dashed lines the same keys in one file"
            + ("; dotted lines the same keys on a PostgreSQL server over loopback TCP" if server else "")
            + "; the vertical gap is the cost of sharding a query that touches every shard.")


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


# ---------------------------------------------------------------------------
# Figures: crash


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


# ---------------------------------------------------------------------------
# Figures: reshard


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


# ---------------------------------------------------------------------------
# Figures: micro-benchmarks


def micro_aggregates(micro):
    """{run_name: {aggregate_name: benchmark entry}} (plain runs stand in for the median)."""
    out = {}
    for b in (micro or {}).get("benchmarks", []):
        if not isinstance(b, dict):
            continue
        run = b.get("run_name") or b.get("name")
        agg = b.get("aggregate_name") if b.get("run_type") == "aggregate" else "iteration"
        out.setdefault(run, {}).setdefault(agg, b)
    return out


def median_ns(entry):
    t, unit = num(dig(entry, "real_time")), dig(entry, "time_unit") or "ns"
    return None if t is None or unit not in TIME_TO_NS else t * TIME_TO_NS[unit]


def micro_median(aggs):
    return aggs.get("median") or aggs.get("iteration")


def fig_micro_route(micro, path, name):
    lines = {}
    for run, aggs in micro_aggregates(micro).items():
        m = re.fullmatch(r"BM_Route/([^/]+)/(\d+)", str(run))
        ns = median_ns(micro_median(aggs))
        if m and ns is not None:
            lines.setdefault(m.group(1), []).append((int(m.group(2)), ns))
    if not lines:
        raise Missing("no BM_Route/<router>/<N> benchmarks")
    fig, ax = new_figure(7.0, 4.5)
    markers = "osD^v<>ph*"
    for i, (router, pts) in enumerate(sorted(lines.items())):
        xs, ys = zip(*sorted(pts))
        ax.plot(xs, ys, "-" + markers[i % len(markers)], label=router)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("shards N (log scale)")
    ax.set_xticks(sorted({x for pts in lines.values() for x, _ in pts}))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_ylabel("median ns per lookup (log scale)")
    ax.set_title(f"{name}: router lookup cost vs shard count")
    ax.legend(fontsize=8, ncol=2)
    ax.grid(alpha=0.3, which="both")
    save(fig, path)
    return (f"{name}: router lookup cost",
            "Flat lines scale to many shards; a line rising with N (rendezvous is O(N)) costs more per "
            "lookup as the cluster grows. Medians of the repetitions, one dependent lookup at a time.")


# ---------------------------------------------------------------------------
# HTML pieces

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:1250px;
     padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.2em} h2{border-bottom:2px solid #ccc;margin-top:2em} h3{margin-top:1.4em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0} td.num{text-align:right;font-variant-numeric:tabular-nums}
.v-pass{background:#d4edda;color:#155724;font-weight:600}
.v-fail{background:#f8d7da;color:#721c24;font-weight:600}
.v-unknown{background:#fff3cd;color:#856404;font-weight:600}
tr.changed td{outline:2px solid #d9534f} .changed-mark{color:#d9534f;font-weight:700}
.o-old{color:#4c72b0}.o-new{color:#2e7d32}.o-mixed,.o-lost,.o-corrupt,.o-hung{color:#c62828;font-weight:700}
figure{margin:1em 0;border:1px solid #e4e4e4;padding:.5em;background:#fff}
figure img{max-width:100%;height:auto;display:block}
figcaption{font-size:.88em;color:#444;margin-top:.4em}
.note{color:#6d5b00;background:#fffbe6;border-left:4px solid #e0c000;padding:.3em .6em;margin:.5em 0}
.error{color:#721c24;background:#f8d7da;border-left:4px solid #c62828;padding:.5em .8em;
       white-space:pre-wrap;font-family:monospace}
dl.fp{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:.5em 0}
dl.fp dt{font-weight:600} dl.fp dd{margin:0}
.side{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.muted{color:#777} code{font-size:.95em}
nav a{margin-right:.8em}
"""


def page(title, body):
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def table(headers, rows, cls=""):
    """rows: lists of cells; a cell is text (escaped) or a (html, td attributes) tuple."""
    out = [f"<table{f' class={chr(34)}{cls}{chr(34)}' if cls else ''}>",
           "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"]
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, tuple):
                cells.append(f"<td {cell[1]}>{cell[0]}</td>" if cell[1] else f"<td>{cell[0]}</td>")
            else:
                cells.append(f"<td>{esc(cell)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def note(text):
    return f'<p class="note">{esc(text)}</p>'


def verdict_cell(verdict):
    v = verdict if verdict in VERDICT_WORDS else "unknown"
    return (esc(VERDICT_WORDS[v] if verdict in VERDICT_WORDS else (verdict or "absent")), f'class="v-{v}"')


def outcome_cell(outcome):
    return (esc(outcome), f'class="o-{slug(outcome)}"')


def render_figure(func, data, out_dir, filename, name, what):
    """Draw one figure; return its <figure> HTML, or a note when it cannot be drawn."""
    try:
        title, caption = func(data, os.path.join(out_dir, filename), name)
    except Missing as e:
        return note(f"{what} not shown: {e}.")
    except Exception as e:  # a malformed metric must never stop the report
        return note(f"{what} could not be drawn ({type(e).__name__}: {e}).")
    finally:
        plt.close("all")
    return (f'<figure><img src="{esc(filename)}" alt="{esc(title)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


# ---------------------------------------------------------------------------
# Header: when, where, commit, seeds


FINGERPRINT = [
    ("SQLite", lambda e: dig(e, "sqlite", "version")),
    ("data filesystem", lambda e: dig(e, "filesystem", "type")),
    ("CPU", lambda e: dig(e, "cpu_model")),
    ("cores", lambda e: dig(e, "cores")),
    ("memory", lambda e: kib(dig(e, "memory"))),
    ("kernel", lambda e: dig(e, "kernel")),
    ("machine", lambda e: dig(e, "machine")),
    ("host", lambda e: dig(e, "hostname")),
    ("compiler", lambda e: dig(e, "compiler")),
    ("compiler flags", lambda e: dig(e, "compiler_flags")),
    ("build type", lambda e: dig(e, "build_type")),
    ("sanitized", lambda e: dig(e, "sanitized")),
    ("git commit", lambda e: dig(e, "git_commit")),
]


def distinct(values):
    return list(dict.fromkeys(fmt(v) for v in values if v is not None and v != ""))


def fingerprint_html(run):
    envs = [r.get("env") for r in run.results if isinstance(r.get("env"), dict)]
    items = []
    starts = sorted(str(r["started"]) for r in run.results if r.get("started"))
    if starts:
        items.append(("started", starts[0] if starts[0] == starts[-1] else f"{starts[0]} … {starts[-1]}"))
    for label, get in FINGERPRINT:
        vals = distinct(get(e) for e in envs)
        if vals:
            items.append((label, " | ".join(vals) + (" (differs between scenarios)" if len(vals) > 1 else "")))
    ctx = dig(run.micro, "context")
    if isinstance(ctx, dict):
        items.append(("micro-benchmarks", f"{fmt(ctx.get('date'))} on {fmt(ctx.get('host_name'))}, "
                      f"{fmt(ctx.get('num_cpus'))} CPUs, benchmark library build {fmt(ctx.get('library_build_type'))}"))
    if not items:
        return note("No environment fingerprint in the results.")
    return '<dl class="fp">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"


def scenario_index_html(run):
    rows = []
    for r in run.results:
        s = r.get("summary") or {}
        rows.append([
            (f'<a href="#scenario-{esc(r["_key"])}">{esc(r.get("name", r["_key"]))}</a>', ""),
            r.get("kind"), (esc(r.get("status")), 'class="v-fail"' if r.get("status") != "ok" else ""),
            (esc(r.get("seed")), 'class="num"'), r.get("started"), (esc(fmt(r.get("duration_s"))), 'class="num"'),
            dig(r, "env", "filesystem", "type"), dig(r, "env", "git_commit"),
            f"{s.get('pass', 0)} / {s.get('fail', 0)} / {s.get('unknown', 0)}",
        ])
    if run.micro is not None:
        rows.append([('<a href="#micro">micro.json</a>', ""), "micro-benchmarks", "", "", "", "", "", "", ""])
    return table(["scenario", "kind", "status", "seed", "started (UTC)", "duration (s)", "data filesystem",
                  "git commit", "confirmed / refuted / unknown"], rows)


# ---------------------------------------------------------------------------
# Claims table


def check_claims(result, check):
    """(claim ids, from_check): the check's own claim, else the scenario's claims."""
    if check.get("claim"):
        return [str(check["claim"])], True
    claims = dig(result, "scenario", "claims")
    return ([str(c) for c in claims] if isinstance(claims, list) else []), False


def expected_text(check):
    op = check.get("op")
    if op == "approx":
        return f"≈ {fmt(check.get('expected'), 6)} ± {fmt(check.get('tolerance'), 6)}"
    return f"{OP_SYMBOLS.get(op, op or '')} {fmt(check.get('expected'), 6)}".strip()


def claim_links(claims, from_check, link=True):
    links = ", ".join(f'<a href="#claim-{esc(slug(c))}">{esc(c)}</a>' if link else esc(c) for c in claims)
    if claims and not from_check:
        return f'<span class="muted" title="claims of the scenario">({links})</span>'
    return links


def all_checks(run):
    for r in run.results:
        for c in r.get("checks") or []:
            if isinstance(c, dict):
                yield r, c


def claims_summary_html(run):
    per_claim = {}
    for r, c in all_checks(run):
        claims, from_check = check_claims(r, c)
        for claim in claims if from_check else []:
            entry = per_claim.setdefault(claim, {"pass": 0, "fail": 0, "unknown": 0, "scenarios": {}})
            v = c.get("verdict") if c.get("verdict") in VERDICT_WORDS else "unknown"
            entry[v] += 1
            entry["scenarios"][r["_key"]] = r.get("name", r["_key"])
    for r in run.results:  # claims a scenario names without a check of its own
        for claim in dig(r, "scenario", "claims") or []:
            per_claim.setdefault(str(claim), {"pass": 0, "fail": 0, "unknown": 0, "scenarios": {}})
            per_claim[str(claim)]["scenarios"].setdefault(r["_key"], r.get("name", r["_key"]))
    if not per_claim:
        return ""
    rows = []
    for claim in sorted(per_claim, key=natural_key):
        e = per_claim[claim]
        state = "fail" if e["fail"] else "unknown" if e["unknown"] or not e["pass"] else "pass"
        word = {"pass": "confirmed", "fail": "refuted", "unknown": "unknown"}[state]
        rows.append([
            (f'<span id="claim-{esc(slug(claim))}">{esc(claim)}</span>', ""),
            (esc(word), f'class="v-{state}"'),
            (f"{e['pass']} / {e['fail']} / {e['unknown']}", 'class="num"'),
            (", ".join(f'<a href="#scenario-{esc(k)}">{esc(n)}</a>' for k, n in e["scenarios"].items()), ""),
        ])
    return ("<h3>Claims</h3>\n" + table(["claim", "here", "checks confirmed / refuted / unknown", "scenarios"], rows))


def claims_table_html(run):
    rows = []
    for r, c in all_checks(run):
        claims, from_check = check_claims(r, c)
        notes = [n for n in (c.get("note"), c.get("reason")) if n]
        rows.append([
            (claim_links(claims, from_check), ""),
            (f'<a href="#scenario-{esc(r["_key"])}">{esc(r.get("name", r["_key"]))}</a>', ""),
            (f"<code>{esc(c.get('name'))}</code>", ""),
            expected_text(c),
            fmt(c.get("observed"), 6),
            verdict_cell(c.get("verdict")),
            " — ".join(str(n) for n in notes),
        ])
    if not rows:
        return note("No checks in this run.")
    return table(["claim", "scenario", "check", "expected", "observed", "verdict", "note"], rows, cls="claims")


# ---------------------------------------------------------------------------
# Scenario sections


def workload_html(r, out_dir, prefix):
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


def crash_html(r, out_dir, prefix, timelines=True):
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


def reshard_html(r, out_dir, prefix):
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


# ---------------------------------------------------------------------------
# Figures: concurrency and id schemes


def fig_concurrency(metrics, path, name):
    cells = dig(metrics, "cells")
    if not isinstance(cells, dict) or not cells:
        raise Missing("no metrics.cells")
    fig, ax = new_figure(7.5, 4.2)
    plotted = 0
    for mode, layouts in sorted(cells.items()):
        for layout, by_writers in sorted((layouts or {}).items()):
            points = sorted((num(c.get("writers")), num(c.get("write_ops_per_s"))) for c in (by_writers or {}).values()
                            if isinstance(c, dict) and num(c.get("writers")) is not None
                            and num(c.get("write_ops_per_s")) is not None)
            if not points:
                continue
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                    linestyle="-" if layout == "shards" else "--", label=f"{mode}, {layout.replace('_', ' ')}")
            plotted += 1
    if plotted == 0:
        raise Missing("no write_ops_per_s in metrics.cells")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("writer threads")
    ax.set_ylabel("committed writes per second")
    ax.set_title(f"{name}: write throughput vs writers")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    save(fig, path)
    return (f"{name}: write throughput vs writers",
            "Writers on one file queue for its lock (flat dashed lines); on separate shard files they commit "
            "in parallel (rising solid lines).")


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


def concurrency_html(r, out_dir, prefix):
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


def ids_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = [render_figure(fig_id_schemes, m, out_dir, f"{prefix}{key}-ids.png", name, "Id scheme figure")]
    rows = [[k, fmt(v.get("collisions")), fmt(v.get("rows_per_s")), fmt(v.get("bytes_per_row")),
             fmt(v.get("btree_pages")), fmt(v.get("self_routing_failures"))]
            for k, v in (dig(m, "schemes") or {}).items() if isinstance(v, dict)]
    if rows:
        parts.append(table(["scheme", "collisions", "rows/s", "bytes/row", "B-tree pages", "self-routing failures"], rows))
    return "\n".join(parts)


PACKINGS = ("per_user", "minishards", "shards")


def fig_tenant_latency(metrics, path, name):
    lat = dig(metrics, "requests", "latency_us")
    if not isinstance(lat, dict):
        raise Missing("no metrics.requests.latency_us")
    groups = [(c, o) for c in ("hit", "miss") for o in ("get", "put")
              if (num(dig(lat, c, o, "count")) or 0) > 0]
    if not groups:
        raise Missing("no requests recorded")
    fig, ax = new_figure(8, 4)
    labels = [f"{c} {o}" for c, o in groups]
    series = [("p50", "#4c72b0"), ("p99", "#dd8452")]
    width = 0.38
    for i, (pct, colour) in enumerate(series):
        xs = [j + (i - 0.5) * width for j in range(len(groups))]
        vals = [num(dig(lat, c, o, pct)) or 0 for c, o in groups]
        bars = ax.bar(xs, vals, width, label=pct, color=colour)
        ax.bar_label(bars, labels=[fmt(v) for v in vals], fontsize=7)
    ax.set_xticks(range(len(groups)), labels)
    ax.set_yscale("log")
    plain_log_ticks(ax)
    ax.set_xlabel("request (connection cache hit or miss, operation)")
    ax.set_ylabel("latency (µs, log scale)")
    cache = dig(metrics, "requests", "cache_files")
    ax.set_title(f"{name}: request latency with a {fmt(cache)}-file connection cache")
    ax.legend(fontsize=8)
    save(fig, path)
    return (f"{name}: request latency by cache hit and miss",
            "A miss opens the tenant's file (and closes the least recently used one); a put waits for the "
            "journal's syncs. Hit ratio " + fmt(dig(metrics, "requests", "hit_ratio")) + ".")


def fig_packings(metrics, path, name):
    p = dig(metrics, "packings")
    if not isinstance(p, dict):
        raise Missing("no metrics.packings")
    names = [k for k in PACKINGS if isinstance(p.get(k), dict)]
    panels = [("bytes on disk per user", "bytes", lambda k: num(dig(p, k, "bytes_per_user"))),
              ("SQLite heap, cache full", "MiB",
               lambda k: (num(dig(p, k, "requests", "sqlite_heap_cached_bytes")) or 0) / 2**20),
              ("request latency p50", "µs", lambda k: num(dig(p, k, "requests", "latency_us", "all", "p50"))),
              ("walk over every file", "seconds", lambda k: num(dig(p, k, "walk", "seconds")))]
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.6), layout="constrained")
    for ax, (label, unit, get) in zip(axes, panels):
        vals = [get(k) or 0 for k in names]
        bars = ax.bar(names, vals, color=["#c44e52", "#4c72b0", "#55a868"][:len(names)])
        ax.bar_label(bars, labels=[fmt(v) for v in vals], fontsize=7)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("packing")
        ax.set_ylabel(unit)
        ax.margins(y=0.2)
        plt.setp(ax.get_xticklabels(), rotation=15)
    files = ", ".join(f"{k} {fmt(dig(p, k, 'files'))} files" for k in names)
    fig.suptitle(f"{name}: the same users packed three ways ({files})")
    save(fig, path)
    return (f"{name}: one file per user vs minishards vs shards",
            "Same users, rows and request stream in each packing; the walk runs one query over every file (C13).")


def fig_preallocation(metrics, path, name):
    a = dig(metrics, "preallocation")
    if not isinstance(a, dict):
        raise Missing("no metrics.preallocation")
    configs = [("none", "no chunk size"), ("chunk", f"chunk {fmt((num(a.get('chunk_bytes')) or 0) / 2**20)} MiB")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.6))
    rates = [num(dig(a, c, "rows_per_s")) or 0 for c, _ in configs]
    bars = left.bar([l for _, l in configs], rates, color="#4c72b0")
    left.bar_label(bars, labels=[fmt(v) for v in rates], fontsize=7)
    left.set_ylabel("rows inserted per second")
    left.set_xlabel("SQLITE_FCNTL_CHUNK_SIZE")
    left.set_title("insert rate (median of rounds)")
    ext = [num(dig(a, c, "extents_per_file")) for c, _ in configs]
    bars = right.bar([l for _, l in configs], [e or 0 for e in ext], color="#dd8452")
    right.bar_label(bars, labels=[fmt(e) if e is not None else "n/a" for e in ext], fontsize=7)
    right.set_ylabel("extents per file (FIEMAP)")
    right.set_xlabel("SQLITE_FCNTL_CHUNK_SIZE")
    right.set_title(f"fragmentation on {a.get('filesystem', '?')}")
    for ax in (left, right):
        ax.margins(y=0.2)
    fig.suptitle(f"{name}: pre-allocation, {fmt(a.get('files'))} files growing side by side")
    save(fig, path)
    return (f"{name}: pre-allocation (C20)",
            "The same inserts with and without a chunk size; speedup " + fmt(a.get("speedup")) + ".")


def tenants_html(r, out_dir, prefix):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = []
    prov, dirs, disk = dig(m, "provision") or {}, dig(m, "directories") or {}, dig(m, "disk") or {}
    rows = [["tenant files", fmt(m.get("tenants")), f"{fmt(m.get('rows_per_tenant'))} rows each, {esc(m.get('layout'))} layout"],
            ["provisioning", f"{fmt(prov.get('files_per_s'))} files/s",
             f"{fmt(prov.get('seconds'))} s on {fmt(prov.get('threads'))} threads; syncfs {fmt(prov.get('sync_seconds'))} s"],
            ["bare open+create+close loop", f"{fmt(dig(prov, 'bare', 'files_per_s'))} files/s",
             f"harness / bare = {fmt(prov.get('vs_bare'))}"],
            ["largest directory", f"{fmt(dirs.get('max_entries_per_dir'))} entries",
             f"{esc(dirs.get('fullest_dir'))}; {fmt(dirs.get('count'))} directories"],
            ["disk per tenant", f"{fmt(disk.get('allocated_bytes_per_tenant'))} B",
             f"{fmt(disk.get('apparent_bytes_per_tenant'))} B written"],
            ["open-files limit", fmt(dig(m, "limits", "nofile_soft")),
             f"was {fmt(dig(m, 'limits', 'nofile_soft_before'))}, hard {fmt(dig(m, 'limits', 'nofile_hard'))}"],
            ["peak RSS", f"{fmt((num(m.get('peak_rss_bytes')) or 0) / 2**20)} MiB", "the whole run"]]
    parts.append(table(["", "value", "detail"], rows))
    roots = [[esc(x.get("root")), esc(x.get("realpath")), esc(x.get("filesystem")), fmt(x.get("files")),
              fmt(x.get("max_entries_per_dir"))] for x in (m.get("roots") or []) if isinstance(x, dict)]
    if roots:
        parts.append(table(["root", "realpath", "filesystem", "files", "max entries/dir"], roots))
    parts.append(render_figure(fig_tenant_latency, m, out_dir, f"{prefix}{key}-tenant-latency.png", name, "Request latency figure"))
    if isinstance(m.get("packings"), dict):
        parts.append(render_figure(fig_packings, m, out_dir, f"{prefix}{key}-packings.png", name, "Packings figure"))
        p = m["packings"]
        prow = [[k, fmt(dig(p, k, "files")), fmt(dig(p, k, "bytes_per_user")),
                 fmt((num(dig(p, k, "requests", "sqlite_heap_cached_bytes")) or 0) / 2**20),
                 fmt(dig(p, k, "requests", "hit_ratio")), fmt(dig(p, k, "requests", "latency_us", "all", "p50")),
                 fmt(dig(p, k, "requests", "latency_us", "all", "p99")), fmt(dig(p, k, "walk", "seconds")),
                 fmt(dig(p, k, "walk", "rows"))] for k in PACKINGS if isinstance(p.get(k), dict)]
        parts.append(table(["packing", "files", "B/user on disk", "SQLite heap (MiB)", "hit ratio", "p50 (µs)",
                            "p99 (µs)", "walk (s)", "walk rows"], prow))
    if isinstance(m.get("preallocation"), dict):
        parts.append(render_figure(fig_preallocation, m, out_dir, f"{prefix}{key}-preallocation.png", name,
                                   "Pre-allocation figure"))
    return "\n".join(parts)


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


def backup_html(r, out_dir, prefix):
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


# ---------------------------------------------------------------------------
# Figures and tables: schema migrations (kind migrate)


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


def migrate_html(r, out_dir, prefix):
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


KIND_RENDERERS = {"workload": workload_html, "crash": crash_html, "reshard": reshard_html,
                  "concurrency": concurrency_html, "ids": ids_html, "tenants": tenants_html,
                  "backup": backup_html, "migrate": migrate_html}


def scenario_html(r, out_dir, prefix=""):
    key, name = r["_key"], r.get("name", r["_key"])
    head = [f'<h2 id="scenario-{esc(key)}">{esc(name)} <span class="muted">({esc(r.get("kind"))})</span></h2>']
    desc = dig(r, "scenario", "description")
    if desc:
        head.append(f"<p>{esc(desc)}</p>")
    facts = [f"file {r.get('file')}" if r.get("file") else None, f"seed {r.get('seed')}",
             f"started {r.get('started')}", f"{fmt(r.get('duration_s'))} s", f"status {r.get('status')}"]
    claims = dig(r, "scenario", "claims")
    if claims:
        facts.append("claims " + ", ".join(str(c) for c in claims))
    head.append(f'<p class="muted">{esc(" · ".join(f for f in facts if f))}</p>')
    if r.get("status") != "ok":
        head.append(f'<div class="error">{esc(r.get("error") or "status " + str(r.get("status")))}</div>')
        if not r.get("metrics"):
            return "\n".join(head)
    renderer = KIND_RENDERERS.get(r.get("kind"))
    if renderer is None:
        head.append(note(f"Unknown kind {r.get('kind')!r}: no figures."))
        return "\n".join(head)
    return "\n".join(head) + "\n" + renderer(r, out_dir, prefix)


def micro_table(micro):
    rows = []
    for run, aggs in micro_aggregates(micro).items():
        med, cv = micro_median(aggs), aggs.get("cv")
        cvv = num(dig(cv, "real_time"))
        counters = {k: v for k, v in (med or {}).items() if k not in {
            "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
            "repetition_index", "threads", "aggregate_name", "aggregate_unit", "iterations", "real_time",
            "cpu_time", "time_unit"} and num(v) is not None}
        rows.append([
            (f"<code>{esc(run)}</code>", ""),
            (esc(f"{fmt(dig(med, 'real_time'), 4)} {dig(med, 'time_unit') or ''}"), 'class="num"'),
            (esc("—" if cvv is None else f"{cvv * 100:.1f}%"),
             'class="num v-unknown"' if cvv is not None and cvv > 0.10 else 'class="num"'),
            ", ".join(f"{k} {fmt(v)}" for k, v in counters.items()),
        ])
    return table(["benchmark", "median (real time)", "cv", "counters (median)"], rows)


def micro_html(micro, out_dir, prefix=""):
    parts = ['<h2 id="micro">Micro-benchmarks <span class="muted">(micro.json)</span></h2>']
    parts.append(render_figure(fig_micro_route, micro, out_dir, f"{prefix}micro-route.png", "micro",
                               "Router lookup figure"))
    parts.append("<p>Every benchmark's median over the repetitions and its coefficient of variation "
                 "(highlighted above 10%: a noisy measurement).</p>")
    parts.append(micro_table(micro))
    return "\n".join(parts)


def gate_html(gate):
    """The regression gate's verdict: what regressed, changed or was too noisy to judge."""
    rows = gate.get("rows", [])
    failing = [r for r in rows if r.get("status") in ("regression", "changed", "verdict", "missing")]
    shown = failing + [r for r in rows if r.get("status") == "noisy" or (r.get("noisy") and r not in failing)]
    head = (f"<p>Compared with <code>{esc(gate.get('baseline', '?'))}</code> at a {(num(gate.get('threshold')) or 0) * 100:.0f} % "
            f"threshold (Mann-Whitney U, alpha {esc(gate.get('alpha'))}): {len(rows)} comparisons, "
            f"<b>{len(failing)} failing</b>. Timed metrics whose coefficient of variation exceeds the threshold are "
            "marked noisy: at that noise the comparison says little, and a slowdown among them fails only beyond 3x "
            "their cv.</p>")
    if not shown:
        return head
    body = []
    for r in shown:
        worse = r.get("worse_by")
        body.append([str(r.get("status")), str(r.get("source")), str(r.get("name")), fmt(r.get("baseline")),
                     fmt(r.get("current")), "" if worse is None else f"{worse * 100:+.1f} %",
                     "" if r.get("p") is None else f"{r['p']:.3f}",
                     "" if r.get("cv") is None else f"{r['cv'] * 100:.0f} %"])
    return head + table(["status", "where", "metric", "baseline", "current", "worse by", "p", "cv"], body)


def build_report(run, out_dir):
    """Write out_dir/index.html and its PNGs; return the path of the page."""
    os.makedirs(out_dir, exist_ok=True)
    body = [f"<h1>shardlab run {esc(run.label)}</h1>"]
    nav = [f'<a href="#scenario-{esc(r["_key"])}">{esc(r.get("name", r["_key"]))}</a>' for r in run.results]
    if run.micro is not None:
        nav.append('<a href="#micro">micro-benchmarks</a>')
    body.append('<nav><a href="#claims">claims</a>' + "".join(nav) + "</nav>")
    body.append("<h2>Where and when</h2>")
    body.append(fingerprint_html(run))
    body.append(scenario_index_html(run))
    body.extend(note(p) for p in run.problems)
    body.append('<h2 id="claims">Claims and checks</h2>')
    body.append("<p>Every check of every scenario: <span class=\"v-pass\">confirmed</span> (the expectation "
                "held), <span class=\"v-fail\">refuted</span> (it did not: a finding), <span class=\"v-unknown\">"
                "unknown</span> (the run produced no such metric). Claim ids in brackets come from the scenario, "
                "not the check.</p>")
    body.append(claims_summary_html(run))
    body.append(claims_table_html(run))
    if run.gate is not None:
        body.append('<h2 id="gate">Regression gate</h2>')
        body.append(gate_html(run.gate))
    for r in run.results:
        body.append(scenario_html(r, out_dir))
    if run.micro is not None:
        body.append(micro_html(run.micro, out_dir))
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page(f"shardlab run {run.label}", "\n".join(body)))
    return path


# ---------------------------------------------------------------------------
# Compare


KEY_FIGURES = {
    "workload": [("latency", fig_latency, "Latency"), ("walk", fig_walk, "Walk")],
    "crash": [("matrix", fig_crash_matrix, "Verdict matrix")],
    "reshard": [("movement", fig_movement, "Movement"), ("vnodes", fig_vnode_sweep, "Vnode sweep"),
                ("migration", fig_migration, "Migration")],
    "backup": [("backup-outcomes", fig_backup_outcomes, "Backup outcomes")],
}


def compare_checks_html(run_a, run_b):
    def index(run):
        return {(r.get("name", r["_key"]), c.get("name")): (r, c) for r, c in all_checks(run)}
    a, b = index(run_a), index(run_b)
    keys = list(dict.fromkeys(list(a) + list(b)))
    rows, changed = [], 0
    for key in keys:
        ra, ca = a.get(key, (None, {}))
        rb, cb = b.get(key, (None, {}))
        r, c = (ra, ca) if ra is not None else (rb, cb)
        claims, from_check = check_claims(r, c)
        va, vb = ca.get("verdict"), cb.get("verdict")
        is_changed = va != vb
        changed += is_changed
        scenario = esc(key[0])
        if ra is not None and rb is not None:
            scenario = f'<a href="#scenario-{esc(ra["_key"])}">{scenario}</a>'
        row = [(claim_links(claims, from_check, link=False), ""), (scenario, ""), (f"<code>{esc(key[1])}</code>", ""),
               verdict_cell(va) if ra is not None else "absent", fmt(ca.get("observed"), 6) if ra else "",
               verdict_cell(vb) if rb is not None else "absent", fmt(cb.get("observed"), 6) if rb else "",
               ('<span class="changed-mark">changed</span>', "") if is_changed else ""]
        rows.append(row)
    html_table = table(["claim", "scenario", "check", "verdict A", "observed A", "verdict B", "observed B",
                        "change"], rows, cls="compare")
    # mark changed rows: every row whose last cell holds the changed marker
    html_table = "\n".join(line.replace("<tr>", '<tr class="changed">', 1) if "changed-mark" in line else line
                           for line in html_table.split("\n"))
    return f"<p>{changed} of {len(rows)} checks changed verdict.</p>\n" + html_table


def compare_micro_html(run_a, run_b):
    a, b = micro_aggregates(run_a.micro), micro_aggregates(run_b.micro)
    rows = []
    for run in list(dict.fromkeys(list(a) + list(b))):
        na, nb = median_ns(micro_median(a.get(run, {}))), median_ns(micro_median(b.get(run, {})))
        ratio = nb / na if na and nb is not None else None
        cls = 'class="num"'
        if ratio is not None and ratio > 1.10:
            cls = 'class="num v-fail"'
        elif ratio is not None and ratio < 0.90:
            cls = 'class="num v-pass"'
        rows.append([(f"<code>{esc(run)}</code>", ""), (esc(fmt(na, 4)), 'class="num"'),
                     (esc(fmt(nb, 4)), 'class="num"'), (esc("—" if ratio is None else f"{ratio:.3f}"), cls)])
    return ("<p>Medians in ns; ratio B/A above 1.10 (slower, red) or below 0.90 (faster, green) is highlighted. "
            "Timings from different machines or loads compare poorly.</p>\n"
            + table(["benchmark", "median A (ns)", "median B (ns)", "ratio B/A"], rows))


def side_by_side(left, right):
    return f'<div class="side"><div>{left}</div><div>{right}</div></div>'


def compare_figures_html(ra, rb, out_dir):
    name = ra.get("name", ra["_key"])
    parts = [f'<h2 id="scenario-{esc(ra["_key"])}">{esc(name)} <span class="muted">({esc(ra.get("kind"))})</span></h2>']
    for r, side in ((ra, "A"), (rb, "B")):
        if r.get("status") != "ok":
            parts.append(f'<div class="error">{esc(side)}: {esc(r.get("error") or r.get("status"))}</div>')
    for suffix, func, what in KEY_FIGURES.get(ra.get("kind"), []):
        halves = []
        for r, side in ((ra, "a"), (rb, "b")):
            m = r.get("metrics") or {}
            halves.append(render_figure(func, m, out_dir, f"{side}-{r['_key']}-{suffix}.png",
                                        f"{side.upper()}: {name}", f"{what} ({side.upper()})"))
        parts.append(side_by_side(*halves))
    return "\n".join(parts)


def build_compare(run_a, run_b, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    body = [f"<h1>shardlab: {esc(run_a.label)} (A) vs {esc(run_b.label)} (B)</h1>"]
    body.append("<h2>Where and when</h2>")
    body.append(side_by_side(f"<h3>A: {esc(run_a.label)}</h3>" + fingerprint_html(run_a),
                             f"<h3>B: {esc(run_b.label)}</h3>" + fingerprint_html(run_b)))
    body.extend(note(f"A: {p}") for p in run_a.problems)
    body.extend(note(f"B: {p}") for p in run_b.problems)
    body.append('<h2 id="claims">Checks, A vs B</h2>')
    body.append(compare_checks_html(run_a, run_b))
    b_by_name = {r.get("name", r["_key"]): r for r in run_b.results}
    only = [r.get("name", r["_key"]) for r in run_a.results if r.get("name", r["_key"]) not in b_by_name]
    only += [n for n in b_by_name if n not in {r.get("name", r["_key"]) for r in run_a.results}]
    if only:
        body.append(note("In one run only (no figures): " + ", ".join(only)))
    for ra in run_a.results:
        rb = b_by_name.get(ra.get("name", ra["_key"]))
        if rb is not None:
            body.append(compare_figures_html(ra, rb, out_dir))
    if run_a.micro is not None or run_b.micro is not None:
        body.append('<h2 id="micro">Micro-benchmarks, A vs B</h2>')
        body.append(side_by_side(
            render_figure(fig_micro_route, run_a.micro, out_dir, "a-micro-route.png", "A: micro", "Router lookup (A)"),
            render_figure(fig_micro_route, run_b.micro, out_dir, "b-micro-route.png", "B: micro", "Router lookup (B)")))
        body.append(compare_micro_html(run_a, run_b))
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page(f"shardlab {run_a.label} vs {run_b.label}", "\n".join(body)))
    return path


# ---------------------------------------------------------------------------
# Command line


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse_args(argv):
    p = Parser(prog="report.py", description="Render a shardlab run directory as an HTML report.")
    p.add_argument("run_dir", nargs="?", metavar="RUN_DIR", help="a run directory (results/<timestamp>/)")
    p.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"), help="compare two run directories")
    p.add_argument("--out", metavar="DIR", help="output directory (default RUN_DIR/report/ or RUN_B/report-compare/)")
    args = p.parse_args(argv)
    if (args.run_dir is None) == (args.compare is None):
        raise UsageError("give either RUN_DIR or --compare RUN_A RUN_B")
    return args


def main(argv=None):
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        if args.compare:
            run_a, run_b = load_run(args.compare[0]), load_run(args.compare[1])
            path = build_compare(run_a, run_b, args.out or os.path.join(args.compare[1], "report-compare"))
        else:
            run = load_run(args.run_dir)
            path = build_report(run, args.out or os.path.join(args.run_dir, "report"))
    except UsageError as e:
        print(f"report.py: error: {e}", file=sys.stderr)
        return 2
    except SystemExit as e:  # --help
        return e.code if isinstance(e.code, int) else 0
    except OSError as e:
        print(f"report.py: cannot write the report: {e}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
