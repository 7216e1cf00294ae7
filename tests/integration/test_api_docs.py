"""/api/v1/docs and its files: served from the pinned package, cached, no inline script.

The browser side (the endpoints listed, no CSP violation, "Try it out") is
tests/e2e/test_api_docs.py; here the answers themselves.
"""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from tests.integration.conftest import WebClient
from web.api.v1 import DOCS_ASSETS
from web.security import CONTENT_SECURITY_POLICY


def test_the_docs_page_loads_packaged_files_and_no_inline_script(web: WebClient) -> None:
    page = web.get("/api/v1/docs")  # public, like the schema it shows: no sign-in
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    html = page.text
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources == [
        "/api/v1/docs/static/favicon.png",
        "/api/v1/docs/static/swagger-ui.css",
        "/api/v1/docs/static/swagger-ui-bundle.js",
        "/static/api-docs.js",
    ]
    assert "<script>" not in html and "http" not in html  # no inline code, no CDN
    assert 'data-openapi="/api/v1/openapi.json"' in html
    assert web.get("/static/api-docs.js").status_code == 200
    assert "openapi.json" not in web.get("/static/api-docs.js").text  # read from the page


@pytest.mark.parametrize(("name", "media_type"), sorted(DOCS_ASSETS.items()))
def test_each_file_is_the_packages_with_its_type_and_is_cached(
    web: WebClient, name: str, media_type: str
) -> None:
    response = web.get(f"/api/v1/docs/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.content == (files("fastapi_offline") / "static" / name).read_bytes()
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["x-content-type-options"] == "nosniff"
    etag = response.headers["etag"]
    again = web.get(f"/api/v1/docs/static/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    changed = web.get(f"/api/v1/docs/static/{name}", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.content == response.content


def test_the_bundle_is_swagger_ui_5_which_reads_openapi_3_1(web: WebClient) -> None:
    bundle = web.get("/api/v1/docs/static/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle
    assert re.search(r'"5\.\d+\.\d+"', bundle)  # 4.x cannot render FastAPI's OpenAPI 3.1
    assert web.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")


@pytest.mark.parametrize(
    "name", ["index.html", "..%2F__init__.py", "..%2F..%2Fweb%2Fapp.py", "swagger-ui.js", "x" * 65]
)
def test_only_the_listed_files_are_served(web: WebClient, name: str) -> None:
    response = web.get(f"/api/v1/docs/static/{name}")
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["message"]  # the API's Indonesian error, not a file
