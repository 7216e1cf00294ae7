"""The Dasbor page over the demo database: numbers, workflow counts, deadlines, filters, links."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import Engine, event, func
from sqlmodel import Session, col, select

from db.admin import load_calendar
from db.models import QuarterlyReport, ReportEntry
from db.organisation import load_org
from db.recap import load_recap
from engine.capaian import PERMENDAGRI_86_2017
from engine.clock import FixedClock
from engine.deadlines import DeadlineRules, Step, report_deadlines
from engine.formatting import format_number_id
from engine.periods import Quarter
from engine.recap import GroupScore, bidang_of
from kinerja.bootstrap import Container
from tests.integration.conftest import WebClient

WIB_NINE = time(2, 0, tzinfo=UTC)  # 09:00 in Jakarta


# -- a small DOM over the standard library's HTML parser ----------------------------------------

VOID = {"meta", "input", "br", "img", "link", "hr", "source", "col", "wbr", "area", "base"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str | None) -> list[Node]:
        """Descendants by tag and attributes (value None: the attribute is present)."""
        found = []
        for node in self.iter():
            if node is self or (tag is not None and node.tag != tag):
                continue
            if all(
                (name in node.attrs) if value is None else node.attrs.get(name) == value
                for name, value in ((k.replace("_", "-"), v) for k, v in attrs.items())
            ):
                found.append(node)
        return found

    def one(self, tag: str | None = None, **attrs: str | None) -> Node:
        found = self.find_all(tag, **attrs)
        assert len(found) == 1, f"expected one {tag} {attrs}, found {len(found)}"
        return found[0]

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def dom(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


# -- helpers ------------------------------------------------------------------------------------


def at(day: date) -> datetime:
    return datetime.combine(day, WIB_NINE)


def signed_in(web: WebClient, clock: FixedClock, day: date = date(2021, 4, 1)) -> WebClient:
    """Set the clock first (sessions expire by it), then sign in as the admin."""
    clock.set(at(day))
    web.login("admin", "admin")
    return web


def dashboard(web: WebClient, query: str) -> Node:
    response = web.get(f"/dasbor?{query}")
    assert response.status_code == 200, response.text[-2000:]
    return dom(response.text)


def percent(group: GroupScore) -> str:
    assert group.capaian.value is not None
    return f"{format_number_id(group.capaian.value, 2)}%"


def report_rows(page: Node) -> list[Node]:
    return page.one("table", id="tabel-laporan").find_all("tr", data_state=None)


def state_cards(page: Node) -> dict[str, int]:
    cards = page.one("div", id="jumlah-status").find_all("div", data_state=None)
    return {c.attrs["data-state"]: int(c.one("div", **{"class": "big"}).text) for c in cards}


def overdue_positions(page: Node) -> set[str]:
    return {
        row.attrs["data-position"]
        for row in report_rows(page)
        if row.find_all("span", data_overdue=None)
    }


def states_in_db(engine: Engine, quarter: int) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(QuarterlyReport.state, func.count())
            .where(QuarterlyReport.year == 2021, QuarterlyReport.quarter == quarter)
            .group_by(col(QuarterlyReport.state))
        )
        return dict(rows.all())


def report_ids(engine: Engine, quarter: int) -> set[int]:
    with Session(engine) as session:
        return {
            r.id
            for r in session.exec(
                select(QuarterlyReport).where(
                    QuarterlyReport.year == 2021, QuarterlyReport.quarter == quarter
                )
            )
            if r.id is not None
        }


# -- tests --------------------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_the_login_page(web: WebClient) -> None:
    response = web.get("/dasbor?year=2021&quarter=1", follow_redirects=False)
    assert response.status_code == 303
    # The target is quoted whole (main's login redirect), so its own query survives.
    assert response.headers["location"] == "/masuk?next=/dasbor%3Fyear%3D2021%26quarter%3D1"


def test_an_official_sees_it_too(web: WebClient, clock: FixedClock, web_container: Any) -> None:
    clock.set(at(date(2021, 4, 1)))
    with Session(web_container.engine) as session:
        holder = load_org(session).tree.acting_holder(2, date(2021, 4, 1))  # the Sekretaris
    assert holder is not None
    web.login(holder.official.email, "demo")
    page = dashboard(web, "year=2021&quarter=1")
    assert page.one("h1").text == "Dasbor Kinerja · TW I 2021"


def test_tw1_numbers_are_the_recap(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=1")
    with Session(web_container.engine) as session:
        recap = load_recap(session, year=2021, quarter=1)
    (agency,) = recap.agency
    card = page.one("div", id=f"capaian-dinas-{agency.key}")
    assert card.one("div", data_capaian=None).text == percent(agency)
    assert card.one("span", data_category=agency.category.name if agency.category else "")
    shown = {b.attrs["data-count"]: int(b.one("strong").text) for b in card.find_all("span")
             if "data-count" in b.attrs}  # fmt: skip
    assert shown == agency.counts
    # The agency's total leaves out derived, unconfirmed indicators (the Kepala Dinas IKU;
    # issue 16, item 8); the recap still scores them.
    assert sum(shown.values()) == agency.indicators == len(recap.indicators) - agency.left_out > 0
    assert agency.left_out == sum(not s.indicator.in_headline for s in recap.indicators)

    table = page.one("table", id="tabel-bidang")
    assert [r.attrs["data-bidang"] for r in table.find_all("tr", data_bidang=None)] == [
        g.key for g in recap.bidang
    ]
    for group in recap.bidang:
        row = table.one("tr", data_bidang=group.key)
        assert row.one("td", data_capaian=None).text == percent(group)
        counts = {
            td.attrs["data-count"]: int(td.text) for td in row.find_all("td", data_count=None)
        }
        assert counts == group.counts
    positions = {g.key: g for g in recap.positions}
    shown_positions = page.find_all("tr", data_position=None)
    table_rows = set(map(id, report_rows(page)))
    score_rows = [r for r in shown_positions if id(r) not in table_rows]
    assert sorted(r.attrs["data-position"] for r in score_rows) == sorted(positions)
    for row in score_rows:
        group = positions[row.attrs["data-position"]]
        assert row.one("td", data_capaian=None).text == percent(group)


def test_tw3_state_counts_are_those_of_the_database(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=3")
    in_db = states_in_db(web_container.engine, 3)
    assert len(in_db) >= 3, "the demo's TW III should be mid-flight"
    cards = state_cards(page)
    for state in ("draft", "submitted", "verified", "approved"):
        assert cards[state] == in_db.get(state, 0)
    assert cards["missing"] == 0  # every position with indicators has its TW III report
    rows = Counter(r.attrs["data-state"] for r in report_rows(page))
    assert rows == Counter(in_db)


def test_the_unopened_quarter_counts_missing_reports_without_links(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=4")
    assert states_in_db(web_container.engine, 4) == {}
    rows = report_rows(page)
    assert rows and {r.attrs["data-state"] for r in rows} == {"missing"}
    assert state_cards(page)["missing"] == len(rows)
    assert page.one("table", id="tabel-laporan").find_all("a") == []


def test_overdue_marks_follow_the_clock(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    with Session(web_container.engine) as session:
        calendar = load_calendar(session)
    submit_by = report_deadlines(Quarter(2021, 3), calendar, DeadlineRules(), one_step=False)[
        Step.SUBMIT
    ]
    signed_in(web, clock, submit_by)
    on_the_day = dashboard(web, "year=2021&quarter=3")
    assert overdue_positions(on_the_day) == set()
    assert state_cards(on_the_day)["terlambat"] == 0

    clock.set(at(submit_by + timedelta(days=1)))
    web.login("admin", "admin")
    day_after = dashboard(web, "year=2021&quarter=3")
    drafts = {r.attrs["data-position"] for r in report_rows(day_after)
              if r.attrs["data-state"] == "draft"}  # fmt: skip
    assert drafts, "the demo's TW III has drafts"
    assert overdue_positions(day_after) == drafts  # the other steps are not due yet
    assert state_cards(day_after)["terlambat"] == len(drafts)

    only_late = dashboard(web, "year=2021&quarter=3&state=terlambat")
    assert {r.attrs["data-position"] for r in report_rows(only_late)} == drafts


def test_everything_pending_is_overdue_long_after_the_quarter(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock, date(2021, 12, 1)), "year=2021&quarter=3")
    pending = {r.attrs["data-position"] for r in report_rows(page)
               if r.attrs["data-state"] != "approved"}  # fmt: skip
    assert len(pending) == sum(
        n for s, n in states_in_db(web_container.engine, 3).items() if s != "approved"
    )
    assert overdue_positions(page) == pending
    approved = dashboard(web, "year=2021&quarter=1")
    assert overdue_positions(approved) == set()


def test_the_bidang_filter_narrows_the_table_and_the_counts(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    signed_in(web, clock)
    everything = dashboard(web, "year=2021&quarter=3")
    narrowed = dashboard(web, "year=2021&quarter=3&bidang=kabid-koperasi")
    with Session(web_container.engine) as session:
        tree = load_org(session).tree
    members = {
        p.code
        for p in tree.positions
        if (unit := bidang_of(tree, p)) is not None and unit.code == "kabid-koperasi"
    }
    shown = [r.attrs["data-position"] for r in report_rows(narrowed)]
    assert set(shown) == members
    assert len(shown) < len(report_rows(everything))
    assert sum(v for k, v in state_cards(narrowed).items() if k != "terlambat") == len(shown)
    assert [s.attrs["data-bidang"] for s in narrowed.find_all("section", data_bidang=None)] == [
        "kabid-koperasi"
    ]
    assert narrowed.find_all("table", id="tabel-pimpinan") == []
    # the agency total stays whole
    agency_before = everything.one("div", **{"class": "big", "data-capaian": None}).text
    assert narrowed.one("div", **{"class": "big", "data-capaian": None}).text == agency_before


def test_the_state_filter_keeps_that_state(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=3&state=verified")
    rows = report_rows(page)
    assert {r.attrs["data-state"] for r in rows} == {"verified"}
    assert len(rows) == states_in_db(web_container.engine, 3)["verified"]


def test_every_link_opens_a_report_of_that_quarter(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=3")
    links = [a.attrs["href"] for a in page.one("table", id="tabel-laporan").find_all("a")]
    ids = [int(h.removeprefix("/laporan/")) for h in links if re.fullmatch(r"/laporan/\d+", h)]
    assert len(ids) == len(links)
    assert set(ids) == report_ids(web_container.engine, 3)
    assert not set(ids) & report_ids(web_container.engine, 2)


def test_whole_year_lists_every_quarter(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=")
    assert page.one("h1").text == "Dasbor Kinerja · Tahun 2021"
    quarters = Counter(r.attrs["data-quarter"] for r in report_rows(page))
    assert set(quarters) == {"1", "2", "3", "4"}
    assert len(set(quarters.values())) == 1  # every quarter: one row per position


def test_a_chart_per_bidang_with_a_bar_per_scored_position(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock), "year=2021&quarter=1")
    with Session(web_container.engine) as session:
        recap = load_recap(session, year=2021, quarter=1)
    colours = {c.name: c.color for c in PERMENDAGRI_86_2017.categories}
    sections = page.find_all("section", data_bidang=None)
    assert [s.attrs["data-bidang"] for s in sections] == [g.key for g in recap.bidang]
    for section in sections:
        svg = section.one("svg")
        assert svg.attrs["role"] == "img"
        title = svg.find_all("title")[0]
        assert title.text.startswith("Capaian per jabatan, ")
        rows = section.one("table").find_all("tr", data_position=None)
        fills = [r.attrs["fill"] for r in svg.find_all("rect", **{"class": "bar"})]
        expected = [g for g in recap.positions if g.key in {r.attrs["data-position"] for r in rows}]
        assert fills == [colours[g.category.name] for g in expected if g.category]
        labels = [
            " ".join(span.text for span in t.find_all("tspan"))
            for t in svg.find_all("text", **{"class": "label"})
        ]
        assert labels == [g.label for g in expected]


def test_default_period_is_the_latest_quarter_with_a_verified_report(
    web: WebClient, clock: FixedClock
) -> None:
    # The demo: TW I and II approved, TW III partly verified, TW IV not begun or empty.
    signed_in(web, clock)  # 1 April 2021: TW I has just ended (the demo's TW II is ahead)
    assert dashboard(web, "").one("h1").text == "Dasbor Kinerja · TW I 2021"
    for day in (date(2021, 10, 12), date(2022, 1, 20), date(2023, 8, 1)):
        clock.set(at(day))
        web.login("admin", "admin")
        page = dashboard(web, "")
        assert page.one("h1").text == "Dasbor Kinerja · TW III 2021", day
        assert (
            "Triwulan terakhir yang sudah memiliki laporan terverifikasi"
            in page.one("p", id="periode").text
        )
        assert report_rows(page)


def test_bad_filters_are_refused_in_indonesian(web: WebClient, clock: FixedClock) -> None:
    signed_in(web, clock)
    for query, message in (
        ("year=2021&quarter=5", "Triwulan harus 1 sampai 4"),
        ("year=2021&bidang=tidak-ada", "Bidang &#39;tidak-ada&#39; tidak dikenal"),
        ("year=2021&state=hilang", "Status &#39;hilang&#39; tidak dikenal"),
    ):
        response = web.get(f"/dasbor?{query}")
        assert response.status_code == 422
        assert message in response.text


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_queries_do_not_grow_with_the_number_of_reports(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    signed_in(web, clock)
    counts = {}
    for query in ("year=2021&quarter=1", "year=2021&quarter=", "year=2021&quarter=3"):
        with count_statements(web_container.engine) as statements:
            page = dashboard(web, query)
        assert report_rows(page)
        counts[query] = len(statements)
    rows_year = len(report_rows(dashboard(web, "year=2021&quarter=")))
    assert rows_year == 4 * len(report_rows(dashboard(web, "year=2021&quarter=1")))
    # Constant: the red list's kendala are read in one query, only when there is a red list.
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    assert counts["year=2021&quarter=1"] <= 20, counts


def test_a_year_without_data_says_so(web: WebClient, clock: FixedClock) -> None:
    page = dashboard(signed_in(web, clock), "year=2030&quarter=1")
    assert page.one("p", id="tanpa-data").text == "Belum ada indikator untuk tahun 2030."
    assert report_rows(page) == []
    assert page.find_all("svg") == []
    assert set(state_cards(page).values()) == {0}


# -- the head's view: headline, red list, progress per bidang, trends (issue 18) ------------------

RED = ("Rendah", "Sangat Rendah")  # the default narrative threshold and below


def test_the_top_of_the_page_on_12_october(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    page = dashboard(signed_in(web, clock, date(2021, 10, 12)), "")
    assert page.one("h1").text == "Dasbor Kinerja · TW III 2021"
    with Session(web_container.engine) as session:
        recap = load_recap(session, year=2021, quarter=3)
        entries = {
            (e.indicator_id, r.position_id): (e.kendala or "", r.id)
            for e, r in session.exec(
                select(ReportEntry, QuarterlyReport)
                .join(QuarterlyReport)
                .where(QuarterlyReport.year == 2021, QuarterlyReport.quarter == 3)
            )
        }
        tree = load_org(session).tree
    # The headline: the agency's capaian from verified and approved reports only, and the
    # reports still waiting apart.
    (agency,) = recap.agency
    headline = page.one("section", id="ringkasan")
    assert headline.one("div", data_headline=None).text == percent(agency)
    states = states_in_db(web_container.engine, 3)
    pending = states.get("draft", 0) + states.get("submitted", 0)
    assert pending > 0
    assert headline.one("li", id="belum-verifikasi").text == f"{pending} laporan belum diverifikasi"
    done = states.get("verified", 0) + states.get("approved", 0)
    assert headline.one("li", id="sudah-verifikasi").text.startswith(f"{done} dari")
    # The red list: every indicator at Rendah or below, lowest first, with its holder,
    # the kendala of its TW III entry and a link to that report.
    red = sorted(
        (s for s in recap.indicators if s.category is not None and s.category.name in RED),
        key=lambda s: (s.capaian.value, s.indicator.code),
    )
    assert red, "the demo has low results in TW III"
    items = page.one("section", id="daftar-merah").find_all("li", data_indicator=None)
    assert [li.attrs["data-indicator"] for li in items] == [s.indicator.code for s in red]
    for item, score in zip(items, red, strict=True):
        assert item.one("span", data_capaian=None).text == (
            f"{format_number_id(score.capaian.value, 2)}%"
        )
        holding = tree.acting_holder(score.indicator.position_id, date(2021, 9, 30))
        assert holding is not None
        assert item.one("div", **{"class": "who muted"}).text.startswith(
            f"{holding.status.prefix} {holding.official.name}".strip()
        )
        kendala, report_id = entries[(score.indicator.id, score.indicator.position_id)]
        why = item.one("div", **{"class": "why"}).text
        assert why == (f"Kendala: {kendala.strip()}" if kendala.strip() else "Kendala belum diisi")
        assert item.one("a").attrs["href"] == f"/laporan/{report_id}"
        assert item.find_all("svg", **{"class": "spark"})
    # Progress per bidang: the report rows of the quarter, grouped, with the overdue ones.
    bars = page.one("section", id="kemajuan-bidang").find_all("li", data_unit=None)
    assert sum(int(b.attrs["data-expected"]) for b in bars) == len(report_rows(page))
    assert sum(int(b.attrs["data-done"]) for b in bars) == done
    assert sum(int(b.attrs["data-overdue"]) for b in bars) == len(overdue_positions(page))
    assert bars[0].attrs["data-unit"] == "pimpinan"
    # Trends: one sparkline per indicator, collapsed; the detail tables collapsed too.
    trends = page.one("details", id="tren-semua").find_all("li", data_indicator=None)
    assert len(trends) == len(recap.indicators)
    assert all(len(t.one("svg").find_all("rect")) == 4 for t in trends)
    for ident in ("rincian-capaian", "rincian-laporan"):
        assert "open" not in page.one("details", id=ident).attrs
    assert page.find_all("select", id="f-dinas") == []  # one agency: no agency filter


def test_a_head_reads_the_same_top_on_20_january(
    web: WebClient, clock: FixedClock, web_container: Container
) -> None:
    clock.set(at(date(2022, 1, 20)))
    with Session(web_container.engine) as session:
        tree = load_org(session).tree
    head = next(p for p in tree.positions if p.parent_id is None)
    holding = tree.acting_holder(head.id, date(2022, 1, 20))
    assert holding is not None
    web.login(holding.official.email)
    page = dashboard(web, "")
    assert page.one("h1").text == "Dasbor Kinerja · TW III 2021"
    assert page.one("section", id="daftar-merah").find_all("a")  # the head opens them all
