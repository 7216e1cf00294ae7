"""The Kepala Dinas's PK names the Bupati of the day as pihak kedua (issue 16, item 9).

The demo's organisation file lists two (fictional) Bupati: the first until 25 February 2021,
the second from 26 February. The Kepala Dinas's PK signed in January prints the first, on
the page, the printable page and the Word file; a PK Perubahan drafted in October names
the second. Before issue 16 the title was printed over an empty name.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
from sqlmodel import Session, col, select

from db.database import transaction
from db.models import PerjanjianKinerja, PositionRow
from db.pks import revise_pk
from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.printed import signature_party

KEPALA_DINAS = "hendra.wibisono@diskoperindag-gresik.test"
FIRST_BUPATI = "H. Darmawan Sasongko, S.H., M.Si."
SECOND_BUPATI = "Ir. Bagus Wirayudha, M.M."
OCTOBER = datetime(2021, 10, 11, 2, 0, tzinfo=UTC)


def head_pk(container: Container) -> int:
    with Session(container.engine) as session:
        row = session.exec(
            select(PerjanjianKinerja)
            .join(PositionRow, PositionRow.id == PerjanjianKinerja.position_id)  # type: ignore[arg-type]
            .where(PositionRow.code == "kepala-dinas")
            .order_by(col(PerjanjianKinerja.revision).desc())
        ).first()
        assert row is not None and row.id is not None
        return row.id


def second_party(page: str) -> str:
    return "\n".join(signature_party(page, "second"))


def test_the_signed_head_pk_names_the_bupati_of_january(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    pk_id = head_pk(web_container)
    web.login(KEPALA_DINAS)
    printed = web.get(f"/pk/{pk_id}/cetak").text
    assert "KONSEP" not in printed
    assert "Bupati Gresik" in second_party(printed)
    assert FIRST_BUPATI in second_party(printed)
    assert SECOND_BUPATI not in printed
    assert FIRST_BUPATI in web.get(f"/pk/{pk_id}").text
    word = web.get(f"/pk/{pk_id}/unduh.docx")
    assert word.status_code == 200
    text = "\n".join(
        [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
        + [
            cell.text
            for table in docx.Document(io.BytesIO(word.content)).tables
            for row in table.rows
            for cell in row.cells
        ]
    )
    assert FIRST_BUPATI in text
    assert "Bupati Gresik" in text


def test_a_head_pk_drafted_after_the_change_names_the_new_bupati(
    web: WebClient, web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    with transaction(web_container.engine) as session:
        draft = revise_pk(session, head_pk(web_container), "Bupati baru", OCTOBER)
        assert draft.id is not None
        draft_id = draft.id
    web.login(KEPALA_DINAS)
    printed = web.get(f"/pk/{draft_id}/cetak").text
    assert "KONSEP" in printed  # not signed yet: who would sign today
    assert SECOND_BUPATI in second_party(printed)
    assert FIRST_BUPATI not in printed
