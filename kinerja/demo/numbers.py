"""Fictional numbers at the scale of Gresik for the demo: the year's plan, then what happened.

One `GresikWorld` per demo holds the facts every position shares (about 10^5 usaha mikro,
IKM in the thousands, a few hundred active cooperatives turning over hundreds of billions of
rupiah, exports in the hundreds of millions of USD), so the same input is the same number
wherever the catalogue repeats it (the Kepala Dinas's "usaha mikro yang difasilitasi" is the
Kepala Bidang's). The targets are set first, from the plan made at the start of the year
(`DemoPlan.targets`); the realisations are drawn afterwards around that plan, never the other
way round. Counts are whole; IHK inputs are monthly % changes between -0,5 and +1 (a negative
one only where the catalogue lets the input be negative). Seeded, so every demo is the same.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from engine.formatting import round_half_up
from engine.formulas import Preset, Variable
from engine.indicators import Indicator
from engine.result import Result
from engine.targets import Rollup, TargetMode

QUARTERS = 4
YTD = (Decimal("0.22"), Decimal("0.48"), Decimal("0.74"), Decimal(1))
"""Share of a year's flow done by the end of each quarter (a slow first quarter)."""
IHK_RANGE = (-0.5, 1.0)
"""A month's IHK change in %, as BPS publishes it for a regency (deflation to a bad month)."""

Values = dict[str, Decimal]


@dataclass(frozen=True)
class DemoPlan:
    """An indicator's targets (set at the start of the year) and its realised inputs."""

    targets: dict[str, str]
    """annual, tw1 ... tw4 as typed into the PK."""
    inputs: list[Values]
    """The formula's inputs of each quarter, as typed into the reports."""


@dataclass
class GresikWorld:
    """The regency's facts and the agency's plan for them, drawn once per demo."""

    rng: random.Random
    budget: Decimal = Decimal(28_500_000_000)
    """The agency's direct spending (anggaran belanja langsung), the Kepala Dinas's PK total."""
    planned: dict[str, list[Decimal]] = field(default_factory=dict)
    realised: dict[str, list[Decimal]] = field(default_factory=dict)

    def series(self, name: str, draw: Callable[[], tuple[list[Decimal], list[Decimal]]]) -> None:
        """Remember a variable's (planned, realised) quarters the first time it is met."""
        if name not in self.planned:
            self.planned[name], self.realised[name] = draw()


# --- the facts -----------------------------------------------------------------------------

