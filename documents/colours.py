"""Category colours shared by the pages, the charts and the workbooks, and text readable on them."""

from __future__ import annotations

from engine.capaian import PERMENDAGRI_86_2017
from engine.recap import MISSING_LABEL, NOT_COMPUTABLE_LABEL

CATEGORY_COLOURS: dict[str, str] = {c.name: c.color for c in PERMENDAGRI_86_2017.categories}
"""Colour of each capaian category of the scale."""

EXTRA_CATEGORY_COLOURS: dict[str, str] = {
    MISSING_LABEL: "#eef3f8",
    NOT_COMPUTABLE_LABEL: "#d8dee4",
}
"""Greys for indicators not filled in yet and those that cannot be computed."""

ALL_CATEGORY_COLOURS: dict[str, str] = CATEGORY_COLOURS | EXTRA_CATEGORY_COLOURS


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on a "#rrggbb" background (WCAG luminance)."""
    hex_digits = background.lstrip("#")
    if len(hex_digits) != 6:
        return "#ffffff"
    channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#000000"
