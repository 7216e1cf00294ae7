"""`kinerja admin`: the first administrator of a deployment (and any later one), made from
the server's console, where nobody can sign in yet."""

from __future__ import annotations

from typing import Annotated

import typer

from kinerja.cli.state import console_actor, state_of

app = typer.Typer(help="Akun administrator dari konsol server.", no_args_is_help=True)


@app.command("create")
def create_cmd(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Login administrator baru, mis. admin")],
    link: Annotated[
        bool,
        typer.Option(
            "--link",
            help="Tanpa kata sandi: cetak sekali tautan untuk membuat kata sandi "
            "(KINERJA_BASE_URL; berlaku KINERJA_INVITE_DAYS hari)",
        ),
    ] = False,
) -> None:
    """Buat akun administrator: kata sandi diketik dua kali (tidak tampil), atau --link."""
    from engine.usecases.admin_accounts import create_administrator

    container = state_of(ctx).container()
    settings = container.settings
    password = None
    if not link:
        password = typer.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi")
    with container.uow(write=True) as uow:
        account, secret = create_administrator(
            uow,
            login=login,
            password=password,
            now=container.clock.now(),
            days=settings.invite_days,
            actor=console_actor(),
        )
    typer.echo(f"Administrator '{account.login}' dibuat.")
    if secret is not None:
        url = f"{settings.base_url.rstrip('/')}/masuk/sandi/{secret}"
        typer.echo(
            f"Tautan sekali pakai untuk membuat kata sandi (berlaku {settings.invite_days} hari):"
        )
        typer.echo(url)
        typer.echo("Tautan ini hanya ditampilkan sekali; simpan atau buka sekarang.")
