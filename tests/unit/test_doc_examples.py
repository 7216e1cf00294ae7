"""The docs example convention read right: directives, console output with `...`, http
blocks and JSON fragments (tests/doc_examples.py; the runner is an integration test)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.doc_examples import (
    console_commands,
    expected_status,
    http_example,
    json_differences,
    output_matches,
    parse_document,
)

DOC = """# Contoh

<!-- example: token KASI fitri@example.test read -->
<!-- example: clock 2021-10-04T09:00+07:00 -->
```console
$ kinerja formula check "a / b" \\
    --var a=1 --var b=0
Tidak dapat dihitung: ...
[status 1]
```

```http
PUT /api/v1/reports/58/entries?expected_version=2
Authorization: Bearer $KASI
Content-Type: application/json

{"x": 1}

HTTP/1.1 409 Conflict
{"error": {"code": "conflict", "...": "..."}}
```

<!-- example: not runnable: -->
```sh
make demo
```

<!-- example: not runnable: needs PostgreSQL -->
```console
$ kinerja db upgrade
```
"""


def test_directives_apply_to_the_block_below() -> None:
    doc = parse_document(Path("contoh.md"), DOC)
    console, http, sh, marked = doc.blocks
    assert doc.tokens == {"KASI": ("fitri@example.test", "read")}
    assert console.clock == http.clock == datetime(2021, 10, 4, 2, 0, tzinfo=UTC)
    assert console.line == 5 and console.tag == "console"
    assert sh.not_runnable == "" and sh.problems == [
        "contoh.md:24: 'not runnable' without a reason"
    ]
    assert marked.not_runnable == "needs PostgreSQL" and not marked.problems


def test_console_commands_join_continued_lines() -> None:
    console = parse_document(Path("contoh.md"), DOC).blocks[0]
    (command,) = console_commands(console)
    assert command.command == 'kinerja formula check "a / b"  --var a=1 --var b=0'
    assert expected_status(command.expected) == (["Tidak dapat dihitung: ..."], 1)


def test_output_ellipsis_lines_and_inline() -> None:
    assert output_matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert output_matches(["a", "...", "b"], ["a", "b"])
    assert output_matches(["versi ... kunjungan 1"], ["versi 2, kunjungan 1  "])
    assert not output_matches(["a", "d"], ["a", "b", "d"])
    assert not output_matches(["a"], ["a", "b"])
    assert not output_matches(["versi 3"], ["versi 2"])


def test_http_block() -> None:
    example = http_example(parse_document(Path("contoh.md"), DOC).blocks[1])
    assert (example.method, example.target) == (
        "PUT",
        "/api/v1/reports/58/entries?expected_version=2",
    )
    assert example.headers["Authorization"] == "Bearer $KASI"
    assert example.body == '{"x": 1}'
    assert example.status == 409
    assert example.expected == {"error": {"code": "conflict", "...": "..."}}


def test_json_fragments() -> None:
    actual = {"a": 1, "b": [{"c": "x", "d": 2}, {"c": "y"}], "e": "LAP-58 disimpan oleh Fitri"}
    assert json_differences({"a": 1, "...": "..."}, actual) == []
    assert json_differences({"b": [{"c": "x", "...": "..."}, "..."]}, actual) == []
    assert json_differences({"e": "LAP-58 ... Fitri"}, actual) == []
    assert json_differences({"a": 2}, actual) == ["$.a: expected 2, got 1"]
    assert json_differences({"b": [{"c": "x"}]}, actual) == ["$.b: 2 items, expected 1"]
    assert json_differences({"z": 1}, actual) == ["$.z: missing (keys: a, b, e)"]
    assert json_differences({"b": [{"c": "y", "...": "..."}, "..."]}, actual) == [
        '$.b[0].c: expected "y", got "x"'
    ]
