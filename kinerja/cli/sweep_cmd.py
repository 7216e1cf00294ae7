"""`kinerja sweep`: enqueue the reminders and escalations due now."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from kinerja.cli.output import emit
from kinerja.cli.state import state_of


def sweep_cmd(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="Waktu sapuan ISO (bawaan: sekarang), mis. 2021-04-08T08:00+07:00"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Hanya tampilkan, jangan antrekan")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Hitung pengingat dan eskalasi yang jatuh tempo, lalu antrekan satu ringkasan per penerima."""
    from engine.usecases.reminders import sweep

    container = state_of(ctx).container()
    now = container.clock.now()
    if at is not None:
        try:
            now = datetime.fromisoformat(at)
        except ValueError:
            raise typer.BadParameter(f"'{at}' bukan waktu ISO", param_hint="--at") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=container.zone)
    with container.uow(write=not dry_run) as uow:
        result = sweep(uow, now=now, policy=container.policy, dry_run=dry_run)
    lines = [
        f"Sapuan {result.today.isoformat()}: {result.pending} dokumen tertunda, "
        f"{len(result.planned)} anak tangga jatuh tempo"
        + (
            ""
            if dry_run
            else f", {result.enqueued_rungs} diantrekan dalam {result.digests} ringkasan"
        )
    ]
    lines += [
        f"  {p.rung.key} -> {p.recipient.official.name} ({p.recipient.display_title})"
        for p in result.planned
    ]
    emit(result.as_json(), as_json, lines)
