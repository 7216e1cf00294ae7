"""The layout of the catalogue workbook: its sheets, their columns, and the guide sheet.

One description serves the writer (headers, widths, validation lists, number
formats) and the reader (columns are found by their header text, so a user may
reorder them). Documented in docs/catalogue-excel.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.capaian import Polarity
from engine.formulas import GrowthBasis, InputKind, Preset
from engine.indicators import IndicatorKind, Origin
from engine.targets import Rollup, TargetMode

FORMAT = "kinerja-catalog-xlsx/1"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
"""Rows read per sheet at most (a catalogue has tens of indicators, not thousands)."""
MAX_COLUMNS = 64
"""Columns read per row at most (the widest sheet has 15; a user may add a few of their own)."""
STYLED_ROWS = 500
"""Rows prepared (text format, validation lists) below the header in a written workbook."""

GUIDE = "Petunjuk"
POSITIONS = "Jabatan"
INDICATORS = "Indikator"
VARIABLES = "Variabel"
TARGETS = "Target"
BUDGET = "Anggaran"
MANUAL = "Manual IK"
SHEETS = (GUIDE, POSITIONS, INDICATORS, VARIABLES, TARGETS, BUDGET, MANUAL)
REQUIRED_SHEETS = (GUIDE, POSITIONS, INDICATORS, VARIABLES)

AGENCY_CELL, YEAR_CELL, SOURCE_CELL, FORMAT_CELL = "B3", "B4", "B5", "B6"


@dataclass(frozen=True)
class Column:
    """A column of a data sheet: the key code uses, the header users read."""

    key: str
    header: str
    width: int
    choices: tuple[str, ...] = ()
    """Allowed values (a drop-down list in Excel)."""
    optional: bool = False
    """The column may be missing from the header row."""
    text: bool = False
    """Formatted as text, so Excel keeps "80-90" and "1.500" as typed."""
    money: bool = False
    wrap: bool = False
    source: str | None = None
    """A drop-down list taken from another sheet's range."""


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(item.value for item in enum)


YES_NO = ("ya", "tidak")


# Formulas in the file carry no leading "=" (Excel adds it when it shows them).
POSITION_LIST = f"{POSITIONS}!$A$2:$A${STYLED_ROWS + 1}"
INDICATOR_LIST = f"{INDICATORS}!$B$2:$B${STYLED_ROWS + 1}"

COLUMNS: dict[str, tuple[Column, ...]] = {
    POSITIONS: (
        Column("position", "Kode jabatan", 34),
        Column("title", "Nama jabatan (referensi)", 48, optional=True, wrap=True),
        Column("tugas", "Tugas (satu butir per baris)", 80, wrap=True),
        Column("fungsi", "Fungsi (satu butir per baris)", 80, wrap=True),
    ),
    INDICATORS: (
        Column("position", "Kode jabatan", 30, source=POSITION_LIST),
        Column("code", "Kode indikator", 30),
        Column("kind", "Jenis", 8, choices=_values(IndicatorKind)),
        Column("kinerja", "Kinerja / sasaran", 45, wrap=True),
        Column("name", "Nama indikator", 50, wrap=True),
        Column("unit", "Satuan", 10),
        Column("preset", "Preset rumus", 14, choices=_values(Preset)),
        Column("expression", "Rumus", 40, wrap=True),
        Column("polarity", "Polaritas", 12, choices=_values(Polarity)),
        Column("rollup", "Rollup", 10, choices=_values(Rollup)),
        Column("quarterly_targets", "Target triwulan", 15, choices=_values(TargetMode)),
        Column("decimals", "Desimal", 9),
        Column("parent", "Induk", 30, source=INDICATOR_LIST),
        Column("data_source", "Sumber data", 40, wrap=True),
        Column("note", "Catatan", 40, optional=True, wrap=True),
        Column("origin", "Asal", 10, choices=_values(Origin), optional=True),
        Column("origin_note", "Alasan asal", 40, optional=True, wrap=True),
        Column(
            "growth_basis", "Dasar pertumbuhan", 16, choices=_values(GrowthBasis), optional=True
        ),
    ),
    VARIABLES: (
        Column("indicator", "Kode indikator", 30, source=INDICATOR_LIST),
        Column("name", "Nama variabel", 26),
        Column("label", "Label", 60, wrap=True),
        Column("unit", "Satuan", 12),
        Column("order", "Urutan", 9, optional=True),
        Column("kind", "Jenis isian", 12, choices=_values(InputKind), optional=True),
        Column("negative", "Boleh negatif", 10, choices=YES_NO, optional=True),
    ),
    TARGETS: (
        Column("position", "Kode jabatan", 30, source=POSITION_LIST),
        Column("indicator", "Kode indikator", 30, source=INDICATOR_LIST),
        Column("annual", "Target tahunan", 16, text=True),
        Column("tw1", "TW I", 12, text=True),
        Column("tw2", "TW II", 12, text=True),
        Column("tw3", "TW III", 12, text=True),
        Column("tw4", "TW IV", 12, text=True),
        Column("tw4_reason", "Alasan TW IV", 40, optional=True, wrap=True),
    ),
    BUDGET: (
        Column("position", "Kode jabatan", 30, source=POSITION_LIST),
        Column("program", "Program", 45, wrap=True),
        Column("kegiatan", "Kegiatan", 45, wrap=True),
        Column("sub_kegiatan", "Sub kegiatan", 45, wrap=True),
        Column("anggaran", "Anggaran (Rp)", 22, money=True),
    ),
    MANUAL: (  # what the decree adds for the Manual IK (documents/xlsx/catalogue_manual.py)
        Column("indicator", "Kode indikator", 30, source=INDICATOR_LIST),
        Column("definisi_operasional", "Definisi operasional", 50, optional=True, wrap=True),
        Column("alasan", "Alasan", 40, optional=True, wrap=True),
        Column("penyedia_data", "Penyedia data", 30, optional=True, wrap=True),
        Column("periode_pelaporan", "Periode pelaporan", 20, optional=True),
        Column("note", "Catatan", 50, optional=True, wrap=True),
    ),
}

