"""The one gate every workflow transition goes through. Deny by default.

Given the document, the action, the acting official, the date and the
organisation tree, it works out in which capacity the official may act (holder
of the position, its nearest Administrator-level superior as verifier, the head
of the agency as approver, the administrator), applies the acting-status rules,
the separation of duties and the guards, and runs the workflow machine. Every
refusal carries a reason in Bahasa Indonesia.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from engine.acting import DEFAULT_ACTING_RULES, ActingRules, pk_party
from engine.org import Holding, OrgTree, Position
from engine.roles import reads_agency
from engine.workflow import (
    Action,
    Actor,
    DocKind,
    DocumentView,
    Facts,
    Guard,
    Role,
    State,
    StateMachine,
    TransitionSpec,
)

__all__ = [
    "DEFAULT_ACTING_RULES",
    "ActingRules",
    "Decision",
    "Parties",
    "acting_holding",
    "decide",
    "may_edit",
    "may_view",
    "parties",
    "pk_party",
]


@dataclass(frozen=True)
class Parties:
    """The positions that act on a document of a position."""

    holder: Position
    verifier: Position | None
    approver: Position | None

    @property
    def one_step(self) -> bool:
        """True when the verifier would be the approver: the head approves in one step."""
        return self.verifier is None or self.verifier == self.approver

    def position_for(self, role: Role) -> Position | None:
        """The position whose holder acts in `role` (None for the administrator)."""
        if role is Role.HOLDER:
            return self.holder
        if role is Role.VERIFIER:
            return self.verifier
        if role is Role.APPROVER:
            return self.approver
        return None


def parties(tree: OrgTree, position_id: int) -> Parties:
    """Holder, verifier and approver positions of a document.

    The verifier is the nearest Administrator-level superior (Kepala Bidang or
    Sekretaris), or the head when there is none; the approver is the head of the
    agency. The head's own documents have neither: the administrator records the
    Bupati's approval.
    """
    holder = tree.position(position_id)
    head = tree.head_of_agency(position_id)
    if head == holder:
        return Parties(holder, None, None)
    return Parties(holder, tree.nearest_administrator(position_id) or head, head)


@dataclass(frozen=True)
class Decision:
    """The gate's answer: allowed with the transition taken, or refused with a reason."""

    allowed: bool
    reason: str | None = None
    target: State | None = None
    spec: TransitionSpec | None = None
    holding: Holding | None = None
    parties: Parties | None = None
    has_role: bool = False
    """On a refusal: the actor had the role, only a guard failed (so the page shows why)."""

    @property
    def role(self) -> Role | None:
        """The capacity the actor acted in."""
        return None if self.spec is None else self.spec.role


def _refuse(reason: str) -> Decision:
    return Decision(False, reason)


def decide(
    document: DocumentView,
    action: Action,
    actor: Actor,
    on: date,
    *,
    tree: OrgTree,
    machine: StateMachine,
    rules: ActingRules = DEFAULT_ACTING_RULES,
    comment: str | None = None,
) -> Decision:
    """Decide whether `actor` may take `action` on `document` on day `on`."""
    name = f"{document.kind.label} {document.ref}"
    if action not in machine.available(document.state):
        return _refuse(
            f"Aksi '{action.label}' tidak tersedia untuk {name} yang berstatus "
            f"{document.state.label}"
        )
    who = parties(tree, document.position_id)
    candidates = machine.candidates(document.state, action)
    needed = {c.role for c in candidates}
    roles, holdings, status_refusals = _roles(document, action, actor, on, tree, who, rules, needed)
    if not roles & {c.role for c in candidates}:
        return _refuse(_no_role_reason(document, action, candidates, who, on, status_refusals))
    failures = _guard_failures(document, action, actor, who, comment)
    facts = Facts(document, actor, frozenset(roles), who.one_step, comment, failures)
    fired = machine.fire(document.state, action, facts)
    if fired is None:
        usable = [c for c in candidates if c.role in roles]
        # Explain with the transition that fits the document's shape (one or two steps).
        shape = {Guard.ONE_STEP, Guard.TWO_STEP}
        usable.sort(key=lambda c: bool(shape & set(c.guards) & set(failures)))
        for candidate in usable:
            for guard in candidate.guards:
                if guard in failures:
                    return Decision(False, f"{name}: {failures[guard]}", has_role=True)
        return Decision(False, f"{name}: aksi '{action.label}' ditolak", has_role=True)
    if document.kind is DocKind.PK and fired.target is State.APPROVED:
        unsigned = _unsigned_party(tree, who, on, rules)
        if unsigned is not None:
            return Decision(False, f"{name}: {unsigned}", has_role=True)
    # The machine decided: the transition it took names the target and the capacity.
    return Decision(True, None, fired.target, fired, holdings.get(fired.role), who)