# Stocks: (low, high) of the level, or (share low, share high, of what) for a part of another.
STOCKS: dict[str, tuple[float, float, str | None]] = {
    "um_seluruh": (98_000, 112_000, None),
    "ikm_terdata": (6_500, 8_500, None),
    "ikm_sudah_difasilitasi": (0.35, 0.45, "ikm_terdata"),
    "ikm_sudah_dibina": (0.40, 0.50, "ikm_terdata"),
    "ikm_oss_kbli_industri": (2_400, 3_200, None),
    "koperasi_aktif_seluruh": (420, 560, None),
    "koperasi_seluruh": (850, 1_100, None),  # registered, active or not
    "ksp_usp_seluruh": (110, 160, None),
    "pengurus_koperasi_seluruh": (1_300, 1_700, None),
    "renja_seluruh": (60, 90, None),
    "dokumen_pelayanan_seharusnya": (20, 30, None),
    "sarpras_seluruh": (300, 450, None),
    "asn_seluruh": (70, 90, None),
    "sarpras_pasar_seluruh": (18, 28, None),
    "pedagang_dan_sentra_pkl_seluruh": (8_000, 11_000, None),
    "verifikasi_harus": (300, 500, None),
    "capaian_kinerja_target": (100, 100, None),
}
# Flows done by the end of the year, as a share of a stock: planned (low, high) and the stock.
FLOWS: dict[str, tuple[float, float, str]] = {
    "um_difasilitasi": (0.03, 0.05, "um_seluruh"),
    "um_dibina": (0.04, 0.07, "um_seluruh"),
    "um_difasilitasi_permodalan": (0.008, 0.015, "um_seluruh"),
    "ikm_difasilitasi": (0.08, 0.12, "ikm_terdata"),
    "ikm_dibina": (0.09, 0.13, "ikm_terdata"),
    "ksp_usp_dinilai_kesehatan": (0.6, 0.8, "ksp_usp_seluruh"),
    "pengurus_koperasi_dilatih": (0.08, 0.15, "pengurus_koperasi_seluruh"),
    "koperasi_diperiksa_kepatuhan": (0.1, 0.2, "koperasi_aktif_seluruh"),
    "sarpras_pasar_dipelihara": (0.5, 0.8, "sarpras_pasar_seluruh"),
    "pedagang_dibina": (0.05, 0.1, "pedagang_dan_sentra_pkl_seluruh"),
    "verifikasi_selesai": (0.85, 0.95, "verifikasi_harus"),
    "realisasi_keuangan": (0.9, 0.97, "anggaran_belanja_langsung"),
    "anggaran_kas": (1.0, 1.0, "anggaran_belanja_langsung"),  # the cash plan, to date
    "koperasi_ikut_pelatihan": (0.1, 0.2, "koperasi_seluruh"),
}
# Levels held through the year, as a share of a stock.
LEVELS: dict[str, tuple[float, float, str]] = {
    "um_terdata": (0.7, 0.85, "um_seluruh"),
    "koperasi_aktif_grade_a": (0.25, 0.35, "koperasi_aktif_seluruh"),
    "koperasi_aktif_rat": (0.6, 0.8, "koperasi_aktif_seluruh"),
    "um_berdaya_saing": (0.03, 0.05, "um_seluruh"),
    "ikm_oss_vertek_siinas": (0.6, 0.75, "ikm_oss_kbli_industri"),
    "renja_selaras_renstra": (0.9, 0.98, "renja_seluruh"),
    "dokumen_pelayanan_tersedia": (0.8, 0.95, "dokumen_pelayanan_seharusnya"),
    "sarpras_kondisi_baik": (0.8, 0.92, "sarpras_seluruh"),
    "asn_sesuai_anjab_abk": (0.75, 0.9, "asn_seluruh"),
    "asn_hadir_tepat_waktu": (0.85, 0.97, "asn_seluruh"),
    "asn_dokumen_lengkap": (0.85, 0.98, "asn_seluruh"),
}
# Growth pairs: the year before (low, high) and the planned growth (low, high).
GROWTH: dict[str, tuple[float, float, float, float]] = {
    "omzet_koperasi": (300e9, 600e9, 0.05, 0.08),  # Rp a year
    "nilai_ekspor": (250e6, 600e6, 0.04, 0.07),  # USD a year
    "sertifikat": (300, 600, 0.10, 0.20),  # halal and merek certificates a year
}
SCORES: dict[str, tuple[float, float]] = {
    "nilai_ikm": (78, 88),
    "capaian_kinerja_realisasi": (85, 100),
}
PER_PERIOD: dict[str, tuple[int, int]] = {
    "berkas_bulan": (10, 40),  # stand applications from the UPT Pasar, a month
    "koperasi_penghargaan": (0, 3),  # cooperatives awarded, a quarter
}


# --- the public functions --------------------------------------------------------------------


def demo_plan(indicator: Indicator, world: GresikWorld) -> DemoPlan:
    """An indicator's targets, from the plan, then its realised inputs of TW I-IV."""
    variables = indicator.formula.variables
    for name, variable in variables.items():
        _ensure(world, name, variable, indicator)
    planned = [{n: world.planned[n][q] for n in variables} for q in range(QUARTERS)]
    realised = [{n: world.realised[n][q] for n in variables} for q in range(QUARTERS)]
    return DemoPlan(_targets(indicator, planned), realised)


def demo_inputs(indicator: Indicator, rng: random.Random) -> Values:
    """Plausible inputs of one quarter (the fourth) for an indicator, in a world of its own."""
    return demo_plan(indicator, GresikWorld(rng)).inputs[-1]


