"""Tugas Saya: what waits for whom on a day of the demo year, worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlmodel import Session, select

from db.database import transaction
from db.models import OfficialRow
from db.signin import Account
from db.uow import SqlUnitOfWork
from engine.clock import JAKARTA
from engine.pending import Step
from engine.usecases.tasks import Task, my_tasks
from engine.workflow import Action, Actor, DocKind
from kinerja.bootstrap import Container
from kinerja.demo.scenario import step
from tests.integration.entries import fill_entry
from tests.integration.sweeps import POLICY
from tests.integration.test_web_pages import report_id
from tests.integration.views import report_view

ON = date(2021, 10, 8)
AT = datetime(2021, 10, 8, 2, 0, tzinfo=UTC)


def actor(container: Container, login: str) -> Actor:
    with Session(container.engine) as session:
        official = session.exec(
            select(OfficialRow)
            .join(Account, Account.official_id == OfficialRow.id)  # type: ignore[arg-type]
            .where(Account.login == login)
        ).one()
        return Actor(official.id, official.name, official.nip)


def tasks_on(container: Container, who: Actor, on: date) -> list[Task]:
    """Tugas Saya of `who` at noon WIB on `on`, with the default rules."""
    with SqlUnitOfWork(container.engine) as uow:
        return my_tasks(uow, who, now=datetime.combine(on, time(12), JAKARTA), policy=POLICY)


def tasks_of(container: Container, who: Actor, on: date = ON) -> dict[str, Step]:
    return {t.ref: t.step for t in tasks_on(container, who, on)}


def test_the_head_approves_what_is_verified_and_the_one_step_submissions(
    web_container: Container,
) -> None:
    kadis = actor(web_container, "hendra.wibisono@diskoperindag-gresik.test")
    # Verified reports of TW III, and the submitted reports whose verifier is the head himself
    # (the Sekretaris and the Kepala Bidang report straight to him).
    verified = [
        "kasubag-program",
        "kasi-kelembagaan-usaha-mikro",
        "kasi-kelembagaan-koperasi",
        "kasi-promosi-luar-negeri",
        "pengelola-data",
        "kasi-ikm",
    ]
    one_step = [
        "sekretaris",
        "kabid-usaha-mikro",
        "kabid-koperasi",
        "kabid-perdagangan",
        "kabid-perindustrian",
    ]
    expected = {f"LAP-{report_id(web_container, p)}": Step.APPROVE for p in verified + one_step}
    assert tasks_of(web_container, kadis) == expected


def test_a_head_of_section_fills_and_a_head_of_bidang_verifies(web_container: Container) -> None:
    kasi = actor(web_container, "fitri.handayani@diskoperindag-gresik.test")
    assert tasks_of(web_container, kasi) == {
        f"LAP-{report_id(web_container, 'kasi-produksi-usaha-mikro')}": Step.SUBMIT
    }
    kabid = actor(web_container, "eko.purnomo@diskoperindag-gresik.test")  # Kabid Perdagangan
    assert tasks_of(web_container, kabid) == {
        f"LAP-{report_id(web_container, 'kasi-pengendalian-perdagangan-kecil')}": Step.VERIFY
    }


def test_the_plt_verifies_for_the_absent_kepala_bidang(web_container: Container) -> None:
    draft = report_id(web_container, "kasi-industri-mikro")
    arif = actor(web_container, "arif.setiawan@diskoperindag-gresik.test")
    with transaction(web_container.engine) as session:
        for row in report_view(session, draft)["entries"]:
            fill_entry(
                session, draft, row["indicator"], values={i["name"]: "3" for i in row["inputs"]}
            )
    step(web_container.engine, DocKind.REPORT, draft, Action.SUBMIT, arif, AT)
    sri = actor(web_container, "sri.rahayuningsih@diskoperindag-gresik.test")
    slamet = actor(web_container, "slamet.riyadi@diskoperindag-gresik.test")  # definitif, absent
    mine = {t.ref: t for t in tasks_on(web_container, sri, ON)}
    task = mine[f"LAP-{draft}"]
    assert task.step is Step.VERIFY
    assert task.acting_title.startswith("Plt. Kepala Bidang Perindustrian")
    assert f"LAP-{draft}" not in tasks_of(web_container, slamet)
    # Before the Plt was appointed (1 October), the definitif holder had it.
    assert f"LAP-{draft}" in tasks_of(web_container, slamet, date(2021, 9, 30))
    assert f"LAP-{draft}" not in tasks_of(web_container, sri, date(2021, 9, 30))
