"""The admin page of the capaian rules of a year: the category scale, the cap, and the
target-zero and negative-target rules (engine.usecases.capaian_rules)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.capaian import CapaianRules, NegativeTargetRule
from engine.errors import ValidationError
from engine.formatting import format_number_id
from engine.ports import UnitOfWork
from engine.usecases.capaian_rules import (
    MAX_CATEGORIES,
    NEGATIVE_TARGET_LABELS,
    set_capaian_rules,
    show_capaian_rules,
)
from web.auth import AdminFormUser, AdminUser, CurrentUser
from web.deps import UowDep, web_of
from web.pages.admin.common import done, log, parse_int, render, who

router = APIRouter()
PATH = "/admin/aturan-capaian"
FIELD_LIMIT = 400


def _year(raw: str, today: date) -> int:
    year = parse_int(raw)
    return year if year is not None and 2000 <= year <= 2100 else today.year


def _number(value: object) -> str:
    text = str(value)
    places = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return format_number_id(value, places)  # type: ignore[arg-type]


def _form(rules: CapaianRules) -> dict[str, str]:
    form = {
        "scale_name": rules.scale.name,
        "cap": "" if rules.cap is None else _number(rules.cap),
        "zero_target_met": _number(rules.negative_zero_target_met),
        "zero_target_missed": _number(rules.negative_zero_target_missed),
        "negative_target": rules.negative_target.value,
    }
    for number, item in enumerate(rules.scale.categories, start=1):
        form[f"name_{number}"] = item.name
        form[f"minimum_{number}"] = "" if item.minimum is None else _number(item.minimum)
        form[f"color_{number}"] = item.color
    return form


def _page(
    request: Request,
    user: CurrentUser,
    uow: UnitOfWork,
    year: int,
    form: dict[str, str] | None,
    message: str | None,
) -> HTMLResponse:
    shown = show_capaian_rules(uow, year)
    context = {
        "year": year,
        "shown": shown,
        "form": form or _form(shown.rules),
        "rows": range(1, MAX_CATEGORIES + 1),
        "negative_rules": {rule.value: NEGATIVE_TARGET_LABELS[rule] for rule in NegativeTargetRule},
        "message": message,
        "errors": {"form": message} if message else {},
    }
    status = 422 if message else 200
    return render(request, user, "admin_capaian.html", context, status_code=status)


@router.get(PATH, response_class=HTMLResponse)
def capaian_rules_page(
    request: Request, user: AdminUser, uow: UowDep, tahun: str = ""
) -> HTMLResponse:
    """The capaian rules of a year, and the form to change them."""
    return _page(request, user, uow, _year(tahun, web_of(request).today()), None, None)


@router.post(PATH, response_class=HTMLResponse, response_model=None)
async def capaian_rules_save(
    request: Request, user: AdminFormUser, uow: UowDep
) -> HTMLResponse | RedirectResponse:
    """Store the rules of the year as typed; refused rules come back with the message."""
    web = web_of(request)
    typed = await request.form()
    form = {k: v[:FIELD_LIMIT] for k, v in typed.multi_items() if isinstance(v, str)}
    year = _year(form.get("tahun", ""), web.today())
    categories = []
    for number in range(1, MAX_CATEGORIES + 1):
        name = form.get(f"name_{number}", "")
        if name.strip():
            minimum = form.get(f"minimum_{number}", "").strip() or None
            categories.append((name, minimum, form.get(f"color_{number}", "")))
    try:
        set_capaian_rules(
            uow,
            year,
            scale_name=form.get("scale_name", ""),
            categories=categories,
            cap=form.get("cap", ""),
            zero_target_met=form.get("zero_target_met", ""),
            zero_target_missed=form.get("zero_target_missed", ""),
            negative_target=form.get("negative_target", ""),
            now=web.now(),
            actor=who(user),
        )
    except ValidationError as exc:
        log.info("%s capaian rules %s refused: %s", user.login, year, exc.log_message)
        return _page(request, user, uow, year, form, exc.message)
    log.info("%s set the capaian rules of %s", user.login, year)
    return done(f"{PATH}?tahun={year}", "aturan-capaian-disimpan")
