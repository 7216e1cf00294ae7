"""Server-rendered SVG charts: no JavaScript, printable, readable by screen readers.

A chart is built from plain values and returned as `Markup`, every text escaped
here (titles of positions come from the catalogue, i.e. from users). The bar
chart draws capaian horizontally against a fixed scale that always shows the
100% line; values beyond the scale are clipped and marked, their number is
still printed in full.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from markupsafe import Markup, escape

from engine.formatting import format_number_id

WIDTH = 640
LABEL_HEIGHT = 16
BAR_HEIGHT = 16
ROW_GAP = 10
TOP = 8
AXIS_HEIGHT = 22
VALUE_SPACE = 92
"""Room right of the plot for the printed value ("123,45%")."""
MIN_SCALE = Decimal(120)
MAX_SCALE = Decimal(200)
LABEL_CHARS = 84
"""Characters per label line: about the chart's width at 12px."""
LABEL_LINES = 2
NO_VALUE_COLOUR = "#9aa7b4"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Bar:
    """One bar: a label, its capaian (None when there is none) and the category's colour."""

    label: str
    value: Decimal | None
    colour: str | None = None
    category: str | None = None
    note: str = "belum ada capaian"
    """What the chart prints instead of a number when `value` is None."""


def scale_of(values: Sequence[Decimal | None]) -> Decimal:
    """The right end of the axis: at least 120, up to 200, in steps of 20 over the largest value."""
    largest = max((v for v in values if v is not None), default=Decimal(0))
    steps = (largest / 20).to_integral_value(rounding=ROUND_CEILING)
    return min(MAX_SCALE, max(MIN_SCALE, steps * 20))


def bar_chart(bars: Sequence[Bar], *, title: str, chart_id: str, description: str = "") -> Markup:
    """Horizontal bars of capaian with a 100% line, as an inline, accessible SVG element."""
    scale = scale_of([bar.value for bar in bars])
    plot = WIDTH - VALUE_SPACE
    ident = escape(chart_id)
    desc = description or f"Capaian per jabatan; garis tegak menandai 100%. {len(bars)} batang."
    rows: list[str] = []
    y = TOP
    if not bars:
        rows.append(f'<text x="0" y="{TOP + LABEL_HEIGHT}">Tidak ada jabatan.</text>')
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    for bar in bars:
        drawn, y = _bar(bar, y, scale, plot)
        rows.append(drawn)
    height = y + AXIS_HEIGHT
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif" '
        f'font-size="12">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        *rows,
        *_axis(scale, plot, y),
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every text and attribute above is escaped


