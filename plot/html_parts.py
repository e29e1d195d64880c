"""The HTML building blocks of the report and compare pages: CSS, page shell, tables, notes.

esc() escapes any value; page() wraps a body in a self-contained document with the inline
CSS; table() renders rows whose cells are escaped text or (html, td attributes) tuples;
note() is the yellow remark used wherever something cannot be shown; verdict_cell() and
outcome_cell() colour a check's verdict or a crash outcome; side_by_side() puts two
fragments in two columns (the compare page). Nothing is fetched: no scripts, no links out.
"""

import html

from values import slug

VERDICT_WORDS = {"pass": "confirmed", "fail": "refuted", "unknown": "unknown"}


def esc(value):
    """HTML-escape anything (None becomes an empty string)."""
    return html.escape("" if value is None else str(value), quote=True)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:1250px;
     padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.2em} h2{border-bottom:2px solid #ccc;margin-top:2em} h3{margin-top:1.4em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em;display:block;max-width:100%;overflow-x:auto}
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
.badge{display:inline-block;padding:.25em .7em;border-radius:.3em;font-weight:700;margin:.2em 0}
.badge.quick{background:#fff3cd;color:#856404;border:1px solid #e0c000}
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


def side_by_side(left, right):
    return f'<div class="side"><div>{left}</div><div>{right}</div></div>'
