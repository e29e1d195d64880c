"""Loading a run directory: the scenario results, micro.json and gate.json, and what was unusable.

load_run() reads RUN_DIR/*.json (not repeats/, data/ or report/), keeps every shardlab
result (a dict with 'kind' and 'checks') under a unique file- and id-safe '_key', takes
micro.json and gate.json aside, and notes every file it could not use. Results are sorted
by their kind's section order (the ORDER of kinds/<kind>/report.py; unknown kinds last),
then by key. A missing or empty run directory raises UsageError (exit code 2).
"""

import json
import os

import kind_sections
from values import slug


class UsageError(Exception):
    """Bad command line or unusable run directory: exit code 2."""


class Run:
    """One run directory: scenario results, micro-benchmarks, and load problems."""

    def __init__(self, path, results, micro, problems, gate=None):
        self.path = path
        self.results = results  # list of dicts, each with "_key" (unique, id/file safe)
        self.micro = micro  # dict or None
        self.problems = problems  # list of str
        self.gate = gate  # ci/gate.py's gate.json, when the gate ran on this run

    @property
    def label(self):
        return os.path.basename(os.path.normpath(self.path)) or self.path


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# Files of a run directory that are not scenario results: name -> (list key, what it is).
SPECIAL_FILES = {"micro.json": ("benchmarks", list, "Google Benchmark JSON"),
                 "gate.json": ("rows", list, "the regression gate's output"),
                 "instructions.json": ("benchmarks", dict, "ci/instructions.py's instruction counts")}


def load_run(path):
    """Read RUN_DIR; raise UsageError when it is missing, unreadable, or holds no result."""
    if not os.path.isdir(path):
        raise UsageError(f"{path}: not a directory (expected a shardlab run directory)")
    try:
        names = sorted(os.listdir(path))
    except OSError as e:
        raise UsageError(f"{path}: cannot list: {e.strerror}") from None
    results, special, problems, used = [], {}, [], set()
    for name in names:
        full = os.path.join(path, name)
        if not name.endswith(".json") or not os.path.isfile(full):
            continue  # repeats/, data/, report/ and anything else
        try:
            data = read_json(full)
        except (OSError, ValueError) as e:
            problems.append(f"{name}: unreadable ({e})")
            continue
        if name in SPECIAL_FILES:
            key, kind, what = SPECIAL_FILES[name]
            if isinstance(data, dict) and isinstance(data.get(key), kind):
                special[name] = data
            else:
                problems.append(f"{name}: not {what} (no '{key}' {'list' if kind is list else 'object'})")
            continue
        if not isinstance(data, dict) or "kind" not in data or "checks" not in data:
            problems.append(f"{name}: not a shardlab result (no 'kind' or 'checks')")
            continue
        key = slug(data.get("name") or name[:-5])
        if key in used:
            key = slug(name[:-5])
        used.add(key)
        data["_key"] = key
        results.append(data)
    if not results and "micro.json" not in special:
        raise UsageError(f"{path}: no result files (*.json) found")
    results.sort(key=lambda r: (kind_sections.order(r.get("kind")), r["_key"]))
    return Run(path, results, special.get("micro.json"), problems, special.get("gate.json"))
