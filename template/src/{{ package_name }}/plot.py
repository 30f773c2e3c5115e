"""The plot of the run report: one column per config, each run (seed) as a point, the mean marked by a line.

Drawn with the Agg backend from matplotlib's own defaults (not the machine's matplotlibrc), in DejaVu Sans (shipped
with matplotlib), at a size fixed by the number of configs and a fixed resolution, and saved without the software
metadata matplotlib would embed: the same values give the same PNG bytes.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
HEIGHT = 4.8  # inches
WIDTH_PER_CONFIG = 1.8
MIN_WIDTH = 6.4
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.alpha": 0.4,
}
PNG_METADATA = {"Software": None}  # by default matplotlib writes its version here


def spread(count: int, width: float = 0.3) -> list[float]:
    """x offsets that set a column's points side by side, evenly within `width`, in the order given."""
    if count == 1:
        return [0.0]
    return [-width / 2 + width * i / (count - 1) for i in range(count)]


def metric_figure(columns: Sequence[tuple[str, Sequence[float]]], metric: str) -> Figure:
    """`columns` are (label, the metric of each run) in the order to draw them; every column needs a value."""
    figure = Figure(figsize=(max(MIN_WIDTH, 1.2 + WIDTH_PER_CONFIG * len(columns)), HEIGHT), dpi=DPI)
    figure.set_layout_engine("constrained")
    axes = figure.subplots()
    for position, (_, values) in enumerate(columns):
        first = position == 0  # one legend entry per kind of mark
        xs = [position + offset for offset in spread(len(values))]
        axes.scatter(xs, values, s=30, color="tab:blue", alpha=0.85, zorder=3, label="run (seed)" if first else None)
        mean, label = statistics.fmean(values), "mean" if first else None
        axes.hlines(mean, position - 0.3, position + 0.3, color="tab:orange", linewidth=2.5, label=label)
    axes.set_xticks(range(len(columns)), [label for label, _ in columns])
    axes.set_xlim(-0.6, len(columns) - 0.4)
    axes.set_ylabel(metric)
    axes.set_title(f"{metric} per config")
    axes.legend(loc="best")
    return figure


def save_metric_plot(columns: Sequence[tuple[str, Sequence[float]]], metric: str, path: Path) -> None:
    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # matplotlib's defaults, whatever matplotlibrc this machine has
        matplotlib.rcParams.update(STYLE)
        figure = metric_figure(columns, metric)
        FigureCanvasAgg(figure)
        figure.savefig(path, format="png", dpi=DPI, metadata=PNG_METADATA)
