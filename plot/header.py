"""The head of a report page: where and when the run was made, and the index of its scenarios.

fingerprint_html() lists the environment the results recorded (SQLite version, data
filesystem, CPU, memory, kernel, compiler, build, git commit...) and the micro-benchmark
context, saying when scenarios disagree; scenario_index_html() is the table of every
scenario with its kind, status, seed, start, duration, filesystem, commit and check counts.
"""

from html_parts import esc, note, table
from values import dig, fmt, kib


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