_STRATEGIC_NOTE = (
    " (Perjanjian Kinerja adalah keputusan strategis; Plh. hanya menggantikan sementara)"
)


def _unsigned_party(tree: OrgTree, who: Parties, on: date, rules: ActingRules) -> str | None:
    """Why a PK cannot be approved on `on`: a party's post is held only by officials who
    may not sign it (a Plh alone, by default); None when both parties can sign."""
    superior = tree.superior(who.holder.id)
    for label, position in (("pihak pertama", who.holder), ("pihak kedua", superior)):
        if position is None:
            continue  # the regency head signs as pihak kedua of the head's own PK
        holders = tree.holders(position.id, on)
        if holders and pk_party(tree, position.id, on, rules) is None:
            shown = ", ".join(h.display_title for h in holders)
            return (
                f"{label} ({position.title}) pada {on.isoformat()} hanya dijabat {shown}, "
                "yang tidak boleh menandatangani Perjanjian Kinerja; tunggu pejabat definitif "
                "atau tunjuk Plt./Pj."
            )
    return None


def _roles(
    document: DocumentView,
    action: Action,
    actor: Actor,
    on: date,
    tree: OrgTree,
    who: Parties,
    rules: ActingRules,
    needed: set[Role],
) -> tuple[set[Role], dict[Role, Holding], list[str]]:
    """The capacities in which `actor` may take `action`, and why a holding does not count.

    While an acting assignment (Plh, Plt, Pj) is valid, it is the acting official who
    acts for the position: the definitif holder is absent or the post is vacant.
    Status refusals are reported only for the roles the action needs.
    """
    roles: set[Role] = set()
    holdings: dict[Role, Holding] = {}
    refusals: list[str] = []
    if actor.is_admin:
        roles.add(Role.ADMIN)
        if who.approver is None and who.verifier is None:
            roles.add(Role.APPROVER)  # the head's own document: recorded by the admin
    if actor.official_id is None:
        return roles, holdings, refusals
    for role in (Role.HOLDER, Role.VERIFIER, Role.APPROVER):
        position = who.position_for(role)
        if position is None:
            continue
        for holding in _acting_holdings(tree, position.id, on):
            if holding.official.id != actor.official_id:
                continue
            if rules.permits(document.kind, action, holding.status):
                roles.add(role)
                holdings[role] = holding
                break
            if role not in needed:
                continue
            refusals.append(
                f"sebagai {holding.display_title} ({holding.status.prefix.rstrip('.')}) Anda "
                f"tidak boleh {action.label} {document.kind.label}: hanya pejabat "
                f"{rules.who_may(document.kind, action)} yang boleh"
                + (_STRATEGIC_NOTE if document.kind is DocKind.PK else "")
            )
    return roles, holdings, refusals


def _acting_holdings(tree: OrgTree, position_id: int, on: date) -> list[Holding]:
    """Who may act for a position on `on`: the acting officials if any, else the holder."""
    holders = tree.holders(position_id, on)
    acting = [h for h in holders if h.status.is_acting]
    return acting or holders


def _no_role_reason(
    document: DocumentView,
    action: Action,
    candidates: Sequence[TransitionSpec],
    who: Parties,
    on: date,
    status_refusals: list[str],
) -> str:
    name = f"{document.kind.label} {document.ref}"
    if status_refusals:
        return f"{name}: {status_refusals[0]}"
    needed = []
    for candidate in candidates:
        position = who.position_for(candidate.role)
        label = candidate.role.label if position is None else position.title
        if label not in needed:
            needed.append(label)
    return (
        f"{name}: Anda tidak berhak {action.label}; yang berhak adalah "
        f"{' atau '.join(needed)} pada {on.isoformat()}"
    )


