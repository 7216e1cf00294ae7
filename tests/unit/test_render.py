"""Email rendering: every kind's subject, the facts each email carries, escaping and strictness.

Data: Diskoperindag Gresik positions with the demo's fictional officials; the
realisation report of TW I 2021 is due on Thursday 8 April 2021.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import jinja2
import pytest
from markupsafe import escape

from notifications.render import KINDS, TEMPLATES, angka, environment, render, tanggal

BASE_URL = "http://127.0.0.1:8000/"
FOOTER = "Email ini dikirim otomatis oleh Kinerja; jangan dibalas."

KADIS = (
    "Dr. Hendra Wibisono, M.M.",
    "Kepala Dinas Koperasi, Usaha Mikro, Perindustrian dan Perdagangan",
)
KABID = ("Slamet Riyadi, S.T.", "Kepala Bidang Perindustrian")
KASI_MIKRO = ("Arif Setiawan, S.T.", "Kepala Seksi Industri Mikro")
KASI_IKM = ("Ratna Dewi, S.Si.", "Kepala Seksi Industri Kecil dan Menengah")
ADMIN = ("Agus Prasetyo, S.T.", "Kepala Sub Bagian Program dan Pelaporan")
REASON = "Realisasi indikator jumlah IKM yang dibina belum dilampiri daftar hadir pelatihan."


def item(**changes: Any) -> dict[str, Any]:
    """A digest item as the sweep writes it: the Kasi Industri Mikro's report, 3 days left."""
    base: dict[str, Any] = {
        "rung": "reminder",
        "doc": "LAP-12",
        "doc_label": "Laporan Realisasi",
        "period": "TW I 2021",
        "position": KASI_MIKRO[1],
        "holder": KASI_MIKRO[0],
        "holder_title": KASI_MIKRO[1],
        "step": "submit",
        "step_label": "pengajuan",
        "deadline": "2021-04-08",
        "days_left": 3,
        "overdue": False,
    }
    return base | changes


def digest(sweep_at: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"sweep_at": sweep_at, "items": list(items)}


def event(name: str, **changes: Any) -> dict[str, Any]:
    """A workflow event payload as engine.usecases.workflow._events writes it."""
    base: dict[str, Any] = {
        "event": name,
        "doc": "LAP-12",
        "doc_kind": "report",
        "doc_label": "Laporan Realisasi",
        "position": KASI_MIKRO[1],
        "period": "TW I 2021",
        "state": "submitted",
        "actor": KASI_MIKRO[0],
        "actor_title": KASI_MIKRO[1],
        "comment": None,
        "role": "next",
    }
    return base | changes


PK_EVENT = {"doc": "PK-7", "doc_kind": "pk", "doc_label": "Perjanjian Kinerja", "period": "2021"}
LATE_VERIFY = item(
    doc="LAP-13",
    position=KASI_IKM[1],
    holder=KABID[0],
    holder_title=KABID[1],
    step="verify",
    step_label="verifikasi",
    days_left=-1,
    overdue=True,
)


@dataclass(frozen=True)
class Case:
    """One email to render, with the subject it must have and facts both bodies must show."""

    id: str
    kind: str
    payload: Mapping[str, Any]
    recipient: str
    subject: str
    facts: tuple[str, ...]


