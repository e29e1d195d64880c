"""The report's section for kind crash: the verdict matrix, timelines, I/O error campaigns, 2pc.

The matrix colours each strategy / journal mode (/ synchronous) by fault cell by its share
of violations among what the cell judged: the states explored (engine replay, each crash
state judged once) or the trials (engine fork). A table gives every cell's engine, states
or trials, outcome counts, acknowledged transfers, crosscheck and clean commit point. A
timeline per enumerate cell (attach cells first, at most MAX_TIMELINES) shows the outcome
at each crash point, the start (before any event) and then just after each I/O event, with
the counts per outcome where a point has several states (power_loss_reorder); the errors
campaign gets a table per cell of its injected failures. 2pc cells (PostgreSQL servers) get
a section of their own: claim C12 side by side with the saga and attach cells (atomic
after recovery, intermediate states seen, participants blocked and for how long) and a
figure of what each protocol step point left. Results written before the replay
engine (no engine, timeline entries with before/after outcomes) are drawn from what they have.
Loaded by plot/kind_sections.py, which puts plot/ on sys.path for the shared helpers.
"""

import math

import numpy as np

from figures import DPI, Missing, new_figure, plt, render_figure, save
from html_parts import esc, note, outcome_cell, table
from values import dig, fmt, num, slug

ORDER = 1  # this kind's sections come after those of lower ORDER

OUTCOME_COLOURS = {
    "old": "#4c72b0",
    "new": "#55a868",
    "old+new": "#64b5cd",
    "mixed": "#c44e52",
    "lost": "#dd8452",
    "corrupt": "#8172b3",
    "hung": "#222222",
}
OUTCOME_ORDER = list(OUTCOME_COLOURS)

MAX_TIMELINES = 8
MAX_LABELLED_POINTS = 90  # beyond this many crash points a timeline's ticks are plain indexes


def cells_of(metrics):
    cells = [c for c in (dig(metrics, "cells") or []) if isinstance(c, dict)]
    if not cells:
        raise Missing("no metrics.cells")
    return cells


def is_two_phase(cell):
    return cell.get("strategy") == "2pc"


def servers_label(cell):
    return f"{fmt(cell.get('participants'))} servers"


def cell_row_label(cell, with_sync):
    if is_two_phase(cell):  # PostgreSQL in the journal mode's place, the servers in synchronous's
        return f"2pc / postgres / {servers_label(cell)}"
    parts = [cell.get("strategy"), cell.get("journal_mode")]
    if with_sync:
        parts.append(f"sync={cell.get('synchronous')}")
    return " / ".join(str(p) for p in parts)


def cell_label(cell):
    if is_two_phase(cell):
        return f"2pc / postgres / {servers_label(cell)} / {cell.get('fault')}"
    return " / ".join(str(cell.get(k)) for k in ("strategy", "journal_mode", "synchronous", "fault"))


def compact(value):
    """A count that can be huge (states_possible is a float): '97', '229 525', '1.5e9'."""
    n = num(value)
    if n is None:
        return fmt(value)
    if abs(n) < 1e6:
        return fmt(int(n)) if n.is_integer() else fmt(n)
    mantissa, exponent = f"{n:.2g}".split("e")
    return f"{mantissa}e{int(exponent)}"


def is_replay(cell):
    return cell.get("engine") == "replay"


def judged(cell):
    """What a cell's count is: (the count, 'states' or 'trials')."""
    if is_replay(cell):
        return cell.get("states_explored", cell.get("trials")), "states"
    return cell.get("trials"), "trials"


def states_text(cell):
    """'2901 explored / 1113 distinct / 229 525 possible' (replay) or '97 trials' (fork, older results)."""
    if not is_replay(cell):
        return f"{fmt(cell.get('trials'))} trials"
    parts = [f"{fmt(judged(cell)[0])} explored"]
    if "states_distinct" in cell:
        parts.append(f"{fmt(cell.get('states_distinct'))} distinct")
    if "states_possible" in cell:
        parts.append(f"{compact(cell.get('states_possible'))} possible")
    return " / ".join(parts)


