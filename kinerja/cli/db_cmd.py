"""`kinerja db`: schema migrations."""

from __future__ import annotations

import typer

from kinerja.cli.state import state_of

app = typer.Typer(help="Basis data: migrasi skema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(ctx: typer.Context) -> None:
    """Naikkan skema basis data ke versi terbaru (Alembic)."""
    from db.migrate import current_revision, upgrade

    container = state_of(ctx).container(check_schema=False)
    before = current_revision(container.engine)
    upgrade(container.engine)
    after = current_revision(container.engine)
    if before == after:
        typer.echo(f"Skema sudah versi terbaru ({after}).")
    else:
        typer.echo(f"Skema dinaikkan dari {before or 'kosong'} ke {after}.")


@app.command("status")
def status_cmd(ctx: typer.Context) -> None:
    """Tampilkan versi skema dan apakah sesuai dengan model."""
    from db.migrate import current_revision, head_revision, schema_differences

    container = state_of(ctx).container(check_schema=False)
    current, head = current_revision(container.engine), head_revision(container.engine)
    typer.echo(f"Versi basis data: {current or 'kosong'}; versi terbaru: {head}")
    if current != head:
        typer.echo("Jalankan `kinerja db upgrade`.")
        raise typer.Exit(1)
    if differences := schema_differences(container.engine):
        typer.echo(f"Skema berbeda dari model: {differences}")
        raise typer.Exit(1)
