"""The regression gate's section of a report: what ci/gate.py (RUN_DIR/gate.json) said of the run.

gate_html() states the baseline, thresholds and alpha, how many comparisons failed, and
lists the failing ones (regression, changed exact or I/O count, more instructions,
changed verdict, missing) and the noisy ones with their kind, baseline, current value,
change, p value and cv.
"""

from html_parts import esc, table
from values import fmt, num


def gate_html(gate):
    """The regression gate's verdict: what regressed, changed or was too noisy to judge."""
    rows = gate.get("rows", [])
    failing = [r for r in rows if r.get("status") in ("regression", "changed", "verdict", "missing")]
    shown = failing + [r for r in rows if r.get("status") == "noisy" or (r.get("noisy") and r not in failing)]
    head = (f"<p>Compared with <code>{esc(gate.get('baseline', '?'))}</code> at a {(num(gate.get('threshold')) or 0) * 100:.0f} % "
            f"threshold (Mann-Whitney U, alpha {esc(gate.get('alpha'))}): {len(rows)} comparisons, "
            f"<b>{len(failing)} failing</b>. Timed metrics whose coefficient of variation exceeds the threshold are "
            "marked noisy: at that noise the comparison says little, and a slowdown among them fails only beyond 3x "
            "their cv."
            + (f" Instruction counts (callgrind, a fixed number of iterations) fail beyond "
               f"{(num(gate.get('instructions_threshold')) or 0) * 100:.0f} % more per iteration, whatever the clock said."
               if any(r.get("kind") == "instructions" for r in rows) else "")
            + "</p>")
    if not shown:
        return head
    body = []
    for r in shown:
        worse = r.get("worse_by")
        body.append([str(r.get("status")), str(r.get("kind", "")), str(r.get("source")), str(r.get("name")),
                     fmt(r.get("baseline")),
                     fmt(r.get("current")), "" if worse is None else f"{worse * 100:+.1f} %",
                     "" if r.get("p") is None else f"{r['p']:.3f}",
                     "" if r.get("cv") is None else f"{r['cv'] * 100:.0f} %"])
    return head + table(["status", "kind", "where", "metric", "baseline", "current", "worse by", "p", "cv"], body)