def crosscheck_of(cell):
    """('8/8 identical', all identical) or None when the cell was not crosschecked."""
    cc = cell.get("crosscheck")
    trials, identical = num(dig(cc, "trials")), num(dig(cc, "identical"))
    if trials is None or identical is None:
        return None
    return f"{fmt(cc['identical'])}/{fmt(cc['trials'])} identical", identical == trials


def clean_commit_point(cell):
    """The commit point's text when it is clean, else None."""
    cp = cell.get("commit_point")
    if isinstance(cp, dict) and cp.get("clean") is True and cp.get("text"):
        return str(cp["text"])
    return None


def engines_of(metrics, cells):
    engines = list(dict.fromkeys(str(c["engine"]) for c in cells if isinstance(c.get("engine"), str)))
    if not engines and isinstance(dig(metrics, "engine"), str):
        engines = [metrics["engine"]]
    return engines


ENGINE_CAPTIONS = {
    "replay": "Engine replay: each cell's I/O was recorded once, then every crash state its fault model allows at "
              "each crash point (power_loss_reorder: up to max_states_per_point of them) was rebuilt, recovered "
              "and judged once (each cell: violations / states explored, the mixed and lost counts, then the "
              "distinct states and the states the model allows).",
    "fork": "Engine fork: one child process per trial, killed (or failed) at its crash point (each cell: "
            "violations / trials, then the mixed and lost counts).",
    "postgres": "2pc cells: one transfer per trial under two-phase commit on real PostgreSQL servers, its "
                "coordinator or one server killed at a step point (a violation: an outcome other than the step "
                "implies, or something left prepared).",
}


SIMULATED_MODELS = {
    "power_loss": "power_loss: only what a sync made durable survives",
    "power_loss_reorder": "power_loss_reorder: that plus subsets of the writes not yet synced",
    "power_loss_torn": "power_loss_torn: that with the unsynced sectors old, new or garbage",
}


def fig_crash_matrix(metrics, path, name):
    cells = cells_of(metrics)
    with_sync = len({c.get("synchronous") for c in cells if not is_two_phase(c)}) > 1
    rows = list(dict.fromkeys(cell_row_label(c, with_sync) for c in cells))
    cols = list(dict.fromkeys(str(c.get("fault")) for c in cells))
    grid = np.full((len(rows), len(cols)), np.nan)
    notes = {}
    simulated = set()
    for c in cells:
        r, k = rows.index(cell_row_label(c, with_sync)), cols.index(str(c.get("fault")))
        count, unit = judged(c)
        trials, viol = num(count), num(c.get("violations_total"))
        if trials and viol is not None:
            grid[r, k] = viol / trials
        lines = [f"{fmt(c.get('violations_total'))} / {fmt(count)} {unit}",
                 f"mixed {fmt(c.get('mixed'))} · lost {fmt(c.get('lost'))}"]
        extra = [f"{k2} {fmt(c[k2])}" for k2 in ("corrupt", "hung") if num(c.get(k2))]
        if extra:
            lines.append(" · ".join(extra))
        if is_replay(c):
            lines.append(f"{fmt(c.get('states_distinct'))} distinct · {compact(c.get('states_possible'))} possible")
        if c.get("unavailable"):
            lines = ["not available"]
        if c.get("durability_promised") is False:
            lines.append("(no durability promise)")
        if c.get("expected_unsafe"):
            lines.append("(unsafe by config)")
        notes[(r, k)] = lines
        if c.get("simulated"):
            simulated.add(str(c.get("fault")))
    lines_per_cell = max(len(v) for v in notes.values())
    fig, ax = new_figure(2.4 * len(cols) + 3.2, max(0.85, 0.17 * lines_per_cell + 0.1) * len(rows) + 1.6)
    cmap = plt.get_cmap("Reds").copy()
    cmap.set_bad("#dddddd")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for (r, k), lines in notes.items():
        dark = not np.isnan(grid[r, k]) and grid[r, k] > 0.55
        ax.text(k, r, "\n".join(lines), ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels([c + ("\n(simulated)" if c in simulated else "") for c in cols])
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows)
    ax.set_xlabel("fault")
    ax.set_ylabel("strategy / journal mode" + (" / synchronous" if with_sync else ""))
    engines = engines_of(metrics, cells)
    # Results from before the replay engine record no engine: their counts are fork trials.
    per, per_plural = (("state explored", "states") if engines == ["replay"] else
                       ("trial", "trials") if len(engines) <= 1 else ("state or trial", "states or trials"))
    ax.set_title(f"{name}: violations per {per}" + (f" (engine {', '.join(engines)})" if engines else ""))
    fig.colorbar(im, ax=ax, label=f"violations / {per_plural}", fraction=0.046, pad=0.04)
    save(fig, path)
    caption = ["White cells never violated atomicity or durability; the redder a cell, the larger the share "
               "of its crash states that were mixed, lost or corrupt."]
    caption += [ENGINE_CAPTIONS.get(e, f"Engine {e}.") for e in engines]
    if not engines:
        caption.append("Engine not recorded (a result from before the replay engine: each count is fork trials, "
                       "a crash before and one after each event).")
    if simulated:
        kept = [SIMULATED_MODELS[f] for f in sorted(simulated) if f in SIMULATED_MODELS]
        caption.append(f"Simulated: {', '.join(sorted(simulated))} — persistence models of what a power cut keeps "
                       f"({'; '.join(kept)}), not real power cuts.")
    return f"{name}: crash verdict matrix", " ".join(caption)


