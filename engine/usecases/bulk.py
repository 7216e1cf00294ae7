"""Verify or approve several documents at once, from Tugas Saya.

A Kepala Bidang verifies a dozen reports and a Kepala Dinas approves forty; one page per
document is friction, one transaction for all of them would let one refusal undo the
others. So each chosen document goes through the single-document use case
(`take_action`, the one gate) in its own transaction, with its own audit row and its
own event, expecting the version the list showed: a document changed since the list
was read is refused as a conflict and the others still go through. Only verify and
approve: a return needs its own reason per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.errors import ConflictError, KinerjaError, ValidationError
from engine.policy import Policy
from engine.ports import UnitOfWork
from engine.usecases.workflow import parse_action, take_action
from engine.workflow import Action, Actor, DocKind, State, parse_ref

__all__ = [
    "BULK_ACTIONS",
    "MAX_BULK",
    "BulkChoice",
    "BulkOutcome",
    "act_on_many",
    "parse_choices",
]

MAX_BULK = 100
"""Most documents one request may act on."""

BULK_ACTIONS = (Action.VERIFY, Action.APPROVE)


@dataclass(frozen=True)
class BulkChoice:
    """A document chosen on the list, with the version the list showed."""

    kind: DocKind
    doc_id: int
    expected_version: int

    @property
    def ref(self) -> str:
        """LAP-12, PK-3."""
        return f"{self.kind.prefix}-{self.doc_id}"

    @property
    def token(self) -> str:
        """The choice as the form carries it: "LAP-12@3"."""
        return f"{self.ref}@{self.expected_version}"


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one chosen document: done (its new state) or refused (why)."""

    ref: str
    done: bool
    message: str
    to_state: State | None = None
    conflict: bool = False

    def as_json(self) -> dict[str, object]:
        """The outcome for the API."""
        return {
            "ref": self.ref,
            "done": self.done,
            "message": self.message,
            "state": None if self.to_state is None else self.to_state.value,
            "conflict": self.conflict,
        }


def parse_choices(action: str, tokens: Sequence[str]) -> tuple[Action, list[BulkChoice]]:
    """The action (verify or approve) and the chosen documents ("LAP-12@3"), or a
    ValidationError that says what is wrong: nothing chosen, too many, a bad value."""
    chosen = parse_action(action)
    if chosen not in BULK_ACTIONS:
        raise ValidationError(
            "Hanya verifikasi dan persetujuan yang dapat dilakukan sekaligus; "
            "pengembalian perlu alasan per dokumen",
            log_message=f"bulk {chosen} refused",
        )
    unique = list(dict.fromkeys(t.strip() for t in tokens if t.strip()))
    if not unique:
        raise ValidationError("Pilih dulu dokumen yang akan diproses", log_message="bulk: none")
    if len(unique) > MAX_BULK:
        raise ValidationError(
            f"Paling banyak {MAX_BULK} dokumen sekaligus; Anda memilih {len(unique)}. "
            "Saring daftarnya lalu proses sebagian dulu",
            log_message=f"bulk: {len(unique)} documents",
        )
    choices = []
    seen: set[str] = set()
    for token in unique:
        ref, sep, version = token.partition("@")
        if not sep or not version.isdigit() or not 1 <= int(version) <= 2_147_483_647:
            raise ValidationError(
                f"Pilihan '{token[:40]}' tidak sah; muat ulang Tugas Saya",
                log_message=f"bad bulk token {token[:40]!r}",
            )
        kind, doc_id = parse_ref(ref)
        choice = BulkChoice(kind, doc_id, int(version))
        if choice.ref in seen:
            raise ValidationError(
                f"{choice.ref} dipilih dua kali dengan versi berbeda; muat ulang Tugas Saya",
                log_message=f"bulk: {choice.ref} twice",
            )
        seen.add(choice.ref)
        choices.append(choice)
    return chosen, choices


def act_on_many(
    uow: UnitOfWork,
    action: Action,
    choices: Sequence[BulkChoice],
    actor: Actor,
    *,
    now: datetime,
    policy: Policy,
) -> list[BulkOutcome]:
    """Take `action` on each chosen document, each in its own transaction through the gate;
    a refusal (the gate's reason, a conflict, no right to see it) is reported and the next
    document goes on. The outcomes come back in the order chosen."""
    if action not in BULK_ACTIONS:
        raise ValidationError(
            "Hanya verifikasi dan persetujuan yang dapat dilakukan sekaligus",
            log_message=f"bulk {action} refused",
        )
    if len(choices) > MAX_BULK:
        raise ValidationError(
            f"Paling banyak {MAX_BULK} dokumen sekaligus", log_message="bulk: too many"
        )
    outcomes = []
    for choice in choices:
        try:
            result = take_action(
                uow, choice.kind, choice.doc_id, action, actor, now=now, policy=policy,
                expected_version=choice.expected_version, must_view=True,
            )  # fmt: skip
        except KinerjaError as exc:  # refused, stale, not found, not visible: the next one
            uow.rollback()
            conflict = isinstance(exc, ConflictError)
            outcomes.append(BulkOutcome(choice.ref, False, exc.message, conflict=conflict))
            continue
        label = f"{result.action.label}: {result.to_state.label}"
        outcomes.append(BulkOutcome(result.ref, True, label, result.to_state))
    return outcomes
