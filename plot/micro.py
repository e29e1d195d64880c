"""The micro-benchmarks section: micro.json (Google Benchmark JSON) as a figure and a table.

micro_aggregates() indexes the benchmarks by run name and aggregate (a plain run stands in
for the median); fig_micro_route() draws the router lookup cost against the shard count
(BM_Route/<router>/<N>); micro_table() lists every benchmark's median, cv (highlighted
above 10 %) and counters; micro_html() is the whole section. The compare page reuses
median_ns() and micro_median().
"""

import re

import matplotlib.ticker

from figures import Missing, new_figure, render_figure, save
from html_parts import esc, table
from values import dig, fmt, natural_key, num

TIME_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


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


def micro_table(micro):
    """One row per benchmark, grouped by family (the name before the first '/') and in
    natural order within it (BM_Route/jump/16 before BM_Route/jump/1024)."""
    rows = []
    family_before = None
    for run, aggs in sorted(micro_aggregates(micro).items(), key=lambda kv: natural_key(kv[0])):
        family = run.split("/", 1)[0]
        med, cv = micro_median(aggs), aggs.get("cv")
        cvv = num(dig(cv, "real_time"))
        counters = {k: v for k, v in (med or {}).items() if k not in {
            "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
            "repetition_index", "threads", "aggregate_name", "aggregate_unit", "iterations", "real_time",
            "cpu_time", "time_unit"} and num(v) is not None}
        rows.append([
            (f"<strong>{esc(family)}</strong>" if family != family_before else "", ""),
            (f"<code>{esc(run)}</code>", ""),
            (esc(f"{fmt(dig(med, 'real_time'), 4)} {dig(med, 'time_unit') or ''}"), 'class="num"'),
            (esc("—" if cvv is None else f"{cvv * 100:.1f}%"),
             'class="num v-unknown"' if cvv is not None and cvv > 0.10 else 'class="num"'),
            ", ".join(f"{k} {fmt(v)}" for k, v in counters.items()),
        ])
        family_before = family
    return table(["family", "benchmark", "median (real time)", "cv", "counters (median)"], rows)


def micro_html(micro, out_dir, prefix=""):
    parts = ['<h2 id="micro">Micro-benchmarks <span class="muted">(micro.json)</span></h2>']
    parts.append(render_figure(fig_micro_route, micro, out_dir, f"{prefix}micro-route.png", "micro",
                               "Router lookup figure"))
    parts.append("<p>Every benchmark's median over the repetitions and its coefficient of variation "
                 "(highlighted above 10%: a noisy measurement).</p>")
    parts.append(micro_table(micro))
    return "\n".join(parts)
