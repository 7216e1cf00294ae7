"""B9: a request body over its limit is refused with 413 before it is read or spooled.

The big bodies are driven straight into the ASGI app with a `receive` that pulls chunks
from a generator and counts them, so the tests see how much of a 300 MiB body the app
actually consumed (the TestClient would read the whole body first).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI

from engine.clock import FixedClock
from engine.evidence import MAX_EVIDENCE_BYTES
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.test_api import KASI, PDF, headers_of, october, ok, tw3_report
from web.app import create_app
from web.security import FORM_OVERHEAD_BYTES, SMALL_BODY_BYTES

__all__ = ["october"]  # the fixture, imported for the tests below

MIB = 1024 * 1024
CHUNK = 64 * 1024
HUGE = 300 * MIB


def chunks(total: int) -> Iterator[bytes]:
    """`total` bytes in CHUNK-sized pieces, made as they are asked for."""
    piece = b"x" * CHUNK
    for _ in range(total // CHUNK):
        yield piece


FILE_PART = (
    b"--batas\r\n"
    b'Content-Disposition: form-data; name="file"; filename="besar.pdf"\r\n'
    b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
)


def upload(total: int) -> Iterator[bytes]:
    """A well-formed multipart upload whose one file is `total` bytes and never ends."""
    yield FILE_PART
    yield from chunks(total)


class Answer:
    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.consumed = 0
        self.seconds = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


def drive(
    app: FastAPI, path: str, body: Iterator[bytes], headers: list[tuple[bytes, bytes]]
) -> Answer:
    """POST `body` to `app` at `path` as an ASGI server would, counting what the app read."""
    answer = Answer()

    async def receive() -> dict[str, Any]:
        chunk = next(body, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        answer.consumed += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer.body += message.get("body", b"")

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    started = time.perf_counter()
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    answer.seconds = time.perf_counter() - started
    return answer


MULTIPART = [(b"content-type", b"multipart/form-data; boundary=batas")]
FORM = [(b"content-type", b"application/x-www-form-urlencoded")]


def test_a_chunked_300_mib_login_is_cut_off_at_the_small_limit(web_container: Container) -> None:
    answer = drive(create_app(web_container), "/masuk", chunks(HUGE), FORM)
    assert answer.status == 413
    assert answer.consumed <= SMALL_BODY_BYTES + CHUNK  # not 300 MiB: nothing more was read
    assert "Permintaan terlalu besar" in answer.body.decode()
    assert "<html" in answer.body.decode()  # the normal error page
    assert answer.headers["x-frame-options"] == "SAMEORIGIN"


def test_a_declared_300_mib_login_is_refused_before_any_byte(web_container: Container) -> None:
    length = [(b"content-length", str(HUGE).encode())]
    answer = drive(create_app(web_container), "/masuk", chunks(HUGE), FORM + length)
    assert answer.status == 413
    assert answer.consumed == 0


def test_a_300_mib_api_evidence_upload_without_a_token_is_refused(
    web_container: Container,
) -> None:
    app = create_app(web_container)
    path = "/api/v1/reports/1/evidence"
    chunked = drive(app, path, upload(HUGE), MULTIPART)
    assert chunked.status == 413
    assert chunked.consumed <= SMALL_BODY_BYTES + CHUNK  # the anonymous gets the small limit
    error = chunked.json()["error"]
    assert error["code"] == "too_large"
    assert "terlalu besar" in error["message"]
    declared = drive(app, path, upload(HUGE), [*MULTIPART, (b"content-length", b"314572800")])
    assert (declared.status, declared.consumed) == (413, 0)
    assert declared.json()["error"]["code"] == "too_large"


def test_with_a_token_the_evidence_limit_applies_and_a_2_mib_upload_is_stored(
    web: WebClient, web_container: Container, october: FixedClock
) -> None:
    kasi = headers_of(web_container, KASI)
    report = tw3_report(web, kasi)
    url = f"/api/v1/reports/{report['id']}/evidence"
    token = [(b"authorization", kasi["Authorization"].encode())]
    over = drive(create_app(web_container), url, upload(HUGE), MULTIPART + token)
    assert over.status == 413
    assert MAX_EVIDENCE_BYTES < over.consumed <= MAX_EVIDENCE_BYTES + FORM_OVERHEAD_BYTES + CHUNK
    # Between the small limit and the evidence limit: read, checked and stored as before.
    big_pdf = PDF + b"%" * (2 * MIB)
    created = ok(
        web.client.post(
            url, files={"file": ("besar.pdf", big_pdf, "application/pdf")}, headers=kasi
        ),
        201,
    )
    assert created["report_id"] == report["id"]


def test_a_page_form_over_the_small_limit_is_413_with_the_error_page(web: WebClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    body = b"login=" + b"a" * (SMALL_BODY_BYTES + 1)
    response = web.client.post("/masuk", content=body, headers=form)
    assert response.status_code == 413
    assert "Permintaan terlalu besar: batasnya 1 MB" in response.text
    small = web.client.post("/masuk", data={"login": "a", "password": "b"})
    assert small.status_code != 413  # an ordinary form is not caught by the limit
