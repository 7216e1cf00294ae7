"""The PK Perubahan from the PK's page (PermenPAN-RB 53/2014): who may start it (the
holder acting for the post as the acting rules allow, the agency's planning holder, the
administrator), with which reason, which quarters stay locked, and the prompt a new holder
gets (a new definitif holder, a Plt or a Pj of a post whose approved PK someone else signed).
The revision itself is `engine.usecases.pk.add_revision`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.acting import ActingRules
from engine.clock import local_date
from engine.errors import FieldError, ForbiddenError
from engine.org import AssignmentStatus, Holding, OrgTree
from engine.pk import LOCKED_REPORT_STATES
from engine.policy import Policy
from engine.ports import UnitOfWork, writes
from engine.records import PkLine, Revision
from engine.roles import may_plan
from engine.text import single_line
from engine.usecases.audit import record_admin
from engine.usecases.pk import TEXT_LIMIT, add_revision
from engine.workflow import Action, Actor, DocKind, State

__all__ = [
    "REVISION_REASONS",
    "RevisionOptions",
    "revision_options",
    "start_revision",
]

REVISION_REASONS = {
    "pejabat": "Pergantian pejabat",
    "apbd": "APBD Perubahan (program, kegiatan atau anggaran berubah)",
    "prioritas": "Perubahan prioritas",
}
"""Why a PK may be revised (PermenPAN-RB 53/2014): form value -> how it is written."""
PROMPTED = frozenset({AssignmentStatus.DEFINITIF, AssignmentStatus.PLT, AssignmentStatus.PJ})
"""A new holder of these kinds is prompted to make the PK Perubahan (a Plh stands in only)."""


@dataclass(frozen=True)
class RevisionOptions:
    """Whether `actor` may start the PK Perubahan of an approved PK, and what the form shows."""

    offered: bool
    """The PK is the latest revision and approved: a revision can be made from it."""
    allowed: bool
    refusal: str
    locked: tuple[int, ...]
    """Quarters whose report is verified: their targets stay as they are."""
    kind: str = ""
    reason: str = ""
    """The reason prefilled (a change of holder), or empty."""


def holder_change(
    tree: OrgTree, line: PkLine, official_id: int, today: date, rules: ActingRules
) -> Holding | None:
    """The holding through which `official_id` holds the post of an approved PK signed by
    somebody who no longer holds it (a new definitif holder, a Plt or a Pj who may submit
    PKs), or None."""
    if line.state is not State.APPROVED or not line.first_nip:
        return None
    holders = tree.holders(line.position_id, today)
    if any(h.official.nip == line.first_nip for h in holders):
        return None
    for holding in holders:
        if (
            holding.official.id == official_id
            and holding.status in PROMPTED
            and rules.permits(DocKind.PK, Action.SUBMIT, holding.status)
        ):
            return holding
    return None


def change_reason(holding: Holding, line: PkLine) -> str:
    """The prefilled reason of the PK Perubahan a new holder makes."""
    who = f"{holding.status.prefix} {holding.official.name}".strip()
    before = f" menggantikan {line.first_name}" if line.first_name else ""
    return f"{who}{before} sebagai {holding.position.title} (PermenPAN-RB 53/2014)"


def _may_revise(
    uow: UnitOfWork, position_id: int, actor: Actor, today: date, policy: Policy
) -> bool:
    """The holder acting for the post (as the acting rules let them submit a PK), the
    agency's planning holder, or the administrator."""
    tree = uow.documents.org_tree()
    if may_plan(actor, tree.position(position_id).agency_id, today, tree=tree):
        return True
    if actor.official_id is None:
        return False
    return any(
        h.official.id == actor.official_id
        and policy.acting_rules.permits(DocKind.PK, Action.SUBMIT, h.status)
        for h in tree.holders(position_id, today)
    )


def revision_options(
    uow: UnitOfWork, pk_id: int, actor: Actor, *, now: datetime, policy: Policy
) -> RevisionOptions:
    """What the PK page offers for a PK Perubahan of this PK."""
    head = uow.documents.head(DocKind.PK, pk_id)
    latest = uow.pks.revisions(head.position_id, head.year)[-1]
    if latest.id != head.id or head.state is not State.APPROVED:
        return RevisionOptions(False, False, "", ())
    today = local_date(now, policy.zone)
    locked = tuple(
        sorted(uow.reports.quarters_in(head.position_id, head.year, LOCKED_REPORT_STATES))
    )
    if not _may_revise(uow, head.position_id, actor, today, policy):
        refusal = (
            "PK Perubahan dibuat oleh pemegang jabatan ini (definitif, Plt. atau Pj.) atau "
            "pemegang jabatan perencanaan"
        )
        return RevisionOptions(True, False, refusal, locked)
    kind = reason = ""
    if actor.official_id is not None:
        line = uow.pks.of_year(head.year, [head.position_id])[-1]
        tree = uow.documents.org_tree()
        holding = holder_change(tree, line, actor.official_id, today, policy.acting_rules)
        if holding is not None:
            kind, reason = "pejabat", change_reason(holding, line)
    return RevisionOptions(True, True, "", locked, kind, reason)


@writes
def start_revision(
    uow: UnitOfWork,
    pk_id: int,
    actor: Actor,
    *,
    kind: str,
    reason: str,
    by: str,
    now: datetime,
    policy: Policy,
) -> Revision:
    """The PK Perubahan of an approved PK, started from its page by its holder or the
    planning holder with one of `REVISION_REASONS` and an explanation; commit. The
    approved revision stays readable; verified quarters keep their targets."""
    if kind not in REVISION_REASONS:
        raise FieldError("jenis", "Pilih alasan PK Perubahan", log_message=f"reason {kind!r}")
    text = single_line(reason.strip(), "Penjelasan alasan", field="alasan")
    if not text:
        raise FieldError(
            "alasan", "Jelaskan alasan PK Perubahan", log_message="revision reason empty"
        )
    if len(text) > TEXT_LIMIT:
        raise FieldError(
            "alasan", f"Alasan paling banyak {TEXT_LIMIT} karakter", log_message="reason too long"
        )
    head = uow.documents.head(DocKind.PK, pk_id)
    if not _may_revise(uow, head.position_id, actor, local_date(now, policy.zone), policy):
        raise ForbiddenError(
            "PK Perubahan hanya dapat dibuat oleh pemegang jabatan ini (definitif, Plt. atau "
            "Pj.) atau pemegang jabatan perencanaan",
            log_message=f"{actor.name} may not revise PK-{pk_id}",
        )
    label = REVISION_REASONS[kind]
    written = text if text.startswith(label) else f"{label}: {text}"
    revision = add_revision(uow.documents, uow.pks, pk_id, written, now)
    record_admin(
        uow,
        by,
        "pk.revise",
        f"PK-{pk_id} tahun {head.year}: PK Perubahan {revision.revision - 1}",
        None,
        {"PK baru": f"PK-{revision.id}", "alasan": written},
        now=now,
    )
    uow.commit()
    return revision
