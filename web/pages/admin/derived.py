"""The admin page of derived indicators: the catalogue's indicators that are not in the agency's
decree (e.g. the Kepala Dinas IKU of the Gresik 2021 catalogue), and the button that confirms
one for the agency. A confirmed derived indicator counts in the agency's headline; the
confirmation is recorded in the admin log (catalogue.confirm)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from engine.usecases.catalogue import confirm_derived, derived_indicators
from web.auth import AdminFormUser, AdminUser
from web.deps import UowDep, web_of
from web.pages.admin.common import done, log, parse_int, render, who

router = APIRouter()

PATH = "/admin/katalog/turunan"
CONFIRMED = "turunan-dikonfirmasi"


@router.get(PATH, response_class=HTMLResponse)
def derived_page(request: Request, user: AdminUser, uow: UowDep, tahun: str = "") -> HTMLResponse:
    """The derived indicators of a year (default: the newest) by position, with their reason
    and whether the agency confirmed them."""
    listing = derived_indicators(uow, parse_int(tahun))
    notice = (
        "Indikator turunan dikonfirmasi; sejak ini dihitung dalam capaian perangkat daerah"
        if request.query_params.get("ok") == CONFIRMED
        else None
    )
    context = {"listing": listing, "notice": notice}
    return render(request, user, "admin_derived.html", context)


@router.post(PATH + "/{code}/konfirmasi", response_model=None)
def derived_confirm(
    request: Request, user: AdminFormUser, uow: UowDep, code: str, tahun: str = ""
) -> RedirectResponse:
    """Confirm a derived indicator for the agency (ValidationError, 422, for one that is not
    derived; NotFoundError, 404, for an unknown code)."""
    year = parse_int(tahun)
    indicator = confirm_derived(uow, code, year=year, actor=who(user), now=web_of(request).now())
    log.info("%s confirmed derived indicator %s", user.login, indicator.code)
    return done(f"{PATH}?tahun={indicator.year}", CONFIRMED)
