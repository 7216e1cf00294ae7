"""Every console and http example of README.md and docs/*.md runs, on a fresh demo, as written.

Each document gets its own copy of the session's seeded demo database and runs its blocks in
order (a later example sees what an earlier one did, as a reader following the page would).
Commands run `kinerja` in-process with the block's clock as `KINERJA_FIXED_NOW` (the setting a
reader would use); requests go to the real application through a TestClient, with personal API
tokens made for the accounts the document names. A block marked not runnable is skipped, and
the mark must give its reason. The convention is in tests/doc_examples.py and the README.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from db.accounts import find_account
from db.database import transaction
from db.signin import create_token
from engine.accounts import TokenScope
from kinerja.bootstrap import Container, bootstrap
from kinerja.cli import main
from kinerja.cli.state import CliState
from kinerja.settings import load_settings
from tests.conftest import FIXED_NOW
from tests.doc_examples import (
    RUN_TAGS,
    Block,
    Document,
    console_commands,
    documents,
    expected_status,
    http_example,
    json_differences,
    output_matches,
    parse_document,
)
from web.app import create_app

DOCUMENTS = [parse_document(path) for path in documents()]
RUNNABLE = [
    doc
    for doc in DOCUMENTS
    if any(b.tag in RUN_TAGS and b.not_runnable is None for b in doc.blocks)
]


def test_examples_are_well_formed() -> None:
    """Directives parse, every 'not runnable' has its reason, every http block parses."""
    problems = [p for doc in DOCUMENTS for p in doc.problems]
    for doc in DOCUMENTS:
        for block in doc.blocks:
            problems += block.problems
            if block.tag == "http" and block.not_runnable is None:
                try:
                    http_example(block)
                except ValueError as exc:
                    problems.append(f"{block.where}: {exc}")
                for name in re.findall(r"\$([A-Z][A-Z0-9_]*)", block.text):
                    if name not in doc.tokens:
                        problems.append(
                            f"{block.where}: ${name} is no token of the document "
                            f"(<!-- example: token {name} LOGIN -->)"
                        )
            if block.tag == "console":
                console_commands(block)
                problems += block.problems
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_some_examples_run() -> None:
    """The test is not vacuous: the API and CLI guides have runnable examples."""
    names = {doc.path.name for doc in RUNNABLE}
    assert {"api.md", "README.md"} <= names, names


@dataclass
class Reader:
    """A reader following one document on a fresh demo."""

    database: Path
    workdir: Path
    capsys: pytest.CaptureFixture[str]
    document: Document
    exported: dict[str, str] = field(default_factory=dict)
    containers: dict[datetime, tuple[Container, TestClient]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def environ(self, clock: datetime) -> dict[str, str]:
        return {
            "KINERJA_DATABASE_URL": f"sqlite:///{self.database}",
            "KINERJA_EVIDENCE_DIR": str(self.workdir.parent / "evidence"),
            "KINERJA_SECRET_KEY": "contoh-dokumentasi",
            "KINERJA_LOG_LEVEL": "WARNING",
            **self.exported,
            "KINERJA_FIXED_NOW": clock.isoformat(),
        }

    def run_console(self, block: Block, clock: datetime) -> None:
        for command in console_commands(block):
            words = shlex.split(command.command, comments=True)
            where = f"{block.path.name}:{command.line}: $ {command.command}"
            if words and words[0] == "export":
                for word in words[1:]:
                    name, _, value = word.partition("=")
                    self.exported[name] = value
                continue
            extra: dict[str, str] = {}
            while words and "=" in words[0] and words[0].split("=")[0].isupper():
                name, _, value = words.pop(0).partition("=")
                extra[name] = value
            if not words or words[0] != "kinerja":
                self.failures.append(
                    f"{where}\n  only `kinerja` commands run; mark the block "
                    "'<!-- example: not runnable: reason -->' or use ```sh"
                )
                continue
            self.capsys.readouterr()
            code = main(words[1:], CliState(environ=self.environ(clock) | extra))
            out, err = self.capsys.readouterr()
            actual = (out + err).splitlines()
            expected, status = expected_status(command.expected)
            if not output_matches(expected, actual):
                self.failures.append(
                    f"{where}\n  exit status {code}; expected:\n    "
                    + "\n    ".join(expected)
                    + "\n  got:\n    "
                    + "\n    ".join(actual[:60])
                )
            else:
                shows_error = any(line.startswith("Galat") for line in expected)
                wanted = status if status is not None else (code if shows_error else 0)
                if code != wanted:
                    self.failures.append(
                        f"{where}\n  exit status {code}, expected {status or 0} (a failing "
                        "command shows its 'Galat: ...' or ends its output with '[status N]')"
                    )

    def client(self, clock: datetime) -> tuple[Container, TestClient]:
        if clock not in self.containers:
            container = bootstrap(load_settings(self.environ(clock)))
            client = TestClient(create_app(container))
            client.__enter__()
            self.containers[clock] = (container, client)
        return self.containers[clock]

    def token(self, name: str, container: Container) -> str:
        if name not in self.tokens:
            login, scope = self.document.tokens[name]
            with transaction(container.engine) as session:
                account = find_account(session, login)
                assert account is not None and account.id is not None, f"no account {login}"
                raw, _ = create_token(
                    session, account.id, f"contoh {name}", container.clock.now(),
                    scope=TokenScope(scope),
                )  # fmt: skip
            self.tokens[name] = raw
        return self.tokens[name]

    def substitute(self, text: str, container: Container) -> str:
        for name in sorted(self.document.tokens, key=len, reverse=True):
            if f"${name}" in text:
                text = text.replace(f"${name}", self.token(name, container))
        return text

    def run_http(self, block: Block, clock: datetime) -> None:
        example = http_example(block)
        container, client = self.client(clock)
        headers = {k: self.substitute(v, container) for k, v in example.headers.items()}
        body = self.substitute(example.body, container)
        if "multipart/" in headers.get("Content-Type", ""):
            body = body.replace("\n", "\r\n")
        response = client.request(
            example.method,
            self.substitute(example.target, container),
            headers=headers,
            content=body.encode() if body else None,
        )
        where = f"{block.path.name}:{block.line}: {example.method} {example.target}"
        problems: list[str] = []
        if response.status_code != example.status:
            problems.append(f"status {response.status_code}, expected {example.status}")
        if example.expected is not None:
            try:
                answer: Any = response.json()
            except ValueError:
                problems.append(f"not JSON: {response.text[:300]}")
            else:
                problems += json_differences(example.expected, answer)
        if problems:
            self.failures.append(
                f"{where}\n  " + "\n  ".join(problems) + f"\n  answer: {response.text[:1500]}"
            )

    def close(self) -> None:
        for container, client in self.containers.values():
            client.__exit__(None, None, None)
            container.close()


@pytest.fixture
def reader_of(
    demo_template: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    readers: list[Reader] = []

    def make(document: Document) -> Reader:
        database = tmp_path / "demo.db"
        shutil.copyfile(demo_template, database)
        workdir = tmp_path / "work"
        workdir.mkdir()
        monkeypatch.chdir(workdir)  # files the examples write land here
        reader = Reader(database, workdir, capsys, document)
        readers.append(reader)
        return reader

    yield make
    for reader in readers:
        reader.close()


@pytest.mark.parametrize("document", RUNNABLE, ids=[d.path.name for d in RUNNABLE])
def test_examples_run(document: Document, reader_of: Any) -> None:
    """Every runnable block of the document gives what the document says."""
    reader: Reader = reader_of(document)
    for block in document.blocks:
        if block.tag not in RUN_TAGS or block.not_runnable is not None:
            continue
        clock = block.clock or FIXED_NOW
        if block.tag == "console":
            reader.run_console(block, clock)
        else:
            reader.run_http(block, clock)
    assert not reader.failures, "\n\n".join(reader.failures)
