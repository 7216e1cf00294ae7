"""B11: the security headers on every answer (pages, API, static files, errors, 304s)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from engine.clock import FixedClock
from kinerja.bootstrap import Container, bootstrap
from kinerja.settings import load_settings
from tests.integration.conftest import WebClient
from tests.integration.test_api import KASI as KASI_POSITION
from tests.integration.test_api import headers_of
from tests.integration.test_web_pages import KASI, OCTOBER, report_id
from web.app import create_app
from web.security import SecurityHeadersMiddleware


def directives(response: object) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    policy = response.headers["content-security-policy"]  # type: ignore[attr-defined]
    pairs = (part.strip().partition(" ") for part in policy.split(";") if part.strip())
    return {name: sources for name, _, sources in pairs}


def assert_secured(response: object, *, hsts: bool = False) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    policy = directives(response)
    assert policy["script-src"] == "'self'"  # no inline script, no eval
    assert policy["frame-ancestors"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in policy["default-src"]
    assert headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert ("strict-transport-security" in headers) is hsts


def test_a_signed_in_report_page_may_not_be_framed_by_another_origin(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    web.login(KASI)
    response = web.get(f"/laporan/{report_id(web_container, 'kasi-produksi-usaha-mikro')}")
    assert response.status_code == 200
    assert_secured(response)
    # The live preview is a file of our own; the page itself holds no script to run.
    assert '<script src="/static/report.js"></script>' in response.text
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", response.text)
    assert not re.search(r"\son[a-z]+=", response.text)  # no inline event handlers


def test_headers_on_the_api_errors_static_files_and_304s(
    web: WebClient, web_container: Container
) -> None:
    assert_secured(web.get("/masuk"))
    missing = web.get("/tidak-ada")
    assert missing.status_code == 404
    assert_secured(missing)
    assert_secured(web.get("/api/v1/me"))  # 401
    kasi = headers_of(web_container, KASI_POSITION)
    me = web.get("/api/v1/me", headers=kasi)
    assert me.status_code == 200
    assert_secured(me)
    assert_secured(web.get("/api/v1/openapi.json"))
    script = web.get("/static/report.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert_secured(script)
    again = web.get("/static/report.js", headers={"if-none-match": script.headers["etag"]})
    assert again.status_code == 304
    assert_secured(again)
    assert_secured(web.get("/healthz"))


def test_an_answer_with_its_own_policy_keeps_it() -> None:
    # The demo mailbox's email body sends a stricter policy of its own (web/pages/demo.py).
    strict = "sandbox; default-src 'none'"

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await Response("isi", headers={"Content-Security-Policy": strict})(scope, receive, send)

    response = TestClient(SecurityHeadersMiddleware(app)).get("/")  # no lifespan: plain HTTP
    assert response.headers.get_list("content-security-policy") == [strict]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.fixture
def secure_app(demo_template: Path, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    path = tmp_path / "secure.db"
    shutil.copyfile(demo_template, path)
    built = bootstrap(
        load_settings(
            {
                "KINERJA_DATABASE_URL": f"sqlite:///{path}",
                "KINERJA_EVIDENCE_DIR": str(tmp_path / "evidence"),
                "KINERJA_SECRET_KEY": "test-secret",
                "KINERJA_COOKIE_SECURE": "true",
            }
        ),
        clock=clock,
    )
    try:
        with TestClient(create_app(built), base_url="https://testserver") as client:
            yield client
    finally:
        built.close()


def test_hsts_when_cookies_are_secure(secure_app: TestClient, web: WebClient) -> None:
    for response in (secure_app.get("/masuk"), secure_app.get("/api/v1/me")):
        assert_secured(response, hsts=True)
        assert "max-age=31536000" in response.headers["strict-transport-security"]
    assert_secured(web.get("/masuk"), hsts=False)