def _guard_failures(
    document: DocumentView,
    action: Action,
    actor: Actor,
    who: Parties,
    comment: str | None,
) -> dict[Guard, str]:
    failures: dict[Guard, str] = {}
    if document.missing:
        shown = "; ".join(document.missing[:5])
        more = f" (dan {len(document.missing) - 5} lainnya)" if len(document.missing) > 5 else ""
        failures[Guard.READY] = f"belum lengkap: {shown}{more}"
    if not document.pk_approved:
        failures[Guard.PK_APPROVED] = (
            f"Perjanjian Kinerja tahun {document.year} jabatan ini belum disetujui"
        )
    if who.one_step:
        failures[Guard.TWO_STEP] = (
            "tidak ada tahap verifikasi: kepala perangkat daerah menyetujui langsung"
        )
    else:
        failures[Guard.ONE_STEP] = "dokumen ini harus diverifikasi lebih dulu"
    if not (comment or "").strip():
        failures[Guard.COMMENT] = "alasan wajib diisi"
    me = actor.official_id
    if me is not None and action is Action.VERIFY and me == document.submitted_by:
        failures[Guard.SEPARATION] = "verifikator tidak boleh orang yang mengajukan"
    elif (
        me is not None
        and action is Action.APPROVE
        and me
        in (
            document.submitted_by,
            document.verified_by,
        )
    ):
        failures[Guard.SEPARATION] = (
            "penyetuju tidak boleh orang yang mengajukan atau memverifikasi"
        )
    return failures


def may_edit(
    document: DocumentView,
    actor: Actor,
    on: date,
    *,
    tree: OrgTree,
    rules: ActingRules = DEFAULT_ACTING_RULES,
) -> bool:
    """True when `actor` may change the draft's content: whoever may submit it that day.

    Contents follow the submitter: the holder, or the acting official while one is
    appointed (as the acting rules allow). Only drafts change (engine.drafts).
    """
    if document.state is not State.DRAFT:
        return False
    who = parties(tree, document.position_id)
    roles, _, _ = _roles(document, Action.SUBMIT, actor, on, tree, who, rules, {Role.HOLDER})
    return Role.HOLDER in roles


def may_view(
    position_id: int,
    actor: Actor,
    on: date,
    *,
    tree: OrgTree,
    year: int | None = None,
    acted: bool = False,
) -> bool:
    """True when `actor` may read the documents of a position (of `year`, when given).

    The position's own holders and everyone above it in the tree (who verify,
    approve and supervise), acting officials included; the administrator reads all.
    For one document (`year` given) also whoever held the position during that year,
    definitif or acting (a former holder finds her own PK and reports), and whoever
    `acted` on it (submitted, verified, approved or returned it, even after moving
    post); and the holders of a role (engine.roles): a regency-wide role reads every
    agency, the planning role its own (`tree` must then hold the reader's assignments).
    Reading only: editing and acting follow `may_edit` and `decide`.
    """
    if actor.is_admin:
        return True
    me = actor.official_id
    if me is None:
        return False
    if acted:
        return True
    if year is not None and tree.held_between(
        me, position_id, date(year, 1, 1), date(year, 12, 31)
    ):
        return True
    if reads_agency(actor, tree.position(position_id).agency_id, on, tree=tree):
        return True
    current: Position | None = tree.position(position_id)
    while current is not None:
        if any(h.official.id == me for h in tree.holders(current.id, on)):
            return True
        current = tree.superior(current.id)
    return False


def acting_holding(
    tree: OrgTree,
    position_id: int,
    official_id: int,
    on: date,
    *,
    kind: DocKind,
    action: Action,
    rules: ActingRules = DEFAULT_ACTING_RULES,
) -> Holding | None:
    """The holding through which an official acts for a position that day, if any."""
    for holding in _acting_holdings(tree, position_id, on):
        if holding.official.id == official_id and rules.permits(kind, action, holding.status):
            return holding
    return None
