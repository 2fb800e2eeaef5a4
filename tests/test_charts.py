"""kernel.charts and assessments.charts: the SVG and the plotly figure show the same chart."""

import html
import io
import json
import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from pypdf import PdfReader
from weasyprint import HTML

from assessments.charts import BAND_NAME, CURRENT_NAME, distribution_text, round_chart
from assessments.scoring import read_instrument, summarise
from kernel.charts import (
    Band,
    LineChart,
    LineSeries,
    RadarChart,
    RadarSeries,
    line_plotly,
    line_svg,
    radar_plotly,
    radar_svg,
)
from kernel.pdf import PDF_BASE_URL, StaticFileFetcher

SVG = "{http://www.w3.org/2000/svg}"
# The radar's geometry in kernel.charts: centre and radius of the outer level.
CX, CY, RADIUS = 320, 250, 165
LEVELS = ("Low", "Medium", "High")
AXES = ("Organisational complexity", "Executive support", "Early adopter", "Long-term commitment")
HOSTILE = '<script>alert("x")</script> & <a href="javascript:alert(1)">click</a>'


def _radar(**changes) -> RadarChart:
    chart = {
        "key": "sample",
        "title": "Readiness",
        "axes": AXES,
        "levels": LEVELS,
        "series": (
            RadarSeries(
                name="This round",
                values=(2, 3, 1, 2),
                band=Band(name="Range", low=(1, 2, 1, 1), high=(3, 3, 2, 2)),
                hover=("a\nLow 1", "b", "c", "d"),
            ),
            RadarSeries(name="Last spring", values=(1, 2, None, 2), style="previous"),
            RadarSeries(name="A year ago", values=(1, 1, 1, 1), style="earlier", visible=False),
        ),
    }
    return RadarChart(**{**chart, **changes})


def _tree(svg: str) -> ET.Element:
    # Parsing as XML also proves the markup is well formed (a standalone .svg file must be).
    return ET.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)


def _text(element: ET.Element) -> str:
    return " ".join(t.strip() for t in element.itertext() if t.strip())


def _value_at(x: float, y: float) -> float:
    return round(math.dist((x, y), (CX, CY)) / RADIUS * len(LEVELS), 1)


def _svg_series(svg: str) -> dict[str, list[float | None]]:
    """Values per series read back from the drawn points' positions."""
    result = {}
    for group in _tree(svg).iter(f"{SVG}g"):
        if "radar-series" not in group.get("class", ""):
            continue
        values: list[float | None] = [None] * len(AXES)
        for point in group.iter(f"{SVG}circle"):
            values[int(point.get("data-axis"))] = _value_at(
                float(point.get("cx")), float(point.get("cy"))
            )
        result[group.get("data-series")] = values
    return result


def _svg_band(svg: str) -> tuple[list[float], list[float]]:
    band = next(p for p in _tree(svg).iter(f"{SVG}path") if p.get("class") == "radar-band")
    rings = [
        [_value_at(*map(float, pair.split(","))) for pair in re.findall(r"[\d.]+,[\d.]+", ring)]
        for ring in band.get("d").split("Z")[:2]
    ]
    return rings[1], rings[0]


def _plotly_trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if html.unescape(t["name"]) == name)


def _plotly_label(text: str) -> str:
    return html.unescape(text.replace("<br>", " "))


# radar: the same data in both renderings


def test_it_draws_the_same_values_in_the_svg_and_the_plotly_figure() -> None:
    chart = _radar()
    svg, figure = radar_svg(chart), radar_plotly(chart)

    drawn = _svg_series(svg)

    for series in chart.series:
        if not series.visible:
            continue
        trace = _plotly_trace(figure, series.name)
        assert drawn[series.name] == list(series.values)
        # Plotly closes the line by repeating the first axis.
        assert trace["r"] == [*series.values, series.values[0]]


