"""Fault: the clock jumps. The scheduler's daily tick neither skips nor repeats a rung.

TW I 2021 of test_sweep_tw1, with nobody submitting: all three reports wait for submission
(deadline Thu 8 April 2021). Their ladders, by hand (2 April is Good Friday):
remind-7 Mon 29 Mar, remind-3 Mon 5 Apr, remind-1 Wed 7 Apr, remind-0 Thu 8 Apr,
escalate-superior Fri 9 Apr, escalate-head Tue 13 Apr (kabid-koperasi's superior is the
head, so that ladder has no separate escalation to the head).

- Forward: after the tick of 29 March the clock jumps to Wednesday 14 April. The ladder's
  rule (engine/ladder.py) for rungs missed in the gap: the latest reminder due
  (remind-0) and every escalation due, each once; the older reminders are not owed.
- Backward: then the clock falls back to Tuesday 6 April and runs day by day to 16 April.
  Nothing goes out again, and no older reminder (remind-3, remind-1) follows the newer
  ones already sent.
- Back to the very moment of an earlier tick (a frozen clock, KINERJA_FIXED_NOW, stays
  there all day) with new work due for someone who already got a digest at that moment:
  the new rungs reach them in a digest of their own, none is claimed and then lost.

Every rung claimed is listed in exactly one digest. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from db.workflow_models import LadderRung, OutboxMessage
from engine.clock import FixedClock
from engine.workflow import Action, DocKind, Role
from kinerja.demo.scenario import actor_for, step
from tests.integration.sweeps import tick as daily_tick
from tests.integration.test_sweep_tw1 import KASI_DATA, World, build_world, wib

D = date


def tick(world: World, clock: FixedClock, moment: datetime) -> int:
    """The scheduler's daily tick at `moment`; the number of rungs it enqueued."""
    clock.set(moment)
    outcome = daily_tick(world.engine, clock)
    return 0 if outcome.sweep is None else outcome.sweep.enqueued_rungs


def rungs(world: World) -> list[tuple[str, str, str]]:
    """(report alias, rung, recipient position) of every claimed rung, in claim order."""
    alias = {ref: a for a, ref in world.refs.items()}
    with Session(world.engine) as session:
        rows = list(session.exec(select(LadderRung).order_by(col(LadderRung.id))))
    return [
        (
            alias[r.doc],
            f"{r.step}:{r.rung}",
            world.position_of_official[r.recipient_official_id or 0],
        )
        for r in rows
    ]


def check_every_rung_in_one_digest(world: World) -> None:
    """Each claimed rung is an item of the digest its row names, and digests hold nothing else."""
    with Session(world.engine) as session:
        claimed = list(session.exec(select(LadderRung)))
        digests = {
            row.dedupe_key: row
            for row in session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
        }
    listed: Counter[tuple[str, str, str]] = Counter()
    for digest in digests.values():
        for item in digest.payload["items"]:
            listed[(item["doc"], item["step"], str(digest.recipient_official_id))] += 1
    wanted: Counter[tuple[str, str, str]] = Counter()
    for rung in claimed:
        assert rung.digest_key in digests, f"{rung.key} claimed but its digest was never queued"
        assert digests[rung.digest_key].recipient_official_id == rung.recipient_official_id
        wanted[(rung.doc, rung.step, str(rung.recipient_official_id))] += 1
    assert listed == wanted


def test_forward_and_backward_jumps_neither_skip_nor_repeat_a_rung(engine: Engine) -> None:
    world = build_world(engine)
    clock = FixedClock(wib(D(2021, 3, 29), 8))
    assert tick(world, clock, wib(D(2021, 3, 29), 8)) == 3
    assert sorted(rungs(world)) == [
        ("data", "submit:remind-7", "pengelola-data"),
        ("ikm", "submit:remind-7", "kasi-ikm"),
        ("kop", "submit:remind-7", "kabid-koperasi"),
    ]

    # Forward over 12 working days: what the gap owes, once.
    assert tick(world, clock, wib(D(2021, 4, 14), 8)) == 8
    assert tick(world, clock, wib(D(2021, 4, 14), 8)) == 0  # the same tick again
    assert tick(world, clock, wib(D(2021, 4, 15), 8)) == 0
    after_jump = sorted(rungs(world)[3:])
    assert after_jump == sorted([
        ("ikm", "submit:remind-0", "kasi-ikm"),
        ("ikm", "submit:escalate-superior", "kabid-perindustrian"),
        ("ikm", "submit:escalate-head", "kepala-dinas"),
        ("data", "submit:remind-0", "pengelola-data"),
        ("data", "submit:escalate-superior", KASI_DATA),
        ("data", "submit:escalate-head", "kepala-dinas"),
        ("kop", "submit:remind-0", "kabid-koperasi"),
        ("kop", "submit:escalate-superior", "kepala-dinas"),
    ])  # fmt: skip

    # Backward to 6 April, then day by day: remind-3 and remind-1 are "due" by those dates,
    # but a later reminder already went out; everything else was sent.
    day = D(2021, 4, 6)
    while day <= D(2021, 4, 16):
        assert tick(world, clock, wib(day, 8)) == 0, day
        day = D.fromordinal(day.toordinal() + 1)
    assert len(rungs(world)) == 11
    assert len(set(rungs(world))) == 11
    check_every_rung_in_one_digest(world)


def test_a_clock_set_back_to_an_earlier_tick_loses_no_new_rung(engine: Engine) -> None:
    world = build_world(engine)
    clock = FixedClock(wib(D(2021, 3, 29), 8))
    tick(world, clock, wib(D(2021, 3, 29), 8))
    frozen = wib(D(2021, 4, 14), 8)
    assert tick(world, clock, frozen) == 8  # the head gets one digest at this moment
    # pengelola-data submits at 10:00; its verification (deadline 13 April) is late at once.
    when = wib(D(2021, 4, 14), 10)
    report_id = world.report_ids["data"]
    actor = actor_for(engine, DocKind.REPORT, report_id, Role.HOLDER, when)
    step(engine, DocKind.REPORT, report_id, Action.SUBMIT, actor, when)
    # The clock is back at 08:00 (set back, or frozen there): the verification's ladder owes
    # its latest reminder to the Kepala Bidang and the escalation to the head.
    assert tick(world, clock, frozen) == 2
    assert sorted(rungs(world)[-2:]) == [
        ("data", "verify:escalate-superior", "kepala-dinas"),
        ("data", "verify:remind-0", "kabid-perdagangan"),
    ]
    check_every_rung_in_one_digest(world)
    with Session(engine) as session:
        head_digests = [
            row
            for row in session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest"))
            if world.position_of_official[row.recipient_official_id or 0] == "kepala-dinas"
            and row.created_at == frozen
        ]
    assert len(head_digests) == 2  # the first tick's and the new one: both will be sent
    assert len({row.dedupe_key for row in head_digests}) == 2
