"""The SVG bar chart: geometry, colours, labels, escaping and accessibility."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from documents.colours import text_colour
from web.charts import (
    LABEL_CHARS,
    LABEL_HEIGHT,
    SPARK_HEIGHT,
    SPARK_SCALE,
    SPARK_WIDTH,
    VALUE_SPACE,
    WIDTH,
    Bar,
    bar_chart,
    label_lines,
    scale_of,
    sparkline,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
PLOT = WIDTH - VALUE_SPACE


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def bars_of(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class='bar']", NS)


def first_bar_y(root: ET.Element) -> int:
    return int(bars_of(root)[0].get("y", ""))


def height(root: ET.Element) -> int:
    return int(root.get("viewBox", "").split()[3])


def texts(root: ET.Element, cls: str) -> list[str]:
    """Text of the elements of a class, wrapped lines joined by a space."""
    return [" ".join(t.itertext()) for t in root.findall(f".//svg:text[@class='{cls}']", NS)]


def test_bars_have_widths_proportional_to_capaian_and_the_category_colour() -> None:
    chart = bar_chart(
        [
            Bar("Kepala Seksi A", Decimal(60), "#e07b00", "Rendah"),
            Bar("Kepala Seksi B", Decimal("120"), "#1a7f37", "Sangat Tinggi"),
        ],
        title="Capaian Bidang Satu",
        chart_id="g1",
    )
    root = parse(chart)
    rects = bars_of(root)
    assert [r.get("fill") for r in rects] == ["#e07b00", "#1a7f37"]
    # the axis runs to 120: 60 is half the plot, 120 the whole of it
    assert [int(r.get("width", "")) for r in rects] == [PLOT // 2, PLOT]
    assert texts(root, "label") == ["Kepala Seksi A", "Kepala Seksi B"]
    assert texts(root, "value") == ["60,00%", "120,00%"]
    assert [r.get("data-value") for r in rects] == ["60.00", "120.00"]


def test_the_100_percent_line_sits_at_100_on_the_scale() -> None:
    root = parse(bar_chart([Bar("A", Decimal(150), "#1a7f37")], title="t", chart_id="g"))
    line = root.find(".//svg:line[@class='target']", NS)
    assert line is not None
    assert scale_of([Decimal(150)]) == 160
    assert int(line.get("x1", "")) == round(100 / 160 * PLOT) == int(line.get("x2", ""))
    assert "100%" in texts(root, "tick")
    assert "160%" in texts(root, "tick")


def test_title_and_description_label_the_chart_for_screen_readers() -> None:
    root = parse(bar_chart([Bar("A", Decimal(90), "#1a7f37")], title="Grafik X", chart_id="gx"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "gx-title gx-desc"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.get("id") == "gx-title" and title.text == "Grafik X"
    assert desc is not None and desc.get("id") == "gx-desc" and "100%" in (desc.text or "")
    row_title = root.find(".//svg:g[@class='row']/svg:title", NS)
    assert row_title is not None and row_title.text == "A: 90,00%"


def test_a_missing_capaian_has_no_bar_but_says_so() -> None:
    root = parse(
        bar_chart(
            [Bar("Ada", Decimal(80), "#4c9a2a"), Bar("Kosong", None)], title="t", chart_id="g"
        )
    )
    assert len(bars_of(root)) == 1
    assert texts(root, "label") == ["Ada", "Kosong"]
    assert texts(root, "value") == ["80,00%", "belum ada capaian"]


def test_values_beyond_the_scale_are_clipped_but_printed_in_full() -> None:
    root = parse(bar_chart([Bar("Besar", Decimal(450), "#1a7f37")], title="t", chart_id="g"))
    (rect,) = bars_of(root)
    assert int(rect.get("width", "")) == PLOT
    assert rect.get("data-clipped") == "true"
    assert texts(root, "value") == ["450,00% ›"]


def test_negative_capaian_draws_an_empty_bar() -> None:
    root = parse(bar_chart([Bar("Minus", Decimal(-5), "#c62828")], title="t", chart_id="g"))
    assert [r.get("width") for r in bars_of(root)] == ["0"]


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "kutip"'
    root = parse(
        bar_chart(
            [Bar(evil, Decimal(50), '"/><script>', "Rendah")],
            title=evil,
            chart_id='a"b',
            description=evil,
        )
    )
    assert root.find(".//svg:script", NS) is None
    assert root.find(".//script") is None
    title = root.find("svg:title", NS)
    assert title is not None and title.text == evil
    assert texts(root, "label") == [evil]
    assert [r.get("fill") for r in bars_of(root)] == ['"/><script>']


def test_long_labels_wrap_onto_two_lines_and_push_the_bar_down() -> None:
    title = (
        "Kepala Seksi Pengembangan Perdagangan Dalam Negeri, Bina Usaha, Logistik dan "
        "Distribusi Perdagangan"
    )
    root = parse(bar_chart([Bar(title, Decimal(95), "#1a7f37")], title="t", chart_id="g"))
    label = root.find(".//svg:text[@class='label']", NS)
    assert label is not None
    lines = [span.text or "" for span in label.findall("svg:tspan", NS)]
    assert len(lines) == 2 and all(len(line) <= LABEL_CHARS for line in lines)
    assert " ".join(lines) == title
    short = parse(bar_chart([Bar("Sekretaris", Decimal(95), "#1a7f37")], title="t", chart_id="g"))
    assert first_bar_y(root) == first_bar_y(short) + LABEL_HEIGHT


def test_very_long_labels_are_cut_with_the_full_text_in_the_tooltip() -> None:
    long = "Kepala Seksi " + "Pengendalian Usaha Perdagangan Kecil " * 6
    assert label_lines(long)[-1].endswith("…")
    assert len(label_lines(long)) == 2
    root = parse(bar_chart([Bar(long, Decimal(95), "#1a7f37")], title="t", chart_id="g"))
    row_title = root.find(".//svg:g[@class='row']/svg:title", NS)
    assert row_title is not None and (row_title.text or "").startswith(long.strip())


def test_rows_stack_downwards_and_the_viewbox_grows_with_them() -> None:
    one = parse(bar_chart([Bar("A", Decimal(1), "#000000")], title="t", chart_id="g"))
    three = parse(
        bar_chart([Bar(c, Decimal(1), "#000000") for c in "ABC"], title="t", chart_id="g")
    )
    ys = [int(r.get("y", "")) for r in bars_of(three)]
    assert ys == sorted(ys) and len(set(ys)) == 3
    assert height(three) > height(one)


def test_an_empty_chart_is_still_valid_svg() -> None:
    root = parse(bar_chart([], title="Kosong", chart_id="g"))
    assert bars_of(root) == []
    assert "Tidak ada jabatan." in [t.text for t in root.findall(".//svg:text", NS)]


@pytest.mark.parametrize(
    ("values", "scale"),
    [([], 120), ([Decimal(50)], 120), ([Decimal("120.01")], 140), ([Decimal(999)], 200)],
)
def test_scale(values: list[Decimal], scale: int) -> None:
    assert scale_of([*values, None]) == scale


@pytest.mark.parametrize(
    ("background", "expected"),
    [
        ("#1a7f37", "#ffffff"),
        ("#c62828", "#ffffff"),
        ("#d4a106", "#000000"),
        ("#eef3f8", "#000000"),
    ],
)
def test_text_colour_picks_the_readable_one(background: str, expected: str) -> None:
    assert text_colour(background) == expected


# -- the TW I-IV sparkline (the dashboard's trends) -------------------------------------------


def test_the_sparkline_draws_a_bar_per_quarter_and_says_the_numbers() -> None:
    root = parse(
        sparkline(
            [Decimal("60"), Decimal("150"), Decimal("-5"), None],
            ["#ff0000", "#00ff00", "#0000ff", None],
            label='Indikator <"A">',
        )
    )
    rects = root.findall("svg:rect", NS)
    assert [r.get("class") for r in rects] == ["bar", "bar", "bar", "none"]
    heights = [int(r.get("height", "0")) for r in rects]
    plot = SPARK_HEIGHT - 2
    assert heights[0] == int(Decimal(60) / SPARK_SCALE * plot)
    assert heights[1] == plot  # 150% is drawn at the 120% top, its number kept
    assert heights[2] == 2  # below 0: the smallest visible bar
    assert [r.get("fill") for r in rects[:3]] == ["#ff0000", "#00ff00", "#0000ff"]
    assert [r.get("data-value") for r in rects[:3]] == ["60.00", "150.00", "-5.00"]
    label = root.get("aria-label")
    assert label == 'Indikator <"A">: TW I 60,00%, TW II 150,00%, TW III -5,00%, TW IV belum ada'
    assert root.get("role") == "img" and int(root.get("width", "0")) == SPARK_WIDTH
    assert [t.text for t in root.iter(f"{{{NS['svg']}}}title")][-1] == "TW IV: belum ada"