def test_it_draws_the_same_band_in_the_svg_and_the_plotly_figure() -> None:
    chart = _radar()
    svg, figure = radar_svg(chart), radar_plotly(chart)

    low, high = _svg_band(svg)
    trace = _plotly_trace(figure, "Range")

    assert (low, high) == ([1, 2, 1, 1], [3, 3, 2, 2])
    # Out along `high` (closed), back along `low` in reverse (closed).
    assert trace["r"] == [3, 3, 2, 2, 3, 1, 1, 1, 2, 1]
    assert trace["fill"] == "toself"
    assert trace["hoverinfo"] == "skip"


def test_it_shows_the_same_labels_in_the_svg_and_the_plotly_figure() -> None:
    chart = _radar()
    tree, figure = _tree(radar_svg(chart)), radar_plotly(chart)

    svg_axes = [_text(t) for t in tree.iter(f"{SVG}text") if t.get("class") == "radar-axis"]
    svg_levels = [
        _text(t) for g in tree.iter(f"{SVG}g") if g.get("class") == "radar-levels" for t in g
    ]
    trace = _plotly_trace(figure, "This round")

    assert svg_axes == list(AXES)
    assert [_plotly_label(t) for t in trace["theta"][:-1]] == list(AXES)
    assert svg_levels == list(LEVELS)
    assert figure["layout"]["polar"]["radialaxis"]["ticktext"] == list(LEVELS)
    assert figure["layout"]["polar"]["radialaxis"]["range"] == [0, 3]


def test_it_wraps_long_labels_the_same_way_in_both() -> None:
    chart = _radar()
    tree, figure = _tree(radar_svg(chart)), radar_plotly(chart)

    first = next(t for t in tree.iter(f"{SVG}text") if t.get("class") == "radar-axis")

    assert [span.text for span in first] == ["Organisational", "complexity"]
    assert _plotly_trace(figure, "This round")["theta"][0] == "Organisational<br>complexity"


def test_it_puts_the_legend_entries_in_the_svg() -> None:
    legend = next(
        g for g in _tree(radar_svg(_radar())).iter(f"{SVG}g") if g.get("class") == "chart-legend"
    )

    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Range", "This round", "Last spring"]


def test_it_switches_hidden_series_off_in_plotly_and_leaves_them_out_of_the_svg() -> None:
    chart = _radar()
    svg, figure = radar_svg(chart), radar_plotly(chart)

    assert _plotly_trace(figure, "A year ago")["visible"] == "legendonly"
    assert _plotly_trace(figure, "Last spring")["visible"] is True
    assert "A year ago" not in svg


def test_it_leaves_a_gap_where_a_series_has_no_value() -> None:
    chart = _radar()
    svg, figure = radar_svg(chart), radar_plotly(chart)

    assert _svg_series(svg)["Last spring"] == [1, 2, None, 2]
    trace = _plotly_trace(figure, "Last spring")
    assert trace["r"][2] is None
    assert trace["connectgaps"] is False
    assert "fill" not in trace


def test_it_shows_the_callers_hover_text_with_line_breaks() -> None:
    chart = _radar()
    tree, figure = _tree(radar_svg(chart)), radar_plotly(chart)

    first_point = next(c for c in tree.iter(f"{SVG}circle") if c.get("data-axis") == "0")

    assert first_point.find(f"{SVG}title").text == "a\nLow 1"
    assert _plotly_trace(figure, "This round")["hovertext"][0] == "a<br>Low 1"
    assert _plotly_trace(figure, "Last spring")["hovertext"][1] == (
        "Executive support<br>Last spring: Medium"
    )


def test_it_describes_the_chart_for_screen_readers() -> None:
    tree = _tree(radar_svg(_radar()))

    assert tree.get("role") == "img"
    assert tree.find(f"{SVG}title").text == "Readiness"
    description = tree.find(f"{SVG}desc").text
    assert "This round: Organisational complexity Medium; Executive support High;" in description
    assert "Last spring:" in description
    assert "Early adopter no answer" in description


def test_it_gives_each_chart_its_own_element_ids() -> None:
    svg = radar_svg(_radar(key="Round 2 <b>"))

    assert 'id="chart-round-2-b-title"' in svg
    assert 'aria-labelledby="chart-round-2-b-title chart-round-2-b-desc"' in svg


