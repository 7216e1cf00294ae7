"""Schemathesis against /api/v1/openapi.json: whatever it sends, the API never answers 5xx.

Every answer must also be documented (status code, content type, body schema).

Runs in-process over the ASGI app on a private copy of the demo database (the
`web_container` fixture), with a valid bearer token, derandomized so a run is
repeatable. Each operation's Hypothesis strategy is driven here directly:
schemathesis' lazy pytest loader (`schemathesis.pytest.from_fixture`) does not
work with pytest 9 (it reads `request.node._nodeid`, which pytest 9 removed).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session, select

from db.accounts import find_account
from db.database import transaction
from db.models import PerjanjianKinerja, PositionRow, QuarterlyReport
from db.signin import create_token
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from web.app import create_app

MAX_EXAMPLES = 10
"""Cases per operation and run: 330 requests in all, some 25 seconds."""
OCTOBER = datetime(2021, 10, 4, 2, 0, tzinfo=UTC)
LOGIN = "fitri.handayani@diskoperindag-gresik.test"
POSITION = "kasi-produksi-usaha-mikro"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
"""No 5xx, and every answer is one the schema documents, in the documented shape."""
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def api_app(web_container: Container) -> Any:
    """The whole web app (the API mounted at /api/v1) over a private demo database."""
    return create_app(web_container)


@pytest.fixture
def api_schema(api_app: Any) -> Any:
    """The API's own OpenAPI document, loaded from the running app."""
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)


@pytest.fixture
def api_headers(web_container: Container, clock: FixedClock) -> dict[str, str]:
    """A valid token of a Kepala Seksi whose TW III report is a draft (so writes can succeed)."""
    clock.set(OCTOBER)
    with transaction(web_container.engine) as session:
        account = find_account(session, LOGIN)
        assert account is not None and account.id is not None
        raw, _ = create_token(session, account.id, "schemathesis", clock.now())
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def real_ids(web_container: Container, api_app: Any, api_headers: dict[str, str]) -> dict[str, int]:
    """Ids of the user's own documents and of an evidence file, for the path parameters."""
    with Session(web_container.engine) as session:
        position = session.exec(select(PositionRow).where(PositionRow.code == POSITION)).one()
        report = session.exec(
            select(QuarterlyReport).where(
                QuarterlyReport.position_id == position.id, QuarterlyReport.quarter == 3
            )
        ).one()
        pk = session.exec(
            select(PerjanjianKinerja).where(PerjanjianKinerja.position_id == position.id)
        ).one()
    assert report.id is not None and pk.id is not None
    with TestClient(api_app) as client:
        uploaded = client.post(
            f"/api/v1/reports/{report.id}/evidence",
            files={"file": ("bukti.pdf", PDF, "application/pdf")},
            headers=api_headers,
        )
    assert uploaded.status_code == 201, uploaded.text
    return {"report_id": report.id, "pk_id": pk.id, "evidence_id": uploaded.json()["id"]}


def run(
    schema: Any,
    headers: dict[str, str],
    mode: GenerationMode,
    ids: dict[str, int] | None = None,
) -> list[tuple[str, int]]:
    """Call every operation (only those with such path parameters, when `ids`) with cases."""
    calls: list[tuple[str, int]] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        fixed = None
        if ids is not None:
            fixed = {name: value for name, value in ids.items() if f"{{{name}}}" in operation.path}
            if not fixed:
                continue
        exercise(operation, mode, fixed, headers, calls)
    return calls


def exercise(
    operation: Any,
    mode: GenerationMode,
    fixed: dict[str, int] | None,
    headers: dict[str, str],
    calls: list[tuple[str, int]],
) -> None:
    """Run one operation's generated cases; fail on a 5xx or an undocumented answer."""

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        response = case.call(headers={**(case.headers or {}), **headers})
        calls.append((operation.label, response.status_code))
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:1000]}"
        )
        case.validate_response(response, checks=CHECKS)

    call()


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_any_request_gets_no_server_error(
    api_schema: Any, api_headers: dict[str, str], mode: GenerationMode
) -> None:
    calls = run(api_schema, api_headers, mode)
    assert len({label for label, _ in calls}) >= 13
    assert any(status < 300 for _, status in calls)
    assert any(400 <= status < 500 for _, status in calls)


@pytest.mark.slow
def test_requests_on_real_documents_get_no_server_error(
    api_schema: Any, api_headers: dict[str, str], real_ids: dict[str, int]
) -> None:
    calls = run(api_schema, api_headers, GenerationMode.POSITIVE, real_ids)
    labels = {label for label, _ in calls}
    assert len(labels) == 11  # with GET and POST of reports and PK comments
    assert any(status == 200 for _, status in calls)
