"""The timeliness report as a PNG for the staff group and ``motcua report --chart``.

Two panels sharing the field axis (the whole commune first, then each field):

* left: finished dossiers as 100% stacked bars — before / on / after the
  deadline — with the commune's target as a vertical line at 50%, so "is the
  green bar past the line?" answers "did this field meet the target?";
* right: dossiers still open, as counts — within the deadline, past it, paused
  waiting for the citizen.

Why ``Figure`` and not ``pyplot``: pyplot keeps global state and picks a GUI
backend; a bot process draws from worker code with no display. A bare
``Figure`` renders with Agg, needs no ``matplotlib.use`` and leaks nothing
between reports. DejaVu Sans (matplotlib's default font) has every Vietnamese
glyph.

Wording lives in ``bot/texts/dossiers.py`` (``CHART_*``).
"""

from __future__ import annotations

from os import PathLike
from typing import BinaryIO

from matplotlib.figure import Figure

from bot.services.timeliness import TimelinessCounts, TimelinessReport
from bot.texts import dossiers as texts

__all__ = ["render_chart"]


# Colours chosen to read in greyscale too: dark green, light green, red; blue, red, grey.
COLOUR_BEFORE = "#1b7837"
COLOUR_ON_TIME = "#a6dba0"
COLOUR_LATE = "#d6604d"
COLOUR_OPEN_WITHIN = "#4393c3"
COLOUR_OPEN_OVERDUE = "#b2182b"
COLOUR_PAUSED = "#bababa"
COLOUR_TARGET = "#333333"


def _rows(report: TimelinessReport) -> list[tuple[str, TimelinessCounts]]:
    rows = [(texts.CHART_OVERALL, report.overall)]
    rows += [(name or texts.CHART_UNKNOWN_FIELD, counts) for name, counts in report.by_field.items()]
    return rows


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def render_chart(report: TimelinessReport, path_or_buffer: str | PathLike[str] | BinaryIO) -> None:
    """Write the report chart as PNG to a file path or a binary buffer (e.g. ``io.BytesIO``)."""
    rows = _rows(report)
    labels = [label for label, _ in rows]
    # Top-to-bottom in the order of the report: barh draws from the bottom up.
    positions = list(range(len(rows)))[::-1]
    height = max(3.0, 1.2 + 0.45 * len(rows))
    figure = Figure(figsize=(11, height), dpi=110, layout="constrained")
    finished_ax, open_ax = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))

    before = [_pct(c.before, c.resolved) for _, c in rows]
    on_time = [_pct(c.on_time, c.resolved) for _, c in rows]
    late = [_pct(c.late, c.resolved) for _, c in rows]
    left_on = before
    left_late = [b + o for b, o in zip(before, on_time, strict=True)]
    finished_ax.barh(positions, before, color=COLOUR_BEFORE, label=texts.CHART_BEFORE)
    finished_ax.barh(positions, on_time, left=left_on, color=COLOUR_ON_TIME, label=texts.CHART_ON_TIME)
    finished_ax.barh(positions, late, left=left_late, color=COLOUR_LATE, label=texts.CHART_LATE)
    finished_ax.axvline(
        report.target_pct,
        color=COLOUR_TARGET,
        linestyle="--",
        linewidth=1.5,
        label=texts.CHART_TARGET.format(target=f"{report.target_pct:g}"),
    )
    for y, (_, counts) in zip(positions, rows, strict=True):
        text = texts.CHART_COUNT.format(n=counts.resolved) if counts.resolved else texts.CHART_NO_DATA
        finished_ax.text(101, y, text, va="center", ha="left", fontsize=8)
    finished_ax.set_xlim(0, 115)
    finished_ax.set_xticks([0, 25, 50, 75, 100])
    finished_ax.set_yticks(positions, labels)
    finished_ax.set_title(texts.CHART_FINISHED_PANEL, fontsize=10)
    finished_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, fontsize=8, frameon=False)

    within = [c.open_within for _, c in rows]
    overdue = [c.open_overdue for _, c in rows]
    paused = [c.paused for _, c in rows]
    open_ax.barh(positions, within, color=COLOUR_OPEN_WITHIN, label=texts.CHART_OPEN_WITHIN)
    open_ax.barh(positions, overdue, left=within, color=COLOUR_OPEN_OVERDUE, label=texts.CHART_OPEN_OVERDUE)
    open_ax.barh(
        positions,
        paused,
        left=[w + o for w, o in zip(within, overdue, strict=True)],
        color=COLOUR_PAUSED,
        label=texts.CHART_PAUSED,
    )
    open_ax.set_title(texts.CHART_OPEN_PANEL, fontsize=10)
    open_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=8, frameon=False)
    open_ax.tick_params(axis="y", left=False)
    if not any(within) and not any(overdue) and not any(paused):
        open_ax.set_xlim(0, 1)
        open_ax.set_xticks([])

    for ax in (finished_ax, open_ax):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)

    if report.period_start is not None:
        period = texts.CHART_PERIOD.format(
            start=report.period_start.strftime("%d/%m/%Y"), end=report.as_of.strftime("%d/%m/%Y")
        )
    else:
        period = texts.CHART_AS_OF.format(end=report.as_of.strftime("%d/%m/%Y"))
    figure.suptitle(f"{texts.CHART_TITLE} — {period}", fontsize=12)
    figure.savefig(path_or_buffer, format="png")