GUIDE_TITLE = "Katalog indikator kinerja (IKU/IKI) dan target Perjanjian Kinerja"
GUIDE_LABELS = {
    AGENCY_CELL: "Kode perangkat daerah",
    YEAR_CELL: "Tahun",
    SOURCE_CELL: "Dasar (SK, boleh kosong)",
    FORMAT_CELL: "Format (jangan diubah)",
}
GUIDE_TEXT = (
    "Cara mengisi",
    "1. Jangan mengganti nama lembar dan judul kolom (baris 1). Urutan kolom boleh diubah.",
    "2. Jabatan: satu baris per jabatan, kodenya dari data organisasi. Tugas dan Fungsi: "
    "satu butir per baris dalam sel (Alt+Enter). Bila keduanya kosong, tugas dan fungsi "
    "yang sudah tersimpan tidak diubah.",
    "3. Indikator: satu baris per indikator. Kode indikator unik (huruf kecil, angka, '-'). "
    "Jenis: iku atau iki. Isi Preset rumus (ratio, growth, value, sum, average) ATAU Rumus "
    "(mis. a / b * 100; tulis * bukan x, titik untuk desimal).",
    "4. Polaritas: positive (makin tinggi makin baik) atau negative. Rollup: sum, last atau "
    "average. Target triwulan: cumulative (TW IV = target tahunan) atau per_quarter. "
    "Desimal: 0 sampai 6. Induk: kode indikator atasan (boleh kosong).",
    "5. Variabel: satu baris per variabel rumus, dengan kode indikatornya. Nama variabel: "
    "huruf kecil, angka, garis bawah. Untuk preset, urutannya penting (ratio: pembilang lalu "
    "penyebut; growth: tahun n lalu tahun n-1).",
    "5a. Asal (boleh kosong = decree): decree (dari SK), derived (turunan, tidak ada di SK: "
    "isi Alasan asal) atau agency (tambahan perangkat daerah). Dasar pertumbuhan, hanya untuk "
    "preset growth: same_period (s.d. triwulan yang sama tahun lalu, bawaan) atau whole_year. "
    "Jenis isian variabel: count (bilangan bulat), amount, percentage atau index; Boleh "
    "negatif: ya hanya untuk isian yang memang bisa negatif (perubahan IHK bulanan).",
    "6. Target: target tahunan dan TW I-IV per indikator, seperti diketik (80, 80-90, "
    "1.027.733,50). Alasan TW IV wajib bila TW IV berbeda dari target tahunan.",
    "7. Anggaran: program, kegiatan, sub kegiatan dan anggaran (Rp) per jabatan. Angka boleh "
    "angka Excel atau teks cara Indonesia (1.027.733.750,37). Baris anggaran sebuah jabatan "
    "menggantikan seluruh anggaran di Perjanjian Kinerjanya.",
    "8. Target dan anggaran masuk ke Perjanjian Kinerja tahun ini; PK draf dibuat bila belum "
    "ada. PK yang sudah diajukan atau disetujui tidak dapat diubah dari sini.",
    "9. Saat impor semua baris diperiksa dulu. Bila ada kesalahan, semuanya ditampilkan "
    "(lembar, sel, pesan) dan tidak ada yang disimpan.",
)
