"""What every figure of the report shares: the matplotlib backend, sizes, saving, embedding.

Importing this module selects the Agg backend before pyplot loads (import it before
matplotlib.pyplot anywhere in the report). A figure function draws one PNG at `path` and
returns (title, caption), or raises Missing when the metrics it needs are absent;
render_figure() calls one and returns its <figure> HTML, or a note when it is Missing or
fails on malformed metrics, so a bad metric never stops the report. new_figure(), save(),
plain_log_ticks() and grouped_bars() are the drawing helpers several kinds use.
"""

import math
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

from html_parts import esc, note  # noqa: E402

DPI = 100


class Missing(Exception):
    """The metrics a figure needs are absent; the figure is skipped with this note."""


def new_figure(width=8.0, height=4.5):
    fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
    return fig, ax


def plain_log_ticks(ax, axis="y"):
    """Label a log axis 0.2, 0.5, 100 rather than 2×10⁻¹ (major and minor ticks)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    formatter = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}")
    target.set_major_formatter(formatter)
    def minor(v, _):
        mantissa = round(v / 10 ** math.floor(math.log10(v))) if v > 0 else 0
        return f"{v:g}" if mantissa in (2, 5) else ""
    target.set_minor_formatter(matplotlib.ticker.FuncFormatter(minor))


def save(fig, path):
    fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)


def grouped_bars(ax, groups, series, values, colours=None):
    """Bars: one group per `groups` entry, one bar per `series` entry; values[s][g]."""
    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for i, name in enumerate(series):
        ys = [v if v is not None and v > 0 else np.nan for v in values[i]]
        ax.bar(x + (i - (len(series) - 1) / 2) * width, ys, width,
               label=name, color=None if colours is None else colours[i])
    ax.set_xticks(x)
    ax.set_xticklabels(groups)


def render_figure(func, data, out_dir, filename, name, what):
    """Draw one figure; return its <figure> HTML, or a note when it cannot be drawn."""
    try:
        title, caption = func(data, os.path.join(out_dir, filename), name)
    except Missing as e:
        return note(f"{what} not shown: {e}.")
    except Exception as e:  # a malformed metric must never stop the report
        return note(f"{what} could not be drawn ({type(e).__name__}: {e}).")
    finally:
        plt.close("all")
    return (f'<figure><img src="{esc(filename)}" alt="{esc(title)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")
