"""`kinerja serve` and `kinerja config`."""

from __future__ import annotations

import logging
import os
import secrets
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kinerja.cli.scheduler_cmd import sigterm_as_interrupt
from kinerja.cli.state import state_of

if TYPE_CHECKING:
    from kinerja.settings import Settings

log = logging.getLogger("kinerja.serve")


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Alamat yang didengarkan")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port HTTP")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Mode demo: akun demo, server SMTP lokal, kotak surat")
    ] = False,
    with_scheduler: Annotated[
        bool, typer.Option("--scheduler/--no-scheduler", help="Jalankan penjadwal di proses ini")
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Jumlah proses pekerja web (uvicorn); penjadwal tetap satu"
        ),
    ] = 1,
) -> None:
    """Jalankan server web Kinerja (dan penjadwal pengingat)."""
    import uvicorn

    from kinerja.notify_app import scheduler
    from notifications.catcher import MailCatcher
    from web.app import create_app

    if workers > 1 and demo:
        raise typer.BadParameter(
            "mode demo berjalan dalam satu proses (kotak surat ada di memori); "
            "hapus --workers atau --demo",
            param_hint="--workers",
        )
    state = state_of(ctx)
    container = state.container(demo=demo)
    shared_key = _shared_secret_key(container.settings, workers)
    if demo:
        catcher = MailCatcher(
            port=container.settings.smtp_port,
            host=container.settings.smtp_host,
            clock=container.clock,
        )
        catcher.start()
        container.mail_catcher = catcher
        typer.echo(
            f"Server SMTP demo di {catcher.host}:{catcher.port}; "
            f"kotak surat: http://{host}:{port}/demo/kotak-surat"
        )
    background = scheduler(container, blocking=False) if with_scheduler else None
    if background is not None:
        background.start()
    typer.echo(
        f"Kinerja berjalan di http://{host}:{port}/"
        + (f" dengan {workers} proses pekerja" if workers > 1 else "")
        + " (Ctrl+C untuk berhenti)"
    )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        # A restart must not wait on a client that keeps its connection open.
        "timeout_graceful_shutdown": 10,
        # The client's address is read by the app (web.auth.client_address), from
        # X-Forwarded-For only behind KINERJA_TRUSTED_PROXIES: uvicorn must not rewrite it.
        "proxy_headers": False,
    }
    try:
        # uvicorn drains its requests on SIGTERM, then raises the signal again: handled
        # here, so the scheduler below stops too (a drain in flight finishes) and the
        # process exits with status 0, as a service manager expects.
        with sigterm_as_interrupt():
            if workers == 1:
                uvicorn.run(create_app(container), **options)
            else:
                # Each worker builds its application from the environment (kinerja.asgi);
                # uvicorn's supervisor restarts a worker that dies and stops them all on
                # SIGTERM. The scheduler, if any, runs once, here.
                if state.environ is not None:
                    os.environ.update(state.environ)
                if shared_key is not None:
                    os.environ["KINERJA_SECRET_KEY"] = shared_key  # inherited by the workers
                uvicorn.run("kinerja.asgi:create", factory=True, workers=workers, **options)
    except KeyboardInterrupt:
        pass
    finally:
        if background is not None:
            background.shutdown(wait=True)
        if container.mail_catcher is not None:
            container.mail_catcher.stop()


def _shared_secret_key(settings: Settings, workers: int) -> str | None:
    """The key every worker signs cookies with when none is configured (None: configured, or
    one process). Each worker making its own key would refuse the others' cookies: a login
    answered by one worker and the next page by another sent the user back to /masuk.

    On PostgreSQL, where several instances may serve one database behind a proxy, a key
    generated here would still differ between instances: refused, the key must be set."""
    if settings.secret_key is not None:
        return None
    if not settings.is_sqlite:
        raise typer.BadParameter(
            "KINERJA_SECRET_KEY wajib diisi bila basis datanya PostgreSQL: setiap instans dan "
            "setiap pekerja harus menandatangani cookie dengan kunci yang sama. Buat satu dengan "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'",
            param_hint="KINERJA_SECRET_KEY",
        )
    if workers == 1:
        return None
    log.warning(
        "KINERJA_SECRET_KEY is not set: one random key generated for the %d workers; "
        "sessions end when the server restarts",
        workers,
    )
    typer.echo(
        f"KINERJA_SECRET_KEY tidak diatur: satu kunci acak dibuat untuk {workers} proses "
        "pekerja; sesi berakhir bila server dimulai ulang"
    )
    return secrets.token_urlsafe(48)


def show_config(ctx: typer.Context) -> None:
    """Tampilkan pengaturan yang berlaku (sandi disamarkan) dan keadaan basis datanya."""
    from kinerja.settings import ENV_FILE, load_settings

    state = state_of(ctx)
    if state.environ is not None:
        environ, env_file = state.environ, None
    else:
        from kinerja.settings import apply_env_file

        env_file = apply_env_file()
        environ = os.environ
    settings = load_settings(environ)
    for name, value, _meaning in settings.overview():
        typer.echo(f"{name}={value}")
    if env_file is not None:
        typer.echo(
            f"# Berkas {ENV_FILE} dibaca: {env_file} (variabel lingkungan tetap didahulukan)"
        )
    typer.echo(f"# Basis data: {database_state(settings.database_url)}")


def database_state(url: str) -> str:
    """One line on the database `url` names: missing, unreachable, behind or current.

    Never raises and never creates anything: `kinerja config` is what an admin runs
    before `kinerja db upgrade` and when the database is down."""
    from sqlalchemy.engine import make_url

    from db.database import create_db_engine
    from db.migrate import current_revision, require_current_schema
    from engine.errors import KinerjaError

    try:
        parsed = make_url(url)
    except Exception as exc:  # the URL itself is wrong: say so, do not fail
        return f"alamat tidak sah ({exc})"
    sqlite_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    if sqlite_file and not os.path.exists(str(parsed.database)):
        return f"berkas {parsed.database} belum ada; jalankan `kinerja db upgrade`"
    try:
        engine = create_db_engine(url)
    except Exception as exc:  # e.g. a driver that is not installed
        return f"tidak dapat dibuka ({type(exc).__name__}: {str(exc).splitlines()[0]})"
    try:
        require_current_schema(engine)
        return f"terhubung, skema terbaru (versi {current_revision(engine)})"
    except KinerjaError as exc:
        return exc.message.removeprefix("Basis data ")
    except Exception as exc:
        log.debug("database state unknown", exc_info=True)
        return f"tidak dapat diperiksa ({type(exc).__name__}: {str(exc).splitlines()[0]})"
    finally:
        engine.dispose()
