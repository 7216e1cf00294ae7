"""The JSON API under /api/v1, described at /api/v1/openapi.json.

A sub-application with its own error handlers (JSON, a machine code and a
message in Bahasa Indonesia). Every endpoint reaches the database through a
use case of engine/usecases, the same ones the CLI and the pages use, so there
is no second path that could skip a rule of the gate.
Authentication is a personal token (created on /akun) sent as
``Authorization: Bearer <token>``. /api/v1/docs shows the schema in Swagger UI, from the
files of the pinned fastapi-offline package (no CDN: the product works offline), started
by web/static/api-docs.js (no inline script under the Content-Security-Policy).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from typing import Annotated, Any

from fastapi import FastAPI, Header, Path
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response

from engine.errors import NotFoundError
from web.api import comments, documents, errors, my_documents, overview, tasks
from web.deps import Web

DESCRIPTION = """\
API Kinerja: Perjanjian Kinerja, laporan realisasi triwulan, tugas, organisasi dan rekap.

Autentikasi dengan token pribadi (dibuat di halaman Akun) pada header
`Authorization: Bearer <token>`. Kesalahan dijawab sebagai
`{"error": {"code": ..., "message": ...}}` dengan pesan dalam Bahasa Indonesia.
Daftar memakai `page` dan `per_page` (1-100, bawaan 50) dan menjawab
`{"items", "page", "per_page", "total"}`.
"""

DOCS_ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
"""The Swagger UI files served under /api/v1/docs/static/, from the fastapi_offline package."""
DOCS_CACHE = "public, max-age=86400"
"""A day, then revalidated by ETag: the files change only when the pinned package does."""
DOCS_PAGE = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dokumentasi API Kinerja</title>
<link rel="icon" href="/api/v1/docs/static/favicon.png">
<link rel="stylesheet" href="/api/v1/docs/static/swagger-ui.css">
</head>
<body>
<noscript>Halaman ini memerlukan JavaScript; skema API ada di
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
<div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div>
<script src="/api/v1/docs/static/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@cache
def docs_asset(name: str) -> tuple[bytes, str]:
    """A Swagger UI file's bytes and its ETag (read once per process)."""
    data = (files("fastapi_offline") / "static" / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def install_docs(api: FastAPI) -> None:
    """/docs (Swagger UI on /openapi.json) and its files; public like the schema itself."""

    @api.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE, headers={"Cache-Control": "no-cache"})

    @api.get("/docs/static/{name}", include_in_schema=False)
    def docs_file(
        name: Annotated[str, Path(max_length=64)],
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Response:
        media_type = DOCS_ASSETS.get(name)
        if media_type is None:
            raise NotFoundError(
                f"Berkas dokumentasi {name!r} tidak ada",
                log_message=f"no API docs asset {name!r}",
            )
        data, etag = docs_asset(name)
        headers = {"Cache-Control": DOCS_CACHE, "ETag": etag}
        if if_none_match == etag:
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=media_type, headers=headers)


def create_api(web: Web) -> FastAPI:
    """Build the API application around the web app's shared objects."""
    api = FastAPI(
        title="Kinerja API",
        version="1",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    api.state.web = web
    errors.install(api, web.deps)
    api.include_router(overview.router)
    api.include_router(documents.router)
    api.include_router(tasks.router)
    api.include_router(comments.router)
    api.include_router(my_documents.router)
    install_docs(api)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(
                title=api.title,
                version=api.version,
                description=api.description,
                routes=api.routes,
                servers=[{"url": "/api/v1"}],
            )
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Token pribadi"}
            }
            schema["security"] = [{"bearer": []}]
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    return api
