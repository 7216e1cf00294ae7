"""Editing a draft Perjanjian Kinerja from the pages: targets and budget lines, all or nothing.

The rights are the same as for a report (`web.usecases.require_edit`); the checks
on what is typed are db.documents' own (the CLI runs the same ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from db.database import transaction
from db.documents import get_pk, set_budget_lines, set_target
from engine.budget import BudgetLine
from engine.errors import ValidationError
from engine.inputs import check_input
from engine.workflow import DocKind
from web.auth import CurrentUser
from web.deps import Web
from web.usecases import require_edit


@dataclass(frozen=True)
class TargetInput:
    """What a user typed for one indicator's targets in a PK."""

    annual: str
    quarters: tuple[str, str, str, str]
    tw4_reason: str = ""


class _Abort(Exception):  # noqa: N818 (internal: rolls the transaction back)
    pass


def save_targets(
    web: Web, user: CurrentUser, pk_id: int, targets: Mapping[str, TargetInput]
) -> tuple[dict[str, str], list[str]]:
    """Store typed targets in a draft PK, all or nothing; (field errors by code, warnings)."""
    errors: dict[str, str] = {}
    warnings: list[str] = []
    try:
        with transaction(web.deps.engine) as session:
            require_edit(session, web, user, DocKind.PK, pk_id)
            for code, typed in targets.items():
                if not typed.annual.strip() and not any(q.strip() for q in typed.quarters):
                    continue  # an untouched row: nothing to store yet
                try:
                    _, warned = set_target(
                        session, pk_id, code, annual=typed.annual,
                        quarters=list(typed.quarters), tw4_reason=typed.tw4_reason,
                    )  # fmt: skip
                    warnings += [f"{code}: {w}" for w in warned]
                except ValidationError as exc:
                    errors[code] = exc.message
            if errors:
                raise _Abort
            pk = get_pk(session, pk_id)
            pk.updated_at = web.now()
            session.add(pk)
    except _Abort:
        return errors, []
    return {}, warnings


def save_budget(
    web: Web, user: CurrentUser, pk_id: int, rows: list[tuple[str, str, str, str]]
) -> dict[str, str]:
    """Replace the budget lines of a draft PK from typed rows (program, kegiatan, sub, anggaran).

    Rows left wholly empty are dropped; errors are keyed "row.N" (1-based).
    """
    lines: list[BudgetLine] = []
    errors: dict[str, str] = {}
    for number, (program, kegiatan, sub, amount) in enumerate(rows, start=1):
        if not any(part.strip() for part in (program, kegiatan, sub, amount)):
            continue
        if not program.strip():
            errors[f"row.{number}"] = "Program wajib diisi"
            continue
        try:
            value = check_input(amount, "Anggaran")
        except ValidationError as exc:
            errors[f"row.{number}"] = exc.message
            continue
        if any(len(part) > 500 for part in (program, kegiatan, sub)):
            errors[f"row.{number}"] = "Teks paling banyak 500 karakter"
            continue
        lines.append(
            BudgetLine(program.strip(), value, kegiatan.strip() or None, sub.strip() or None)
        )
    if errors:
        return errors
    with transaction(web.deps.engine) as session:
        require_edit(session, web, user, DocKind.PK, pk_id)
        set_budget_lines(session, pk_id, lines)
    return {}
