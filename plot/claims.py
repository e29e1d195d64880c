"""The claims tables: every check of every scenario, and the verdict of each claim they test.

A check names its claim, or inherits the claims of its scenario (shown in brackets).
claims_summary_html() gives one row per claim, counting both (confirmed when every check
of it passed, refuted when one failed, unknown otherwise or when no check tests it); claims_table_html() gives one row per check
with its expectation, observed value and verdict. The compare page reuses all_checks(),
check_claims() and claim_links().
"""

from html_parts import VERDICT_WORDS, esc, note, table, verdict_cell
from values import dig, fmt, natural_key, slug

OP_SYMBOLS = {"eq": "=", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


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
        for claim in claims:
            entry = per_claim.setdefault(claim, {"pass": 0, "fail": 0, "unknown": 0, "inherited": 0, "scenarios": {}})
            v = c.get("verdict") if c.get("verdict") in VERDICT_WORDS else "unknown"
            entry[v] += 1
            entry["inherited"] += 0 if from_check else 1
            entry["scenarios"][r["_key"]] = r.get("name", r["_key"])
    for r in run.results:  # claims a scenario names without a check of its own
        for claim in dig(r, "scenario", "claims") or []:
            per_claim.setdefault(str(claim), {"pass": 0, "fail": 0, "unknown": 0, "inherited": 0, "scenarios": {}})
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
            (f"{e['pass']} / {e['fail']} / {e['unknown']}"
             + (f' <span class="muted">({e["inherited"]} by their scenario)</span>' if e["inherited"] else ""),
             'class="num"'),
            (", ".join(f'<a href="#scenario-{esc(k)}">{esc(n)}</a>' for k, n in e["scenarios"].items()), ""),
        ])
    return ("<h3>Claims</h3>\n" + table(["claim", "here", "checks confirmed / refuted / unknown", "scenarios"], rows))


def observed_text(c):
    """The observed value, and for a check judged over repetitions its 95 % interval and n:
    "1.12 [1.073, 1.167] n=5"."""
    text = fmt(c.get("observed"), 6)
    interval = c.get("interval")
    if isinstance(interval, list) and len(interval) == 2:
        text += f" [{fmt(interval[0], 4)}, {fmt(interval[1], 4)}] n={c.get('samples')}"
    return text


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
            observed_text(c),
            verdict_cell(c.get("verdict")),
            " — ".join(str(n) for n in notes),
        ])
    if not rows:
        return note("No checks in this run.")
    return table(["claim", "scenario", "check", "expected", "observed", "verdict", "note"], rows, cls="claims")