def outcome_counts(entry, outcome):
    """{outcome: states} at one crash point; one state of `outcome` when the result has no counts."""
    counts = entry.get("outcomes")
    if isinstance(counts, dict):
        counts = {str(k): num(v) for k, v in counts.items() if num(v)}
        if counts:
            return counts
    return {str(outcome): 1.0}


def crash_points(cell):
    """[(x, tick label, outcome, {outcome: states})]: the start at x = first event - 1, then the
    crash point just after each event at x = its index. Older results (before/after per event)
    give their crash-after outcomes, and the crash before the first event as the start."""
    events = [e for e in (cell.get("timeline") or []) if isinstance(e, dict) and num(e.get("index")) is not None]
    if not events:
        raise Missing("no timeline")
    events.sort(key=lambda e: num(e["index"]))
    start_x = num(events[0]["index"]) - 1
    points = []
    start = cell.get("start")
    if isinstance(start, dict) and start.get("outcome") is not None:
        points.append((start_x, "start", str(start["outcome"]), outcome_counts(start, start["outcome"])))
    elif events[0].get("before") is not None:
        points.append((start_x, "start", str(events[0]["before"]), {str(events[0]["before"]): 1.0}))
    for e in events:
        outcome = str(e.get("outcome", e.get("after")))
        label = f"{fmt(e['index'])} {e.get('op', '')} {e.get('role', '')}"
        points.append((num(e["index"]), label, outcome, outcome_counts(e, outcome)))
    return points


def ordered_outcomes(outcomes):
    outcomes = list(dict.fromkeys(outcomes))
    return [o for o in OUTCOME_ORDER if o in outcomes] + sorted(o for o in outcomes if o not in OUTCOME_ORDER)


