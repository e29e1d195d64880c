"""Layering is one way: a folder includes only from itself and the layers below it.

    core  <-  sqlite, postgres, workloads  <-  shards, faults  <-  scenario  <-  kinds  <-  run, fuzz

Folders on one layer do not include each other (shards does not reach into faults), and a
kind's folder (kinds/<kind>/) includes no other kind's folder: only kinds/registry.* sees
them all. Tests and benchmarks beside the code follow the rules of their folder.
"""
import re
from pathlib import Path

from conftest import REPO

LAYERS = {"core": 0, "sqlite": 1, "postgres": 1, "workloads": 1, "shards": 2, "faults": 2, "scenario": 3,
          "kinds": 4, "run": 5, "fuzz": 6}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    for folder in LAYERS:
        yield from sorted(p for p in (REPO / folder).rglob("*") if p.suffix in (".h", ".cc"))


def violation(path, include):
    """Why `path` may not include `include`, or None when it may."""
    here = path.relative_to(REPO).parts
    there = Path(include).parts
    if there[0] not in LAYERS:
        return f"{include} is not in a layer folder ({', '.join(LAYERS)})"
    if there[0] != here[0]:
        if LAYERS[there[0]] >= LAYERS[here[0]]:
            return f"{here[0]}/ (layer {LAYERS[here[0]]}) includes {there[0]}/ (layer {LAYERS[there[0]]})"
        return None
    if here[0] == "kinds":
        own = here[1] if len(here) > 2 else None  # None: kinds/registry.*
        other = there[1] if len(there) > 2 else None
        if own is not None and other != own:
            return f"kinds/{own}/ includes {include}: a kind sees only its own folder and the layers below"
    return None


def test_every_include_goes_down_or_stays_in_its_folder():
    problems = []
    for path in sources():
        for include in INCLUDE.findall(path.read_text()):
            why = violation(path, include)
            if why:
                problems.append(f"{path.relative_to(REPO)}: {why}")
    assert problems == []


def test_every_include_names_an_existing_file():
    missing = []
    for path in sources():
        for include in INCLUDE.findall(path.read_text()):
            if not (REPO / include).is_file():
                missing.append(f"{path.relative_to(REPO)}: {include}")
    assert missing == []


def test_the_rule_catches_an_upward_include(tmp_path):
    # The checker itself: an upward, a sideways and a cross-kind include are refused.
    assert violation(REPO / "core" / "x.cc", "scenario/scenario.h")
    assert violation(REPO / "shards" / "x.cc", "faults/bank.h")
    assert violation(REPO / "kinds" / "crash" / "x.cc", "kinds/backup/backup_spec.h")
    assert violation(REPO / "kinds" / "crash" / "x.cc", "kinds/registry.h")
    assert violation(REPO / "kinds" / "registry.cc", "kinds/crash/crash_kind.h") is None
    assert violation(REPO / "run" / "x.cc", "core/json.h") is None
    assert violation(REPO / "fuzz" / "x.cc", "kinds/crash/crash_runner.h") is None
    assert violation(REPO / "kinds" / "registry.cc", "fuzz/fuzz_check.h")
