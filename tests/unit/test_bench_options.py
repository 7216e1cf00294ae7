"""The benchmarks' command line: options, scratch names, and no writing unless asked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # bench/ is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

import bench.__main__ as runner  # noqa: E402
from bench._options import DEFAULT_PG_URL, Options, Outcome, parse, scratch_name  # noqa: E402


def test_defaults_pick_free_ports_and_both_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINERJA_BENCH_PG_URL", raising=False)
    options = parse([])
    assert options == Options()
    assert (options.port, options.smtp_port, options.pg_url) == (0, 0, DEFAULT_PG_URL)
    assert options.backends == ("sqlite", "postgresql")


def test_arguments_are_taken() -> None:
    options = parse(
        ["--pg-url", "postgresql+psycopg://u@db:6543/x", "--pg-db", "mine", "--port", "8123",
         "--smtp-port", "2525", "--backends", "sqlite", "--rounds", "4", "--messages", "10",
         "--repeats", "2"]
    )  # fmt: skip
    assert options == Options(
        pg_url="postgresql+psycopg://u@db:6543/x", pg_db="mine", backends=("sqlite",),
        port=8123, smtp_port=2525, rounds=4, messages=10, repeats=2,
    )  # fmt: skip
    assert scratch_name(options, "pages") == "mine"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(SystemExit):
        parse(["--backends", "mysql"])
    with pytest.raises(SystemExit):
        parse(["--rounds", "0"])


def test_scratch_names_are_unique_per_call() -> None:
    first, second = (scratch_name(Options(), "transitions") for _ in range(2))
    assert first != second
    assert first.startswith("kinerja_bench_transitions_")


def test_options_survive_the_trip_to_a_child_process() -> None:
    for options in (Options(), parse(["--pg-db", "mine", "--backends", "sqlite", "--port", "9"])):
        assert parse(options.argv()) == options


def _fake_run_one(name: str, options: Options) -> Outcome:
    return Outcome(f"table of {name}", ("a line",))


def test_the_runner_writes_results_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "HERE", tmp_path)
    monkeypatch.setattr(runner, "run_one", _fake_run_one)
    runner.main(["bench_calendar"])
    assert not (tmp_path / "results.md").exists()
    printed = capsys.readouterr().out
    assert "a line" in printed and "not written" in printed
    runner.main(["--write", "bench_calendar"])
    written = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "## bench_calendar" in written and "table of bench_calendar" in written


def test_the_runner_refuses_unknown_benchmarks() -> None:
    with pytest.raises(SystemExit):
        runner.main(["bench_nothing"])


def test_a_failing_benchmark_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run_one(name: str, options: Options) -> Outcome:
        if name == "bench_calendar":
            raise subprocess.CalledProcessError(3, ["python"])
        return _fake_run_one(name, options)

    monkeypatch.setattr(runner, "run_one", run_one)
    with pytest.raises(SystemExit, match="failed: bench_calendar"):
        runner.main(["bench_calendar", "bench_cli"])
    printed = capsys.readouterr().out
    assert "bench_calendar: FAILED (exit status 3)" in printed
    assert "a line" in printed  # bench_cli's figures
