"""Reads never take the SQLite write lock: pages and API reads answer while another
connection holds it, and a save made after it is released goes through.

Another connection takes the write lock (BEGIN IMMEDIATE) and keeps it while a signed-in
holder opens her pages and a script reads the API with her personal token. Had any of
these requests asked for the lock, it would have waited for the busy timeout and answered
503; every one answers 200. The token's last use is noted at most once a minute, in a
write of its own: the first call (before the lock is taken) notes it, the calls under the
lock only read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from engine.clock import FixedClock
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient
from tests.integration.test_api import bearer
from tests.integration.test_preview_concurrency import HOLDER, OCTOBER, preview, signed_in
from tests.integration.test_web_pages import fill_all, report_id


@contextmanager
def write_lock_held_elsewhere(container: Container) -> Iterator[None]:
    """Another connection holds the database's write lock for the duration."""
    database = container.engine.url.database
    assert database is not None
    other = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_pages_and_api_reads_answer_while_another_writer_holds_the_lock(
    web_factory: Callable[[], WebClient], web_container: Container, clock: FixedClock
) -> None:
    clock.set(OCTOBER)
    rid = report_id(web_container, HOLDER[1])
    holder = signed_in(web_factory, HOLDER[0])
    csrf = holder.get(f"/laporan/{rid}").text.split('name="csrf_token" value="')[1].split('"')[0]
    script = web_factory()
    auth = bearer(web_container, HOLDER[0])
    assert script.get("/api/v1/me", headers=auth).status_code == 200  # first use: noted now
    pages = ["/tugas", f"/laporan/{rid}", "/dasbor", "/organisasi", "/akun",
             f"/dokumen/LAP-{rid}/riwayat.xlsx"]  # fmt: skip
    api = ["/api/v1/me", "/api/v1/tasks", f"/api/v1/reports/{rid}",
           "/api/v1/recap?year=2021&quarter=3"]  # fmt: skip
    with write_lock_held_elsewhere(web_container):
        answers = {path: holder.get(path).status_code for path in pages}
        answers |= {path: script.get(path, headers=auth).status_code for path in api}
        answers["preview"] = preview(holder, rid, csrf, 1500).status_code
    assert answers == dict.fromkeys([*pages, *api, "preview"], 200)

    # With the lock released, the same holder's save writes.
    data = fill_all(holder, rid, "7") | {"csrf_token": csrf}
    saved = holder.post(f"/laporan/{rid}", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[-800:]