CASES = (
    Case(
        "reminder",
        "digest",
        digest("2021-04-05T01:00:00+00:00", item()),
        KASI_MIKRO[0],
        "Pengingat: Laporan Realisasi TW I 2021 jatuh tempo 8 April 2021",
        (
            "Laporan Realisasi TW I 2021",
            "LAP-12",
            KASI_MIKRO[1],
            "pengajuan",
            "8 April 2021",
            "tinggal 3 hari kerja lagi",
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "reminder-on-the-day",
        "digest",
        digest("2021-04-08T01:00:00+00:00", item(days_left=0)),
        KASI_MIKRO[0],
        "Pengingat: Laporan Realisasi TW I 2021 jatuh tempo 8 April 2021",
        ("8 April 2021", "hari ini hari terakhir", "http://127.0.0.1:8000/dokumen/LAP-12"),
    ),
    Case(
        "reminder-overdue-verification",
        "digest",
        digest("2021-04-09T01:00:00+00:00", LATE_VERIFY),
        KABID[0],
        "Pengingat verifikasi: Laporan Realisasi TW I 2021 — Kepala Seksi Industri Kecil dan "
        "Menengah melewati tenggat 8 April 2021",
        (
            "LAP-13",
            KASI_IKM[1],
            "verifikasi",
            "sudah lewat (8 April 2021)",
            "terlambat 1 hari kerja",
            "http://127.0.0.1:8000/dokumen/LAP-13",
        ),
    ),
    Case(
        "escalation",
        "digest",
        digest("2021-04-09T01:00:00+00:00", item(rung="escalation", days_left=-1, overdue=True)),
        KABID[0],
        "Terlambat: Laporan Realisasi TW I 2021 Kepala Seksi Industri Mikro (tenggat 8 April 2021)",
        (
            KASI_MIKRO[0],
            KASI_MIKRO[1],
            "belum menyelesaikan pengajuan",
            "Laporan Realisasi TW I 2021",
            "Tenggatnya 8 April 2021",
            "terlambat 1 hari kerja",
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "escalation-of-verification-to-kepala-dinas",
        "digest",
        digest(
            "2021-04-13T01:00:00+00:00",
            item(
                rung="escalation",
                holder=KABID[0],
                holder_title=KABID[1],
                step="verify",
                step_label="verifikasi",
                days_left=-3,
                overdue=True,
            ),
        ),
        KADIS[0],
        "Terlambat verifikasi: Laporan Realisasi TW I 2021 Kepala Seksi Industri Mikro "
        "(tenggat 8 April 2021)",
        (
            KABID[0],
            KABID[1],
            "belum menyelesaikan verifikasi",
            KASI_MIKRO[1],
            "8 April 2021",
            "terlambat 3 hari kerja",
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "digest",
        "digest",
        digest(
            "2021-04-09T01:00:00+00:00",
            item(doc="LAP-20", period="TW I 2021", position=KABID[1], holder=KABID[0]),
            LATE_VERIFY,
            item(rung="escalation", days_left=-1, overdue=True),
        ),
        KABID[0],
        "Ringkasan Kinerja: 3 pekerjaan menunggu Anda (2 terlambat)",
        (
            "Per 9 April 2021",
            "3 pekerjaan",
            "2 di antaranya sudah terlambat",
            "(1)",
            "LAP-20",
            "LAP-13",
            "LAP-12",
            KASI_IKM[1],
            KASI_MIKRO[0],
            "8 April 2021",
            "tinggal 3 hari kerja lagi",
            "terlambat 1 hari kerja",
            "http://127.0.0.1:8000/dokumen/LAP-20",
            "http://127.0.0.1:8000/dokumen/LAP-13",
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "digest-nothing-late",
        "digest",
        digest("2021-04-05T01:00:00+00:00", item(), item(doc="LAP-13", position=KASI_IKM[1])),
        KABID[0],
        "Ringkasan Kinerja: 2 pekerjaan menunggu Anda",
        ("Per 5 April 2021", "2 pekerjaan", "LAP-12", "LAP-13", "8 April 2021"),
    ),
    Case(
        "returned",
        "workflow.returned",
        event("returned", state="draft", actor=KABID[0], actor_title=KABID[1], comment=REASON),
        KASI_MIKRO[0],
        "Dikembalikan: Laporan Realisasi TW I 2021 perlu perbaikan",
        (
            "Laporan Realisasi TW I 2021",
            "LAP-12",
            "dikembalikan untuk perbaikan",
            REASON,
            KABID[0],
            KABID[1],
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "approved",
        "workflow.approved",
        event("approved", **PK_EVENT, state="approved", actor=KABID[0], actor_title=KABID[1]),
        KASI_MIKRO[0],
        "Disetujui: Perjanjian Kinerja 2021",
        (
            "Perjanjian Kinerja 2021",
            "PK-7",
            KASI_MIKRO[1],
            "disetujui",
            KABID[0],
            "http://127.0.0.1:8000/dokumen/PK-7",
        ),
    ),
    Case(
        "submitted",
        "workflow.submitted",
        event("submitted"),
        KABID[0],
        "Menunggu verifikasi Anda: Laporan Realisasi TW I 2021 — Kepala Seksi Industri Mikro",
        (
            "telah mengajukan",
            KASI_MIKRO[0],
            "Laporan Realisasi TW I 2021",
            "LAP-12",
            "menunggu verifikasi Anda",
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "verified",
        "workflow.verified",
        event(
            "verified",
            state="verified",
            actor=KABID[0],
            actor_title=KABID[1],
            comment="Sudah sesuai bukti dukung.",
        ),
        KADIS[0],
        "Menunggu persetujuan Anda: Laporan Realisasi TW I 2021 — Kepala Seksi Industri Mikro",
        (
            "telah memverifikasi",
            KABID[0],
            "menunggu persetujuan Anda",
            "Sudah sesuai bukti dukung.",
            "http://127.0.0.1:8000/dokumen/LAP-12",
        ),
    ),
    Case(
        "reopened",
        "workflow.reopened",
        event(
            "reopened",
            **PK_EVENT,
            state="draft",
            actor=ADMIN[0],
            actor_title=ADMIN[1],
            comment="Target IKU berubah setelah Perubahan APBD.",
            role="holder",
        ),
        KASI_MIKRO[0],
        "Menunggu perbaikan Anda: Perjanjian Kinerja 2021 — Kepala Seksi Industri Mikro",
        (
            "membuka kembali",
            "Perjanjian Kinerja 2021",
            "PK-7",
            ADMIN[0],
            "Target IKU berubah setelah Perubahan APBD.",
            "menunggu perbaikan Anda",
            "http://127.0.0.1:8000/dokumen/PK-7",
        ),
    ),
    Case(
        "comment",
        "comment.posted",
        event(
            "comment",
            actor=KABID[0],
            actor_title=KABID[1],
            comment="Mengapa realisasi turun dari TW lalu?",
            comment_id=31,
            anchor="indikator:5",
        ),
        KASI_MIKRO[0],
        f"Komentar dari {KABID[0]}: Laporan Realisasi TW I 2021 — Kepala Seksi Industri Mikro",
        (
            "Mengapa realisasi turun dari TW lalu?",
            KABID[1],
            "tidak mengubah status",
            "http://127.0.0.1:8000/dokumen/LAP-12#komentar-31",
        ),
    ),
    Case(
        "invitation",
        "account.invite",
        {
            "secret": "Rahasia_ab-12",
            "login": "dewi@dinas.test",
            "days": 7,
            "expires_at": "2021-04-08T02:00:00+00:00",
        },
        KASI_MIKRO[0],
        "Undangan Kinerja: buat kata sandi akun dewi@dinas.test",
        (
            "dewi@dinas.test",
            "http://127.0.0.1:8000/masuk/sandi/Rahasia_ab-12",
            "hanya dapat dipakai sekali",
            "8 April 2021",
        ),
    ),
    Case(
        "password-reset",
        "account.reset",
        {
            "secret": "Rahasia_cd-34",
            "login": "dewi@dinas.test",
            "minutes": 60,
            "expires_at": "2021-04-01T03:00:00+00:00",
        },
        KASI_MIKRO[0],
        "Kinerja: tautan untuk membuat kata sandi baru",
        (
            "dewi@dinas.test",
            "http://127.0.0.1:8000/masuk/sandi/Rahasia_cd-34",
            "berlaku 60 menit",
            "abaikan email ini",
        ),
    ),
)


def render_case(case: Case) -> Any:
    return render(case.kind, case.payload, base_url=BASE_URL, recipient_name=case.recipient)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_subject(case: Case) -> None:
    assert render_case(case).subject == case.subject


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_both_bodies_carry_the_facts(case: Case) -> None:
    email = render_case(case)
    missing_text = [fact for fact in case.facts if fact not in email.text]
    missing_html = [fact for fact in case.facts if str(escape(fact)) not in email.html]
    assert (missing_text, missing_html) == ([], [])


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_every_email_greets_and_ends_with_the_footer(case: Case) -> None:
    email = render_case(case)
    assert email.text.startswith(f"Yth. {case.recipient},\n")
    assert email.text.endswith(f"\n{FOOTER}\n")
    assert f"Yth. {escape(case.recipient)}," in email.html
    assert FOOTER in email.html
    assert email.html.startswith("<!DOCTYPE html>")
    assert 'name="viewport"' in email.html
    assert f"<title>{escape(case.subject)}</title>" in email.html


def test_every_kind_is_covered() -> None:
    assert {case.kind for case in CASES} == KINDS


def test_html_escapes_user_text_and_text_keeps_it() -> None:
    comment = '<script>alert("x")</script> & sisanya'
    payload = event("returned", actor=KABID[0], actor_title=KABID[1], comment=comment)
    email = render("workflow.returned", payload, base_url=BASE_URL, recipient_name="A <b>")
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; sisanya" in email.html
    assert "Yth. A &lt;b&gt;," in email.html
    assert comment in email.text
    assert "Yth. A <b>," in email.text


def test_digest_escapes_item_text() -> None:
    evil = item(holder="<img src=x onerror=alert(1)>", rung="escalation", overdue=True)
    payload = digest("2021-04-09T01:00:00+00:00", evil, item())
    email = render("digest", payload, base_url=BASE_URL, recipient_name=KABID[0])
    assert "<img" not in email.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in email.html


def test_a_returned_report_without_a_reason_says_so() -> None:
    payload = event("returned", actor=KABID[0], actor_title=KABID[1], comment=None)
    email = render("workflow.returned", payload, base_url=BASE_URL, recipient_name="A")
    assert "(tidak ada alasan tertulis)" in email.text
    assert "None" not in email.text
    assert "None" not in email.html


def _drop(path: tuple[str | int, ...]) -> Callable[[Any], None]:
    def drop(payload: Any) -> None:
        for step in path[:-1]:
            payload = payload[step]
        del payload[path[-1]]

    return drop


MISSING = [
    ("reminder", ("items", 0, "deadline")),
    ("reminder", ("items", 0, "days_left")),
    ("reminder", ("items", 0, "rung")),
    ("escalation", ("items", 0, "holder")),
    ("escalation", ("items", 0, "holder_title")),
    ("digest", ("items",)),
    ("digest", ("sweep_at",)),
    ("digest", ("items", 1, "overdue")),
    ("digest", ("items", 2, "doc")),
    ("digest", ("items", 0, "rung")),
    ("returned", ("comment",)),
    ("returned", ("actor",)),
    ("approved", ("actor_title",)),
    ("approved", ("period",)),
    ("submitted", ("position",)),
    ("verified", ("doc",)),
    ("reopened", ("comment",)),
]


@pytest.mark.parametrize(
    ("case_id", "path"), MISSING, ids=[f"{c}-{'.'.join(map(str, p))}" for c, p in MISSING]
)
def test_a_missing_payload_key_raises(case_id: str, path: tuple[str | int, ...]) -> None:
    case = next(case for case in CASES if case.id == case_id)
    payload = copy.deepcopy(dict(case.payload))
    _drop(path)(payload)
    with pytest.raises(jinja2.UndefinedError):
        render(case.kind, payload, base_url=BASE_URL, recipient_name=case.recipient)


@pytest.mark.parametrize("kind", ["reminder", "escalation", "workflow.deleted", "returned", ""])
def test_an_unknown_kind_is_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="no email template"):
        render(kind, event("returned"), base_url=BASE_URL, recipient_name="A")


def test_an_empty_digest_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        render("digest", digest("2021-04-09T01:00:00+00:00"), base_url=BASE_URL, recipient_name="A")


def test_an_unknown_rung_is_refused() -> None:
    payload = digest("2021-04-09T01:00:00+00:00", item(), item(rung="teguran"))
    with pytest.raises(ValueError, match="teguran"):
        render("digest", payload, base_url=BASE_URL, recipient_name="A")


def test_a_single_item_digest_reads_as_its_reminder_or_escalation() -> None:
    two = render(
        "digest", digest("2021-04-09", item(), item()), base_url=BASE_URL, recipient_name="A"
    )
    one = render("digest", digest("2021-04-09", item()), base_url=BASE_URL, recipient_name="A")
    late = item(rung="escalation", days_left=-1, overdue=True)
    escalation = render("digest", digest("2021-04-09", late), base_url=BASE_URL, recipient_name="A")
    assert two.subject.startswith("Ringkasan Kinerja: 2 pekerjaan")
    assert one.subject.startswith("Pengingat: ")
    assert escalation.subject.startswith("Terlambat: ")
    assert "PERLU ANDA KERJAKAN" in two.text
    assert "PERLU ANDA KERJAKAN" not in one.text


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8000", "http://127.0.0.1:8000/", "http://127.0.0.1:8000//"]
)
def test_links_join_the_base_url_with_one_slash(base_url: str) -> None:
    email = render("workflow.submitted", event("submitted"), base_url=base_url, recipient_name="A")
    assert "http://127.0.0.1:8000/dokumen/LAP-12" in email.text
    assert 'href="http://127.0.0.1:8000/dokumen/LAP-12?aksi=verify"' in email.html
    assert "8000//" not in email.text + email.html


def test_links_under_a_path_prefix() -> None:
    email = render(
        "workflow.approved",
        event("approved", **PK_EVENT),
        base_url="https://kinerja.gresikkab.go.id/sakip/",
        recipient_name="A",
    )
    assert "https://kinerja.gresikkab.go.id/sakip/dokumen/PK-7" in email.text


@pytest.mark.parametrize("kind", ["workflow.submitted", "digest"])
def test_subjects_are_one_line_whatever_the_payload(kind: str) -> None:
    position = "Kepala Seksi\r\nIndustri   Mikro\n"
    payload = (
        event("submitted", position=position)
        if kind != "digest"
        else digest("2021-04-09", item(position=position, rung="escalation"))
    )
    subject = render(kind, payload, base_url=BASE_URL, recipient_name="A").subject
    assert "\n" not in subject and "\r" not in subject
    assert "Kepala Seksi Industri Mikro" in subject


def test_large_digests_count_the_indonesian_way() -> None:
    items = [
        item(doc=f"LAP-{n}", overdue=n % 2 == 0, days_left=-1 if n % 2 == 0 else 2)
        for n in range(1200)
    ]
    email = render("digest", digest("2021-04-09", *items), base_url=BASE_URL, recipient_name="A")
    assert email.subject == "Ringkasan Kinerja: 1.200 pekerjaan menunggu Anda (600 terlambat)"
    assert "1.200 pekerjaan" in email.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 4, 8), "8 April 2021"),
        ("2021-04-08", "8 April 2021"),
        ("2021-04-08T09:00:00", "8 April 2021"),
        ("2021-04-08T01:00:00+00:00", "8 April 2021"),
        ("2021-04-08T18:30:00+00:00", "9 April 2021"),  # 01:30 WIB the next day
        (datetime(2021, 3, 31, 17, 30, tzinfo=UTC), "1 April 2021"),
        (datetime(2021, 8, 17, 10, 0), "17 Agustus 2021"),
    ],
)
def test_tanggal(value: object, expected: str) -> None:
    assert tanggal(value) == expected


