"""The documentation stands alone and matches what shardlab writes.

- No tracked file points outside the repository (a path to the design documents beside
  the checkout, or a seeds-folder file name for a source document); sources are cited as
  "source 000" … "source 003", defined in scenarios/CLAIMS.md.
- Every claim id cited in the scenario files, the READMEs and the findings is defined in
  scenarios/CLAIMS.md, and CLAIMS.md defines C1..C20.
- README's "## Results" section names every top-level key of a real result file and
  every key of its checks (and the optional keys the runner can add).
"""
import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, describe

# Spelled in pieces, so that this file does not contain what it forbids.
FORBIDDEN = ("../" + "shared", "seeds/" + "0")
CLAIM_ID = re.compile(r"\bC([0-9]{1,3})\b")
# Keys the runner adds only in some runs (an error, an approx check, a note, repetitions...).
OPTIONAL_TOP_LEVEL = {"error"}
OPTIONAL_CHECK_KEYS = {"claim", "note", "tolerance", "reason", "interval", "samples"}


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, stdout=subprocess.PIPE, check=True).stdout
    return [name for name in out.decode().split("\0") if name]


def test_no_tracked_file_points_outside_the_repository():
    files = tracked_files()
    offenders = []
    for name in files:  # this file too: it spells the forbidden strings in pieces
        path = REPO / name
        if not path.is_file():
            continue
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        for needle in FORBIDDEN:
            for i, line in enumerate(text.splitlines(), 1):
                if needle in line:
                    offenders.append(f"{name}:{i}: {needle!r} in {line.strip()[:120]}")
    assert not offenders, "references outside the repository:\n" + "\n".join(offenders)


def defined_claims():
    text = (REPO / "scenarios" / "CLAIMS.md").read_text()
    return {int(m.group(1)) for m in re.finditer(r"^\| C([0-9]+) \| \S", text, re.MULTILINE)}


def test_claims_md_defines_c1_to_c20():
    assert defined_claims() == set(range(1, 21))


def test_every_cited_claim_is_defined():
    defined = defined_claims()
    cited = {}
    for name in tracked_files():
        if not (name.startswith("scenarios/") or name in ("README.md", "ARCHITECTURE.md")):
            continue
        if not name.endswith((".json", ".md")) or name == "scenarios/CLAIMS.md":
            continue
        for i, line in enumerate((REPO / name).read_text().splitlines(), 1):
            for m in CLAIM_ID.finditer(line):
                cited.setdefault(int(m.group(1)), []).append(f"{name}:{i}")
    assert cited, "no claim id found: the pattern is broken"
    undefined = {f"C{n}": where[:3] for n, where in cited.items() if n not in defined}
    assert not undefined, f"claim ids cited but not defined in scenarios/CLAIMS.md: {undefined}"


def test_readmes_cite_claims_md():
    assert "scenarios/CLAIMS.md" in (REPO / "README.md").read_text()
    assert "CLAIMS.md" in (REPO / "scenarios" / "README.md").read_text()


def results_section():
    text = (REPO / "README.md").read_text()
    start = text.index("\n## Results\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def documented(section, key):
    return f"`{key}`" in section


@pytest.fixture(scope="module")
def result(run, tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "out"
    proc = run(["run", "scenarios/ci/workload-mix.json", "--out", out, "--quick"])
    assert proc.returncode == 0, describe(proc)
    files = sorted(Path(out).glob("*.json"))
    assert len(files) == 1, f"expected one result in {out}, found {files}"
    with open(files[0]) as f:
        return json.load(f)


def test_readme_results_names_every_top_level_key(result):
    section = results_section()
    missing = sorted(k for k in set(result) | OPTIONAL_TOP_LEVEL if not documented(section, k))
    assert not missing, f"README's Results section does not document: {missing}"


def test_readme_results_names_every_check_key(result):
    section = results_section()
    assert result["checks"], "the scenario should have checks"
    keys = set(OPTIONAL_CHECK_KEYS)
    for check in result["checks"]:
        keys |= set(check)
    missing = sorted(k for k in keys if not documented(section, k))
    assert not missing, f"README's Results section does not document these check keys: {missing}"


def test_readme_results_names_env_and_run_keys(result):
    section = results_section()
    keys = set(result["env"]) | set(result["run"])
    for nested in ("sqlite", "filesystem", "libraries"):
        if isinstance(result["env"].get(nested), dict):
            keys |= set(result["env"][nested])
    missing = sorted(k for k in keys if not documented(section, k))
    assert not missing, f"README's Results section does not document env/run keys: {missing}"


def test_readme_results_names_shards_touched():
    assert "ops.<op>.shards_touched" in results_section()
