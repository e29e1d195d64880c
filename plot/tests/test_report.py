"""Tests of plot/report.py (and the kinds' sections, kinds/<kind>/report.py) over the fixtures
in plot/tests/fixtures/ (see its README).

Run: /usr/bin/python3 -m pytest -q plot/tests
Reports are built into tmp_path; the fixtures are never written.
"""

import base64
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import matplotlib.image
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PLOT = os.path.dirname(HERE)
sys.path.insert(0, PLOT)

import kind_sections  # noqa: E402
import report  # noqa: E402
from values import fmt  # noqa: E402

FIXTURES = os.path.join(HERE, "fixtures")
RUN_A = os.path.join(FIXTURES, "run_a")
RUN_B = os.path.join(FIXTURES, "run_b")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """Collects what the tests look at: figures (by name, "<id without fig->.png", with
    their embedded PNG bytes), every img src, hrefs, script tags, captions, table rows."""

    def __init__(self, text):
        super().__init__()
        self.imgs, self.links, self.scripts, self.ids = [], [], 0, set()
        self.srcs, self.png = [], {}
        self._figure_name = None
        self.figures = []  # [has img, caption text]
        self.tables = []  # list of tables, each a list of rows, each a list of cell texts
        self._in_caption = False
        self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            src = a.get("src", "")
            self.srcs.append(src)
            name = self._figure_name or src
            self.imgs.append(name)
            prefix = "data:image/png;base64,"
            if src.startswith(prefix):
                self.png[name] = base64.b64decode(src[len(prefix):])
            if self.figures:
                self.figures[-1][0] = True
        elif tag in ("a", "link"):
            self.links.append(a.get("href", ""))
        elif tag == "script":
            self.scripts += 1
        elif tag == "figure":
            self.figures.append([False, ""])
            fid = a.get("id", "")
            self._figure_name = fid[len("fig-"):] + ".png" if fid.startswith("fig-") else None
        elif tag == "figcaption":
            self._in_caption = True
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._in_caption:
            self.figures[-1][1] += data
        if self._cell is not None:
            self._cell += data


def fixture_results(run_dir):
    out = []
    for name in sorted(os.listdir(run_dir)):
        if name.endswith(".json") and name != "micro.json":
            with open(os.path.join(run_dir, name), encoding="utf-8") as f:
                out.append(json.load(f))
    return out


def table_with_header(page, *headers):
    """The first table whose header row holds every one of `headers`."""
    return next(t for t in page.tables if t and set(headers) <= set(t[0]))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert report.main([RUN_A, "--out", str(out)]) == 0
    with open(out / "index.html", encoding="utf-8") as f:
        text = f.read()
    return out, text, Page(text)


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    assert report.main(["--compare", RUN_A, RUN_B, "--out", str(out)]) == 0
    with open(out / "index.html", encoding="utf-8") as f:
        text = f.read()
    return out, text, Page(text)


def assert_images_valid(out, page):
    """Every image is a PNG inside the page (a data: URI), of a real size."""
    assert page.imgs
    for name in page.imgs:
        data = page.png.get(name)
        assert data, f"{name}: not an embedded PNG"
        assert data[:8] == PNG_SIGNATURE, name
        pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
        assert pixels.shape[0] > 50 and pixels.shape[1] > 50, name


def test_report_is_one_self_contained_file(built):
    """index.html alone: no file beside it, no reference to one (only #anchors and
    data: URIs), no script, no stylesheet link."""
    out, text, page = built
    assert sorted(os.listdir(out)) == ["index.html"]
    assert page.srcs and all(src.startswith("data:image/png;base64,") for src in page.srcs)
    assert all(href.startswith(("#", "http://", "https://")) for href in page.links), page.links
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#|https?:)""", text)
    assert "url(" not in text and page.scripts == 0


def test_every_img_is_an_embedded_png(built):
    out, _, page = built
    assert_images_valid(out, page)


def test_deterministic_figure_names(built):
    out, _, page = built
    for name in ("ci-workload-mix-latency.png", "ci-workload-mix-throughput.png", "ci-workload-mix-balance.png",
                 "ci-workload-mix-tail.png", "walk-256-shards-walk.png", "ci-crash-matrix-matrix.png",
                 "ci-crash-matrix-timeline-attach-delete-full-process_crash.png", "crash-io-errors-matrix.png",
                 "ci-reshard-movement-movement.png", "ci-reshard-movement-vnodes.png",
                 "ci-reshard-migration-migration.png", "micro-route.png"):
        assert name in page.png, name


def test_claims_table_lists_every_check(built):
    _, _, page = built
    rows = table_with_header(page, "claim", "check")[1:]
    checks = [(r["name"], c["name"]) for r in fixture_results(RUN_A) for c in r["checks"]]
    assert len(rows) == len(checks)
    listed = {(row[1], row[2]) for row in rows}
    for scenario, check in checks:
        assert (scenario, check) in listed, check