def test_tanggal_refuses_what_is_not_a_date() -> None:
    with pytest.raises(ValueError, match="isoformat"):
        tanggal("8 April 2021")


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (3, 0, "3"),
        (-2, 0, "-2"),
        (1200, 0, "1.200"),
        (Decimal("1027733750.37"), 2, "1.027.733.750,37"),
        ("80.5", 2, "80,50"),
    ],
)
def test_angka(value: object, decimals: int, expected: str) -> None:
    assert angka(value, decimals) == expected


def test_the_environment_is_built_once_and_strict() -> None:
    env = environment()
    assert env is environment()
    assert env.undefined is jinja2.StrictUndefined
    assert (env.trim_blocks, env.lstrip_blocks) == (True, True)
    assert env.get_template("digest.html").environment is env
    assert {"tanggal", "angka"} <= set(env.filters)


class _Recording(jinja2.BaseLoader):
    """Wraps the real loader and notes every template name it is asked for."""

    def __init__(self, inner: jinja2.BaseLoader) -> None:
        self.inner = inner
        self.names: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        self.names.add(template)
        return self.inner.get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()


def test_every_template_file_is_rendered_by_some_case(monkeypatch: pytest.MonkeyPatch) -> None:
    """Habit 10: a template no test renders is a template whose typo reaches an inbox."""
    env = environment()
    assert env.loader is not None
    recording = _Recording(env.loader)
    monkeypatch.setattr(env, "loader", recording)
    monkeypatch.setattr(env, "cache", None)  # every extends/import goes through the loader
    for case in CASES:
        render_case(case)
    on_disk = {
        path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*") if path.is_file()
    }
    assert on_disk, "no templates found"
    assert sorted(on_disk - recording.names) == []
    assert all(name.endswith((".txt", ".html")) for name in on_disk)
    kinds = {name.rsplit(".", 1)[0] for name in on_disk if not name.startswith("_")}
    assert {f"{kind}.{ext}" for kind in kinds for ext in ("txt", "html")} <= on_disk


