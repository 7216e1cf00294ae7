"""The examples of README.md and docs/*.md, read as the docs example test runs them.

The convention (README, "Examples in the docs"):

- a fenced block tagged ``console`` holds commands (lines starting with ``$ ``) each followed by
  its expected output; a line ``...`` stands for any number of lines, and ``...`` inside a line
  for any text;
- a fenced block tagged ``http`` holds one request (request line, headers, a blank line and the
  body) and, from the line starting with ``HTTP/``, the expected status and a JSON fragment of
  the answer (every key it names must be in the answer with that value; a ``"..."`` value or
  list item stands for anything);
- an HTML comment on the line just before a fence says how to run it:
  ``<!-- example: not runnable: <reason> -->`` (skipped; the reason is required) or
  ``<!-- example: clock 2021-10-04T09:00+07:00 -->`` (the clock of this block and of the next
  ones of the same document, until another clock);
- ``<!-- example: token NAME LOGIN [read|write] -->`` anywhere in a document makes ``$NAME`` in
  its http blocks a personal API token of the account LOGIN.

Pure functions only: parsing and comparing. tests/integration/test_docs_examples.py runs them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUN_TAGS = ("console", "http")
DIRECTIVE = re.compile(r"^<!--\s*example:\s*(?P<body>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<fence>```+|~~~+)\s*(?P<tag>[\w+-]*)")
ELLIPSIS = "..."


def documents() -> list[Path]:
    """README.md and every docs/*.md, in a stable order."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@dataclass
class Block:
    """One fenced block of a document."""

    path: Path
    line: int  # of the opening fence, 1-based
    tag: str
    text: str
    not_runnable: str | None = None  # the reason, when marked
    clock: datetime | None = None  # the clock in force for this block
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{shown(self.path)}:{self.line}"


def shown(path: Path) -> Path:
    """A document's path as messages name it (relative to the repository)."""
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


@dataclass
class Document:
    """A document's blocks and its token definitions."""

    path: Path
    blocks: list[Block]
    tokens: dict[str, tuple[str, str]]  # NAME -> (login, scope)
    problems: list[str]


def parse_clock(text: str) -> datetime:
    """An aware moment; `2021-10-04T09:00+07:00` style."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the clock needs a time zone: {text}")
    return moment


def parse_document(path: Path, text: str | None = None) -> Document:
    """Every fenced block of a document with the directive just before it."""
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    blocks: list[Block] = []
    tokens: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    clock: datetime | None = None
    index = 0
    where = shown(path)
    while index < len(lines):
        line = lines[index]
        directive = DIRECTIVE.match(line.strip())
        if directive and directive["body"].startswith("token"):
            parts = directive["body"].split()
            if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in ("read", "write")):
                problems.append(f"{where}:{index + 1}: token NAME LOGIN [read|write] expected")
            else:
                tokens[parts[1]] = (parts[2], parts[3] if len(parts) == 4 else "write")
        fence = FENCE.match(line)
        if not fence:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith(fence["fence"]):
            end += 1
        block = Block(path, index + 1, fence["tag"].lower(), "\n".join(lines[index + 1 : end]))
        previous = lines[index - 1].strip() if index > 0 else ""
        marked = DIRECTIVE.match(previous)
        if marked:
            body = marked["body"]
            if body.startswith("not runnable"):
                reason = body[len("not runnable") :].lstrip(":").strip()
                block.not_runnable = reason
                if not reason:
                    block.problems.append(f"{block.where}: 'not runnable' without a reason")
            elif body.startswith("clock"):
                try:
                    clock = parse_clock(body[len("clock") :].strip())
                except ValueError as exc:
                    block.problems.append(f"{block.where}: bad clock: {exc}")
            elif not body.startswith("token"):
                block.problems.append(f"{block.where}: unknown example directive '{body}'")
        block.clock = clock
        blocks.append(block)
        index = end + 1
    return Document(path, blocks, tokens, problems)


@dataclass
class Command:
    """One `$ ` line of a console block and the output expected from it."""

    line: int
    command: str
    expected: list[str]


def console_commands(block: Block) -> list[Command]:
    """The commands of a console block (a trailing backslash continues a command)."""
    commands: list[Command] = []
    lines = block.text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            if commands:
                commands[-1].expected.append(line)
            elif line.strip():
                block.problems.append(f"{block.where}: output before the first '$ ' command")
            index += 1
            continue
        command, start = line[2:], index
        while command.endswith("\\") and index + 1 < len(lines):
            index += 1
            command = command[:-1] + " " + lines[index].strip()
        commands.append(Command(block.line + 1 + start, command, []))
        index += 1
    return commands


STATUS = re.compile(r"^\[status (\d+)\]$")


def expected_status(expected: list[str]) -> tuple[list[str], int | None]:
    """The expected output without a last line `[status N]`, and N (None when not stated)."""
    lines = list(expected)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and (found := STATUS.match(lines[-1].strip())):
        return lines[:-1], int(found[1])
    return lines, None


def _pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in expected.rstrip().split(ELLIPSIS)]
    return re.compile(".*".join(parts) + r"\s*")


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` lines match `expected`, `...` lines and `...` in a line as wildcards."""
    while expected and not expected[-1].strip():
        expected = expected[:-1]
    actual = [line for line in actual]
    while actual and not actual[-1].strip():
        actual = actual[:-1]

    def match(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        if expected[e].strip() == ELLIPSIS:
            return any(match(e + 1, k) for k in range(a, len(actual) + 1))
        if a == len(actual):
            return False
        return _pattern(expected[e]).fullmatch(actual[a].rstrip()) is not None and match(
            e + 1, a + 1
        )

    return match(0, 0)


@dataclass
class HttpExample:
    """The request of an http block and what it expects."""

    method: str
    target: str
    headers: dict[str, str]
    body: str
    status: int
    expected: Any  # a JSON fragment, or None when the block names only the status


def http_example(block: Block) -> HttpExample:
    """The request and expected answer of an http block (ValueError when malformed)."""
    lines = block.text.splitlines()
    answer = next((i for i, line in enumerate(lines) if line.startswith("HTTP/")), None)
    if answer is None:
        raise ValueError("no 'HTTP/1.1 STATUS' line with the expected answer")
    request = lines[:answer]
    while request and not request[-1].strip():
        request.pop()
    if not request:
        raise ValueError("no request line")
    method, target = request[0].split()[:2]
    headers: dict[str, str] = {}
    index = 1
    while index < len(request) and request[index].strip():
        name, _, value = request[index].partition(":")
        headers[name.strip()] = value.strip()
        index += 1
    body = "\n".join(request[index + 1 :])
    status = int(lines[answer].split()[1])
    rest = "\n".join(lines[answer + 1 :]).strip()
    return HttpExample(method, target, headers, body, status, json.loads(rest) if rest else None)


def json_differences(expected: Any, actual: Any, at: str = "$") -> list[str]:
    """Where `actual` does not contain the fragment `expected` (empty: it does)."""
    if expected == ELLIPSIS:
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{at}: expected an object, got {json.dumps(actual)[:200]}"]
        problems: list[str] = []
        for key, value in expected.items():
            if key == ELLIPSIS:
                continue
            if key not in actual:
                problems.append(f"{at}.{key}: missing (keys: {', '.join(sorted(actual))})")
            else:
                problems += json_differences(value, actual[key], f"{at}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{at}: expected a list, got {json.dumps(actual)[:200]}"]
        open_ended = bool(expected) and expected[-1] == ELLIPSIS
        items = expected[:-1] if open_ended else expected
        if len(actual) < len(items) or (not open_ended and len(actual) != len(items)):
            return [f"{at}: {len(actual)} items, expected {len(items)}{'+' if open_ended else ''}"]
        problems = []
        for number, item in enumerate(items):
            problems += json_differences(item, actual[number], f"{at}[{number}]")
        return problems
    wildcard = isinstance(expected, str) and ELLIPSIS in expected and isinstance(actual, str)
    if wildcard and _pattern(expected).fullmatch(actual):
        return []
    if expected != actual:
        return [f"{at}: expected {json.dumps(expected)}, got {json.dumps(actual)[:300]}"]
    return []
