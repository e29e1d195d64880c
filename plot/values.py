"""Reading and formatting the JSON values of shardlab results, for every part of the report.

dig() walks nested dicts and lists without raising, num() keeps finite numbers only,
fmt() gives a compact human form of any JSON value (the form every table cell and caption
uses), and slug(), natural_key(), suffixed() and kib() turn names, keys like 'shards_16'
and memory sizes into ids, sort keys, numbers and readable text. No HTML and no figures here.
"""

import json
import math
import re


def dig(obj, *keys):
    """obj[k0][k1]... or None when any step is missing or of the wrong type."""
    for key in keys:
        if isinstance(obj, dict) and key in obj:
            obj = obj[key]
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


def num(value):
    """A finite float, or None (booleans and strings are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def slug(text):
    """A string safe for file names and HTML ids."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", str(text)).strip("-") or "x"


def natural_key(text):
    """Sort C2 before C10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(text))]


def suffixed(name, prefix, suffix):
    """(numeric prefix, rest) of names like 'shards_16' -> 16; None otherwise."""
    m = re.fullmatch(re.escape(prefix) + r"(\d+)" + re.escape(suffix), name)
    return int(m.group(1)) if m else None


def fmt(value, digits=3):
    """A compact human form of a JSON value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ") if abs(value) >= 10000 else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return fmt(int(value))
        if abs(value) >= 10 ** digits:
            return f"{value:,.0f}".replace(",", " ")
        return f"{value:.{digits}g}"
    if isinstance(value, str):
        return value
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 120 else text[:117] + "…"


def kib(memory):
    """'24683620 kB' -> '23.5 GiB (24683620 kB)'."""
    m = re.fullmatch(r"\s*(\d+)\s*kB\s*", str(memory or ""))
    if not m:
        return memory
    return f"{int(m.group(1)) / 1048576:.1f} GiB ({memory})"
