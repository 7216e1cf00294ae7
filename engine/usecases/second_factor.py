"""The TOTP second factor: enrolling, signing in with a code or a recovery code, switching
it off, and the administrator's reset for someone who lost their phone.

After the password, an account with a second factor has a session that waits for the code
(`sign_in` in engine/usecases/accounts.py); a wrong code counts against the same throttle
as a wrong password. An account that must have one (admins, approvers: the deployment's
setting) and has none enrols in that waiting session before it can open any page.
Recovery codes are shown once, at enrolment, and each works once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from engine.accounts import AccountInfo, LoginRefusedError, ThrottlePolicy, throttle_keys
from engine.errors import FieldError, NotFoundError, ValidationError
from engine.ports import UnitOfWork, writes
from engine.second_factor import matching_step, provisioning_uri
from engine.usecases.accounts import count_failure, refuse_if_locked
from engine.usecases.admin_accounts import account_subject
from engine.usecases.audit import SYSTEM_ACTOR, record_admin

__all__ = [
    "ADMIN",
    "APPROVER",
    "Enrolment",
    "PendingSignIn",
    "confirm_enrolment",
    "disable_second_factor",
    "enrolment",
    "pending_sign_in",
    "requires_second_factor",
    "reset_second_factor",
    "start_enrolment",
    "verify_code",
]

ADMIN = "admin"
APPROVER = "approver"
WRONG_CODE = "Kode salah atau sudah dipakai; periksa jam ponsel Anda lalu coba lagi"


@dataclass(frozen=True)
class Enrolment:
    """A secret awaiting its first code: the text to type and the link the QR code holds."""

    secret: str
    uri: str


@dataclass(frozen=True)
class PendingSignIn:
    """A session that waits: for whom, its CSRF token, and whether the account has a second
    factor (then it waits for the code) or must enrol one."""

    account: AccountInfo
    csrf_token: str
    enrolled: bool


def requires_second_factor(
    uow: UnitOfWork, account: AccountInfo, required: Iterable[str], *, today: date
) -> bool:
    """Whether the deployment requires a second factor of this account: `required` holds
    "admin" (administrators) and/or "approver" (whoever holds, definitif or acting, a
    position with subordinates: they verify and approve)."""
    wanted = set(required)
    if ADMIN in wanted and account.is_admin:
        return True
    if APPROVER not in wanted or account.official_id is None:
        return False
    tree = uow.organisation.tree()
    return any(
        tree.children(holding.position.id)
        for holding in tree.holdings_of(account.official_id, today)
    )


def pending_sign_in(uow: UnitOfWork, session_token: str, *, now: datetime) -> PendingSignIn | None:
    """The waiting session of this browser, or None (none, expired, or already signed in)."""
    found = uow.accounts.pending_session(session_token, now)
    if found is None:
        return None
    credentials = uow.accounts.credentials_of(found[0])
    if credentials is None or not credentials.account.active:
        return None
    factor = uow.accounts.second_factor(found[0])
    enrolled = factor is not None and factor.enabled_at is not None
    return PendingSignIn(credentials.account, found[1], enrolled)


def verify_code(
    uow: UnitOfWork,
    session_token: str,
    code: str,
    *,
    now: datetime,
    throttle: ThrottlePolicy,
    address: str | None = None,
) -> int | None:
    """Finish a waiting sign-in with a TOTP code or a recovery code. Returns None for a TOTP
    code, or how many recovery codes are left after one was spent.

    LoginRefusedError (after counting the failure) for a wrong or replayed code, a locked
    account, or a session that no longer waits."""
    pending = pending_sign_in(uow, session_token, now=now)
    if pending is None or not pending.enrolled:
        raise LoginRefusedError(
            "Sesi masuk sudah berakhir; masuk lagi", log_message="no pending sign-in"
        )
    account_id = pending.account.id
    keys = throttle_keys("", account_id, address)
    refuse_if_locked(uow, keys, now)
    factor = uow.accounts.second_factor(account_id)
    assert factor is not None
    step = matching_step(factor.secret, code, now)
    with uow.writing():
        refuse_if_locked(uow, keys, now)
        left: int | None = None
        if step is not None:
            accepted = uow.accounts.accept_step(account_id, step)
        else:
            accepted = uow.accounts.use_recovery_code(account_id, code, now)
            left = factor.recovery_left - 1
        if not accepted:
            count_failure(uow, keys, now, throttle)
            uow.commit()
            raise LoginRefusedError(WRONG_CODE, log_message=f"wrong code for account {account_id}")
        uow.accounts.forget_throttle(keys.login)
        uow.accounts.confirm_session(session_token)
        uow.commit()
    return left


@writes
def start_enrolment(uow: UnitOfWork, account_id: int, *, now: datetime) -> Enrolment:
    """A new secret for one's authenticator app (replacing one not confirmed yet).
    ValidationError when the second factor is already on."""
    credentials = uow.accounts.credentials_of(account_id)
    if credentials is None:
        raise NotFoundError("Akun tidak ditemukan", log_message=f"account {account_id} not found")
    factor = uow.accounts.second_factor(account_id)
    if factor is not None and factor.enabled_at is not None:
        raise ValidationError(
            "Verifikasi dua langkah sudah aktif", log_message="second factor already on"
        )
    secret = uow.accounts.start_second_factor(account_id, now)
    uow.commit()
    return Enrolment(secret, provisioning_uri(secret, credentials.account.login))


def enrolment(uow: UnitOfWork, account_id: int) -> Enrolment | None:
    """The secret awaiting its first code, if enrolment was started and not confirmed."""
    credentials = uow.accounts.credentials_of(account_id)
    factor = uow.accounts.second_factor(account_id)
    if credentials is None or factor is None or factor.enabled_at is not None:
        return None
    return Enrolment(factor.secret, provisioning_uri(factor.secret, credentials.account.login))


def confirm_enrolment(
    uow: UnitOfWork,
    account_id: int,
    code: str,
    *,
    now: datetime,
    session_token: str | None = None,
) -> list[str]:
    """Switch the second factor on with the first code the app shows: the recovery codes, to
    show once. `session_token`: a waiting session (a required enrolment at sign-in), which
    then signs the account in. FieldError on `code` when it does not match."""
    factor = uow.accounts.second_factor(account_id)
    if factor is None or factor.enabled_at is not None:
        raise ValidationError(
            "Mulai lagi pendaftaran verifikasi dua langkah",
            log_message="no enrolment awaiting a code",
        )
    step = matching_step(factor.secret, code, now)
    if step is None:
        raise FieldError("code", WRONG_CODE, log_message="wrong enrolment code")
    with uow.writing():
        codes = uow.accounts.enable_second_factor(account_id, step, now)
        if session_token is not None:
            uow.accounts.confirm_session(session_token)
        uow.commit()
    return codes


def disable_second_factor(
    uow: UnitOfWork,
    account_id: int,
    password: str,
    code: str,
    *,
    now: datetime,
    required: Callable[[AccountInfo], bool],
) -> None:
    """Switch one's second factor off, with the password and a current code (or a recovery
    code). Refused when the deployment requires it of this account (`required`)."""
    credentials = uow.accounts.credentials_of(account_id)
    if credentials is not None and required(credentials.account):
        raise ValidationError(
            "Verifikasi dua langkah wajib untuk akun Anda dan tidak dapat dinonaktifkan",
            log_message="tried to disable a required second factor",
        )
    factor = uow.accounts.second_factor(account_id)
    if credentials is None or factor is None or factor.enabled_at is None:
        raise ValidationError(
            "Verifikasi dua langkah tidak aktif", log_message="second factor not on"
        )
    if not uow.passwords.verify(credentials.password_hash, password):
        raise FieldError("password", "Kata sandi salah", log_message="wrong password")
    step = matching_step(factor.secret, code, now)
    with uow.writing():
        if step is not None:
            ok = uow.accounts.accept_step(account_id, step)
        else:
            ok = uow.accounts.use_recovery_code(account_id, code, now)
        if not ok:
            raise FieldError("code", WRONG_CODE, log_message="wrong code to disable")
        uow.accounts.remove_second_factor(account_id)
        uow.commit()


@writes
def reset_second_factor(
    uow: UnitOfWork,
    account_id: int,
    *,
    by_account_id: int,
    now: datetime,
    actor: str = SYSTEM_ACTOR,
) -> AccountInfo:
    """The administrator switches off someone's second factor (a lost phone and no recovery
    code): the account's sessions end; it enrols again at its next sign-in if required.
    Recorded in the admin log."""
    credentials = uow.accounts.credentials_of(account_id)
    if credentials is None:
        raise NotFoundError("Akun tidak ditemukan", log_message=f"account {account_id} not found")
    if account_id == by_account_id:
        raise ValidationError(
            "Nonaktifkan verifikasi dua langkah Anda sendiri dari halaman Akun",
            log_message="admin tried to reset own second factor",
        )
    factor = uow.accounts.second_factor(account_id)
    was_on = factor is not None and factor.enabled_at is not None
    uow.accounts.remove_second_factor(account_id)
    uow.accounts.end_sessions(account_id, keep=None)
    record_admin(
        uow,
        actor,
        "account.second_factor_reset",
        account_subject(uow, credentials.account),
        {"second_factor": "aktif" if was_on else "belum aktif"},
        {"second_factor": "dimatikan", "sessions": "diakhiri"},
        now=now,
    )
    uow.commit()
    return credentials.account
