"""Benchmark the working-day calendar against a naive day-by-day walk.

Reminder sweeps compute deadlines and offsets for every open document on every run, so the
calendar's week arithmetic + bisect must stay well ahead of walking the calendar one day at a
time. The baseline is measured in the same run, on the same calendar and inputs, so the ratio is
meaningful on any machine. No assertions: this reports, it does not gate.

Run: `python -m bench bench_calendar`
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import holidays

from bench._options import Options, Outcome, parse
from engine.calendar import WorkingCalendar

PAIRS = 20_000
MAX_OFFSET = 250
REPEATS = 5
SEED = 20210331
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2028, 12, 31)
HOLIDAY_YEARS = range(2017, 2031)  # covers +-250 working days around 2019-2028

_DAY = timedelta(days=1)


def build_calendar() -> WorkingCalendar:
    """Build the calendar as the app seeds it: public holidays and cuti bersama."""
    seeded = holidays.country_holidays(
        "ID", years=list(HOLIDAY_YEARS), categories=("public", "government")
    )
    return WorkingCalendar(seeded.keys())


def make_pairs(rng: random.Random) -> list[tuple[date, int]]:
    span = (LAST_DAY - FIRST_DAY).days
    return [
        (FIRST_DAY + timedelta(days=rng.randrange(span + 1)), rng.randint(-MAX_OFFSET, MAX_OFFSET))
        for _ in range(PAIRS)
    ]


def naive_add(cal: WorkingCalendar, start: date, n: int) -> date:
    """Walk one day at a time: the baseline, same semantics as add_working_days."""
    day = start
    if n == 0:
        while not cal.is_working_day(day):
            day += _DAY
        return day
    step = _DAY if n > 0 else -_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if cal.is_working_day(day):
            remaining -= 1
    return day


def naive_between(cal: WorkingCalendar, start: date, end: date) -> int:
    """Count working days in (start, end] one day at a time: the baseline."""
    if end < start:
        return -naive_between(cal, end, start)
    count, day = 0, start + _DAY
    while day <= end:
        count += cal.is_working_day(day)
        day += _DAY
    return count


def median_seconds(run: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def format_table(rows: Sequence[tuple[str, float, float]]) -> str:
    header = f"{'operation':<22} {'naive (s)':>11} {'calendar (s)':>13} {'speed-up':>9}"
    title = f"WorkingCalendar benchmark: {PAIRS:,} pairs, |n| <= {MAX_OFFSET}, median of {REPEATS}"
    lines = [
        title,
        header,
        "-" * len(header),
    ]
    for name, naive, fast in rows:
        lines.append(f"{name:<22} {naive:>11.4f} {fast:>13.4f} {naive / fast:>8.1f}x")
    return "\n".join(lines)


def run(_options: Options) -> Outcome:
    """Run the benchmark, print the table and return it for a runner to collect."""
    cal = build_calendar()
    pairs = make_pairs(random.Random(SEED))
    # Ends for working_days_between: the same offsets applied as calendar days.
    spans = [(start, start + timedelta(days=n)) for start, n in pairs]

    # Sanity check (not timed): both implementations agree on the inputs measured.
    for (start, n), (_, end) in zip(pairs[:500], spans[:500], strict=True):
        if cal.add_working_days(start, n) != naive_add(cal, start, n):
            raise RuntimeError(f"add_working_days disagrees with naive at {start} {n:+d}")
        if cal.working_days_between(start, end) != naive_between(cal, start, end):
            raise RuntimeError(f"working_days_between disagrees with naive at {start}..{end}")

    rows = [
        (
            "add_working_days",
            median_seconds(lambda: [naive_add(cal, s, n) for s, n in pairs]),
            median_seconds(lambda: [cal.add_working_days(s, n) for s, n in pairs]),
        ),
        (
            "working_days_between",
            median_seconds(lambda: [naive_between(cal, s, e) for s, e in spans]),
            median_seconds(lambda: [cal.working_days_between(s, e) for s, e in spans]),
        ),
    ]
    table = format_table(rows)
    print(table)
    return Outcome(table)


def main(argv: Sequence[str] | None = None) -> str:
    """`python -m bench.bench_calendar`: print the table and return it."""
    return run(parse(argv, __doc__)).table


if __name__ == "__main__":
    main()
