"""What every figure of the report shares: the matplotlib backend, sizes, saving, embedding.

Importing this module selects the Agg backend before pyplot loads (import it before
matplotlib.pyplot anywhere in the report). A figure function draws one PNG at `path` and
returns (title, caption), or raises Missing when the metrics it needs are absent;
render_figure() calls one with a path in a temporary directory and returns its <figure>
HTML with the PNG embedded as a data: URI (the page is one self-contained file; nothing
is written beside it), or a note when it is Missing or fails on malformed metrics, so a
bad metric never stops the report. new_figure(), save(),
plain_log_ticks(), integer_ticks() and grouped_bars() are the drawing helpers several kinds use.
"""

import base64
import math
import os
import tempfile

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


def integer_ticks(ax, values=None, axis="x"):
    """Ticks at whole numbers on an axis that counts (shards, writers): at `values` when
    there are few, else wherever matplotlib puts integers; never 0.5 or -0.5."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    values = sorted(set(values or []))
    if values and len(values) <= 16:
        (ax.set_xticks if axis == "x" else ax.set_yticks)(values)
    else:
        target.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    target.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.0f}"))


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
    """Draw one figure; return its <figure> HTML (the PNG inline), or a note when it
    cannot be drawn. `filename` names the figure (its element id); `out_dir` is unused
    and kept for the kinds' call sites."""
    del out_dir
    with tempfile.TemporaryDirectory(prefix="shardlab-figure-") as tmp:
        path = os.path.join(tmp, os.path.basename(filename))
        try:
            title, caption = func(data, path, name)
            with open(path, "rb") as f:
                png = base64.b64encode(f.read()).decode("ascii")
        except Missing as e:
            return note(f"{what} not shown: {e}.")
        except Exception as e:  # a malformed metric must never stop the report
            return note(f"{what} could not be drawn ({type(e).__name__}: {e}).")
        finally:
            plt.close("all")
    figure_id = "fig-" + os.path.splitext(os.path.basename(filename))[0]
    return (f'<figure id="{esc(figure_id)}"><img src="data:image/png;base64,{png}" alt="{esc(title)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")
