"""Settings, read from the environment (prefix ``KINERJA_``) and a ``.env`` file.

`load_settings` takes the environment as a parameter so tests and tools can
build settings without touching ``os.environ``; nothing is read at import time.
The command line (kinerja.cli.state) first adds the ``KINERJA_*`` lines of a ``.env``
file in the working directory to the process environment, never overriding a variable
that is already set (`apply_env_file`): every reader of the environment, the worker
processes of `kinerja serve --workers` included, then sees the same values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, MutableMapping
from datetime import datetime
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from engine.errors import KinerjaError

ENV_PREFIX = "KINERJA_"


class SmtpSecurity(StrEnum):
    """How the SMTP connection is secured."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class Settings(BaseSettings):
    """Everything an admin configures when deploying Kinerja (see README, "Settings")."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    database_url: str = Field(
        default="sqlite:///./var/kinerja.db",
        description="SQLAlchemy URL; sqlite:///path or postgresql+psycopg://user@host/db",
    )
    timezone: str = Field(default="Asia/Jakarta", description="Local time zone of the regency")
    smtp_host: str = Field(default="127.0.0.1", description="SMTP server host")
    smtp_port: int = Field(default=1025, ge=1, le=65535, description="SMTP server port")
    smtp_user: str | None = Field(default=None, description="SMTP login (optional)")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password (optional)")
    smtp_security: SmtpSecurity = Field(
        default=SmtpSecurity.NONE, description="none, starttls or tls"
    )
    smtp_sender: str = Field(
        default="Kinerja <kinerja@localhost>", description="From address of emails"
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public URL used in links in emails",
    )
    evidence_dir: Path = Field(
        default=Path("./var/evidence"),
        description="Where uploaded evidence files are kept",
    )
    evidence_report_max_files: int = Field(
        default=30, ge=1, le=1000, description="Evidence files a report may hold (not withdrawn)"
    )
    evidence_report_max_mb: int = Field(
        default=100, ge=1, le=100_000, description="Megabytes of evidence a report may hold"
    )
    evidence_daily_max_mb: int = Field(
        default=200, ge=1, le=100_000,
        description="Megabytes of evidence one person may upload per local day",
    )  # fmt: skip
    log_level: str = Field(default="INFO", description="Python logging level")
    submit_working_days: int = Field(
        default=5, ge=0, le=60, description="Report due this many working days after quarter end"
    )
    verify_working_days: int = Field(
        default=3, ge=0, le=60, description="Verification due this many working days later"
    )
    approve_working_days: int = Field(
        default=3, ge=0, le=60, description="Approval due this many working days later"
    )
    reminder_offsets: str = Field(
        default="7,3,1,0", description="Reminders this many working days before the deadline"
    )
    escalate_superior_after: int = Field(
        default=1, ge=0, le=60, description="Escalate to the superior after this many working days"
    )
    escalate_head_after: int = Field(
        default=3, ge=0, le=60, description="Escalate to the head after this many working days"
    )
    sweep_hour: int = Field(default=8, ge=0, le=23, description="Hour (local) of the daily sweep")
    acting_rules: str = Field(
        default=(
            "pk.submit=definitif,plt,pj; pk.approve=definitif,plt,pj; pk.party=definitif,plt,pj"
        ),
        description="Which assignment statuses may take which action (DOC.ACTION=statuses; ...; "
        "pk.party: who may sign a PK as a party)",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Key that signs session cookies; set the same value on every instance "
        "(without it a random key is made per process and sessions end on restart)",
    )
    session_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="How long a browser stays signed in"
    )
    invite_days: int = Field(
        default=7, ge=1, le=60, description="Days an invitation's set-password link stays valid"
    )
    reset_minutes: int = Field(
        default=60,
        ge=5,
        le=24 * 60,
        description="Minutes a 'lupa kata sandi' link stays valid",
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=100, description="Failed logins before the login is locked"
    )
    login_lock_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="How long a locked login waits"
    )
    login_address_max_failures: int = Field(
        default=30,
        ge=1,
        le=10_000,
        description="Failed logins from one client address before that address is locked",
    )
    trusted_proxies: str = Field(
        default="",
        description="Addresses or networks of the reverse proxies whose X-Forwarded-For is "
        "believed (comma separated, e.g. 127.0.0.1,10.0.0.0/8); empty: none",
    )
    second_factor_required: str = Field(
        default="",
        description="Who must use a TOTP second factor: admin, approver (heads who verify "
        "or approve), both comma separated, or empty (optional for everyone)",
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Send cookies over HTTPS only (default: when KINERJA_BASE_URL is https)",
    )
    narrative_threshold: str = Field(
        default="Rendah",
        min_length=1,
        max_length=60,
        description="Capaian category at or below which kendala and upaya are required "
        "before a report is submitted (a category of the year's scale, e.g. Rendah)",
    )
    soffice: str | None = Field(
        default=None,
        description="The LibreOffice binary (soffice) that makes PDFs, when it is not on PATH",
    )
    fixed_now: datetime | None = Field(
        default=None,
        description="Freeze the clock at this moment (demos, training and tests only), "
        "e.g. 2021-04-05T09:00:00+07:00",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"zona waktu tidak dikenal: {value}") from exc
        return value

    @field_validator("reminder_offsets")
    @classmethod
    def _offsets(cls, value: str) -> str:
        try:
            numbers = [int(part) for part in value.split(",") if part.strip()]
        except ValueError as exc:
            raise ValueError("harus daftar angka dipisah koma, misalnya 7,3,1,0") from exc
        if not numbers or any(n < 0 or n > 60 for n in numbers):
            raise ValueError("harus daftar angka 0 sampai 60, misalnya 7,3,1,0")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ip_network(part.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(
                        f"'{part.strip()}' bukan alamat IP atau jaringan (mis. 10.0.0.0/8)"
                    ) from exc
        return value

    @field_validator("second_factor_required")
    @classmethod
    def _roles(cls, value: str) -> str:
        roles = {part.strip().lower() for part in value.split(",") if part.strip()}
        unknown = roles - {"admin", "approver"}
        if unknown:
            raise ValueError(f"hanya admin dan/atau approver, bukan {', '.join(sorted(unknown))}")
        return ",".join(sorted(roles))

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The trusted reverse proxies as networks."""
        return tuple(
            ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        )

    @field_validator("fixed_now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("harus dengan zona waktu, misalnya 2021-04-05T09:00:00+07:00")
        return value

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies carry the Secure flag."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.base_url.startswith("https://")

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone as a ZoneInfo."""
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        """True when the database is a SQLite file (or memory)."""
        return self.database_url.startswith("sqlite")

    def overview(self) -> list[tuple[str, str, str]]:
        """(variable, value, meaning) of every setting, secrets masked, empty for unset:
        what `kinerja config` prints and the admin's settings page shows, from one list."""
        from kinerja.settings_meaning import MEANINGS

        shown = self.model_dump()
        # A password inside the database URL is a secret too.
        shown["database_url"] = re.sub(r"(://[^:/@]*:)[^/]*@", r"\1***@", self.database_url)
        return [
            (f"{ENV_PREFIX}{name.upper()}", "" if value is None else str(value), MEANINGS[name])
            for name, value in shown.items()
        ]


ENV_FILE = ".env"
"""The file in the working directory whose KINERJA_* lines are read (README, "Settings")."""


def read_env_file(path: Path) -> dict[str, str]:
    """The ``KINERJA_*`` variables a ``.env`` file sets (``NAME=value`` lines, ``export``
    allowed, ``#`` comments, values quoted or not); empty when there is no such file."""
    from dotenv import dotenv_values

    if not path.is_file():
        return {}
    return {
        name: value
        for name, value in dotenv_values(path, interpolate=False).items()
        if name.upper().startswith(ENV_PREFIX) and value is not None
    }


def apply_env_file(
    path: Path | None = None, environ: MutableMapping[str, str] | None = None
) -> Path | None:
    """Add the variables of `path` (default: ./.env) that `environ` (default: the process
    environment) does not set yet; the real environment wins. The file read, or None."""
    path = Path(ENV_FILE) if path is None else path
    target = os.environ if environ is None else environ
    values = read_env_file(path)
    if not path.is_file():
        return None
    for name, value in values.items():
        target.setdefault(name, value)
    return path.resolve()


class _MappingSource(PydanticBaseSettingsSource):
    """A settings source reading ``KINERJA_*`` keys from a given mapping."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._values = {
            key[len(ENV_PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.upper().startswith(ENV_PREFIX)
        }

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        names = self.settings_cls.model_fields
        return {name: value for name, value in self._values.items() if name in names}


_MESSAGES = {
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "bool_parsing": "harus true atau false",
    "greater_than_equal": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "enum": "bukan pilihan yang dikenal",
    "string_type": "harus berupa teks",
    "path_type": "harus berupa path",
}


def _describe(error: Any) -> str:
    """An Indonesian description of a pydantic error (our validators already speak it)."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"] == "enum":
        return f"harus salah satu dari: {error['ctx']['expected']}"
    return str(_MESSAGES.get(error["type"], error["msg"]))


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from `environ` (default: the process environment) plus overrides."""
    source_env = dict(os.environ if environ is None else environ)

    class _Settings(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, _MappingSource(settings_cls, source_env))

    try:
        settings = _Settings(**overrides)
        return Settings.model_validate(settings.model_dump())
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{ENV_PREFIX}{'.'.join(str(p) for p in err['loc']).upper()}: {_describe(err)}"
            for err in exc.errors()
        )
        raise KinerjaError(
            f"Pengaturan tidak sah: {problems}", log_message=f"invalid settings: {exc}"
        ) from None
