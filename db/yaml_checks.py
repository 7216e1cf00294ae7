"""Checking an untyped YAML tree field by field, collecting every problem with its line.

Importers (organisation, catalogue) read a `LineDict` tree with a `Checker`,
which never stops at the first problem: the admin gets the whole list at once
and fixes the file in one go. Messages are in Bahasa Indonesia.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from db.yaml_lines import LineDict, LineList
from engine.errors import ValidationError

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the file, with its place."""

    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"baris {self.line}" if self.line is not None else "berkas"
        return f"{place}: {self.where}: {self.message}"


class FileProblemsError(ValidationError):
    """A file has problems; nothing was written. Subclassed per kind of file."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.where))
        lines = "\n".join(f"  {source}: {p}" for p in self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} masalah ditemukan, tidak ada yang disimpan:\n{lines}",
            log_message=f"{source}: {len(self.problems)} problems, nothing imported",
        )


class Checker:
    """Collects problems while reading the untyped YAML tree."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, line: int | None, where: str, message: str) -> None:
        self.problems.append(Problem(line, where, message))

    def mapping(self, value: Any, line: int | None, where: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.add(line, where, "harus berupa pemetaan (kunci: nilai)")
        return None

    def items(self, doc: LineDict, key: str, *, required: bool) -> list[tuple[int, LineDict]]:
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

    def choice(
        self,
        item: LineDict,
        key: str,
        where: str,
        enum: Callable[[str], E],
        allowed: str,
    ) -> E | None:
        raw = self.text(item, key, where)
        if raw is None:
            return None
        try:
            return enum(raw.lower())
        except ValueError:
            self.add(
                item.key_lines.get(key),
                f"{where}.{key}",
                f"'{raw}' bukan salah satu dari {allowed}",
            )
            return None

    def day(self, item: LineDict, key: str, where: str, *, required: bool) -> date | None:
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
