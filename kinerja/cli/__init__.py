"""The `kinerja` command line.

Every command is a thin shell over db/ and engine/: it builds the container
from settings, calls one service and prints the outcome. Errors reach the user
as plain lines in Bahasa Indonesia with a non-zero exit status; tracebacks go
to the log (English), and only with ``KINERJA_LOG_LEVEL=DEBUG`` to the screen.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import typer

from engine.errors import KinerjaError
from kinerja.cli import (
    admin_cmd,
    capaian_cmd,
    catalog_cmd,
    db_cmd,
    demo_cmd,
    evidence_cmd,
    holidays_cmd,
    org_cmd,
    outbox_cmd,
    pk_cmd,
    recap_cmd,
    report_cmd,
    scheduler_cmd,
    serve_cmd,
    sweep_cmd,
    workflow_cmd,
)
from kinerja.cli.state import CliState

log = logging.getLogger("kinerja.cli")

app = typer.Typer(
    name="kinerja",
    help="Kinerja: Perjanjian Kinerja dan laporan realisasi triwulan (SAKIP).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(admin_cmd.app, name="admin")
app.add_typer(org_cmd.app, name="org")
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(catalog_cmd.formula_app, name="formula")
app.add_typer(holidays_cmd.app, name="holidays")
app.add_typer(capaian_cmd.app, name="capaian-rules")
app.command("recap")(recap_cmd.recap)
app.add_typer(pk_cmd.app, name="pk")
app.add_typer(report_cmd.app, name="report")
app.add_typer(evidence_cmd.app, name="evidence")
app.command("sweep")(sweep_cmd.sweep_cmd)
app.add_typer(outbox_cmd.app, name="outbox")
app.command("scheduler")(scheduler_cmd.scheduler_cmd)
app.command("act")(workflow_cmd.act_cmd)
app.add_typer(workflow_cmd.audit_app, name="audit")
app.add_typer(workflow_cmd.workflow_app, name="workflow")
app.add_typer(demo_cmd.app, name="demo")
app.command("serve")(serve_cmd.serve)
app.command("config")(serve_cmd.show_config)


def main(argv: Sequence[str] | None = None, state: CliState | None = None) -> int:
    """Run the CLI and return the exit status instead of raising."""
    state = state or CliState()
    try:
        # Without standalone mode, click returns the code of a typer.Exit instead of raising.
        outcome = app(
            args=list(argv) if argv is not None else None,
            prog_name="kinerja",
            standalone_mode=False,
            obj=state,
        )
    except KinerjaError as exc:
        log.debug("command failed: %s", exc.log_message, exc_info=True)
        print(f"Galat: {exc.message}", file=sys.stderr)
        return 1
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        print("Dibatalkan.", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # usage errors: show usage and the message
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            print(f"Galat: {exc.format_message()}", file=sys.stderr)
        return int(exc.exit_code)
    except Exception as exc:  # the edge of the program: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        first_line = (str(exc).splitlines() or [""])[0]
        print(
            f"Galat tak terduga: {type(exc).__name__}: {first_line} "
            "(jalankan dengan KINERJA_LOG_LEVEL=DEBUG untuk rinciannya)",
            file=sys.stderr,
        )
        return 1
    finally:
        state.close()
    return outcome if isinstance(outcome, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
