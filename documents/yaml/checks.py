"""Checking an untyped YAML tree field by field, collecting every problem with its line.

Importers (organisation, catalogue) read a `LineDict` tree with a `Checker`,
which never stops at the first problem: the admin gets the whole list at once
and fixes the file in one go. Messages are in Bahasa Indonesia.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from documents.yaml.lines import LineDict, LineList
from engine.errors import Problem
from engine.text import SINGLE_LINE_PROBLEM, bad_character

E = TypeVar("E", bound=StrEnum)


class Checker:
    """Collects problems while reading the untyped YAML tree."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line: int | None, where: str, message: str) -> None:
        """Record a problem."""
        self.problems.append(Problem(line, where, message))

    def mapping(self, value: Any, line: int | None, where: str) -> LineDict | None:
        """`value` if it is a mapping, else None with a problem recorded."""
        if isinstance(value, LineDict):
            return value
        self.add(line, where, "harus berupa pemetaan (kunci: nilai)")
        return None

    def items(self, doc: LineDict, key: str, *, required: bool) -> list[tuple[int, LineDict]]:
        """(index, mapping) of each item of the list under `key`; bad items are problems."""
        value = doc.get(key)
        if value is None:
            if required:
                self.add(doc.line, key, "bagian wajib tidak ada")
            return []
        if not isinstance(value, LineList):
            self.add(doc.key_lines.get(key), key, "harus berupa daftar")
            return []
        result = []
        for index, (item, line) in enumerate(zip(value, value.item_lines, strict=True)):
            if (mapping := self.mapping(item, line, f"{key}[{index + 1}]")) is not None:
                result.append((index, mapping))
        return result

    def text(self, item: LineDict, key: str, where: str, *, required: bool = True) -> str | None:
        """A non-empty text (stripped), or None with a problem when required."""
        value = item.get(key)
        line = item.key_lines.get(key, item.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(line, f"{where}.{key}", "wajib diisi")
            return None
        if not isinstance(value, str | int):
            self.add(line, f"{where}.{key}", "harus berupa teks")
            return None
        return str(value).strip()

    def line(self, item: LineDict, key: str, where: str, *, required: bool = True) -> str | None:
        """`text`, and a problem (None) when it holds a line break or control character: codes,
        names, titles, labels and units are one line (engine/text.py)."""
        value = self.text(item, key, where, required=required)
        if value is not None and bad_character(value) is not None:
            self.add(item.key_lines.get(key, item.line), f"{where}.{key}", SINGLE_LINE_PROBLEM)
            return None
        return value

    def choice(
        self,
        item: LineDict,
        key: str,
        where: str,
        enum: Callable[[str], E],
        allowed: str,
        *,
        default: E | None = None,
    ) -> E | None:
        """The value converted by `enum`, `default` when absent, or a problem listing `allowed`."""
        raw = self.text(item, key, where, required=default is None)
        if raw is None:
            return default
        try:
            return enum(raw.lower())
        except ValueError:
            self.add(
                item.key_lines.get(key),
                f"{where}.{key}",
                f"'{raw}' bukan salah satu dari {allowed}",
            )
            return None

    def boolean(self, item: LineDict, key: str, where: str, *, default: bool) -> bool | None:
        """true or false, `default` when absent, else a problem."""
        value = item.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            line = item.key_lines.get(key, item.line)
            self.add(line, f"{where}.{key}", "harus true atau false")
            return None
        return value

    def integer(
        self, item: LineDict, key: str, where: str, *, low: int, high: int, default: int
    ) -> int | None:
        """An integer within [low, high], `default` when absent, else a problem."""
        value = item.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            line = item.key_lines.get(key, item.line)
            self.add(line, f"{where}.{key}", f"harus bilangan bulat {low} sampai {high}")
            return None
        return value

    def texts(self, item: LineDict, key: str, where: str) -> list[str]:
        """A list of non-empty texts (absent: empty list), each one line (a workbook cell holds
        them one per line)."""
        value = item.get(key)
        if value is None:
            return []
        line = item.key_lines.get(key, item.line)
        if not isinstance(value, LineList):
            self.add(line, f"{where}.{key}", "harus berupa daftar teks")
            return []
        result = []
        for index, (entry, entry_line) in enumerate(zip(value, value.item_lines, strict=True)):
            if not isinstance(entry, str | int | float) or not str(entry).strip():
                self.add(entry_line, f"{where}.{key}[{index + 1}]", "harus berupa teks")
                continue
            if bad_character(str(entry).strip()) is not None:
                self.add(entry_line, f"{where}.{key}[{index + 1}]", SINGLE_LINE_PROBLEM)
                continue
            result.append(str(entry).strip())
        return result

    def day(self, item: LineDict, key: str, where: str, *, required: bool) -> date | None:
        """A date (YAML date or ISO text), or None with a problem."""
        value = item.get(key)
        line = item.key_lines.get(key, item.line)
        if value is None:
            if required:
                self.add(line, f"{where}.{key}", "tanggal wajib diisi (TTTT-BB-HH)")
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.add(line, f"{where}.{key}", f"'{value}' bukan tanggal TTTT-BB-HH")
            return None