def fig_crash_timeline(cell, path, name):
    points = crash_points(cell)
    xs = [p[0] for p in points]
    several = any(sum(p[3].values()) > 1 for p in points)
    width = min(18.0, max(7.0, 0.17 * len(points) + 2.5))
    if several:
        fig, (top, ax) = plt.subplots(2, 1, sharex=True, figsize=(width, 5.0), dpi=DPI,
                                      gridspec_kw={"height_ratios": [3, 1]})
        bottom = np.zeros(len(points))
        for outcome in ordered_outcomes(o for p in points for o in p[3]):
            ys = np.array([p[3].get(outcome, 0.0) for p in points])
            top.bar(xs, ys, 0.8, bottom=bottom, label=outcome, color=OUTCOME_COLOURS.get(outcome, "#bbbbbb"))
            bottom += ys
        top.set_ylabel("crash states at this point")
        top.legend(title="states", fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
        title_ax = top
    else:
        fig, ax = new_figure(width, 2.6)
        title_ax = ax
    for outcome in ordered_outcomes(p[2] for p in points):
        px = [p[0] for p in points if p[2] == outcome]
        ax.scatter(px, [0] * len(px), s=42, marker="s", label=outcome, zorder=3,
                   color=OUTCOME_COLOURS.get(outcome, "#bbbbbb"), edgecolors="none")
    cp_text = clean_commit_point(cell)
    cp = num(dig(cell, "commit_point", "event", "index"))
    if cp_text and cp is not None:
        for a in ((top, ax) if several else (ax,)):
            a.axvline(cp - 0.5, color="black", linestyle="--", linewidth=1, zorder=1)
        what = " ".join(str(dig(cell, "commit_point", "event", k) or "") for k in ("op", "role")).strip()
        ax.annotate(f"commit point: after event {fmt(cp)} {what}".strip(), (cp - 0.5, 0.45), ha="right", va="center",
                    fontsize=8, xytext=(-4, 0), textcoords="offset points")
    ax.set_yticks([0])
    ax.set_yticklabels(["crash after event"])
    ax.set_ylim(-0.7, 0.8)
    ax.set_xlim(min(xs) - 1, max(xs) + 1)
    if len(points) <= MAX_LABELLED_POINTS:
        ax.set_xticks(xs)
        ax.set_xticklabels([p[1] for p in points], rotation=90, fontsize=6)
        ax.set_xlabel("crash point: just after I/O event (index, operation, file role)")
    else:
        step = next(s for s in (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10**4, 10**5, 10**6, math.inf)
                    if len(points) / s <= 40)
        chosen = [p for p in points[1:] if p[0] % step == 0 and p[0] > xs[0] + step / 2] if step < math.inf else []
        ax.set_xticks([xs[0]] + [p[0] for p in chosen])
        ax.set_xticklabels(["start"] + [fmt(p[0]) for p in chosen], rotation=90, fontsize=7)
        ax.set_xlabel("crash point: just after I/O event (index)")
    title_ax.set_title(f"{name}: {cell_label(cell)} — outcome of a crash at each crash point")
    ax.legend(title="outcome", fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    save(fig, path)
    caption = ("Each square is one crash point: the start (before any I/O event), then just after each event; "
               "find where the colour turns from old (blue) to new (green) — red (mixed) or orange (lost) "
               "squares are violations.")
    if several:
        caption += (" Several crash states per point (the subsets of the unsynced writes a power loss may keep): "
                    "the bars count them by outcome, the square shows the most telling one "
                    "(corrupt, then mixed, lost, hung; old+new when both).")
    if "start" not in cell and any("after" in e for e in (cell.get("timeline") or []) if isinstance(e, dict)):
        caption += " An older result: the crash after each event is shown, the start is the crash before the first."
    if cp_text:
        caption += (f" Commit point of the last transfer: {cp_text} (clean: since that transfer began, every "
                    "crash before it gave old and every crash after it new).")
    else:
        reason = dig(cell, "vacuous", "commit_point")
        text = dig(cell, "commit_point", "text")
        caption += (" No clean commit point" + (f": {reason}" if isinstance(reason, str) else "")
                    + (f" (from the crash point {text} on, every crash gives new)" if text else "") + ".")
    return f"{name}: {cell_label(cell)} timeline", caption


def timeline_cells(cells):
    """Enumerate cells with a timeline, attach first, at most MAX_TIMELINES."""
    with_tl = [c for c in cells if c.get("timeline")]
    ordered = sorted(with_tl, key=lambda c: c.get("strategy") != "attach")
    return ordered[:MAX_TIMELINES], len(with_tl)


def crash_cells_table(cells):
    rows = []
    for c in cells:
        if is_two_phase(c):
            continue  # their own table (two_phase_html)
        counts = [(esc(fmt(c.get(k))), 'class="num"') for k in
                  ("old", "new", "mixed", "lost", "corrupt", "hung", "violations_total", "failed_commits",
                   "acknowledged")]
        if num(c.get("violations_total")):
            counts[6] = (counts[6][0], 'class="num v-fail"')
        cc = crosscheck_of(c)
        crosscheck = "—" if cc is None else (esc(cc[0]), "" if cc[1] else 'class="v-fail"')
        cp = clean_commit_point(c)
        if cp is None:
            cp = "—, not clean" if isinstance(c.get("commit_point"), dict) else "—"
        rows.append([cell_label(c), c.get("campaign"), c.get("engine") or "—", (esc(states_text(c)), 'class="num"')]
                    + counts + [crosscheck, "yes" if c.get("durability_promised") else "no", cp])
    return table(["strategy / journal / synchronous / fault", "campaign", "engine", "states or trials", "old", "new",
                  "mixed", "lost", "corrupt", "hung", "violations", "failed commits", "acknowledged", "crosscheck",
                  "durability promised", "commit point"], rows)


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


def ms_pair(cell, key):
    """'54.0 / 59.7' ({p50, max} in ms), '—' when nothing was measured."""
    v = cell.get(key)
    if not isinstance(v, dict) or num(v.get("p50")) is None:
        return "—"
    return f"{fmt(v['p50'])} / {fmt(v.get('max'))}"


def share(count, of):
    """'80 (67 %)', or the count alone when there is nothing to divide by."""
    n, d = num(count), num(of)
    if n is None:
        return "—"
    return f"{fmt(count)} ({100 * n / d:.0f} %)" if d else fmt(count)


def c12_table(cells):
    """Claim C12 side by side: saga and attach on SQLite shards, 2pc on PostgreSQL servers."""
    rows = []
    for c in cells:
        if c.get("unavailable"):
            continue
        count, unit = judged(c)
        broken = sum(num(c.get(k)) or 0 for k in ("mixed", "lost", "corrupt"))
        if is_two_phase(c):
            rows.append([cell_label(c), (esc(f"{fmt(count)} trials"), 'class="num"'),
                         (esc(fmt(broken)), 'class="num v-fail"' if broken else 'class="num"'),
                         (esc(share(c.get("intermediate"), count)), 'class="num"'),
                         (esc(share(c.get("blocked"), count)), 'class="num"'),
                         (esc(ms_pair(c, "blocked_ms")), 'class="num"'), (esc(ms_pair(c, "resolve_ms")), 'class="num"'),
                         (esc(fmt(c.get("leftover_prepared"))), 'class="num"'),
                         f"{fmt(c.get('as_expected'))} / {fmt(c.get('trials'))}"])
        elif c.get("strategy") in ("saga", "attach") and c.get("fault") == "process_crash":
            intermediate = share(c.get("intermediate"), count) if "intermediate" in c else "none (one transaction)"
            rows.append([cell_label(c), (esc(f"{fmt(count)} {unit}"), 'class="num"'),
                         (esc(fmt(broken)), 'class="num v-fail"' if broken else 'class="num"'),
                         (esc(intermediate), 'class="num"'), "no (local commits)" if c["strategy"] == "saga" else
                         "no (one file lock)", "—", "—", "—", "—"])
    return table(["cell", "trials or states", "mixed + lost + corrupt after recovery", "intermediate state seen",
                  "participant held prepared", "writer wait p50 / max ms", "resolve p50 / max ms",
                  "left prepared", "as the step implies"], rows)


def fig_two_phase_steps(cells, path, name):
    """Per 2pc cell, per step point: the share of trials left held prepared, seen partly
    applied by a reader, and committed."""
    cells = [c for c in cells if is_two_phase(c) and isinstance(c.get("steps"), list) and c["steps"]]
    if not cells:
        raise Missing("no 2pc step points")
    fig, axes = plt.subplots(len(cells), 1, figsize=(10, 3.2 * len(cells) + 0.4), dpi=DPI, squeeze=False)
    series = [("blocked", "held prepared (blocked)", "#c44e52"), ("intermediate", "reader saw it partly applied",
                                                                   "#dd8452"), ("new", "committed", "#55a868")]
    held_steps = []
    for ax, c in zip(axes[:, 0], cells):
        steps = [s for s in c["steps"] if isinstance(s, dict)]
        labels = [str(s.get("at", s.get("step"))).replace(", before the decision", "\n(no decision)") for s in steps]
        values = [[(num(s.get(k)) or 0) / num(s["trials"]) if num(s.get("trials")) else None for s in steps]
                  for k, _, _ in series]
        x = np.arange(len(steps))
        width = 0.8 / len(series)
        for i, (k, label, colour) in enumerate(series):
            ax.bar(x + (i - 1) * width, [v if v is not None else np.nan for v in values[i]], width, label=label,
                   color=colour)
        ax.set_xticks(x)
        ax.set_xticklabels([l.replace("after ", "after\n", 1) for l in labels], fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("share of trials")
        ax.set_title(f"{cell_label(c)}: {fmt(c.get('trials'))} trials", fontsize=9)
        held_steps.append((c, [str(s.get("at")) for s in steps if num(s.get("blocked"))]))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, loc="upper center", ncol=len(series), bbox_to_anchor=(0.5, 1.0),
               frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()), h_pad=1.2)
    save(fig, path)
    caption = []
    for c, held in held_steps:
        if c.get("fault") == "coordinator_crash" and held:
            caption.append(f"{cell_label(c)}: a participant held the transfer prepared when the coordinator died "
                           f"{held[0]} through {held[-1]} ({fmt(c.get('blocked'))} of {fmt(c.get('trials'))} trials); "
                           f"a writer on a held row waited {ms_pair(c, 'blocked_ms')} ms (p50 / max) with the "
                           f"coordinator down {fmt(c.get('down_ms'))} ms.")
    caption.append("Committed: what the resolver left, once the coordinator's log was read (presumed abort).")
    return f"{name}: two-phase commit per step point", " ".join(caption)


def two_phase_html(cells, out_dir, prefix, key, name):
    tpc = [c for c in cells if is_two_phase(c)]
    if not tpc:
        return ""
    parts = ["<h3>Two-phase commit across PostgreSQL servers (C12)</h3>"]
    for c in tpc:
        if c.get("unavailable"):
            parts.append(note(f"{cell_label(c)}: {c['unavailable']}."))
    if any(not c.get("unavailable") for c in tpc):
        parts.append(c12_table(cells))
        parts.append(render_figure(fig_two_phase_steps, tpc, out_dir, f"{prefix}{key}-2pc-steps.png", name,
                                   "2pc step points"))
    return "\n".join(parts)


def facts_line(m):
    replay = m.get("engine") == "replay"
    facts = [("engine", "engine"), ("states judged" if replay else "trials", "trials"),
             ("distinct states", "states_distinct"), ("distinct states/s", "states_per_s"), ("trials/s", "trials_per_s"),
             ("accounts", "accounts")]
    return [f"{label} {fmt(m[k])}" for label, k in facts if k in m]


def section_html(r, out_dir, prefix, timelines=True):
    m, name, key = r.get("metrics") or {}, r.get("name", r["_key"]), r["_key"]
    parts = []
    facts = facts_line(m) if isinstance(m, dict) else []
    if facts:
        parts.append(f"<p>{esc(' · '.join(facts))}</p>")
    parts.append(render_figure(fig_crash_matrix, m, out_dir, f"{prefix}{key}-matrix.png", name, "Verdict matrix"))
    cells = [c for c in (dig(m, "cells") or []) if isinstance(c, dict)]
    if not cells:
        return "\n".join(parts)
    if any(not is_two_phase(c) for c in cells):
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
    two_phase = two_phase_html(cells, out_dir, prefix, key, name)
    if two_phase:
        parts.append(two_phase)
    errors = errors_tables(cells)
    if errors:
        parts.append("<h3>I/O error campaigns</h3>\n" + errors)
    return "\n".join(parts)


# The compare page draws these side by side: (file suffix, figure function, title).
KEY_FIGURES = [("matrix", fig_crash_matrix, "Verdict matrix")]