def test_claims_table_links_claims_and_scenarios(built):
    _, text, page = built
    assert '<a href="#claim-C14">C14</a>' in text
    assert "claim-C14" in page.ids
    for r in fixture_results(RUN_A):
        assert f"scenario-{r['name']}" in page.ids
        assert f"#scenario-{r['name']}" in page.links


def test_verdict_words(built):
    _, _, page = built
    rows = table_with_header(page, "claim", "check")[1:]
    verdicts = {row[2]: row[5] for row in rows}
    # The walk fixture's checks, word for word from its own verdicts (a real run decided them).
    words = {"pass": "confirmed", "fail": "refuted", "unknown": "unknown"}
    walk = walk_fixture()["checks"]
    assert any(c["metric"].startswith("walk.shards_100.postgres.") for c in walk)
    for c in walk:
        assert verdicts[c["name"]] == words[c["verdict"]], c["name"]
    assert verdicts["walk.shards_100.threads_1.latency_us.p50 lt 20000"] == "confirmed"
    assert verdicts["ops.scatter.latency_us.p9999 lt 5000"] == "unknown"
    assert set(verdicts.values()) == {"confirmed", "refuted", "unknown"}


def workload_section():
    return kind_sections.module("workload")


def walk_fixture():
    return next(r for r in fixture_results(RUN_A) if r["name"] == "walk-256-shards")


def test_walk_figure_has_the_postgres_peer():
    m = walk_fixture()["metrics"]
    series = workload_section().walk_series(m)
    ks = sorted(int(k.split("_")[1]) for k in m["walk"])
    for form, label in workload_section().WALK_POSTGRES_FORMS:
        assert [k for k, _ in series[label]] == ks
        assert series[label] == [(k, m["walk"][f"shards_{k}"]["postgres"][form]["latency_us"]["p50"]) for k in ks]


def test_walk_table_shows_p50s_and_ratios(built):
    _, text, page = built
    m = walk_fixture()["metrics"]
    rows = table_with_header(page, "shards walked", "walk / PostgreSQL (= ANY)", "walk / one file (IN)")
    header, body = rows[0], rows[1:]
    assert [row[0] for row in body] == [str(k) for k in sorted(int(k.split("_")[1]) for k in m["walk"])]
    for row in body:
        w = m["walk"][f"shards_{row[0]}"]
        cells = dict(zip(header, row))
        assert cells["walk / PostgreSQL (= ANY)"] == fmt(w["postgres"]["walk_over_one_query_p50"])
        assert cells["walk / PostgreSQL (lookups)"] == fmt(w["postgres"]["walk_over_lookups_p50"])
        assert cells["walk / one file (lookups)"] == fmt(w["walk_over_single_file_p50"])
        assert cells["PostgreSQL, = ANY p50 µs"] == fmt(w["postgres"]["one_query"]["latency_us"]["p50"])
    assert f"PostgreSQL {m['postgres']['server_version']} on {m['postgres']['address']}" in text


