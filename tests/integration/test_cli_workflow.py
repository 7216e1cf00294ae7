"""`kinerja act`, `pk`, `report`, `audit verify` and `workflow diagram` on the demo year."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.conftest import Cli

DAY = "2021-10-08"


def nips(cli: Cli) -> dict[str, str]:
    """Position code -> NIP of the official acting for it on DAY."""
    org = json.loads(cli.ok("org", "show", "--json", "--on", DAY))
    return {p["code"]: p["holders"][0]["nip"] for p in org["agencies"][0]["positions"]}


def report_of(cli: Cli, position: str, quarter: int = 3) -> dict[str, Any]:
    listing = json.loads(
        cli.ok("report", "list", "--year", "2021", "--quarter", str(quarter), "--json")
    )
    return next(r for r in listing if r["position"] == position)


@pytest.fixture
def demo(demo_cli: Cli) -> Cli:
    # Acting in the CLI happens "now": put the clock in the demo's October 2021.
    from datetime import UTC, datetime

    demo_cli.clock.set(datetime(2021, 10, 8, 2, 0, tzinfo=UTC))
    return demo_cli


def test_the_demo_year_is_in_every_state(demo: Cli) -> None:
    listing = json.loads(demo.ok("report", "list", "--year", "2021", "--quarter", "3", "--json"))
    assert {r["state"] for r in listing} == {"draft", "submitted", "verified", "approved"}
    approved = json.loads(
        demo.ok(
            "report", "list", "--year", "2021", "--quarter", "2", "--state", "approved", "--json"
        )
    )
    assert len(approved) == 25
    pks = json.loads(demo.ok("pk", "list", "--year", "2021", "--json"))
    assert len(pks) == 25
    assert {p["state"] for p in pks} == {"approved"}


def test_verify_by_the_right_official_and_refusals(demo: Cli) -> None:
    holders = nips(demo)
    report = report_of(demo, "kasi-pengendalian-perdagangan-kecil")
    assert report["state"] == "submitted"
    ref = report["ref"]
    code, _, err = demo("act", ref, "verify", "--as", holders["kabid-koperasi"])
    assert code == 1
    assert "Anda tidak berhak verifikasi" in err
    assert "Kepala Bidang Perdagangan" in err
    code, _, err = demo(
        "act", ref, "verify", "--as", holders["kasi-pengendalian-perdagangan-kecil"]
    )
    assert code == 1
    out = demo.ok(
        "act", ref, "verify", "--as", holders["kabid-perdagangan"],
        "--expected-version", str(report["version"]), "--json",
    )  # fmt: skip
    result = json.loads(out)
    assert (result["from"], result["to"]) == ("submitted", "verified")
    assert result["as"] == "Kepala Bidang Perdagangan"
    assert result["version"] == report["version"] + 1
    code, _, err = demo(
        "act", ref, "approve", "--as", holders["kepala-dinas"],
        "--expected-version", str(report["version"]),
    )  # fmt: skip
    assert code == 1
    assert "sudah diubah oleh Eko Purnomo, S.T., M.T. (verifikasi)" in err


def test_return_needs_a_reason_and_shows_it(demo: Cli) -> None:
    holders = nips(demo)
    ref = report_of(demo, "kasi-pengendalian-perdagangan-kecil")["ref"]
    code, _, err = demo("act", ref, "return", "--as", holders["kabid-perdagangan"])
    assert (code, "alasan wajib diisi" in err) == (1, True)
    demo.ok("act", ref, "return", "--as", holders["kabid-perdagangan"], "--comment", "Lampirkan SK")
    shown = json.loads(demo.ok("report", "show", ref.split("-")[1], "--json"))
    assert shown["state"] == "draft"
    assert shown["visit"] == 2
    assert shown["history"][-1]["comment"] == "Lampirkan SK"
    # The demo clock stands at 8 October 2021, 02:00 UTC: 09.00 in Jakarta.
    assert shown["history"][-1]["when"] == "8 Oktober 2021 09.00 WIB"


def test_fill_is_refused_unless_draft(demo: Cli) -> None:
    ref = report_of(demo, "kepala-dinas")["ref"]
    report_id = ref.split("-")[1]
    shown = json.loads(demo.ok("report", "show", report_id, "--json"))
    indicator = shown["entries"][0]["indicator"]
    variable = shown["entries"][0]["inputs"][0]["name"]
    code, _, err = demo(
        "report", "fill", report_id, "--indicator", indicator, "--var", f"{variable}=1"
    )
    assert code == 1
    assert "sudah disetujui dan tidak dapat diubah" in err
    entry = shown["entries"][0]
    assert entry["capaian"] is not None
    assert entry["category"] in {"Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"}


def test_pk_show_has_parties_and_deadline(demo: Cli) -> None:
    pks = json.loads(demo.ok("pk", "list", "--year", "2021", "--json"))
    kasi = next(p for p in pks if p["position"] == "kasi-ikm")
    shown = json.loads(demo.ok("pk", "show", kasi["ref"].split("-")[1], "--json"))
    assert shown["deadline"] == "2021-02-04"
    assert shown["late"] is False
    assert shown["parties"]["first"]["title"] == "Kepala Seksi Industri Kecil dan Menengah"
    assert shown["parties"]["second"]["title"] == "Kepala Bidang Perindustrian"
    assert len(shown["parties"]["second"]["nip"]) == 18
    head = next(p for p in pks if p["position"] == "kepala-dinas")
    shown = json.loads(demo.ok("pk", "show", head["ref"].split("-")[1], "--json"))
    assert shown["parties"]["second"]["title"] == "Bupati Gresik"
    assert [h["as"] for h in shown["history"]][-1] == "administrator"


def test_pk_revision_and_audit(demo: Cli) -> None:
    pks = json.loads(demo.ok("pk", "list", "--year", "2021", "--json"))
    kasi = next(p for p in pks if p["position"] == "kasi-ikm")
    pk_id = kasi["ref"].split("-")[1]
    code, _, err = demo("pk", "revise", pk_id, "--reason", "  ")
    assert code == 1 and "Alasan PK Perubahan wajib diisi" in err
    out = demo.ok("pk", "revise", pk_id, "--reason", "APBD Perubahan")
    assert "revisi 2" in out
    audit = demo.ok("audit", "verify")
    assert "Rantai audit utuh." in audit


def test_workflow_diagram(cli: Cli) -> None:
    out = cli.ok("workflow", "diagram", "report")
    assert out.startswith("stateDiagram-v2")
    assert "submitted --> approved: approve (approver; one_step, separation)" in out
    code, _, err = cli("workflow", "diagram", "nope")
    assert code == 2 and "bukan alur kerja" in err


def test_bad_document_reference(demo: Cli) -> None:
    code, _, err = demo("act", "XYZ-1", "submit", "--as", "admin")
    assert (code, err.strip()) == (
        1,
        "Galat: 'XYZ-1' bukan nomor dokumen (contoh: PK-12 atau LAP-34)",
    )
    code, _, err = demo("act", "LAP-1", "sign", "--as", "admin")
    assert code == 1 and "Aksi 'sign' tidak dikenal" in err


def test_evidence_upload_list_and_download(demo: Cli, tmp_path: Any) -> None:
    holders = nips(demo)
    draft = report_of(demo, "kasubag-keuangan")
    assert draft["state"] == "draft"
    report_id = draft["ref"].split("-")[1]
    upload = tmp_path / "laporan keuangan.pdf"
    upload.write_bytes(b"%PDF-1.4\n% bukti dukung\n")
    out = demo.ok("evidence", "add", report_id, str(upload), "--as", holders["kasubag-keuangan"])
    assert "disimpan di " + draft["ref"] in out
    listing = json.loads(demo.ok("evidence", "list", report_id, "--json"))
    assert [(e["filename"], e["size"]) for e in listing] == [("laporan keuangan.pdf", 24)]
    copy = tmp_path / "unduh.pdf"
    demo.ok("evidence", "get", str(listing[0]["id"]), "--out", str(copy))
    assert copy.read_bytes() == upload.read_bytes()
    approved = report_of(demo, "kepala-dinas")["ref"].split("-")[1]
    code, _, err = demo("evidence", "add", approved, str(upload), "--as", "admin")
    assert code == 1 and "sudah disetujui" in err
    fake = tmp_path / "virus.pdf"
    fake.write_bytes(b"MZ\x90\x00")
    code, _, err = demo("evidence", "add", report_id, str(fake), "--as", "admin")
    assert code == 1 and "bukan PDF yang sah" in err


def test_fill_with_a_stale_expected_version_is_refused(demo: Cli) -> None:
    report = report_of(demo, "kasi-produksi-usaha-mikro")
    report_id = report["ref"].split("-")[1]
    shown = json.loads(demo.ok("report", "show", report_id, "--json"))
    version = shown["version"]
    code_, name = shown["entries"][0]["indicator"], shown["entries"][0]["inputs"][0]["name"]
    fill = ("report", "fill", report_id, "--indicator", code_)
    demo.ok(*fill, "--var", f"{name}=12", "--expected-version", str(version))
    assert json.loads(demo.ok("report", "show", report_id, "--json"))["version"] == version + 1
    code, _, err = demo(*fill, "--var", f"{name}=13", "--expected-version", str(version))
    assert code == 1
    assert "sudah disimpan oleh operator (baris perintah)" in err
    after = json.loads(demo.ok("report", "show", report_id, "--json"))
    assert after["entries"][0]["inputs"][0]["value"] in ("12", "12.0000", 12)
    demo.ok(*fill, "--var", f"{name}=14")  # without the option: no check, as before