def test_formatted_dates_and_numbers_are_remembered_value_by_value() -> None:
    """The memo behind the filters (a digest repeats them) keeps equal values together and
    unequal ones apart, whatever their type."""
    assert [angka(v, 1) for v in (Decimal("2.25"), 2.25, "2.25")] == ["2,3"] * 3
    assert [angka(v) for v in (1200, Decimal(1200), 1200.0, "1200")] == ["1.200"] * 4
    assert angka(Decimal("NaN")) == angka(float("nan")) == "NaN"  # not a key: formatted anew
    with pytest.raises(decimal.InvalidOperation):
        angka(Decimal("sNaN"))
    evening = datetime(2021, 4, 8, 20, 0)
    assert tanggal(evening) == "8 April 2021"  # naive: read as written
    assert tanggal(evening.replace(tzinfo=UTC)) == "9 April 2021"  # 03:00 WIB on the 9th
    assert tanggal(date(2021, 4, 8)) == tanggal("2021-04-08") == "8 April 2021"


def test_templates_are_compiled_once_and_never_statted_again() -> None:
    env = environment()
    assert env.auto_reload is False
    assert env.get_template("digest.html") is env.get_template("digest.html")


# --- links lead to the action (issue 17 item 8) -------------------------------------------


def test_each_digest_item_links_to_its_document_with_its_step_ready() -> None:
    """Before: every item linked to /dokumen/LAP-n alone (the reader had to find the action)."""
    verify = item(doc="LAP-13", step="verify", step_label="verifikasi")
    email = render(
        "digest", digest("2021-04-09", item(), verify), base_url=BASE_URL, recipient_name="A"
    )
    for body in (email.text, email.html):
        assert "http://127.0.0.1:8000/dokumen/LAP-12?aksi=submit" in body
        assert "http://127.0.0.1:8000/dokumen/LAP-13?aksi=verify" in body