def plan_year(indicator: Indicator, rng: random.Random, quarters: int = QUARTERS) -> list[Values]:
    """The realised inputs of the first `quarters` quarters, in a world of its own."""
    return demo_plan(indicator, GresikWorld(rng)).inputs[:quarters]


# --- drawing one variable ---------------------------------------------------------------------


def _ensure(world: GresikWorld, name: str, variable: Variable, indicator: Indicator) -> None:
    rng = world.rng
    whole = _is_count(variable)
    if name == "anggaran_belanja_langsung":
        world.series(name, lambda: ([world.budget] * QUARTERS, [world.budget] * QUARTERS))
    elif name in STOCKS:
        low, high, of = STOCKS[name]
        if of is not None:
            _ensure(world, of, Variable(of, unit="jumlah"), indicator)
            base = world.planned[of][0] * Decimal(str(round(rng.uniform(low, high), 4)))
        else:
            base = Decimal(round(rng.uniform(low, high)))
        level = _round(base, True)
        world.series(name, lambda: ([level] * QUARTERS, [level] * QUARTERS))
    elif name in FLOWS or name in LEVELS:
        flow = name in FLOWS
        low, high, of = (FLOWS if flow else LEVELS)[name]
        _ensure(world, of, Variable(of, unit="jumlah"), indicator)
        total = world.planned[of][-1]
        share = Decimal(str(round(rng.uniform(low, high), 3)))
        done = _performance(rng)
        path = YTD if flow else (Decimal(1),) * QUARTERS

        def draw() -> tuple[list[Decimal], list[Decimal]]:
            plan = [_round(total * share * p, whole) for p in path]
            real = [min(total, _round(v * done * _wobble(rng), whole)) for v in plan]
            if flow:  # to date: never less than the quarter before
                real = [max(real[: i + 1]) for i in range(QUARTERS)]
            return plan, real

        world.series(name, draw)
    elif (pair := _growth(name)) is not None:
        key, side = pair
        _ensure_growth(world, key, whole=whole)
        world.series(name, lambda: (world.planned[side], world.realised[side]))
    elif name.startswith("ihk"):
        world.series(name, lambda: _ihk(rng, negative=bool(getattr(variable, "negative", False))))
    elif name in SCORES:
        low, high = SCORES[name]
        world.series(name, lambda: _score(rng, low, high))
    elif (period := next((k for k in PER_PERIOD if name.startswith(k)), None)) is not None:
        low_count, high_count = PER_PERIOD[period]
        world.series(name, lambda: _counts(rng, low_count, high_count))
    else:
        world.series(name, lambda: _generic(rng, indicator, whole))


def _growth(name: str) -> tuple[str, str] | None:
    """(the pair's key, the series of this side) of a growth input: `..._n_1` is the year
    before, anything else of the pair this year's."""
    for key in GROWTH:
        if name.startswith(key):
            return key, f"growth:{key}:{'before' if name.endswith('_n_1') else 'now'}"
    return None


def _ensure_growth(world: GresikWorld, key: str, *, whole: bool) -> None:
    """Both inputs of a growth pair, to date: the same period of the year before (c-to-c),
    and this year's, planned and realised."""
    now, before = f"growth:{key}:now", f"growth:{key}:before"
    if now in world.planned:
        return
    rng = world.rng
    low, high, grow_low, grow_high = GROWTH[key]
    year_before = Decimal(str(round(rng.uniform(low, high), -3 if not whole else 0)))
    growth = Decimal(str(round(rng.uniform(grow_low, grow_high), 3)))
    real_growth = growth + Decimal(str(round(rng.uniform(-0.06, 0.04), 3)))
    base = [_round(year_before * p, whole) for p in YTD]
    world.planned[before] = world.realised[before] = base
    world.planned[now] = [_round(v * (1 + growth), whole) for v in base]
    world.realised[now] = [_round(v * (1 + real_growth) * _wobble(rng), whole) for v in base]


