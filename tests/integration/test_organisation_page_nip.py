"""/organisasi (issue 15, item 10, part of B10): the structure is public, the officials' NIPs
are not: an anonymous visitor sees positions and names without any NIP, a signed-in user sees
them all. The API's organisation endpoint (which carries NIPs) already needs a token."""

from __future__ import annotations

import re

from engine.nip import format_nip
from kinerja.demo.seed import demo_people
from tests.integration.conftest import WebClient

PEOPLE = demo_people()
KEPALA_DINAS = next(name for code, _, name, _ in PEOPLE if code == "kepala-dinas")


def test_an_anonymous_visitor_sees_the_tree_without_any_nip(web: WebClient) -> None:
    response = web.get("/organisasi")
    assert response.status_code == 200
    page = response.text
    assert len(re.findall(r'<tr data-position="', page)) == 25
    assert KEPALA_DINAS in page
    assert '<th class="nip">' not in page and 'class="nip"' not in page
    for _, nip, _, _ in PEOPLE:
        assert format_nip(nip) not in page and nip not in page
    assert not re.search(r"\d{8}\s*\d{6}\s*\d\s*\d{3}", page)
    assert "NIP pemegang jabatan tampil setelah" in page


def test_a_signed_in_official_sees_every_holders_nip(web: WebClient) -> None:
    sekretaris_email = next(email for code, _, _, email in PEOPLE if code == "sekretaris")
    web.login(sekretaris_email)
    page = web.get("/organisasi").text
    assert '<th class="nip">NIP</th>' in page
    for _, nip, _, _ in PEOPLE:
        assert f"<div>{format_nip(nip)}</div>" in page
    assert "NIP pemegang jabatan tampil setelah" not in page
    web.logout()
    assert format_nip(PEOPLE[0][1]) not in web.get("/organisasi").text


def test_the_api_organisation_needs_a_token(web: WebClient) -> None:
    response = web.get("/api/v1/organisation")
    assert response.status_code == 401
    assert not any(nip in response.text for _, nip, _, _ in PEOPLE)
