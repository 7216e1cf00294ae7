"""engine.usecases.comments and engine.usecases.notices against the in-memory unit of work.

Before issue 17 the Kepala Bidang could only ask a question by returning the whole report
(a state change); these tests hold that a comment changes nothing but the thread, tells the
other party through the outbox, and is refused to whoever may not view the document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import ForbiddenError, ValidationError
from engine.policy import Policy
from engine.ports import Notice
from engine.usecases.comments import comment_threads, document_comments, post_comment
from engine.usecases.notices import mark_all_read, notice_page, unread_count
from engine.workflow import Actor, DocKind, State
from tests.unit.fakes import O_KABID, O_KADIS, O_KASI
from tests.unit.fakes_documents import DocumentsUnitOfWork, pk, report, tables
from tests.unit.fakes_threads import FakeComments, FakeNotifications
from workflows.definitions import MACHINES

POLICY = Policy(machines=MACHINES)
NOW = datetime(2021, 4, 5, 2, 0, tzinfo=UTC)
KASI_ACTOR = Actor(O_KASI, "Dewi Kasi", "198001012005012003")
KABID_ACTOR = Actor(O_KABID, "Citra Kabid", "197501012000011002")
KADIS_ACTOR = Actor(O_KADIS, "Budi Kadis", "197001011995011001")
STRANGER = Actor(999, "Orang Lain", None)


def _uow(*docs: object) -> DocumentsUnitOfWork:
    return DocumentsUnitOfWork(tables(*docs), comments=FakeComments())  # type: ignore[arg-type]


def _recipients(uow: DocumentsUnitOfWork) -> set[int]:
    return {m.recipient_official_id for m in uow.outbox.messages.values()}


def test_a_question_leaves_state_and_version_unchanged_and_tells_the_holder() -> None:
    uow = _uow(report(7, state=State.SUBMITTED))
    before = uow.workflow.document(DocKind.REPORT, 7)
    comment = post_comment(
        uow, DocKind.REPORT, 7, KABID_ACTOR, "  Mengapa turun?  ", now=NOW, policy=POLICY,
        indicator_id=11,
    )  # fmt: skip
    after = uow.workflow.document(DocKind.REPORT, 7)
    assert (after.state, after.version) == (before.state, before.version)
    assert (comment.body, comment.anchor_kind, comment.anchor_key) == (
        "Mengapa turun?", "indikator", "11",
    )  # fmt: skip
    assert comment.author_title == "Kepala Bidang Industri"
    assert uow.commits == 1
    [message] = uow.outbox.messages.values()
    assert message.kind == "comment.posted"
    assert message.recipient_official_id == O_KASI
    assert message.dedupe_key == f"comment.posted:{comment.id}:to{O_KASI}"
    assert message.payload["comment"] == "Mengapa turun?"
    assert message.payload["doc"] == "LAP-7"


def test_the_holders_answer_tells_the_reviewer_and_everyone_in_the_thread() -> None:
    uow = _uow(report(7, state=State.SUBMITTED))
    post_comment(uow, DocKind.REPORT, 7, KADIS_ACTOR, "Cek lagi", now=NOW, policy=POLICY)
    uow.outbox.messages.clear()
    post_comment(uow, DocKind.REPORT, 7, KASI_ACTOR, "Sudah", now=NOW, policy=POLICY)
    # the verifier (the next to act) and the head, who wrote in this thread; not the author
    assert _recipients(uow) == {O_KABID, O_KADIS}


def test_once_verified_the_holders_comment_goes_to_the_approver() -> None:
    uow = _uow(report(7, state=State.VERIFIED))
    post_comment(uow, DocKind.REPORT, 7, KASI_ACTOR, "Catatan", now=NOW, policy=POLICY)
    assert _recipients(uow) == {O_KADIS}


def test_threads_are_kept_by_anchor_in_order() -> None:
    uow = _uow(pk(3))
    post_comment(uow, DocKind.PK, 3, KABID_ACTOR, "Umum", now=NOW, policy=POLICY)
    first = post_comment(
        uow, DocKind.PK, 3, KABID_ACTOR, "Target?", now=NOW, policy=POLICY, indicator_id=12
    )
    post_comment(
        uow, DocKind.PK, 3, KASI_ACTOR, "Sesuai RPJMD", now=NOW, policy=POLICY, indicator_id=12,
        reply_to=first.id,
    )  # fmt: skip
    threads = comment_threads(uow, DocKind.PK, 3)
    assert [c.body for c in threads["dokumen"].comments] == ["Umum"]
    assert [c.body for c in threads["indikator:12"].comments] == ["Target?", "Sesuai RPJMD"]
    assert threads["indikator:12"].comments[1].reply_to == first.id


def test_a_stranger_may_neither_read_nor_write() -> None:
    uow = _uow(report(7))
    with pytest.raises(ForbiddenError):
        post_comment(uow, DocKind.REPORT, 7, STRANGER, "Halo", now=NOW, policy=POLICY)
    assert uow.comments.rows == [] and uow.outbox.messages == {}


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("   ", {}, "tidak boleh kosong"),
        ("x" * 4001, {}, "paling banyak 4.000 karakter"),
        ("Ok", {"indicator_id": 21}, "bukan bagian dari dokumen ini"),
        ("Ok", {"reply_to": 99}, "tidak ada di dokumen ini"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    text: str, kwargs: dict[str, int], message: str
) -> None:
    uow = _uow(report(7))
    with pytest.raises(ValidationError, match=message):
        post_comment(uow, DocKind.REPORT, 7, KABID_ACTOR, text, now=NOW, policy=POLICY, **kwargs)
    assert uow.comments.rows == [] and uow.outbox.messages == {} and uow.commits == 0


def _notice(n: int, minutes: int) -> Notice:
    return Notice(n, "comment.posted", {"doc": "LAP-7"}, NOW + timedelta(minutes=minutes))


def test_unread_notifications_are_those_after_the_read_mark() -> None:
    repo = FakeNotifications({O_KASI: [_notice(1, 0), _notice(2, 5)]})
    uow = DocumentsUnitOfWork(tables(), notifications=repo)
    assert unread_count(uow, O_KASI) == 2 and unread_count(uow, None) == 0
    page = notice_page(uow, O_KASI)
    assert [(n.id, unread) for n, unread in page.items] == [(2, True), (1, True)]
    mark_all_read(uow, O_KASI, now=NOW + timedelta(minutes=1))
    assert unread_count(uow, O_KASI) == 0
    repo.notices[O_KASI].append(_notice(3, 10))
    assert unread_count(uow, O_KASI) == 1
    assert [unread for _, unread in notice_page(uow, O_KASI).items] == [True, False, False]


def test_the_comment_list_of_a_document_is_for_its_readers_only() -> None:
    uow = _uow(report(7, state=State.SUBMITTED))
    post_comment(uow, DocKind.REPORT, 7, KABID_ACTOR, "Pertama", now=NOW, policy=POLICY)
    post_comment(uow, DocKind.REPORT, 7, KASI_ACTOR, "Kedua", now=NOW, policy=POLICY)
    listed = document_comments(uow, DocKind.REPORT, 7, KASI_ACTOR, now=NOW, policy=POLICY)
    assert [c.body for c in listed] == ["Pertama", "Kedua"]
    with pytest.raises(ForbiddenError):
        document_comments(uow, DocKind.REPORT, 7, STRANGER, now=NOW, policy=POLICY)
