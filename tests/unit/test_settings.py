"""Settings come from the mapping handed in, with Indonesian errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import KinerjaError
from kinerja.settings import Settings, SmtpSecurity, load_settings


def test_defaults_need_no_environment() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///./var/kinerja.db"
    assert settings.timezone == "Asia/Jakarta"
    assert str(settings.zone) == "Asia/Jakarta"
    assert settings.smtp_security is SmtpSecurity.NONE
    assert settings.evidence_dir == Path("var/evidence")
    assert settings.is_sqlite


def test_values_come_only_from_the_given_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_SMTP_HOST", "from-process-env")
    settings = load_settings(
        {
            "KINERJA_DATABASE_URL": "postgresql+psycopg://kinerja@db/kinerja",
            "KINERJA_SMTP_PORT": "587",
            "KINERJA_SMTP_SECURITY": "starttls",
            "KINERJA_SMTP_PASSWORD": "rahasia",
            "KINERJA_BASE_URL": "https://kinerja.gresikkab.go.id/",
            "UNRELATED": "x",
        }
    )
    assert settings.smtp_host == "127.0.0.1"
    assert settings.smtp_port == 587
    assert settings.smtp_security is SmtpSecurity.STARTTLS
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "rahasia"
    assert "rahasia" not in repr(settings)
    assert settings.base_url == "https://kinerja.gresikkab.go.id"
    assert not settings.is_sqlite


def test_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_SMTP_HOST", "mail.example.test")
    assert load_settings().smtp_host == "mail.example.test"


def test_overrides_win() -> None:
    assert load_settings({"KINERJA_SMTP_PORT": "25"}, smtp_port=2525).smtp_port == 2525


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"KINERJA_SMTP_PORT": "abc"}, "KINERJA_SMTP_PORT: harus bilangan bulat"),
        ({"KINERJA_SMTP_PORT": "70000"}, "KINERJA_SMTP_PORT: terlalu besar"),
        ({"KINERJA_TIMEZONE": "Asia/Atlantis"}, "KINERJA_TIMEZONE: zona waktu tidak dikenal"),
        ({"KINERJA_SMTP_SECURITY": "ssl"}, "KINERJA_SMTP_SECURITY: harus salah satu dari"),
    ],
)
def test_bad_values_are_reported_in_indonesian(environ: dict[str, str], message: str) -> None:
    with pytest.raises(KinerjaError, match=r"^Pengaturan tidak sah: ") as caught:
        load_settings(environ)
    assert message in caught.value.message


def test_settings_are_frozen() -> None:
    settings: Settings = load_settings({})
    with pytest.raises(ValueError, match="frozen"):
        settings.smtp_port = 1  # type: ignore[misc]


def test_a_missing_service_skips_on_a_laptop_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import require_service

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="set KINERJA_TEST_POSTGRES_URL"):
        require_service(False, "set KINERJA_TEST_POSTGRES_URL")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and a required service is missing"):
        require_service(False, "set KINERJA_TEST_POSTGRES_URL")
    require_service(True, "not used")
