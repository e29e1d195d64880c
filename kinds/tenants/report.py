"""The report's section for kind tenants: one file per tenant at scale.

A table of the fleet (files, provisioning rate against a bare loop, the fullest directory,
disk per tenant, open-files limit, peak RSS) and of its roots; request latency by
connection-cache hit and miss; the same users packed three ways (one file per user,
minishards, shards); and pre-allocation with and without a chunk size. Loaded by
plot/kind_sections.py, which puts plot/ on sys.path for the shared helpers.
"""

from figures import Missing, new_figure, plain_log_ticks, plt, render_figure, save
from html_parts import esc, table
from values import dig, fmt, num

ORDER = 5  # this kind's sections come after those of lower ORDER

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


def section_html(r, out_dir, prefix):
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


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("tenant-latency", fig_tenant_latency, "Request latency")]
