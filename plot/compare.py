"""The compare page (--compare RUN_A RUN_B): two runs side by side.

build_compare() writes both environment fingerprints, every check's verdict and observed
value in A and in B (changed verdicts highlighted), the key figures of every scenario in
both runs (each kind's KEY_FIGURES, from kinds/<kind>/report.py) and the micro-benchmark
medians with the ratio B/A.
"""

import os

import kind_sections
from claims import all_checks, check_claims, claim_links, observed_text
from figures import render_figure
from header import fingerprint_html
from html_parts import esc, note, page, side_by_side, table, verdict_cell
from micro import fig_micro_route, median_ns, micro_aggregates, micro_median
from values import fmt


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
               verdict_cell(va) if ra is not None else "absent", observed_text(ca) if ra else "",
               verdict_cell(vb) if rb is not None else "absent", observed_text(cb) if rb else "",
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


def compare_figures_html(ra, rb, out_dir):
    name = ra.get("name", ra["_key"])
    parts = [f'<h2 id="scenario-{esc(ra["_key"])}">{esc(name)} <span class="muted">({esc(ra.get("kind"))})</span></h2>']
    for r, side in ((ra, "A"), (rb, "B")):
        if r.get("status") != "ok":
            parts.append(f'<div class="error">{esc(side)}: {esc(r.get("error") or r.get("status"))}</div>')
    for suffix, func, what in kind_sections.key_figures(ra.get("kind")):
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
