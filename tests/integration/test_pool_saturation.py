"""A saturated connection pool never stalls the requests that already hold a connection.

The PostgreSQL saturated-recap stall (docs/performance.md): with the pool empty, a request
waited for a connection inside the getter of `uow.accounts` while holding the lock that
`functools.cached_property` (Python 3.11) keeps per attribute for every instance; the
requests holding the pool's connections had ended their read transaction (which drops the
repositories) and asked for `uow.accounts` again to note their token's use, so they waited
for that lock, and nobody gave a connection back until the pool's timeout. Here the pool
is smaller than the number of threads, its timeout longer than the joins: a thread still
alive after its join is the stall.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, QueuePool, text

from db.database import create_db_engine
from db.migrate import upgrade
from db.uow import _REPOSITORIES, SqlUnitOfWork, repository
from engine.recap import Recap
from engine.usecases.accounts import create_token, token_user
from engine.usecases.recap import period_recap
from kinerja.demo.seed import seed_demo
from tests.conftest import FIXED_NOW

POOL_TIMEOUT_S = 60.0  # longer than every join: the stall shows as a thread still alive
JOIN_S = 20.0


class SignallingPool(QueuePool):
    """A QueuePool that says when someone asks it for a connection (and may wait)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = threading.Event()

    def _do_get(self) -> Any:
        self.asked.set()
        return super()._do_get()


@pytest.fixture
def small_pool(database_url: str) -> Iterator[Engine]:
    """A migrated database behind an engine whose pool holds one connection."""
    setup = create_db_engine(database_url)
    upgrade(setup)
    setup.dispose()
    engine = create_db_engine(
        database_url,
        poolclass=SignallingPool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=POOL_TIMEOUT_S,
    )
    try:
        yield engine
    finally:
        engine.dispose()


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    """`work` started in a daemon thread; the errors it raised are collected."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def finished(thread: threading.Thread, errors: list[BaseException]) -> None:
    thread.join(JOIN_S)
    assert not thread.is_alive(), "stalled: a thread waited on while the pool was empty"
    assert errors == []


def test_every_repository_is_made_without_a_lock_and_dropped_with_its_transaction() -> None:
    """A `functools.cached_property` on the unit of work brings the stall back (its lock
    is shared by every unit of work of the process on Python 3.11); a repository left out
    of `_REPOSITORIES` would outlive its transaction and escape the test below."""
    members = vars(SqlUnitOfWork)
    assert [n for n, m in members.items() if isinstance(m, functools.cached_property)] == []
    made = sorted(n for n, m in members.items() if isinstance(m, repository))
    assert made == sorted(_REPOSITORIES)


def test_a_unit_of_work_holding_the_connection_gets_its_repositories_while_another_waits(
    small_pool: Engine,
) -> None:
    """Deterministic: one unit of work holds the pool's only connection and has ended its
    read transaction; another asks for a repository and waits for the pool inside its
    getter; the first must still reach the same repository, finish and give the
    connection back, and then the second gets it. For every repository."""
    pool = small_pool.pool
    assert isinstance(pool, SignallingPool)
    for name in _REPOSITORIES:
        holder = SqlUnitOfWork(small_pool)
        holder.connection.execute(text("SELECT 1"))
        getattr(holder, name)
        holder.rollback()  # as writing() does: the repositories of the read are dropped
        pool.asked.clear()

        def wait_for_the_pool(name: str = name) -> None:
            with SqlUnitOfWork(small_pool) as uow:
                getattr(uow, name)  # most getters open the connection: the pool is empty
                assert uow.connection.execute(text("SELECT 1")).scalar() == 1

        waiter = in_thread(wait_for_the_pool)
        assert pool.asked.wait(JOIN_S), name

        def finish(holder: SqlUnitOfWork = holder, name: str = name) -> None:
            getattr(holder, name)
            holder.close()

        finished(*in_thread(finish))
        finished(*waiter)
        assert pool.checkedout() == 0, name


def test_more_token_clients_than_connections_all_get_the_recap(
    small_pool: Engine, database_url: str
) -> None:
    """What the API recap does, by more threads at once than the pool has connections,
    each token due to have its use noted (its own write transaction, then the recap)."""
    setup = create_db_engine(database_url)
    try:
        seed_demo(setup, FIXED_NOW, year=2021, quarters=1)
        with setup.connect() as connection:
            accounts = connection.execute(text("SELECT id FROM account ORDER BY id")).scalars()
            account_ids = list(accounts)[:6]
    finally:
        setup.dispose()
    assert len(account_ids) == 6
    now = FIXED_NOW + timedelta(hours=1)
    tokens = []
    for account_id in account_ids:
        with SqlUnitOfWork(small_pool) as uow:
            tokens.append(create_token(uow, account_id, "pool", now=now))
    start = threading.Barrier(len(tokens))
    users: list[int] = []
    recaps: list[Recap] = []

    def api_recap(raw: str) -> None:
        start.wait(JOIN_S)
        with SqlUnitOfWork(small_pool) as uow:
            found = token_user(uow, raw, now=now)
            assert found is not None
            users.append(found.account_id)
            recaps.append(period_recap(uow, year=2021, quarter=1))

    threads = [in_thread(functools.partial(api_recap, raw)) for raw in tokens]
    for thread, errors in threads:
        finished(thread, errors)
    assert sorted(users) == sorted(account_ids)
    assert len(recaps) == len(tokens)
    assert all(recap is recaps[0] for recap in recaps)  # computed once, served to all
