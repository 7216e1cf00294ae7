"""The printable PK page (/pk/ID/cetak) read back as rows of cell texts, like the Word file.

`tables(html)` gives every <table> of the page by its id: each row a list of its cells'
texts (whitespace collapsed; a cell spanning rows repeated in each, as python-docx reads a
merged cell), with the row's class and each cell's data-party kept aside, and the widths of
its <col> elements. The tests compare them with the .docx tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SPACE = re.compile(r"\s+")


@dataclass
class PrintedTable:
    """One table of the page: rows of texts, the rows' classes, the cells' parties, widths."""

    rows: list[list[str]] = field(default_factory=list)
    row_classes: list[str] = field(default_factory=list)
    parties: list[list[str]] = field(default_factory=list)
    widths_cm: list[float] = field(default_factory=list)
    spans: dict[int, tuple[str, int]] = field(default_factory=dict)
    """Column index -> (text, rows still covered) of a cell with rowspan."""
    rowspans: list[int] = field(default_factory=list)
    """The rowspan of each cell of the current row, in order."""


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, PrintedTable] = {}
        self._table: PrintedTable | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table":
            self._table = self.found.setdefault(named.get("id") or "", PrintedTable())
        elif self._table is None:
            return
        elif tag == "col":
            style = named.get("style") or ""
            width = re.search(r"width:\s*([\d.]+)cm", style)
            assert width is not None, style
            self._table.widths_cm.append(float(width.group(1)))
        elif tag == "tr":
            self._table.rows.append([])
            self._table.row_classes.append(named.get("class") or "")
            self._table.parties.append([])
        elif tag in ("td", "th"):
            self._fill_spans()
            self._cell = []
            self._table.parties[-1].append(named.get("data-party") or "")
            self._table.rowspans.append(int(named.get("rowspan") or 1))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def _fill_spans(self) -> None:
        """Repeat the cells spanning from the rows above into the current row's next columns."""
        assert self._table is not None
        row = self._table.rows[-1]
        while len(row) in self._table.spans:
            text, left = self._table.spans.pop(len(row))
            row.append(text)
            self._table.parties[-1].append("")
            if left > 1:
                self._table.spans[len(row) - 1] = (text, left - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._table is not None:
            self._fill_spans()
            self._table.rowspans = []
        elif tag in ("td", "th") and self._table is not None and self._cell is not None:
            lines = "".join(self._cell).split("\n")
            text = "\n".join(_SPACE.sub(" ", line).strip() for line in lines)
            self._table.rows[-1].append(text)
            span = self._table.rowspans[-1]
            if span > 1:
                self._table.spans[len(self._table.rows[-1]) - 1] = (text, span - 1)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, PrintedTable]:
    """The page's tables by id."""
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser.found


def signature_party(html: str, party: str, table: str = "signatures") -> list[str]:
    """One party's column of the signature block ("second" or "first"), top to bottom."""
    found = tables(html)[table]
    return [
        text
        for row, parties in zip(found.rows, found.parties, strict=True)
        for text, who in zip(row, parties, strict=True)
        if who == party
    ]