def test_walk_without_the_peer_says_why(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    r = walk_fixture()
    reason = "peer not available (no PostgreSQL server binaries here)"
    r["metrics"]["postgres"] = {"available": False, "reason": reason}
    for block in r["metrics"]["walk"].values():
        block["postgres"] = {"unavailable": reason}
    (run / "walk-256-shards.json").write_text(json.dumps(r))
    assert report.main([str(run), "--out", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.escape(f"PostgreSQL peer: {reason}.") in text
    rows = table_with_header(Page(text), "shards walked")
    assert not any("PostgreSQL" in h for h in rows[0])
    assert not any(label.startswith("PostgreSQL") for label in workload_section().walk_series(r["metrics"]))


def test_no_external_resources_or_scripts(built, compared):
    for _, text, page in (built, compared):
        assert page.scripts == 0 and "<script" not in text.lower()
        assert not re.search(r'(src|href)\s*=\s*["\']?\s*(https?:)?//', text, re.I)
        for link in page.links + page.imgs:
            assert not link.startswith("/") and ":" not in link, link


def test_every_figure_has_caption(built, compared):
    for _, text, page in (built, compared):
        assert page.figures
        assert text.count("<figure ") == text.count("<figcaption>") == len(page.imgs)
        for has_img, caption in page.figures:
            assert has_img and caption.strip()


def test_header_fingerprint_and_seeds(built):
    _, text, page = built
    for fact in ("3.40.1", "ext4", "tmpfs", "AMD EPYC", "g++ 12.2.0", "Release", "Linux 6.18.44",
                 "133fd4dab7cea2873c0e0bd4e3ad114672eba38b", "2026-11-28T09:16:53Z"):
        assert fact in text, fact
    index = table_with_header(page, "scenario", "seed")
    seeds = {row[0]: row[3] for row in index[1:]}
    for r in fixture_results(RUN_A):
        assert seeds[r["name"]] == str(r["seed"])


def test_error_result_renders_error(built):
    _, text, _ = built
    err = fixture_results(RUN_A)
    err = next(r for r in err if r["status"] == "error")
    assert html.escape(err["error"]) in text
    assert "<limit & more>" not in text  # escaped


def test_crash_sections(built):
    _, text, _ = built
    assert "Crash timelines" in text
    assert "I/O error campaigns" in text
    assert "vfs/sync/journal" in text
    assert "after delete super_journal" in text  # commit point of attach/delete
    assert html.escape("engine replay · states judged 10 884 · distinct states 5629 · distinct states/s 1 385") in text
    assert html.escape("engine fork · trials 118 · trials/s") in text  # the errors campaign


def crash_section():
    return kind_sections.module("crash")


def crash_fixture(path=os.path.join(RUN_A, "ci-crash-matrix.json")):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def crash_rows(page, nth=0):
    """{cell label: {header: cell text}} of the nth crash cells table on the page."""
    tables = [t for t in page.tables if t and {"states or trials", "crosscheck", "commit point"} <= set(t[0])]
    header, body = tables[nth][0], tables[nth][1:]
    return {row[0]: dict(zip(header, row)) for row in body}


def test_compact_counts():
    compact = crash_section().compact
    assert compact(1450250321.0) == "1.5e9"
    assert compact(229525.0) == "229 525"
    assert compact(97.0) == compact(97) == "97"
    assert compact(None) == fmt(None)


def test_replay_table_shows_states_explored_and_crosscheck(built):
    _, _, page = built
    cells = crash_fixture()["metrics"]["cells"]
    rows = crash_rows(page)
    assert len(rows) == len(cells)
    compact = crash_section().compact
    for c in cells:
        row = rows[crash_section().cell_label(c)]
        assert row["engine"] == "replay"
        assert row["states or trials"] == (f"{fmt(c['states_explored'])} explored / {fmt(c['states_distinct'])} "
                                           f"distinct / {compact(c['states_possible'])} possible")
        cc = c["crosscheck"]
        assert row["crosscheck"] == f"{cc['identical']}/{cc['trials']} identical" == "8/8 identical"
        assert row["acknowledged"] == fmt(c["acknowledged"])
        cp = c["commit_point"]
        assert row["commit point"] == (cp["text"] if cp and cp["clean"] else "—, not clean" if cp else "—")
    reorder = rows["attach / delete / full / power_loss_reorder"]
    assert reorder["states or trials"] == "6353 explored / 3718 distinct / 1.5e9 possible"
    assert rows["attach / delete / full / process_crash"]["commit point"].startswith("after delete super_journal")
    assert rows["attach / delete / full / power_loss_reorder"]["commit point"] == "—, not clean"


def test_replay_timelines_show_states_per_point_and_clean_commit_points(built):
    out, _, page = built
    captions = {img: caption for img, (_, caption) in zip(page.imgs, page.figures)}
    reorder = "ci-crash-matrix-timeline-attach-delete-full-power_loss_reorder.png"
    assert reorder in page.png
    assert "the bars count them by outcome" in captions[reorder]
    assert "No clean commit point" in captions[reorder]
    clean = captions["ci-crash-matrix-timeline-attach-delete-full-process_crash.png"]
    assert "Commit point of the last transfer: after delete super_journal" in clean
    assert "bars" not in clean  # one state per crash point
    matrix = captions["ci-crash-matrix-matrix.png"]
    assert "Engine replay" in matrix and "Simulated: power_loss, power_loss_reorder" in matrix


def crash_report(tmp_path, result):
    """Build a report of one crash result; return (out dir, page text, Page)."""
    run = tmp_path / "run"
    run.mkdir()
    (run / f"{result['name']}.json").write_text(json.dumps(result))
    out = tmp_path / "out"
    assert report.main([str(run), "--out", str(out)]) == 0
    text = (out / "index.html").read_text(encoding="utf-8")
    return out, text, Page(text)


def test_fork_result_shows_trials(tmp_path):
    r = crash_fixture(os.path.join(FIXTURES, "crash", "fork-ci-crash-matrix.json"))
    out, text, page = crash_report(tmp_path, r)
    assert_images_valid(out, page)
    assert "could not be drawn" not in text and "not shown" not in text
    assert html.escape("engine fork · trials 596 · trials/s 81.1 · accounts 32") in text
    rows = crash_rows(page)
    for c in r["metrics"]["cells"]:
        row = rows[crash_section().cell_label(c)]
        assert row["engine"] == "fork" and row["states or trials"] == f"{fmt(c['trials'])} trials"
        assert row["crosscheck"] == "—" and row["acknowledged"] == fmt(c["acknowledged"])
    assert "Engine fork" in page.figures[0][1]


def test_old_crash_result_still_renders(tmp_path):
    # A result from before the replay engine: no engine, timeline entries with before/after.
    r = crash_fixture(os.path.join(FIXTURES, "crash", "old-ci-crash-matrix.json"))
    out, text, page = crash_report(tmp_path, r)
    assert_images_valid(out, page)
    assert "could not be drawn" not in text and "not shown" not in text
    assert "ci-crash-matrix-timeline-attach-delete-full-process_crash.png" in page.png
    assert html.escape("trials 612 · trials/s 79.9 · accounts 32") in text
    rows = crash_rows(page)
    row = rows["attach / delete / full / process_crash"]
    assert row["engine"] == "—" and row["states or trials"] == "130 trials" and row["acknowledged"] == "—"
    assert row["commit point"].startswith("after delete super_journal")
    assert rows["naive / delete / full / process_crash"]["commit point"] == "—, not clean"
    assert any("Engine not recorded" in caption for _, caption in page.figures)
    assert any("An older result" in caption for _, caption in page.figures)


def test_micro_table_lists_every_benchmark(built):
    _, _, page = built
    rows = table_with_header(page, "benchmark", "cv")[1:]
    with open(os.path.join(RUN_A, "micro.json"), encoding="utf-8") as f:
        names = {b["run_name"] for b in json.load(f)["benchmarks"]}
    assert {row[1] for row in rows} == names


def test_micro_table_is_grouped_and_sorted(built):
    _, _, page = built
    rows = table_with_header(page, "family", "benchmark", "cv")[1:]
    listed = [row[1] for row in rows]
    key = lambda name: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]  # noqa: E731
    assert listed == sorted(listed, key=key)
    families = [row[0] for row in rows]
    # The family is named once, on its first row.
    assert [f for f in families if f] == sorted({n.split("/", 1)[0] for n in listed}, key=key)
    assert listed.index("BM_Route/jump/4") < listed.index("BM_Route/jump/256") < listed.index("BM_Route/jump/1024")


def test_fixtures_not_written():
    for run in (RUN_A, RUN_B):
        assert sorted(os.listdir(run)) == sorted(n for n in os.listdir(run) if n.endswith(".json"))


def small_run(path, names=("ci-reshard-migration.json", "micro.json"), source=RUN_A):
    path.mkdir()
    for name in names:
        shutil.copy(os.path.join(source, name), path / name)
    return path


def test_ignores_repeats_data_and_bad_files(tmp_path):
    run = small_run(tmp_path / "run")
    ghost = json.loads((run / "ci-reshard-migration.json").read_text())
    ghost["name"] = "ci-ghost"
    (run / "repeats").mkdir()
    (run / "repeats" / "ci-ghost.json").write_text(json.dumps(ghost))
    (run / "data").mkdir()
    (run / "data" / "junk.json").write_text("{")
    (run / "notes.json").write_text("[1, 2]")
    (run / "truncated.json").write_text('{"name": ')
    assert report.main([str(run)]) == 0
    text = (run / "report" / "index.html").read_text(encoding="utf-8")
    assert "ci-ghost" not in text and "junk" not in text
    assert "ci-reshard-migration" in text
    assert "notes.json: not a shardlab result" in text
    assert "truncated.json: unreadable" in text


def test_missing_and_malformed_metrics_do_not_crash(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    base = fixture_results(RUN_A)
    workload = next(r for r in base if r["name"] == "ci-workload-mix")
    workload["metrics"] = {"ops": {"get": {"latency_us": {"p50": "fast"}}}, "per_shard_counts": [1, None],
                           "walk": {"shards_x": 3}, "throughput": {}}
    crash = next(r for r in base if r["name"] == "ci-crash-matrix")
    crash["metrics"] = {"cells": [{"strategy": "attach", "timeline": [{"index": "zero"}]}, 7]}
    reshard = next(r for r in base if r["name"] == "ci-reshard-movement")
    reshard["metrics"] = {"movement": {"mod": None}, "vnode_sweep": {"shards_4": {"vnodes_x": {}}}, "migration": {}}
    for r in (workload, crash, reshard):
        (run / f"{r['name']}.json").write_text(json.dumps(r))
    (run / "micro.json").write_text(json.dumps({"benchmarks": [{"name": "BM_X", "real_time": "?"}]}))
    assert report.main([str(run), "--out", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    page = Page(text)
    if page.imgs:
        assert_images_valid(tmp_path / "out", page)
    assert text.count('class="note"') >= 5


def test_compare_marks_changed_verdict(compared):
    _, text, page = compared
    rows = table_with_header(page, "claim", "check")[1:]
    changed = [row for row in rows if row[-1] == "changed"]
    assert len(changed) == 1
    assert changed[0][2] == "movement.mod.add_1.moved_fraction approx 0.8 ± 0.01"
    assert changed[0][3] == "confirmed" and changed[0][5] == "refuted"
    assert text.count('<tr class="changed">') == 1
    checks = [c for r in fixture_results(RUN_A) for c in r["checks"]]
    assert len(rows) == len(checks)


def test_compare_images_and_fingerprints(compared):
    out, text, page = compared
    assert_images_valid(out, page)
    assert "A: run_a" in text and "B: run_b" in text
    assert any(src.startswith("a-") for src in page.imgs) and any(src.startswith("b-") for src in page.imgs)


def test_compare_micro_ratio(compared):
    _, _, page = compared
    rows = table_with_header(page, "benchmark", "ratio B/A")[1:]
    ratios = {row[0]: row[3] for row in rows}
    assert ratios["BM_Route/jump/1024"] == "2.000"
    assert ratios["BM_Route/mod/1024"] == "1.000"


def test_compare_default_out_dir(tmp_path):
    a = small_run(tmp_path / "a")
    b = small_run(tmp_path / "b", source=RUN_B)
    assert report.main(["--compare", str(a), str(b)]) == 0
    assert (b / "report-compare" / "index.html").is_file()


def test_missing_run_dir_exits_2(tmp_path, capsys):
    assert report.main([str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and err.count("\n") == 1


def test_run_dir_without_results_exits_2(tmp_path, capsys):
    (tmp_path / "repeats").mkdir()
    assert report.main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no result files" in err and err.count("\n") == 1
    assert not (tmp_path / "report").exists()


def test_usage_errors_exit_2(capsys):
    assert report.main([]) == 2
    assert report.main([RUN_A, "--compare", RUN_A, RUN_B]) == 2
    assert report.main(["--bogus"]) == 2
    assert report.main(["--compare", RUN_A, "/nonexistent-run-dir"]) == 2
    assert len(capsys.readouterr().err.strip().split("\n")) == 4


def test_command_line(tmp_path):
    out = tmp_path / "cli"
    run = small_run(tmp_path / "run")
    proc = subprocess.run([sys.executable, os.path.join(PLOT, "report.py"), str(run), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()
    proc = subprocess.run([sys.executable, os.path.join(PLOT, "report.py"), str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("report.py: error:")


def test_gate_table_is_in_the_report(tmp_path):
    run = tmp_path / "run"
    shutil.copytree(RUN_A, run)
    (run / "gate.json").write_text(json.dumps({
        "baseline": "results/baseline", "threshold": 0.1, "alpha": 0.05, "failing": 1,
        "rows": [{"source": "micro", "name": "BM_Route/jump/1024", "kind": "timed", "baseline": 40.0,
                  "current": 55.0, "worse_by": 0.375, "p": 0.001, "cv": 0.02, "status": "regression"},
                 {"source": "ci-walk", "name": "walk.x", "kind": "timed", "status": "ok"}]}))
    out = tmp_path / "out"
    assert report.main([str(run), "--out", str(out)]) == 0
    html = (out / "index.html").read_text()
    assert 'id="gate"' in html and "BM_Route/jump/1024" in html and "+37.5 %" in html
    assert "1 failing" in html


def test_concurrency_and_ids_sections_have_figures(built):
    out, _, page = built
    for png in ("ci-concurrency-concurrency.png", "ci-ids-ids.png"):
        assert png in page.imgs, page.imgs
        assert len(page.png[png]) > 0


def test_tenants_section_has_its_figures_and_the_directory_census(built):
    out, _, page = built
    for png in ("ci-tenants-tenant-latency.png", "ci-tenants-packings.png", "ci-tenants-preallocation.png"):
        assert png in page.imgs, page.imgs
        assert len(page.png[png]) > 0
    html = open(os.path.join(out, "index.html")).read()
    assert "largest directory" in html and "minishards" in html


def test_tenants_without_packings_renders_what_it_has(tmp_path):
    import json
    r = json.load(open(os.path.join(FIXTURES, "run_a", "ci-tenants.json")))
    del r["metrics"]["packings"], r["metrics"]["preallocation"]
    r["checks"] = [c for c in r["checks"] if not c["metric"].startswith("packings")]
    run = tmp_path / "run"
    run.mkdir()
    (run / "ci-tenants.json").write_text(json.dumps(r))
    out = tmp_path / "report"
    assert report.main([str(run), "--out", str(out)]) == 0
    page = Page((out / "index.html").read_text())
    assert "ci-tenants-tenant-latency.png" in page.png
    assert "ci-tenants-packings.png" not in page.png


def test_backup_section_has_figures_and_outcome_table(built, compared):
    out, text, page = built
    for png in ("ci-backup-backup-outcomes.png", "ci-backup-backup-speed.png"):
        assert png in page.imgs, page.imgs
        assert len(page.png[png]) > 0
    rows = table_with_header(page, "journal", "method", "consistent", "s/GB")[1:]
    result = next(r for r in fixture_results(RUN_A) if r["name"] == "ci-backup")
    cells = {(mode, method): c for mode, cs in result["metrics"]["backups"].items() for method, c in cs.items()}
    assert {(row[0], row[1]) for row in rows} == set(cells)
    header = table_with_header(page, "journal", "method", "consistent", "s/GB")[0]
    for row in rows:
        c = cells[(row[0], row[1])]
        assert row[header.index("consistent")] == str(c["consistent"])
        assert row[header.index("stale")] == str(c["stale"])
    # The paged backup API never finished: no time per GB, shown as such.
    paged = next(row for row in rows if row[:2] == ["wal", "backup_api_paged"])
    assert paged[header.index("s/GB")] == fmt(None)
    assert "Examples of backups that were not consistent" in text
    assert any(src.endswith("ci-backup-backup-outcomes.png") and src.startswith("a-") for src in compared[2].imgs)


def test_migrate_section_has_figure_and_tables(built):
    out, html, page = built
    assert "ci-migrate-migrate.png" in page.imgs, page.imgs
    assert len(page.png["ci-migrate-migrate.png"]) > 0
    assert "Kill-and-rerun campaign" in html and "duplicate column name" in html
    assert "separate_version" in html and "files between versions" in html


def test_every_kind_folder_with_a_report_exposes_the_section_interface():
    kinds_dir = os.path.join(os.path.dirname(PLOT), "kinds")
    folders = sorted(k for k in os.listdir(kinds_dir) if os.path.isfile(os.path.join(kinds_dir, k, "report.py")))
    assert folders == kind_sections.known()
    assert {"workload", "crash", "reshard", "concurrency", "ids", "tenants", "backup", "migrate"} <= set(folders)
    orders = {}
    for kind in folders:
        mod = kind_sections.module(kind)
        assert isinstance(mod.ORDER, int) and not isinstance(mod.ORDER, bool), kind
        assert callable(mod.section_html), kind
        assert isinstance(mod.KEY_FIGURES, list) and mod.KEY_FIGURES, kind
        for suffix, func, title in mod.KEY_FIGURES:
            assert isinstance(suffix, str) and re.fullmatch(r"[a-z0-9-]+", suffix), (kind, suffix)
            assert callable(func) and isinstance(title, str) and title, (kind, suffix)
        orders[kind] = mod.ORDER
    assert len(set(orders.values())) == len(orders), orders
    assert all(o < kind_sections.UNKNOWN_ORDER for o in orders.values()), orders


def test_sections_follow_the_kinds_order(built):
    _, _, page = built
    index = table_with_header(page, "scenario", "kind")[1:]
    kinds = [row[1] for row in index if row[1] != "micro-benchmarks"]
    orders = [kind_sections.order(k) for k in kinds]
    assert orders == sorted(orders), kinds
    assert [k for k in dict.fromkeys(kinds) if kind_sections.module(k)] == \
        ["workload", "crash", "reshard", "concurrency", "ids", "tenants", "backup", "migrate"]


def test_unknown_kind_gets_a_note_and_sorts_last(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    for name, kind in (("a-odd", "frobnicate"), ("b-path", "../plot"), ("z-ids", "ids")):
        r = next(r for r in fixture_results(RUN_A) if r["name"] == "ci-ids")
        r["name"], r["kind"] = name, kind
        (run / f"{name}.json").write_text(json.dumps(r))
    assert report.main([str(run), "--out", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.escape("Unknown kind 'frobnicate': no figures.") in text
    assert html.escape("Unknown kind '../plot': no figures.") in text
    assert text.index('id="scenario-z-ids"') < text.index('id="scenario-a-odd"')


def test_compare_draws_the_key_figures_of_every_kind(compared):
    _, text, page = compared
    for r in fixture_results(RUN_A):
        if r["status"] != "ok":
            continue
        for suffix, _, title in kind_sections.key_figures(r["kind"]):
            for side in ("a", "b"):
                drawn = f"{side}-{r['name']}-{suffix}.png" in page.imgs
                assert drawn or f"{title} ({side.upper()}) not shown" in text, (r["name"], suffix, side)
    for png in ("a-ci-concurrency-concurrency.png", "b-ci-ids-ids.png", "a-ci-tenants-tenant-latency.png",
                "b-ci-migrate-migrate.png"):
        assert png in page.imgs, png


def test_claims_table_shows_a_checks_interval(tmp_path):
    # A check judged over repetitions carries interval and samples; the observed cell shows them.
    r = next(r for r in fixture_results(RUN_A) if r.get("checks") and isinstance(r["checks"][0].get("observed"), float))
    check = r["checks"][0]
    check["interval"], check["samples"] = [1.07273, 1.16727], 5
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "one.json").write_text(json.dumps(r))
    assert report.main([str(run_dir), "--out", str(tmp_path / "out")]) == 0
    page = Page((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    rows = table_with_header(page, "claim", "check", "observed")[1:]
    observed = {row[2]: row[4] for row in rows}
    assert observed[check["name"]] == f"{fmt(check['observed'], 6)} [1.073, 1.167] n=5"
    # Checks without an interval show the observed value alone.
    for c in r["checks"][1:]:
        assert "n=" not in observed[c["name"]]


def claims_summary_rows(page):
    return {row[0]: row for row in table_with_header(page, "claim", "here")[1:]}


def test_claim_verdicts_come_from_the_checks_their_scenario_tags(tmp_path):
    """A check without a claim of its own counts for the claims its scenario names: a
    passing untagged check of a C16 scenario confirms C16 (it showed "unknown 0/0/0")."""
    r = json.load(open(os.path.join(RUN_A, "ci-concurrency.json")))
    r["scenario"]["claims"] = ["C16"]
    for c in r["checks"]:
        c.pop("claim", None)
        c["verdict"] = "pass"
    run = tmp_path / "run"
    run.mkdir()
    (run / "ci-concurrency.json").write_text(json.dumps(r))
    out = tmp_path / "out"
    assert report.main([str(run), "--out", str(out)]) == 0
    row = claims_summary_rows(Page((out / "index.html").read_text()))["C16"]
    n = len(r["checks"])
    assert row[1] == "confirmed"
    assert row[2] == f"{n} / 0 / 0 ({n} by their scenario)"
    # One failing check refutes it, for every claim its scenario names.
    r["checks"][0]["verdict"] = "fail"
    r["scenario"]["claims"] = ["C16", "C99"]
    r["checks"] = r["checks"][:1]
    (run / "ci-concurrency.json").write_text(json.dumps(r))
    assert report.main([str(run), "--out", str(tmp_path / "out2")]) == 0
    rows = claims_summary_rows(Page((tmp_path / "out2" / "index.html").read_text()))
    assert rows["C16"][1] == "refuted" and rows["C16"][2] == "0 / 1 / 0 (1 by their scenario)"
    assert rows["C99"][1] == "refuted"


def test_quick_runs_are_marked(built, tmp_path):
    _, text, page = built
    quick = [r["name"] for r in fixture_results(RUN_A) if r.get("run", {}).get("quick") is True]
    assert ("quick-run" in page.ids) == bool(quick)
    run = tmp_path / "run"
    run.mkdir()
    for quick_flag, name in ((True, "a"), (False, "b")):
        r = json.load(open(os.path.join(RUN_A, "ci-ids.json")))
        r["name"], r["run"]["quick"] = name, quick_flag
        (run / f"{name}.json").write_text(json.dumps(r))
    assert report.main([str(run), "--out", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "index.html").read_text()
    assert 'id="quick-run"' in text and "</span> a ran with <code>--quick</code>" in text
    (run / "a.json").unlink()
    assert report.main([str(run), "--out", str(tmp_path / "out2")]) == 0
    assert 'id="quick-run"' not in (tmp_path / "out2" / "index.html").read_text()


def test_reshard_has_a_linear_movement_chart_and_a_balance_figure_and_table(built):
    _, text, page = built
    for png in ("ci-reshard-movement-movement.png", "ci-reshard-movement-balance.png"):
        assert png in page.png, page.imgs
    captions = {img: caption for img, (_, caption) in zip(page.imgs, page.figures)}
    assert "Bars from zero; the dashed line over each change is the least movement it allows" in \
        captions["ci-reshard-movement-movement.png"]
    assert "dashed line at 1.0 is a perfectly even spread" in captions["ci-reshard-movement-balance.png"]
    result = next(r for r in fixture_results(RUN_A) if r["name"] == "ci-reshard-movement")
    movement = result["metrics"]["movement"]
    tables = [t[1:] for t in page.tables if t and {"router", "change", "keys before", "load after"} <= set(t[0])]
    assert len(tables) == sum(1 for r in fixture_results(RUN_A) if "movement" in r.get("metrics", {}))
    cells = {(r, ch) for r in movement for ch in movement[r]}
    rows = next(t for t in tables if {(row[0], row[1]) for row in t} == cells)
    for row in rows:
        cell = movement[row[0]][row[1]]
        assert row[3] == fmt(cell["balance"]["max_over_mean"], 4)
        if "load_balance" in cell:
            assert row[5] == fmt(cell["load_balance"]["max_over_mean"], 4)


def test_movement_axis_is_linear_from_zero_with_the_optimum(monkeypatch):
    """The chart itself: a linear y axis from 0 and a line at each change's minimum."""
    section = kind_sections.module("reshard")
    result = next(r for r in fixture_results(RUN_A) if r["name"] == "ci-reshard-movement")
    drawn = {}
    monkeypatch.setattr(section, "save", lambda fig, path: drawn.setdefault("ax", fig.axes[0]))
    section.fig_movement(result["metrics"], "/dev/null", "x")
    ax = drawn["ax"]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0
    optimum = {round(seg[0][1], 6) for coll in ax.collections for seg in coll.get_segments()}
    movement = result["metrics"]["movement"]
    expected = {round(c["optimal_fraction"], 6) for changes in movement.values() for c in changes.values()}
    assert optimum == expected
    labels = [t.get_text() for t in ax.texts]
    add = next(c for changes in movement.values() for ch, c in changes.items() if ch == "add_1")
    assert f"minimum 1/{add['shards_after']} = {add['optimal_fraction']:.3g}" in labels


def test_concurrency_caption_reads_the_lines_it_draws():
    section = kind_sections.module("concurrency")
    caption = section.concurrency_caption([("wal, one file", 1, 4, 1.05), ("wal, shards", 1, 4, 2.5),
                                           ("delete, one file", 1, 8, 0.5)])
    assert "wal, one file stays flat (1.05× from 1 to 4 writers)" in caption
    assert "wal, shards rises (2.50× from 1 to 4 writers)" in caption
    assert "delete, one file falls (0.50× from 1 to 8 writers)" in caption
    assert "no trend" in section.concurrency_caption([])


def test_integer_axes_have_integer_ticks(monkeypatch):
    """Shard indices and writer counts are whole numbers: no tick at 0.5 or -0.5."""
    drawn = {}
    for kind, fig, name in (("workload", "fig_balance", "ci-workload-mix"), ("concurrency", "fig_concurrency", "ci-concurrency")):
        section = kind_sections.module(kind)
        monkeypatch.setattr(section, "save", lambda f, path: drawn.__setitem__("ax", f.axes[0]))
        result = next(r for r in fixture_results(RUN_A) if r["name"] == name)
        getattr(section, fig)(result["metrics"], "/dev/null", name)
        ticks = [t for t in drawn["ax"].get_xticks() if drawn["ax"].get_xlim()[0] <= t <= drawn["ax"].get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), (kind, ticks)


def two_phase_fixture():
    return crash_fixture(os.path.join(FIXTURES, "crash", "two-phase-commit.json"))


# Claim C12 side by side: saga and attach on SQLite shards, 2pc on PostgreSQL servers; a
# figure of the 2pc step points; the SQLite cells keep their own table.
def test_two_phase_section(tmp_path):
    r = two_phase_fixture()
    out, text, page = crash_report(tmp_path, r)
    assert_images_valid(out, page)
    assert "could not be drawn" not in text and "not shown" not in text
    assert "Two-phase commit across PostgreSQL servers (C12)" in text
    c12 = table_with_header(page, "cell", "intermediate state seen", "participant held prepared")
    rows = {row[0]: dict(zip(c12[0], row)) for row in c12[1:]}
    cells = r["metrics"]["cells"]
    tpc = [c for c in cells if c["strategy"] == "2pc"]
    assert len(tpc) == 4
    for c in tpc:
        row = rows[f"2pc / postgres / {c['participants']} servers / {c['fault']}"]
        assert row["trials or states"] == f"{c['trials']} trials"
        assert row["participant held prepared"] == f"{c['blocked']} ({100 * c['blocked'] / c['trials']:.0f} %)"
        assert row["writer wait p50 / max ms"] == f"{fmt(c['blocked_ms']['p50'])} / {fmt(c['blocked_ms']['max'])}"
        assert row["left prepared"] == fmt(c["leftover_prepared"])
        assert row["as the step implies"] == f"{c['as_expected']} / {c['trials']}"
    saga = next(c for c in cells if c["strategy"] == "saga")
    assert rows["saga / delete / full / process_crash"]["intermediate state seen"].startswith(f"{saga['intermediate']} (")
    assert rows["attach / delete / full / process_crash"]["intermediate state seen"] == "none (one transaction)"
    # The SQLite cells' table has no 2pc row.
    sqlite_rows = crash_rows(page)
    assert set(sqlite_rows) == {"saga / delete / full / process_crash", "attach / delete / full / process_crash"}
    captions = {img: caption for img, (_, caption) in zip(page.imgs, page.figures)}
    steps = captions["two-phase-commit-2pc-steps.png"]
    kill2 = next(c for c in tpc if c["participants"] == 2 and c["fault"] == "coordinator_crash")
    assert (f"after 1 of 2 prepares through after 1 of 2 commits ({kill2['blocked']} of {kill2['trials']} trials)"
            in steps)
    assert "2pc cells: one transfer per trial" in captions["two-phase-commit-matrix.png"]


def test_two_phase_unavailable_is_a_note(tmp_path):
    r = two_phase_fixture()
    for c in r["metrics"]["cells"]:
        if c["strategy"] == "2pc":
            for k in list(c):
                if k not in ("strategy", "journal_mode", "synchronous", "fault", "participants", "engine"):
                    del c[k]
            c.update(trials=0, unavailable="2pc not available (no server here)")
    out, text, page = crash_report(tmp_path, r)
    assert_images_valid(out, page)
    assert "could not be drawn" not in text
    assert html.escape("2pc / postgres / 2 servers / coordinator_crash: 2pc not available (no server here).") in text
    assert "two-phase-commit-2pc-steps.png" not in page.png
