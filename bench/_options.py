"""The benchmarks' arguments: where the scratch databases go, which ports, how many repeats.

Every benchmark takes the same options (`python -m bench --help` lists them), so that one
`make bench` run can be pointed at another PostgreSQL server or other ports and never guesses
them: ports default to 0 (a free port, found by binding port 0 just before use), scratch
PostgreSQL databases get a unique name (`kinerja_bench_<what>_<pid>_<random>`) unless
`--pg-db` names one, which must not exist yet: a benchmark creates the database it uses and
drops only that one. Nothing here writes into the checkout; `python -m bench --write` does,
into bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Options:
    """What the command line said (see `parser`)."""

    pg_url: str = DEFAULT_PG_URL
    pg_db: str | None = None
    backends: tuple[str, ...] = BACKENDS
    port: int = 0
    smtp_port: int = 0
    rounds: int = 10
    messages: int = 2_000
    repeats: int = 3

    def wants(self, backend: str) -> bool:
        """True when `backend` is among --backends."""
        return backend in self.backends

    def argv(self) -> list[str]:
        """These options as a command line (`parse(options.argv()) == options`)."""
        line = ["--pg-url", self.pg_url, "--backends", ",".join(self.backends)]
        if self.pg_db:
            line += ["--pg-db", self.pg_db]
        for name in ("port", "smtp_port", "rounds", "messages", "repeats"):
            line += [f"--{name.replace('_', '-')}", str(getattr(self, name))]
        return line


@dataclass(frozen=True)
class Outcome:
    """What one benchmark measured: its table, and the lines `make bench` repeats at the end
    (the binding figures, each with its target)."""

    table: str
    summary: tuple[str, ...] = ()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark understands."""
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("KINERJA_BENCH_PG_URL", DEFAULT_PG_URL),
        help="a database on the PostgreSQL server to connect to for creating and dropping the "
        "scratch databases (SQLAlchemy URL; default $KINERJA_BENCH_PG_URL or %(default)s)",
    )
    parser.add_argument(
        "--pg-db",
        default=None,
        help="name of the scratch PostgreSQL database (must not exist; created and dropped); "
        "default: kinerja_bench_<what>_<pid>_<random>",
    )
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help="comma-separated backends to measure (default: %(default)s)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port of `kinerja serve` (0: a free port)"
    )
    parser.add_argument(
        "--smtp-port", type=int, default=0, help="port of the SMTP sink (0: a free port)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=Options.rounds,
        help="timed rounds of the transitions benchmark (the order alternates; default "
        "%(default)s)",
    )
    parser.add_argument(
        "--messages",
        type=int,
        default=Options.messages,
        help="emails per run of the dispatch benchmark (default %(default)s)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=Options.repeats,
        help="runs of each sender in the dispatch benchmark (default %(default)s)",
    )


def options_from(namespace: argparse.Namespace) -> Options:
    """The Options of parsed arguments (checked)."""
    backends = tuple(name.strip() for name in namespace.backends.split(",") if name.strip())
    unknown = [name for name in backends if name not in BACKENDS]
    if unknown:
        raise SystemExit(f"unknown backend(s) {', '.join(unknown)}; choose from {BACKENDS}")
    for name in ("rounds", "messages", "repeats"):
        if getattr(namespace, name) < 1:
            raise SystemExit(f"--{name} must be at least 1")
    return Options(
        pg_url=namespace.pg_url,
        pg_db=namespace.pg_db,
        backends=backends,
        port=namespace.port,
        smtp_port=namespace.smtp_port,
        rounds=namespace.rounds,
        messages=namespace.messages,
        repeats=namespace.repeats,
    )


def parse(argv: Sequence[str] | None, description: str | None = None) -> Options:
    """Parse a benchmark module's own command line (`python -m bench.bench_x ...`)."""
    parser = argparse.ArgumentParser(description=description)
    add_arguments(parser)
    return options_from(parser.parse_args(argv))


def free_port(requested: int = 0) -> int:
    """`requested`, or (0) a TCP port nobody listens on right now."""
    if requested:
        return requested
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pg_available(options: Options) -> bool:
    """True when the PostgreSQL server of --pg-url answers."""
    try:
        server = create_engine(options.pg_url, connect_args={"connect_timeout": 3})
        with server.connect():
            pass
        server.dispose()
        return True
    except Exception:  # any failure means: skip PostgreSQL
        return False


def scratch_name(options: Options, what: str) -> str:
    """The scratch database's name: --pg-db, or a unique one for `what`."""
    if options.pg_db:
        return options.pg_db
    return f"kinerja_bench_{what}_{os.getpid()}_{secrets.token_hex(3)}"


@contextmanager
def scratch_database(options: Options, name: str) -> Iterator[str]:
    """A new PostgreSQL database `name` (see `scratch_name`) on the --pg-url server; yields its
    URL, drops it on exit.

    CREATE DATABASE fails if the name is taken: an existing database is never reused or dropped.
    """
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"--pg-db {name!r}: letters, digits and underscores only")
    admin = create_engine(options.pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(options.pg_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
