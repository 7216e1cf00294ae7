"""`kinerja outbox`: look at queued email, revive dead letters, send what is due.

The scheduler sends email on its own; these commands are for the admin who wants to see why
a message did not arrive, to queue dead messages again once the cause is fixed (a wrong
address corrected, the mail server back), or to send right now without waiting for a tick.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from engine.errors import KinerjaError
from kinerja.cli.output import emit
from kinerja.cli.state import console_actor, state_of

if TYPE_CHECKING:
    from engine.outbox import OutboxEntry

if TYPE_CHECKING:
    from notifications.dispatcher import RenderedEmail, Renderer

app = typer.Typer(
    help="Kotak keluar email: lihat, kirim ulang, kirim sekarang.", no_args_is_help=True
)


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option("--status", help="pending, sent atau dead")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Jumlah pesan terbaru")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON")] = False,
) -> None:
    """Daftar pesan di kotak keluar, yang terbaru dulu."""
    from engine.events import OutboxStatus
    from engine.usecases.outbox import list_messages

    if status is not None and status not in set(OutboxStatus):
        raise typer.BadParameter(
            f"'{status}' bukan status yang dikenal (pilih: {', '.join(OutboxStatus)})",
            param_hint="--status",
        )
    container = state_of(ctx).container()
    with container.uow() as uow:
        rows = list_messages(
            uow, status=None if status is None else OutboxStatus(status), limit=limit
        )
    data = [outbox_json(row) for row in rows]
    emit(data, as_json, [outbox_line(row, container.zone) for row in rows] or ["Tidak ada pesan."])


@app.command("retry")
def retry_cmd(
    ctx: typer.Context,
    ids: Annotated[list[int] | None, typer.Argument(help="ID pesan yang gagal")] = None,
    all_dead: Annotated[
        bool, typer.Option("--all-dead", help="Jadwalkan ulang semua pesan yang gagal")
    ] = False,
) -> None:
    """Jadwalkan ulang pesan yang gagal (dead): dikirim lagi pada giliran berikutnya."""
    from engine.usecases.outbox import retry_dead

    if bool(ids) == all_dead:
        raise KinerjaError("Sebutkan ID pesan yang gagal, atau --all-dead (tidak keduanya).")
    container = state_of(ctx).container()
    with container.uow(write=True) as uow:
        revived = retry_dead(
            uow, None if all_dead else ids, now=container.clock.now(), actor=console_actor()
        )
    typer.echo(f"{len(revived)} pesan dijadwalkan ulang.")
    skipped = sorted(set(ids or []) - set(revived))
    if skipped:
        typer.echo(
            "Tidak diubah (tidak ada, atau bukan pesan gagal): " + ", ".join(map(str, skipped))
        )


@app.command("send")
def send_cmd(ctx: typer.Context) -> None:
    """Kirim sekarang semua pesan yang sudah waktunya."""
    import asyncio

    from notifications.dispatcher import Dispatcher
    from notifications.mailer import SmtpMailer

    container = state_of(ctx).container()
    settings = container.settings
    dispatcher = Dispatcher(
        container.uow,
        SmtpMailer(settings),
        _real_renderer(settings.base_url),
        clock=container.clock,
    )
    report = asyncio.run(dispatcher.drain())
    typer.echo(f"Terkirim {report.sent}, dijadwalkan ulang {report.retry}, gagal {report.dead}.")
    if report.paused:
        raise KinerjaError(
            "Login ke server SMTP ditolak; pengiriman dihentikan. "
            "Periksa KINERJA_SMTP_USER dan KINERJA_SMTP_PASSWORD.",
            log_message="SMTP authentication failed; dispatcher paused",
        )


def _real_renderer(base_url: str) -> Renderer:
    """notifications.render.render, bound to the public URL and each row's recipient.

    Imported when the command runs, so the other commands work without the templates.
    """

    from notifications.render import render

    def render_row(row: OutboxEntry) -> RenderedEmail:
        return render(row.kind, row.payload, base_url=base_url, recipient_name=row.recipient_name)

    return render_row


def _local(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if instant else "-"


def outbox_json(row: OutboxEntry) -> dict[str, Any]:
    """One outbox row as JSON-ready data (instants in UTC, ISO 8601)."""

    def iso(instant: datetime | None) -> str | None:
        return instant.isoformat() if instant else None

    return {
        "id": row.id,
        "status": row.status.value,
        "kind": row.kind,
        "recipient_name": row.recipient_name,
        "recipient_email": row.recipient_email,
        "attempts": row.attempts,
        "available_at": iso(row.available_at),
        "created_at": iso(row.created_at),
        "sent_at": iso(row.sent_at),
        "last_error": row.last_error,
        "dedupe_key": row.dedupe_key,
    }


def outbox_line(row: OutboxEntry, zone: ZoneInfo) -> str:
    """One outbox row as a line for people: what, to whom, when, and why it failed."""
    from engine.events import OutboxStatus

    status = row.status.label
    when = {
        OutboxStatus.SENT: f"  terkirim {_local(row.sent_at, zone)}",
        OutboxStatus.PENDING: f"  jadwal {_local(row.available_at, zone)}",
    }.get(row.status, "")
    line = (
        f"#{row.id}  {status:<9} {row.kind}  {row.recipient_name} <{row.recipient_email}>  "
        f"percobaan {row.attempts}{when}"
    )
    return f"{line}  — {row.last_error}" if row.last_error else line
