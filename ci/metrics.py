"""Which scenario metrics the regression gate compares, and how.

The rules of each scenario kind live beside its code, in kinds/<kind>/gate.py (a module
with RULES = [...]); rules_for() loads the file of a result's kind by path, so a rule
only ever applies to the metrics of its own kind. A kind without a gate.py (or a result
whose kind names no folder) compares nothing: no metric of it is gated.

Each rule is (pattern, kind, direction). A pattern is a dotted path into a result's
`metrics` where `*` matches any one component. kind:
  exact - a count from a fixed seed (moved keys, verdict counts): must equal the baseline;
  io    - I/O work per operation (fdatasync calls, bytes written per transaction, VM steps per
          query; the io_per_* metrics, counted by sqlite/io_counter.h): exact too, shown with
          its difference (an extra sync per commit is +1);
  timed - throughput or latency: compared by median over repetitions, Mann-Whitney U test.
direction: "higher" or "lower" is better (exact metrics have none).
The first matching rule wins; metrics no rule matches are not compared.
"""

import importlib.util
import re
from pathlib import Path

KINDS_DIR = Path(__file__).resolve().parent.parent / "kinds"
_rules = {}  # scenario kind -> its RULES ([] without a gate.py)


def gate_path(kind):
    """kinds/<kind>/gate.py, or None when `kind` cannot name a folder."""
    if not isinstance(kind, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", kind):
        return None
    return KINDS_DIR / kind / "gate.py"


def load_rules(path):
    """The RULES list of one gate.py, loaded by path."""
    spec = importlib.util.spec_from_file_location(f"shardlab_kinds_{path.parent.name}_gate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.RULES)


def rules_for(kind):
    """The rules of a scenario kind, [] when it has no kinds/<kind>/gate.py."""
    path = gate_path(kind)
    if path is None:
        return []
    if kind not in _rules:
        _rules[kind] = load_rules(path) if path.is_file() else []
    return _rules[kind]


def _match(pattern, path):
    p, q = pattern.split("."), path.split(".")
    return len(p) == len(q) and all(a == "*" or a == b for a, b in zip(p, q))


def rule_for(scenario_kind, path):
    for pattern, kind, direction in rules_for(scenario_kind):
        if _match(pattern, path):
            return kind, direction
    return None


def flatten(metrics, prefix=""):
    """Dotted path -> value for every leaf (lists of numbers are leaves)."""
    out = {}
    if isinstance(metrics, dict):
        for key, value in metrics.items():
            out.update(flatten(value, f"{prefix}{key}."))
    else:
        out[prefix[:-1]] = metrics
    return out


def compared_metrics(scenario_kind, metrics):
    """(path, kind, direction, value) for every metric a rule of the scenario's kind covers."""
    rows = []
    for path, value in sorted(flatten(metrics).items()):
        rule = rule_for(scenario_kind, path)
        if rule is not None:
            rows.append((path, rule[0], rule[1], value))
    return rows


# Micro-benchmarks that measure the machine, not shardlab's code: references for ratios
# (BM_CrashTrial / BM_BareCrashTrial, the fork floor). Reported, never gated.
REFERENCE_BENCHMARKS = {"BM_ForkExit/real_time", "BM_BareCrashTrial/real_time"}
