"""How the API refuses: JSON with a machine code and a message in Bahasa Indonesia.

Every refusal (the gate's, a stale version, a bad field, a missing token) ends
here, so a client reads `error.code` and shows `error.message`; nothing becomes
a 500 because a request was odd.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import (
    ActionRefusedError,
    ConflictError,
    ForbiddenError,
    KinerjaError,
    NotFoundError,
)
from web.api.schemas import ErrorResponse
from web.auth import LoginRequiredError
from web.deps import WebDeps

log = logging.getLogger("kinerja.api")

STATUS: tuple[tuple[type[KinerjaError], int, str], ...] = (
    (NotFoundError, 404, "not_found"),
    (ActionRefusedError, 403, "forbidden"),
    (ForbiddenError, 403, "forbidden"),
    (ConflictError, 409, "conflict"),
    (LoginRequiredError, 401, "unauthenticated"),
)
"""Domain errors and their answers; any other KinerjaError is invalid input (422)."""

HTTP_MESSAGES = {
    400: "Permintaan tidak dapat dibaca",
    401: "Silakan kirim token API yang sah",
    403: "Anda tidak berhak melakukan ini",
    404: "Alamat atau data tidak ditemukan",
    405: "Metode tidak diizinkan untuk alamat ini",
    413: "Berkas atau permintaan terlalu besar",
    415: "Jenis isi permintaan tidak didukung",
}

INVALID_MESSAGE = "Permintaan tidak valid: periksa isian yang ditandai"

UNAVAILABLE_MESSAGE = (
    "Layanan sedang tidak dapat menghubungi basis data. Tunggu sebentar lalu coba lagi; "
    "muat ulang untuk memastikan apakah perubahan terakhir Anda sudah tersimpan."
)
"""What a user reads when the database is down (pages and API alike)."""
RETRY_AFTER_SECONDS = 30

_DESCRIPTIONS = {
    400: "Isi permintaan tidak dapat dibaca, misalnya JSON rusak (code: http_error)",
    401: "Token tidak dikirim, tidak sah atau sudah dicabut (code: unauthenticated)",
    403: "Tidak berhak; untuk aksi, alasan dari gerbang alur kerja (code: forbidden)",
    404: "Data tidak ditemukan (code: not_found)",
    409: (
        "Versi dokumen sudah berubah; `version` adalah versi sekarang, `changed_by` dan "
        "`changed_at` perubahan terakhir. Baca lagi lalu coba lagi (code: conflict)"
    ),
    428: "expected_version wajib dikirim (code: precondition_required)",
    422: "Isian tidak valid; `fields` menyebut yang salah (code: invalid)",
    503: "Basis data sedang tidak dapat dihubungi; coba lagi nanti (code: unavailable)",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of an endpoint, for the OpenAPI schema."""
    return {code: {"model": ErrorResponse, "description": _DESCRIPTIONS[code]} for code in codes}


def error_json(
    status: int,
    code: str,
    message: str,
    *,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """The API's error body."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = dict(fields)
    body |= extra or {}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def conflict_details(exc: ConflictError) -> dict[str, Any]:
    """What a 409 says beside its message: the document's version now and its last change."""
    return {
        "version": exc.version,
        "changed_by": exc.changed_by,
        "changed_at": None if exc.changed_at is None else exc.changed_at.isoformat(),
    }


VERSION_REQUIRED = (
    "expected_version wajib dikirim: versi dokumen yang Anda baca (field `version` dari GET "
    "dokumen yang sama), agar isian orang lain tidak tertimpa tanpa sengaja"
)


def version_required() -> JSONResponse:
    """428: a change sent without the version it was built on."""
    return error_json(428, "precondition_required", VERSION_REQUIRED)


def invalid(fields: Mapping[str, str], message: str = INVALID_MESSAGE) -> JSONResponse:
    """A 422 naming what is wrong with each field."""
    return error_json(422, "invalid", message, fields=fields)


def status_of(exc: KinerjaError) -> tuple[int, str]:
    """The HTTP status and machine code of a domain error."""
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return status, code
    return 422, "invalid"


def log_unavailable(logger: logging.Logger, request: Request, exc: Exception) -> None:
    """One English line for the operator: what failed and why, without a traceback."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    logger.warning(
        "database unavailable (%s %s): %s: %s",
        request.method, request.url.path, type(exc).__name__, reason,
    )  # fmt: skip


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc) or "request"


_MESSAGES = {
    "missing": "wajib diisi",
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "greater_than_equal": "terlalu kecil (paling kecil {ge})",
    "less_than_equal": "terlalu besar (paling besar {le})",
    "string_too_long": "terlalu panjang (paling banyak {max_length} karakter)",
    "string_too_short": "terlalu pendek (paling sedikit {min_length} karakter)",
    "string_type": "harus teks",
    "enum": "harus salah satu dari: {expected}",
    "extra_forbidden": "tidak dikenal",
    "model_attributes_type": "harus objek JSON",
    "dict_type": "harus objek JSON",
    "json_invalid": "JSON tidak sah",
    "bool_parsing": "harus true atau false",
}


def _message(error: Mapping[str, Any]) -> str:
    template = _MESSAGES.get(str(error.get("type")), "tidak valid")
    context = error.get("ctx") or {}
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return "tidak valid"


def validation_fields(errors: Sequence[Any]) -> dict[str, str]:
    """Each invalid field's location ("body.action", "query.page") with an Indonesian message."""
    fields: dict[str, str] = {}
    for error in errors:
        if isinstance(error, Mapping):
            fields.setdefault(_location(error.get("loc", ())), _message(error))
    return fields


def install(api: FastAPI, deps: WebDeps) -> None:
    """Register the API's error handlers on its app."""

    @api.exception_handler(KinerjaError)
    async def domain_error(request: Request, exc: KinerjaError) -> Response:
        status, code = status_of(exc)
        log.info("api refused (%s %s): %s", request.method, request.url.path, exc.log_message)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        extra = conflict_details(exc) if isinstance(exc, ConflictError) else None
        return error_json(status, code, exc.message, headers=headers, extra=extra)

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        log.info("api invalid request %s %s: %s", request.method, request.url.path, exc.errors())
        return invalid(validation_fields(exc.errors()))

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = HTTP_MESSAGES.get(exc.status_code) or str(exc.detail)
        return error_json(exc.status_code, "http_error", message, headers=exc.headers)

    async def unavailable(request: Request, exc: Exception) -> Response:
        if not deps.is_outage(exc):
            raise exc  # a bug, not an outage: the server error it is
        log_unavailable(log, request, exc)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return error_json(503, "unavailable", UNAVAILABLE_MESSAGE, headers=headers)

    for kind in deps.outage_errors:
        api.add_exception_handler(kind, unavailable)