def _ihk(rng: random.Random, *, negative: bool) -> tuple[list[Decimal], list[Decimal]]:
    low = IHK_RANGE[0] if negative else 0.0
    plan = [Decimal("0.40")] * QUARTERS
    real = [round_half_up(Decimal(str(rng.uniform(low, IHK_RANGE[1]))), 2) for _ in plan]
    return plan, real


def _score(rng: random.Random, low: float, high: float) -> tuple[list[Decimal], list[Decimal]]:
    plan = [round_half_up(Decimal(str(high - 2)), 2)] * QUARTERS
    real = [round_half_up(Decimal(str(rng.uniform(low, high))), 2) for _ in plan]
    return plan, real


def _counts(rng: random.Random, low: int, high: int) -> tuple[list[Decimal], list[Decimal]]:
    plan = [Decimal((low + high) // 2)] * QUARTERS
    real = [Decimal(rng.randint(low, high)) for _ in plan]
    return plan, real


def _generic(
    rng: random.Random, indicator: Indicator, whole: bool
) -> tuple[list[Decimal], list[Decimal]]:
    """An input the world does not know (a generated agency's own): a level near 1.000."""
    level = Decimal(rng.randint(500, 5000))
    plan = [_round(level, whole)] * QUARTERS
    real = [_round(level * _performance(rng), whole) for _ in plan]
    return plan, real


def _performance(rng: random.Random) -> Decimal:
    """How the year went against the plan: most near it, one in eight well short."""
    factor = rng.uniform(0.55, 0.8) if rng.random() < 0.125 else rng.uniform(0.9, 1.12)
    return Decimal(str(round(factor, 3)))


def _wobble(rng: random.Random) -> Decimal:
    return Decimal(str(round(rng.uniform(0.97, 1.03), 3)))


def _is_count(variable: Variable) -> bool:
    """Whole numbers only: declared a count, or a number of things by its unit."""
    kind = getattr(variable, "kind", None)
    if kind is not None:
        return str(getattr(kind, "value", kind)) == "count"
    return variable.unit.strip().lower() not in {"rp", "usd", "%", "nilai", "indeks"}


def _round(value: Decimal, whole: bool) -> Decimal:
    return round_half_up(value, 0 if whole else 2)


# --- targets from the plan ---------------------------------------------------------------------


def _targets(indicator: Indicator, planned: list[Values]) -> dict[str, str]:
    """Annual and TW I-IV targets from the planned inputs, as the PK is typed."""
    places = indicator.decimals
    values = [_value(indicator.formula.evaluate(p)) for p in planned]
    if indicator.rollup is Rollup.SUM:
        steps = [round_half_up(v, places) for v in values]
        annual = sum(steps, Decimal(0))
        if indicator.target_mode is TargetMode.CUMULATIVE:
            steps = [sum(steps[: i + 1], Decimal(0)) for i in range(QUARTERS)]
    elif indicator.rollup is Rollup.AVERAGE:
        steps = [round_half_up(v, places) for v in values]
        if indicator.target_mode is TargetMode.CUMULATIVE:
            steps = [
                round_half_up(sum(steps[: i + 1], Decimal(0)) / (i + 1), places)
                for i in range(QUARTERS)
            ]
            annual = steps[-1]
        else:
            annual = round_half_up(sum(steps, Decimal(0)) / QUARTERS, places)
            steps[-1] = annual * QUARTERS - sum(steps[:-1], Decimal(0))  # the mean is exact
    else:
        steps = [round_half_up(v, places) for v in values]
        annual = steps[-1]
        growth = indicator.preset is Preset.GROWTH
        if growth or max(values) <= min(values) * Decimal("1.02"):  # a level or a growth rate
            steps = [annual] * QUARTERS
    shown = [str(s) for s in steps]
    return {"annual": str(annual), **{f"tw{i + 1}": s for i, s in enumerate(shown)}}


def _value(result: Result) -> Decimal:
    return result.value if result.value is not None and result.value > 0 else Decimal(100)


__all__ = ["DemoPlan", "GresikWorld", "demo_inputs", "demo_plan", "plan_year"]
