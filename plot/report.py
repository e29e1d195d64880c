#!/usr/bin/python3
"""Render a shardlab run directory as one self-contained HTML page (figures embedded).

Usage:
    plot/report.py RUN_DIR [--out DIR]
        Reads RUN_DIR/<scenario>.json (one shardlab result per scenario) and
        RUN_DIR/micro.json (Google Benchmark output, optional); ignores the
        repeats/ and data/ subfolders. Writes DIR/index.html, one file with its
        figures inside as PNG data: URIs (DIR defaults to RUN_DIR/report/).

    plot/report.py --compare RUN_A RUN_B [--out DIR]
        A side-by-side page of two runs: both environment fingerprints, every
        check's verdict in A and in B (changed verdicts highlighted), key figures
        of every scenario present in both, and micro-benchmark medians with the
        ratio B/A. DIR defaults to RUN_B/report-compare/.

The page: a header (when, where, git commit, seeds), a claims table (every check of
every scenario: pass = confirmed, fail = refuted, unknown = the metric is absent),
then one section per scenario (figures with a caption saying what to look for) and
one for the micro-benchmarks. Nothing is fetched and nothing lies beside the page:
inline CSS, figures as data: URIs, so index.html opens anywhere on its own.
A missing or malformed metric skips its figure with a note; a scenario with status
"error" shows its error text.

This file is the command line and the page's outline. Each kind's section lives in
kinds/<kind>/report.py (loaded by path by kind_sections.py, beside this file, for the
kind of each result); the shared pieces are the modules beside this file: values
(reading and formatting JSON values), html_parts (CSS, tables, notes), figures
(matplotlib and embedding), rundir (loading a run), header (fingerprint, scenario
index), claims, micro, gate_table and compare (the --compare page).

Exit codes: 0 the page was written; 1 it could not be written (I/O error);
2 usage error (missing or unreadable run directory, no result files), with one line
on stderr. Requires Python 3 with matplotlib (Agg backend) and numpy.
"""

import argparse
import os
import sys

import kind_sections
from claims import claims_summary_html, claims_table_html
from compare import build_compare
from gate_table import gate_html
from header import fingerprint_html, scenario_index_html
from html_parts import esc, note, page
from micro import micro_html
from rundir import UsageError, load_run
from values import dig, fmt


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
    kind = kind_sections.module(r.get("kind"))
    if kind is None:
        head.append(note(f"Unknown kind {r.get('kind')!r}: no figures."))
        return "\n".join(head)
    return "\n".join(head) + "\n" + kind.section_html(r, out_dir, prefix)


def quick_badge_html(run):
    """A visible mark on a run made with --quick: its timings rest on fewer repetitions."""
    quick = [r.get("name", r["_key"]) for r in run.results if dig(r, "run", "quick") is True]
    if not quick:
        return ""
    which = "every scenario" if len(quick) == len(run.results) else ", ".join(quick)
    return (f'<p><span class="badge quick" id="quick-run">quick run</span> {esc(which)} ran with '
            "<code>--quick</code>: one repetition and fewer timed operations (the loaded data and "
            "every exact count are the same), so timings and their intervals are rougher.</p>")


def build_report(run, out_dir):
    """Write out_dir/index.html (figures inside it); return the path of the page."""
    os.makedirs(out_dir, exist_ok=True)
    body = [f"<h1>shardlab run {esc(run.label)}</h1>"]
    body.append(quick_badge_html(run))
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
