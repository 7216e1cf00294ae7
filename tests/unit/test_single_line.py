"""Single-line fields (issue 15, B13): the rule in engine.text, and every use case that stores
a name, title, email, NIP, login, holiday name or token name refuses a line break or a
control character before it writes anything."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from documents.yaml.org import OrgFileError, parse_org_file
from engine.errors import FieldError
from engine.text import bad_character, flatten, single_line
from engine.usecases.accounts import create_token
from engine.usecases.admin_accounts import create_official_account
from engine.usecases.holidays import add_holiday
from engine.usecases.people import create_official, rename_position, update_official
from tests.unit.fakes import KABID, O_KASI
from tests.unit.fakes_accounts import FakeAccounts, FakeAdmin, FakeHolidays, account_uow

NOW = datetime(2021, 4, 1, 2, 0, tzinfo=UTC)
NEW_NIP = "19951231 202012 2 999"
BAD = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x00", "\x1b", "\x7f"]
MESSAGE = "tidak boleh berisi baris baru atau karakter kendali"


@pytest.mark.parametrize("char", BAD)
def test_a_line_break_or_control_character_is_refused_with_the_field(char: str) -> None:
    assert bad_character(f"Budi{char}Santoso") == char[0]
    with pytest.raises(FieldError, match=f"^Nama {MESSAGE}$") as refused:
        single_line(f"Budi{char}Santoso", "Nama", field="name")
    assert refused.value.field == "name"
    assert f"U+{ord(char[0]):04X}" in refused.value.log_message


@pytest.mark.parametrize("text", ["Budi Santoso, S.E.", "Ni Luh Putu Wédarini", "Nur’aini", ""])
def test_ordinary_names_pass_unchanged(text: str) -> None:
    assert bad_character(text) is None
    assert single_line(text, "Nama") == text


def test_flatten_puts_stored_text_on_one_line() -> None:
    assert flatten("Budi\r\nBcc: x@evil.test\u2028 Santoso\x00") == "Budi Bcc: x@evil.test Santoso"
    assert flatten("Budi Santoso") == "Budi Santoso"


@pytest.mark.parametrize("char", BAD)
@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("name", {"name": "Eka{}Putri"}),
        ("name", {"name": "Eka Putri{}"}),  # a trailing break is refused too, not stripped
        ("email", {"email": "eka@dinas.test{}"}),
        ("nip", {"nip": "19951231{}202012 2 999"}),
    ],
)
def test_a_new_official_with_a_bad_character_is_refused(
    char: str, field: str, typed: dict[str, str]
) -> None:
    admin = FakeAdmin()
    uow = account_uow(admin=admin)
    data = {"nip": NEW_NIP, "name": "Eka Putri", "email": "eka@dinas.test"}
    data |= {key: value.format(char) for key, value in typed.items()}
    with pytest.raises(FieldError, match=MESSAGE) as refused:
        create_official(uow, **data, actor="admin", now=NOW)
    assert refused.value.field == field
    assert len(admin.officials_by_id) == 3 and uow.commits == 0


def test_editing_a_name_or_renaming_a_position_is_refused() -> None:
    admin = FakeAdmin()
    uow = account_uow(admin=admin)
    before = admin.officials_by_id[O_KASI]
    with pytest.raises(FieldError, match=f"^Nama {MESSAGE}$") as refused:
        update_official(
            uow, O_KASI, name="Dewi\nKasi", email="dewi@dinas.test", actor="admin", now=NOW
        )
    assert refused.value.field == "name" and admin.officials_by_id[O_KASI] == before
    with pytest.raises(FieldError, match=f"^Nama jabatan {MESSAGE}$") as refused:
        rename_position(uow, KABID, title="Kepala Bidang\u2028Industri", actor="admin", now=NOW)
    assert refused.value.field == "title"
    assert uow.commits == 0


def test_a_login_a_holiday_name_and_a_token_name_are_refused() -> None:
    uow = account_uow()
    accounts = uow.accounts
    assert isinstance(accounts, FakeAccounts)
    with pytest.raises(FieldError, match=f"^Login {MESSAGE}$") as refused:
        create_official_account(
            uow, official_id=O_KASI, login="dewi\x00", password="sandi-baru-1", now=NOW
        )
    assert refused.value.field == "login" and accounts.rows == {}
    mine = accounts.add("dewi", "v2:x", official_id=O_KASI)
    with pytest.raises(FieldError, match=f"^Nama token {MESSAGE}$"):
        create_token(uow, mine.id, "Aplikasi\rBappeda", now=NOW)
    assert accounts.api_tokens == {}
    holidays = FakeHolidays({})
    uow = account_uow(holidays=holidays)
    with pytest.raises(FieldError, match=f"^Nama hari libur {MESSAGE}$") as refused:
        add_holiday(uow, date(2021, 6, 15), "Hari Jadi\x85Gresik", now=NOW)
    assert refused.value.field == "name" and uow.commits == 0
    assert holidays.rows == {}


ORG = """\
format: kinerja-org/1
regency: {code: contoh, name: Pemerintah Kabupaten Contoh, head_title: Bupati Contoh}
agency: {code: dinas, name: "Dinas\\u2028Contoh", short_name: Dincon, place: Contoh}
positions:
  - {code: kadis, title: "Kepala\\nDinas", unit: Dinas Contoh, level: jpt_pratama}
officials:
  - {nip: "19700101 199501 1 001", name: "Pegawai\\rSatu", email: satu@contoh.test}
"""


def test_the_organisation_file_lists_every_multi_line_text() -> None:
    with pytest.raises(OrgFileError) as caught:
        parse_org_file(ORG, "org.yaml")
    assert [str(problem) for problem in caught.value.problems] == [
        f"baris 3: agency.name: {MESSAGE}",
        f"baris 5: positions[1].title: {MESSAGE}",
        f"baris 7: officials[1].name: {MESSAGE}",
    ]
