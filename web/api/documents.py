"""Reports and Perjanjian Kinerja: lists, details, entries, evidence and transitions.

Each endpoint is a thin shell over a use case, the same ones the pages call, which
check `may_view` / `may_edit` and send every state change through
`engine.usecases.workflow.take_action` and its one gate.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response

from engine.evidence import ALLOWED_LABEL, FILE_TYPES, MAX_EVIDENCE_BYTES
from engine.ports import UnitOfWork
from engine.usecases.documents import ActionChoice, view_pk, view_report
from engine.usecases.evidence import download_evidence, upload_evidence
from engine.usecases.listing import list_visible_documents
from engine.usecases.reports import EntryInput, save_entries
from engine.usecases.workflow import NARRATIVE_LIMIT, take_action
from engine.workflow import Action, DocKind, State
from web.api.errors import invalid, responses, version_required
from web.api.listing import DocumentFilter, Pagination, pagination
from web.api.schemas import (
    CODE_LIMIT,
    MAX_ID,
    Code,
    EntryIn,
    EvidenceCreated,
    Page,
    PkDetail,
    PkSummary,
    ReportDetail,
    ReportSummary,
    TransitionIn,
    TransitionOut,
)
from web.auth import ApiUser, CurrentUser
from web.deps import UowDep, Web, web_of

router = APIRouter()

ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id laporan (LAP-id)")]
PkId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id Perjanjian Kinerja (PK-id)")]
EvidenceId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id bukti dukung")]
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Tahun")]
Paging = Annotated[Pagination, Depends(pagination)]
MAX_ENTRIES = 500
"""Most indicators accepted in one request (a position has a handful)."""

READ = responses(401, 403, 404, 422)
WRITE = responses(400, 401, 403, 404, 409, 422)


def actions_json(choices: list[ActionChoice]) -> list[dict[str, Any]]:
    """The actions a document offers the user, as the API shows them."""
    return [
        {
            "action": c.action,
            "label": c.action.label,
            "allowed": c.allowed,
            "reason": c.reason,
            "needs_comment": c.needs_comment,
        }
        for c in choices
    ]


def _report(web: Web, uow: UnitOfWork, user: CurrentUser, report_id: int) -> dict[str, Any]:
    data = view_report(uow, report_id, user.actor, now=web.now(), policy=web.deps.policy)
    data["actions"] = actions_json(data.pop("choices"))
    return data


def _pk(web: Web, uow: UnitOfWork, user: CurrentUser, pk_id: int) -> dict[str, Any]:
    data = view_pk(uow, pk_id, user.actor, now=web.now(), policy=web.deps.policy)
    data["actions"] = actions_json(data.pop("choices"))
    return data


def _list(
    request: Request,
    uow: UnitOfWork,
    user: CurrentUser,
    kind: DocKind,
    where: DocumentFilter,
    paging: Pagination,
) -> dict[str, Any]:
    web = web_of(request)
    found = list_visible_documents(
        uow, kind, user.actor, where, offset=paging.offset, limit=paging.per_page,
        now=web.now(), policy=web.deps.policy,
    )  # fmt: skip
    return paging.envelope(found.items, found.total)


def _transition(
    request: Request,
    uow: UnitOfWork,
    user: CurrentUser,
    kind: DocKind,
    doc_id: int,
    body: TransitionIn,
) -> Any:
    if body.action in (Action.RETURN, Action.REOPEN) and not (body.comment or "").strip():
        return invalid(
            {"body.comment": "Alasan wajib diisi"},
            f"Alasan wajib diisi untuk aksi '{body.action.label}'",
        )
    web = web_of(request)
    result = take_action(
        uow, kind, doc_id, body.action, user.actor, now=web.now(), policy=web.deps.policy,
        comment=body.comment, expected_version=body.expected_version, must_view=True,
    )  # fmt: skip
    return {
        "ref": result.ref,
        "action": result.action,
        "from_state": result.from_state,
        "to_state": result.to_state,
        "version": result.version,
        "visit": result.visit,
        "acting_as": result.acting_title,
        "messages": result.messages,
    }


# --- reports -------------------------------------------------------------------------


@router.get("/reports", response_model=Page[ReportSummary], responses=responses(401, 422))
def list_reports(
    request: Request,
    user: ApiUser,
    uow: UowDep,
    paging: Paging,
    year: Year = None,
    quarter: Annotated[int | None, Query(ge=1, le=4, description="Triwulan 1-4")] = None,
    state: Annotated[State | None, Query(description="Status dokumen")] = None,
    position: Annotated[
        str | None, Query(max_length=CODE_LIMIT, description="Kode jabatan")
    ] = None,
) -> Any:
    """Laporan realisasi yang boleh Anda lihat, terbaru dulu."""
    where = DocumentFilter(year=year, quarter=quarter, state=state, position=position)
    return _list(request, uow, user, DocKind.REPORT, where, paging)


@router.get("/reports/{report_id}", response_model=ReportDetail, responses=READ)
def get_report(request: Request, user: ApiUser, uow: UowDep, report_id: ReportId) -> Any:
    """Satu laporan: isian, realisasi, capaian, bukti dukung, riwayat dan aksi yang tersedia."""
    return _report(web_of(request), uow, user, report_id)


@router.put(
    "/reports/{report_id}/entries",
    response_model=ReportDetail,
    responses=responses(400, 401, 403, 404, 409, 422, 428),
)
def put_entries(
    request: Request,
    user: ApiUser,
    uow: UowDep,
    report_id: ReportId,
    entries: Annotated[
        dict[Code, EntryIn],
        Body(
            max_length=MAX_ENTRIES,
            description="Isian per kode indikator; indikator yang tidak disebut tidak berubah",
        ),
    ],
    expected_version: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_ID,
            description="Versi laporan yang Anda baca (wajib): tanpa ini 428, bila sudah "
            "berubah 409 dengan versi sekarang dan siapa yang terakhir mengubah",
        ),
    ] = None,
) -> Any:
    """Simpan isian laporan draf (semua atau tidak sama sekali); hanya pemegang jabatannya.

    Kirim `expected_version` (versi dari GET laporan): isian yang dibuat dari versi lama
    ditolak (409), tidak pernah menimpa isian orang lain diam-diam."""
    if expected_version is None:
        return version_required()
    web = web_of(request)
    typed = {
        code: EntryInput(
            values={name: value or "" for name, value in entry.values.items()},
            no_data_reason=entry.no_data_reason,
            kendala=entry.kendala,
            upaya=entry.upaya,
        )
        for code, entry in entries.items()
    }
    errors = save_entries(
        uow, report_id, typed, user.actor, now=web.now(), policy=web.deps.policy,
        expected_version=expected_version,
    )  # fmt: skip
    if errors:
        return invalid(errors, "Isian laporan tidak valid; tidak ada yang disimpan")
    return _report(web, uow, user, report_id)


@router.post(
    "/reports/{report_id}/evidence",
    status_code=201,
    response_model=EvidenceCreated,
    responses=WRITE,
)
def post_evidence(
    request: Request,
    user: ApiUser,
    uow: UowDep,
    report_id: ReportId,
    file: Annotated[UploadFile, File(description=f"{ALLOWED_LABEL}; paling besar 10 MB")],
    indicator_id: Annotated[
        int | None, Form(ge=1, le=MAX_ID, description="Indikator yang didukung")
    ] = None,
    replaces_id: Annotated[
        int | None, Form(ge=1, le=MAX_ID, description="Bukti yang diganti")
    ] = None,
    reason: Annotated[
        str | None, Form(max_length=NARRATIVE_LIMIT, description="Alasan penggantian")
    ] = None,
) -> Any:
    """Unggah bukti dukung ke laporan draf (paling besar 10 MB)."""
    data = file.file.read(MAX_EVIDENCE_BYTES + 1)
    web = web_of(request)
    stored = upload_evidence(
        uow, report_id, user.actor, filename=file.filename or "", data=data, now=web.now(),
        policy=web.deps.policy, indicator_id=indicator_id, replaces_id=replaces_id, reason=reason,
    )  # fmt: skip
    return {"id": stored.id, "report_id": report_id}


@router.get(
    "/evidence/{evidence_id}",
    response_class=Response,
    responses={
        200: {
            "description": "Isi berkas, dengan jenisnya sendiri",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in sorted({t.content_type for t in FILE_TYPES.values()})
            },
        },
        **READ,
    },
)
def get_evidence(request: Request, user: ApiUser, uow: UowDep, evidence_id: EvidenceId) -> Response:
    """Unduh bukti dukung (checksum diperiksa) dari laporan yang boleh Anda lihat."""
    web = web_of(request)
    found = download_evidence(uow, evidence_id, user.actor, now=web.now(), policy=web.deps.policy)
    filename, content_type, data = found.record.filename, found.record.content_type, found.data
    fallback = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        data,
        media_type=content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


@router.post("/reports/{report_id}/transitions", response_model=TransitionOut, responses=WRITE)
def report_transition(
    request: Request, user: ApiUser, uow: UowDep, report_id: ReportId, body: TransitionIn
) -> Any:
    """Ajukan, verifikasi, setujui, kembalikan atau buka kembali laporan (lewat gerbang)."""
    return _transition(request, uow, user, DocKind.REPORT, report_id, body)


# --- Perjanjian Kinerja --------------------------------------------------------------


@router.get("/pks", response_model=Page[PkSummary], responses=responses(401, 422))
def list_pks(
    request: Request,
    user: ApiUser,
    uow: UowDep,
    paging: Paging,
    year: Year = None,
    state: Annotated[State | None, Query(description="Status dokumen")] = None,
    position: Annotated[
        str | None, Query(max_length=CODE_LIMIT, description="Kode jabatan")
    ] = None,
) -> Any:
    """Perjanjian Kinerja yang boleh Anda lihat (semua revisi), terbaru dulu."""
    where = DocumentFilter(year=year, state=state, position=position)
    return _list(request, uow, user, DocKind.PK, where, paging)


@router.get("/pks/{pk_id}", response_model=PkDetail, responses=READ)
def get_pk(request: Request, user: ApiUser, uow: UowDep, pk_id: PkId) -> Any:
    """Satu Perjanjian Kinerja: target, anggaran, para pihak, tenggat, riwayat dan aksi."""
    return _pk(web_of(request), uow, user, pk_id)


@router.post("/pks/{pk_id}/transitions", response_model=TransitionOut, responses=WRITE)
def pk_transition(
    request: Request, user: ApiUser, uow: UowDep, pk_id: PkId, body: TransitionIn
) -> Any:
    """Ajukan, verifikasi, setujui atau kembalikan Perjanjian Kinerja, lewat gerbang alur kerja."""
    return _transition(request, uow, user, DocKind.PK, pk_id, body)
