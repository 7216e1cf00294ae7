"""The JSON API under /api/v1, described at /api/v1/openapi.json.

A sub-application with its own error handlers (JSON, a machine code and a
message in Bahasa Indonesia). Every endpoint reaches the database through a
use case of engine/usecases, the same ones the CLI and the pages use, so there
is no second path that could skip a rule of the gate.
Authentication is a personal token (created on /akun) sent as
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

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
