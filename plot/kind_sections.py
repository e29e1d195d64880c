"""Where each scenario kind's part of the report lives: kinds/<kind>/report.py, loaded by path.

A kind module exposes ORDER (an int: its sections' place on the page), section_html(r,
out_dir, prefix) (the HTML of a result's section after the common header) and KEY_FIGURES
(a list of (file suffix, figure function, title) that the compare page draws side by side).
module() finds and loads the one of a result's kind with importlib (cached, once per
process); plot/ goes on sys.path first, so a kind module imports the shared helpers beside
this file (figures, html_parts, values...). There is no list of kinds here: a kind is known
when its folder holds a report.py. Any other kind (no folder, no report.py, or a name that
is not a plain folder name) is unknown: it sorts last (UNKNOWN_ORDER) and has no figures.
"""

import importlib.util
import os
import re
import sys

PLOT_DIR = os.path.dirname(os.path.abspath(__file__))
KINDS_DIR = os.path.join(os.path.dirname(PLOT_DIR), "kinds")
UNKNOWN_ORDER = 9
_loaded = {}  # kind -> module, or None when the kind has no report.py


def report_path(kind):
    """kinds/<kind>/report.py, or None when `kind` cannot name a folder."""
    if not isinstance(kind, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", kind):
        return None
    return os.path.join(KINDS_DIR, kind, "report.py")


def module(kind):
    """The loaded kinds/<kind>/report.py, or None for an unknown kind."""
    path = report_path(kind)
    if path is None:
        return None
    if kind not in _loaded:
        _loaded[kind] = load(kind, path) if os.path.isfile(path) else None
    return _loaded[kind]


def load(kind, path):
    if PLOT_DIR not in sys.path:
        sys.path.insert(0, PLOT_DIR)
    spec = importlib.util.spec_from_file_location(f"shardlab_kinds_{kind}_report", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def known():
    """Every kind whose folder holds a report.py, sorted by name."""
    if not os.path.isdir(KINDS_DIR):
        return []
    return sorted(k for k in os.listdir(KINDS_DIR) if report_path(k) and os.path.isfile(report_path(k)))


def order(kind):
    mod = module(kind)
    return UNKNOWN_ORDER if mod is None else mod.ORDER


def key_figures(kind):
    mod = module(kind)
    return [] if mod is None else mod.KEY_FIGURES