def test_an_escalation_links_without_an_action() -> None:
    """The superior told of someone else's late step has nothing to take: a plain link."""
    late = item(doc="LAP-13", rung="escalation", days_left=-1, overdue=True)
    email = render(
        "digest", digest("2021-04-09", late, item()), base_url=BASE_URL, recipient_name="A"
    )
    assert "http://127.0.0.1:8000/dokumen/LAP-13\n" in email.text
    assert "LAP-13?aksi" not in email.text + email.html


@pytest.mark.parametrize(
    ("kind", "aksi"),
    [("workflow.submitted", "verify"), ("workflow.verified", "approve")],
)
def test_an_action_email_links_with_its_action_ready(kind: str, aksi: str) -> None:
    name = kind.removeprefix("workflow.")
    email = render(kind, event(name), base_url=BASE_URL, recipient_name="A")
    assert f"/dokumen/LAP-12?aksi={aksi}" in email.text
    assert f'href="http://127.0.0.1:8000/dokumen/LAP-12?aksi={aksi}"' in email.html


def test_an_unknown_action_never_reaches_a_link() -> None:
    from notifications.render import linker

    link_to = linker(BASE_URL)
    assert link_to("LAP-1", "return") == "http://127.0.0.1:8000/dokumen/LAP-1"
    assert link_to("LAP-1", "approve") == "http://127.0.0.1:8000/dokumen/LAP-1?aksi=approve"


def test_the_app_shows_the_subject_and_never_fails_on_a_bad_row() -> None:
    from notifications.render import subject

    assert subject("workflow.submitted", event("submitted")).startswith("Menunggu verifikasi")
    assert subject("nonsense", {}) == "Pesan Kinerja (nonsense)"