def label_lines(label: str) -> list[str]:
    """The label wrapped at word boundaries into at most two lines; more is cut with "…"."""
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) <= LABEL_LINES:
        return lines
    kept = lines[:LABEL_LINES]
    kept[-1] = kept[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return kept


def _bar(bar: Bar, y: int, scale: Decimal, plot: int) -> tuple[str, int]:
    """One row (label lines, bar, value) drawn from `y`; returns it and the next row's y."""
    lines = label_lines(bar.label)
    label = "".join(
        f'<tspan x="0" dy="{0 if i == 0 else LABEL_HEIGHT - 2}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    bar_y = y + LABEL_HEIGHT * len(lines)
    text_y = bar_y + BAR_HEIGHT - 4
    if bar.value is None:
        shown = bar.note
        tooltip = f"{bar.label}: {bar.note}"
        shape = ""
        value_x = 0
    else:
        shown = f"{format_number_id(bar.value, 2)}%"
        tooltip = f"{bar.label}: {shown}" + (f" ({bar.category})" if bar.category else "")
        width = _x(max(bar.value, Decimal(0)), scale, plot)
        clipped = bar.value > scale
        colour = bar.colour or NO_VALUE_COLOUR
        shape = (
            f'<rect class="bar" x="0" y="{bar_y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="{escape(colour)}" data-value="{bar.value.quantize(CENT)}"'
            + (' data-clipped="true"' if clipped else "")
            + "/>"
        )
        value_x = width
        if clipped:
            shown += " ›"
    drawn = (
        f'<g class="row"><title>{escape(tooltip)}</title>'
        f'<text class="label" x="0" y="{y + LABEL_HEIGHT - 4}">{label}</text>'
        f"{shape}"
        f'<text class="value" x="{value_x + 4}" y="{text_y}">{escape(shown)}</text></g>'
    )
    return drawn, bar_y + BAR_HEIGHT + ROW_GAP


def _axis(scale: Decimal, plot: int, bottom: int) -> list[str]:
    hundred = _x(Decimal(100), scale, plot)
    return [
        f'<line class="target" x1="{hundred}" y1="{TOP}" x2="{hundred}" y2="{bottom}" '
        f'stroke="#1b2a3a" stroke-width="1.5" stroke-dasharray="4 3"/>',
        f'<line class="axis" x1="0" y1="{bottom}" x2="{plot}" y2="{bottom}" stroke="#9aa7b4"/>',
        f'<text class="tick" x="0" y="{bottom + 15}">0%</text>',
        f'<text class="tick" x="{hundred}" y="{bottom + 15}" text-anchor="middle">100%</text>',
        f'<text class="tick" x="{plot}" y="{bottom + 15}" text-anchor="end">'
        f"{escape(format_number_id(scale, 0))}%</text>",
    ]


def _x(value: Decimal, scale: Decimal, plot: int) -> int:
    """Pixels from the left for `value` on an axis from 0 to `scale`, clipped to the plot."""
    return int((min(value, scale) / scale * plot).to_integral_value())


SPARK_WIDTH = 88
SPARK_HEIGHT = 30
SPARK_BAR = 16
SPARK_GAP = 6
SPARK_SCALE = Decimal(120)
"""Capaian above 120% are drawn at 120% (the number is in the label and the tooltip)."""


def sparkline(
    values: Sequence[Decimal | None],
    colours: Sequence[str | None],
    *,
    label: str,
    names: Sequence[str] = ("TW I", "TW II", "TW III", "TW IV"),
) -> Markup:
    """A small bar per quarter (TW I-IV) of one indicator's capaian, with the 100% line.

    Quarters without a capaian are a short grey tick. The whole trend is said in words in
    `aria-label` (and each bar's tooltip), so a screen reader hears the numbers.
    """
    plot = SPARK_HEIGHT - 2
    words = []
    shapes = []
    for index, (value, name) in enumerate(zip(values, names, strict=False)):
        x = index * (SPARK_BAR + SPARK_GAP)
        colour = colours[index] if index < len(colours) else None
        if value is None:
            words.append(f"{name} belum ada")
            shapes.append(
                f'<rect class="none" x="{x}" y="{plot - 2}" width="{SPARK_BAR}" height="2" '
                f'fill="{NO_VALUE_COLOUR}"><title>{escape(name)}: belum ada</title></rect>'
            )
            continue
        shown = f"{format_number_id(value, 2)}%"
        words.append(f"{name} {shown}")
        height = max(2, int(min(max(value, Decimal(0)), SPARK_SCALE) / SPARK_SCALE * plot))
        shapes.append(
            f'<rect class="bar" x="{x}" y="{plot - height}" width="{SPARK_BAR}" '
            f'height="{height}" fill="{escape(colour or NO_VALUE_COLOUR)}" '
            f'data-value="{value.quantize(CENT)}"><title>{escape(name)}: {escape(shown)}</title>'
            "</rect>"
        )
    hundred = plot - int(Decimal(100) / SPARK_SCALE * plot)
    described = f"{label}: " + ", ".join(words)
    return Markup(  # noqa: S704 - every text and attribute is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" role="img" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" aria-label="{escape(described)}">'
        + "".join(shapes)
        + f'<line x1="0" y1="{hundred}" x2="{SPARK_WIDTH}" y2="{hundred}" stroke="#1b2a3a" '
        f'stroke-width="1" stroke-dasharray="2 2"/>'
        f'<line x1="0" y1="{plot}" x2="{SPARK_WIDTH}" y2="{plot}" stroke="#9aa7b4"/></svg>'
    )