def test_it_uses_only_shapes_and_plain_text_in_the_svg() -> None:
    tree = _tree(radar_svg(_radar()))
    allowed = {
        "svg",
        "title",
        "desc",
        "g",
        "rect",
        "polygon",
        "path",
        "line",
        "circle",
        "text",
        "tspan",
    }

    tags = {element.tag.removeprefix(SVG) for element in tree.iter()}
    attributes = {name for element in tree.iter() for name in element.attrib}

    assert tags <= allowed
    assert "style" not in attributes
    assert not [a for a in attributes if a.startswith("on")]
    assert "var(" not in radar_svg(_radar())


def test_it_is_inserted_into_a_template_without_escaping_again() -> None:
    svg = radar_svg(_radar(title="Fish & chips"))

    rendered = Template("{{ svg }}").render(Context({"svg": svg}))

    assert rendered == svg
    assert "Fish &amp; chips" in rendered


# radar: hostile text


def test_it_escapes_hostile_labels_in_the_svg() -> None:
    chart = _radar(
        title=HOSTILE,
        axes=(HOSTILE, "b", "c", "d"),
        levels=("Low", HOSTILE, "High"),
        series=(
            RadarSeries(
                name=HOSTILE,
                values=(1, 2, 3, 2),
                band=Band(name=HOSTILE, low=(1, 1, 1, 1), high=(3, 3, 3, 3)),
                hover=(HOSTILE, "b", "c", "d"),
            ),
        ),
    )
    svg = radar_svg(chart)
    tree = _tree(svg)

    assert "<script" not in svg and "<a " not in svg
    assert {element.tag.removeprefix(SVG) for element in tree.iter()} & {"script", "a"} == set()
    assert tree.find(f"{SVG}title").text == HOSTILE
    legend = next(g for g in tree.iter(f"{SVG}g") if g.get("class") == "chart-legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == [HOSTILE, HOSTILE]


def test_it_escapes_hostile_labels_in_the_plotly_figure() -> None:
    chart = _radar(
        axes=(HOSTILE, "b", "c", "d"),
        levels=("Low", HOSTILE, "High"),
        series=(
            RadarSeries(
                name=HOSTILE,
                values=(1, 2, 3, 2),
                band=Band(name=HOSTILE, low=(1, 1, 1, 1), high=(3, 3, 3, 3)),
                hover=(HOSTILE, "b", "c", "d"),
            ),
        ),
    )

    figure = radar_plotly(chart)
    text = json.dumps(figure)

    assert "<script" not in text and "<a " not in text
    assert all(html.unescape(t["name"]) == HOSTILE for t in figure["data"])
    line = figure["data"][1]
    assert _plotly_label(line["theta"][0]) == HOSTILE
    assert html.unescape(line["hovertext"][0]) == HOSTILE
    assert html.unescape(figure["layout"]["polar"]["radialaxis"]["ticktext"][1]) == HOSTILE


def test_it_drops_control_characters_that_would_break_the_svg() -> None:
    svg = radar_svg(_radar(title="Bell\x07 and null\x00"))

    assert _tree(svg).find(f"{SVG}title").text == "Bell and null"


# radar: bad descriptions


@pytest.mark.parametrize(
    ("series", "message"),
    [
        (RadarSeries(name="s", values=(1, 2, 3)), "one value per axis"),
        (RadarSeries(name="s", values=(1, 2, 3, 4)), "outside 0..3"),
        (RadarSeries(name="s", values=(1, 2, 3, -1)), "outside 0..3"),
        (RadarSeries(name="s", values=(1, 2, 3, 3), style="neon"), "Unknown chart style"),
        (RadarSeries(name="s", values=(1, 2, 3, 3), hover=("a",)), "one hover text"),
        (
            RadarSeries(name="s", values=(1, 2, 3, 3), band=Band("b", (1, 1, 1), (2, 2, 2))),
            "one value per axis",
        ),
    ],
)
def test_it_refuses_a_series_that_does_not_fit_the_chart(series: RadarSeries, message: str) -> None:
    chart = _radar(series=(series,))

    with pytest.raises(ValueError, match=message):
        radar_svg(chart)
    with pytest.raises(ValueError, match=message):
        radar_plotly(chart)


def test_it_refuses_two_axes_with_the_same_label() -> None:
    with pytest.raises(ValueError, match="its own label"):
        radar_plotly(_radar(axes=("a", "b", "a ", "d")))


def test_it_keeps_numeric_labels_as_names_in_plotly() -> None:
    figure = radar_plotly(_radar(axes=("2024", "2025", "2026", "90")))

    assert figure["layout"]["polar"]["angularaxis"]["type"] == "category"


def test_it_refuses_a_radar_with_fewer_than_three_axes() -> None:
    with pytest.raises(ValueError, match="three axes"):
        radar_svg(_radar(axes=("a", "b"), series=()))


# line chart


def _line() -> LineChart:
    return LineChart(
        key="links",
        title="Links to data products",
        x_labels=("Jan", "Feb", "Mar", "Apr"),
        y_label="Links",
        series=(LineSeries(name="Links", values=(3, 5, None, 12)),),
        target=10,
    )


def test_it_draws_the_same_line_values_in_the_svg_and_the_plotly_figure() -> None:
    chart = _line()
    tree, figure = _tree(line_svg(chart)), line_plotly(chart)

    # The y axis runs from 0 at y=240 to the top value at y=20.
    top = figure["layout"]["yaxis"]["range"][1]
    points = {
        int(c.get("data-index")): round((240 - float(c.get("cy"))) / 220 * top, 1)
        for c in tree.iter(f"{SVG}circle")
        if c.get("class") == "line-point"
    }
    ticks = [t.text for g in tree.iter(f"{SVG}g") if g.get("class") == "line-ticks" for t in g]

    assert points == {0: 3, 1: 5, 3: 12}
    assert figure["data"][0]["y"] == [3, 5, None, 12]
    assert figure["data"][0]["x"] == ["Jan", "Feb", "Mar", "Apr"]
    assert ticks == ["0", "5", "10", "15", "20", "Jan", "Feb", "Mar", "Apr", "Links"]
    assert top == 20


def test_it_draws_the_target_line_in_both() -> None:
    chart = _line()
    tree, figure = _tree(line_svg(chart)), line_plotly(chart)

    target = next(line for line in tree.iter(f"{SVG}line") if line.get("class") == "line-target")

    assert float(target.get("y1")) == pytest.approx(240 - 220 * 10 / 20)
    assert figure["data"][1]["name"] == "Target"
    assert figure["data"][1]["y"] == [10, 10, 10, 10]


def test_it_escapes_hostile_text_in_the_line_chart() -> None:
    chart = LineChart(
        key="x",
        title=HOSTILE,
        x_labels=(HOSTILE, "b"),
        y_label=HOSTILE,
        series=(LineSeries(name=HOSTILE, values=(1, 2)),),
        target=1,
        target_label=HOSTILE,
    )

    svg, figure = line_svg(chart), json.dumps(line_plotly(chart))

    assert "<script" not in svg and "<script" not in figure
    assert _tree(svg).find(f"{SVG}title").text == HOSTILE


def test_it_refuses_a_line_series_of_the_wrong_length() -> None:
    chart = LineChart(
        key="x", title="t", x_labels=("a", "b"), y_label="y", series=(LineSeries("s", (1,)),)
    )

    with pytest.raises(ValueError, match="one value per point"):
        line_svg(chart)


# assessments.charts: the round's spider graph


READINESS = read_instrument("readiness")
KEYS = [axis["key"] for axis in READINESS["axes"]]


def _responses(*answers: str) -> list[dict[str, str]]:
    """One response per answer, the same answer on every axis, except executive support
    which gets "dont_know" from the first respondent."""
    responses = [dict.fromkeys(KEYS, answer) for answer in answers]
    responses[0]["executive_support"] = "dont_know"
    return responses


def test_it_charts_the_median_with_the_range_of_answers_as_a_band() -> None:
    summaries = summarise(READINESS, _responses("low", "medium", "high"))

    chart = round_chart(READINESS, summaries, [])
    current = chart.series[0]

    assert chart.axes[0] == "Organisational complexity"
    assert chart.levels == ("Low", "Medium", "High")
    assert current.name == CURRENT_NAME
    assert current.values[0] == 2
    # Without the first respondent's "low", executive support is [medium, high]: lower middle.
    assert current.values[2] == 2
    assert current.band.name == BAND_NAME
    assert (current.band.low[0], current.band.high[0]) == (1, 3)
    assert (current.band.low[2], current.band.high[2]) == (2, 3)


def test_it_shows_the_distribution_per_axis_on_hover() -> None:
    summaries = summarise(READINESS, _responses("low", "medium", "high", "high"))

    hover = round_chart(READINESS, summaries, []).series[0].hover

    assert hover[0] == "Organisational complexity\nMedian: Medium\nLow 1 · Medium 1 · High 2"
    assert hover[2] == "Executive support\nMedian: High\nLow 0 · Medium 1 · High 2 · Don't know 1"
    assert distribution_text(READINESS, summaries[2]) == "Low 0 · Medium 1 · High 2 · Don't know 1"


def test_it_overlays_the_last_round_and_keeps_older_ones_switched_off() -> None:
    current = summarise(READINESS, _responses("high", "high"))
    spring = summarise(READINESS, _responses("medium"))
    autumn = summarise(READINESS, _responses("low"))

    chart = round_chart(READINESS, current, [("Spring", spring), ("Autumn", autumn)])
    figure = radar_plotly(chart)

    assert [(s.name, s.style, s.visible) for s in chart.series] == [
        (CURRENT_NAME, "current", True),
        ("Spring (median)", "previous", True),
        ("Autumn (median)", "earlier", False),
    ]
    assert chart.series[1].values[0] == 2
    assert chart.series[1].values[2] is None  # the only respondent did not know
    assert _plotly_trace(figure, "Autumn (median)")["visible"] == "legendonly"
    assert "Autumn" not in radar_svg(chart)


def test_it_leaves_a_gap_for_an_axis_an_earlier_round_did_not_ask() -> None:
    current = summarise(READINESS, _responses("high"))
    older = [s for s in summarise(READINESS, _responses("low")) if s.key != "early_adopter"]

    chart = round_chart(READINESS, current, [("Older", older)])

    index = KEYS.index("early_adopter")
    assert chart.series[1].values[index] is None
    assert chart.series[1].hover[index] == "Early adopter\nOlder: not asked"


def test_it_charts_an_empty_round_without_error() -> None:
    chart = round_chart(READINESS, summarise(READINESS, []), [], title="Nobody yet")

    svg = radar_svg(chart)

    assert chart.series[0].values == (None,) * 8
    assert _tree(svg).find(f"{SVG}title").text == "Nobody yet"
    assert "radar-point" not in svg


# in a PDF


def _images(pdf: bytes) -> list[str]:
    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"]
        for name, item in (resources.get("/XObject") or {}).items():
            if item.get_object()["/Subtype"] == "/Image":
                names.append(name)
    return names


@pytest.mark.usefixtures("no_network")
def test_it_stays_vector_with_real_text_in_a_pdf() -> None:
    summaries = summarise(READINESS, _responses("low", "medium", "high"))
    chart = round_chart(READINESS, summaries, [("Spring", summaries)], title="Readiness")
    document = (
        f"<!doctype html><html lang=en><body>{radar_svg(chart)}{line_svg(_line())}</body></html>"
    )

    pdf = HTML(string=document, base_url=PDF_BASE_URL, url_fetcher=StaticFileFetcher()).write_pdf()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert _images(pdf) == []
    for label in ("Organisational", "Executive support", "Medium", "Spring (median)", "Target"):
        assert label in text
