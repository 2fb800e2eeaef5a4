"""Charts as plain data, drawn two ways from the same description: no Django, nothing of ours.

A chart description (`RadarChart`, `LineChart`) is built by a feature app from its own data.
`*_svg(chart)` draws it as a static vector picture for pages without JavaScript and for
PDFs; `*_plotly(chart)` turns it into a plotly figure (a JSON-able dict) for the browser.
Both take every number and every word from the description, so they show the same thing.

The SVG uses only paths, polygons, lines, circles and plain text with presentation
attributes: no filters, masks, foreignObject, CSS or external fonts, which WeasyPrint cannot
draw and the page's CSP would refuse. Every text is escaped; the result is an `Svg`, a str
that template engines treat as safe HTML through the `__html__` protocol.

Text in the plotly figure is escaped too: plotly reads labels as a small subset of HTML
(`<b>`, `<a href>`, `<br>`) and decodes entities, so escaped text is shown as typed.
"""

import html
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "STYLES",
    "Band",
    "LineChart",
    "LineSeries",
    "RadarChart",
    "RadarSeries",
    "SeriesStyle",
    "Svg",
    "line_plotly",
    "line_svg",
    "radar_plotly",
    "radar_svg",
    "wrap",
]


@dataclass(frozen=True)
class SeriesStyle:
    color: str
    width: float
    # SVG stroke-dasharray; plotly's dash names the nearest pattern.
    dasharray: str = ""
    plotly_dash: str = "solid"
    # Opacity of the area under a closed radar line, 0 for none.
    fill_opacity: float = 0.0
    marker_radius: float = 3.5


# Colours from the app's palette (static/css/app.css), with enough contrast on white to print.
STYLES: dict[str, SeriesStyle] = {
    "current": SeriesStyle(color="#1f4e5f", width=2.5, fill_opacity=0.08),
    "previous": SeriesStyle(color="#b35c00", width=2, dasharray="7 4", plotly_dash="dash"),
    "earlier": SeriesStyle(
        color="#5f6b73", width=1.5, dasharray="2 3", plotly_dash="dot", marker_radius=2.5
    ),
    "target": SeriesStyle(color="#a3261b", width=1.5, dasharray="6 4", plotly_dash="dash"),
}
BAND_OPACITY = 0.2
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, 'DejaVu Sans', sans-serif"
INK = "#1b2b33"
GRID = "#c9c3b6"
MUTED = "#5f6b73"
# Labels longer than this are wrapped onto several lines, in both renderings.
LABEL_WRAP = 18


class Svg(str):
    """SVG markup whose text is already escaped. Django and Jinja templates insert it as is."""

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Band:
    """A range per axis, drawn as a filled ring between `low` and `high`."""

    name: str
    low: tuple[float | None, ...]
    high: tuple[float | None, ...]


@dataclass(frozen=True)
class RadarSeries:
    name: str
    # One value per axis on the level scale 0..len(levels); None where there is no value.
    values: tuple[float | None, ...]
    style: str = "current"
    band: Band | None = None
    # One text per axis shown on hover (lines separated by "\n"); a default names the level.
    hover: tuple[str, ...] | None = None
    # False: in the plotly legend, switched off until clicked; left out of the SVG.
    visible: bool = True


@dataclass(frozen=True)
class RadarChart:
    # Used for element ids, so several charts can share a page.
    key: str
    title: str
    axes: tuple[str, ...]
    # Names of the levels 1..N, lowest first; 0 is the centre (no value).
    levels: tuple[str, ...]
    series: tuple[RadarSeries, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LineSeries:
    name: str
    values: tuple[float | None, ...]
    style: str = "current"


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    # One label per point in time, oldest first.
    x_labels: tuple[str, ...]
    y_label: str
    series: tuple[LineSeries, ...] = field(default_factory=tuple)
    target: float | None = None
    target_label: str = "Target"
    # Top of the value axis; by default a round number above the data and the target.
    y_max: float | None = None


# Text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    # Control characters are not allowed in XML, and an SVG file containing one is unreadable.
    return _CONTROL.sub("", str(text))


def _esc(text: str) -> str:
    return html.escape(_clean(text), quote=True)


def wrap(text: str, width: int = LABEL_WRAP) -> list[str]:
    """Split a label into lines of at most `width` characters where it has spaces."""
    lines: list[str] = []
    for word in _clean(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _plotly_text(text: str) -> str:
    """Text for plotly: escaped, with line breaks as plotly's <br>."""
    return "<br>".join(_esc(line) for line in _clean(text).split("\n"))


def _plotly_label(text: str) -> str:
    return "<br>".join(_esc(line) for line in wrap(text))


def _id(key: str) -> str:
    return "chart-" + (re.sub(r"[^a-z0-9-]+", "-", key.lower()).strip("-") or "chart")


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _rgba(color: str, opacity: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{opacity})"


def _style(key: str) -> SeriesStyle:
    if key not in STYLES:
        raise ValueError(f"Unknown chart style {key!r}; use one of {', '.join(STYLES)}.")
    return STYLES[key]


# Radar chart


def _check_radar(chart: RadarChart) -> None:
    count, top = len(chart.axes), len(chart.levels)
    if count < 3:
        raise ValueError("A radar chart needs at least three axes.")
    if top < 1:
        raise ValueError("A radar chart needs at least one level.")
    if len({" ".join(wrap(axis)) for axis in chart.axes}) != count:
        # Plotly places points by label, so two axes with one name would become one.
        raise ValueError("Each axis of a radar chart needs its own label.")
    for series in chart.series:
        _style(series.style)
        rows = [series.values]
        if series.band:
            rows += [series.band.low, series.band.high]
        for row in rows:
            if len(row) != count:
                raise ValueError(f"{series.name!r} needs one value per axis ({count}).")
            if any(v is not None and not 0 <= v <= top for v in row):
                raise ValueError(f"{series.name!r} has a value outside 0..{top}.")
        if series.hover is not None and len(series.hover) != count:
            raise ValueError(f"{series.name!r} needs one hover text per axis ({count}).")


def _level_name(chart: RadarChart, value: float | None) -> str:
    if value is None or value == 0:
        return "no answer"
    if float(value).is_integer():
        return chart.levels[int(value) - 1]
    return _num(value)


def _hover(chart: RadarChart, series: RadarSeries) -> list[str]:
    if series.hover is not None:
        return list(series.hover)
    return [
        f"{axis}\n{series.name}: {_level_name(chart, value)}"
        for axis, value in zip(chart.axes, series.values, strict=True)
    ]


def _band_values(row: tuple[float | None, ...]) -> list[float]:
    # An axis without a value pinches the band to the centre, in both renderings.
    return [0 if v is None else v for v in row]


@dataclass(frozen=True)
class _RadarGeometry:
    count: int
    top: int
    cx: float = 320
    cy: float = 250
    radius: float = 165

    def angle(self, index: int) -> float:
        # First axis at the top, then clockwise (SVG's y axis points down).
        return -math.pi / 2 + 2 * math.pi * index / self.count

    def point(self, index: int, value: float) -> tuple[float, float]:
        r = self.radius * value / self.top
        a = self.angle(index)
        return self.cx + r * math.cos(a), self.cy + r * math.sin(a)

    def ring(self, values: Sequence[float]) -> str:
        return " ".join(
            f"{_num(x)},{_num(y)}" for x, y in (self.point(i, v) for i, v in enumerate(values))
        )

    @property
    def level_angle(self) -> float:
        # Level names sit on the line halfway between the first two axes, clear of both.
        return (self.angle(0) + self.angle(1)) / 2


def radar_svg(chart: RadarChart) -> Svg:
    _check_radar(chart)
    geo = _RadarGeometry(count=len(chart.axes), top=len(chart.levels))
    base = _id(chart.key)
    visible = [s for s in chart.series if s.visible]
    legend_rows = sum(2 if s.band else 1 for s in visible)
    legend_top = geo.cy + geo.radius + 78
    height = legend_top + legend_rows * 24 + 8
    description = " ".join(
        f"{s.name}: "
        + "; ".join(
            f"{axis} {_level_name(chart, v)}" for axis, v in zip(chart.axes, s.values, strict=True)
        )
        + "."
        for s in visible
    )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-svg--radar" '
        f'viewBox="0 0 640 {_num(height)}" width="640" height="{_num(height)}" role="img" '
        f'aria-labelledby="{base}-title {base}-desc" font-family="{_esc(FONT_FAMILY)}" '
        f'font-size="13" fill="{INK}">',
        f'<title id="{base}-title">{_esc(chart.title)}</title>',
        f'<desc id="{base}-desc">{_esc(description)}</desc>',
        f'<rect x="0" y="0" width="640" height="{_num(height)}" fill="#ffffff"/>',
    ]

    # Grid: one polygon per level, one spoke per axis.
    out.append(f'<g class="radar-grid" fill="none" stroke="{GRID}" stroke-width="1">')
    for level in range(1, geo.top + 1):
        out.append(f'<polygon points="{geo.ring([level] * geo.count)}"/>')
    for index in range(geo.count):
        x, y = geo.point(index, geo.top)
        out.append(f'<line x1="{_num(geo.cx)}" y1="{_num(geo.cy)}" x2="{_num(x)}" y2="{_num(y)}"/>')
    out.append("</g>")

    out.append(f'<g class="radar-levels" font-size="11" fill="{MUTED}">')
    for level, name in enumerate(chart.levels, start=1):
        r = geo.radius * level / geo.top
        x = geo.cx + r * math.cos(geo.level_angle) + 4
        y = geo.cy + r * math.sin(geo.level_angle) - 3
        out.append(f'<text x="{_num(x)}" y="{_num(y)}">{_esc(name)}</text>')
    out.append("</g>")

    out.append('<g class="radar-axes" font-size="13">')
    for index, label in enumerate(chart.axes):
        out.append(_axis_label(geo, index, label))
    out.append("</g>")

    for series in visible:
        out.append(_radar_series_svg(chart, geo, series))

    out.append(_radar_legend(visible, legend_top))
    out.append("</svg>")
    return Svg("".join(out))


def _axis_label(geo: _RadarGeometry, index: int, label: str) -> str:
    a = geo.angle(index)
    cos, sin = math.cos(a), math.sin(a)
    x = geo.cx + (geo.radius + 14) * cos
    y = geo.cy + (geo.radius + 14) * sin
    anchor = "middle" if abs(cos) < 0.3 else "start" if cos > 0 else "end"
    lines = wrap(label)
    line_height = 15
    # Above the chart the block grows upwards, below it downwards, at the sides it centres.
    if sin < -0.3:
        first = y - (len(lines) - 1) * line_height
    elif sin > 0.3:
        first = y + 10
    else:
        first = y + 4 - (len(lines) - 1) * line_height / 2
    spans = "".join(
        f'<tspan x="{_num(x)}" y="{_num(first + n * line_height)}">{_esc(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text class="radar-axis" text-anchor="{anchor}">{spans}</text>'


def _radar_series_svg(chart: RadarChart, geo: _RadarGeometry, series: RadarSeries) -> str:
    style = _style(series.style)
    dash = f' stroke-dasharray="{style.dasharray}"' if style.dasharray else ""
    out = [
        f'<g class="radar-series radar-series--{series.style}" data-series="{_esc(series.name)}">'
    ]
    if series.band:
        outer = geo.ring(_band_values(series.band.high))
        inner = geo.ring(_band_values(series.band.low))
        out.append(
            f'<path class="radar-band" data-band="{_esc(series.band.name)}" '
            f'd="M{outer.replace(" ", " L")} Z M{inner.replace(" ", " L")} Z" '
            f'fill="{style.color}" fill-opacity="{BAND_OPACITY}" fill-rule="evenodd" '
            f'stroke="none"/>'
        )
    values = series.values
    stroke = f'stroke="{style.color}" stroke-width="{_num(style.width)}"{dash}'
    if all(v is not None for v in values):
        fill = (
            f'fill="{style.color}" fill-opacity="{style.fill_opacity}"'
            if style.fill_opacity
            else 'fill="none"'
        )
        out.append(f'<polygon class="radar-line" points="{geo.ring(values)}" {fill} {stroke}/>')
    else:
        # Gaps: draw only the edges between two axes that both have a value.
        segments = []
        for index, value in enumerate(values):
            after = values[(index + 1) % geo.count]
            if value is not None and after is not None:
                (x1, y1), (x2, y2) = geo.point(index, value), geo.point(index + 1, after)
                segments.append(f"M{_num(x1)},{_num(y1)} L{_num(x2)},{_num(y2)}")
        if segments:
            out.append(f'<path class="radar-line" d="{" ".join(segments)}" fill="none" {stroke}/>')
    for index, (value, text) in enumerate(zip(values, _hover(chart, series), strict=True)):
        if value is None:
            continue
        x, y = geo.point(index, value)
        # A <title> is the tooltip browsers show without JavaScript.
        out.append(
            f'<circle class="radar-point" data-axis="{index}" cx="{_num(x)}" cy="{_num(y)}" '
            f'r="{_num(style.marker_radius)}" fill="{style.color}">'
            f"<title>{_esc(text)}</title></circle>"
        )
    out.append("</g>")
    return "".join(out)


def _radar_legend(series: Sequence[RadarSeries], top: float) -> str:
    out = ['<g class="chart-legend" font-size="13">']
    y = top
    for s in series:
        style = _style(s.style)
        if s.band:
            out.append(
                f'<polygon points="40,{_num(y - 9)} 68,{_num(y - 9)} 68,{_num(y + 3)} '
                f'40,{_num(y + 3)}" fill="{style.color}" fill-opacity="{BAND_OPACITY}"/>'
                f'<text x="78" y="{_num(y + 1)}">{_esc(s.band.name)}</text>'
            )
            y += 24
        out.append(_legend_line(style, y, s.name))
        y += 24
    out.append("</g>")
    return "".join(out)


def _legend_line(style: SeriesStyle, y: float, name: str, *, marker: bool = True) -> str:
    dash = f' stroke-dasharray="{style.dasharray}"' if style.dasharray else ""
    dot = (
        f'<circle cx="54" cy="{_num(y - 3)}" r="{_num(style.marker_radius)}" fill="{style.color}"/>'
        if marker
        else ""
    )
    return (
        f'<line x1="40" y1="{_num(y - 3)}" x2="68" y2="{_num(y - 3)}" stroke="{style.color}" '
        f'stroke-width="{_num(style.width)}"{dash}/>{dot}'
        f'<text x="78" y="{_num(y + 1)}">{_esc(name)}</text>'
    )


def _closed(row: Sequence) -> list:
    return [*row, row[0]]


def radar_plotly(chart: RadarChart) -> dict:
    """A plotly figure: {"data": [...], "layout": {...}} with scatterpolar traces."""
    _check_radar(chart)
    count, top = len(chart.axes), len(chart.levels)
    theta = [_plotly_label(axis) for axis in chart.axes]
    traces: list[dict] = []
    for series in chart.series:
        style = _style(series.style)
        visible: bool | str = True if series.visible else "legendonly"
        group = f"series-{len(traces)}"
        if series.band:
            high = _band_values(series.band.high)
            low = _band_values(series.band.low)
            # One closed path out along `high` and back along `low` reversed: filling it
            # leaves the inside of `low` empty, so the ring shows the range only.
            back = [0, *range(count - 1, 0, -1), 0]
            traces.append(
                {
                    "type": "scatterpolar",
                    "name": _esc(series.band.name),
                    "r": [*_closed(high), *(low[i] for i in back)],
                    "theta": [*_closed(theta), *(theta[i] for i in back)],
                    "mode": "lines",
                    "fill": "toself",
                    "fillcolor": _rgba(style.color, BAND_OPACITY),
                    "line": {"width": 0, "color": _rgba(style.color, 0)},
                    "hoverinfo": "skip",
                    "legendgroup": group,
                    "visible": visible,
                }
            )
        complete = all(v is not None for v in series.values)
        trace = {
            "type": "scatterpolar",
            "name": _esc(series.name),
            "r": _closed(list(series.values)),
            "theta": _closed(theta),
            "mode": "lines+markers",
            "line": {"color": style.color, "width": style.width, "dash": style.plotly_dash},
            "marker": {"color": style.color, "size": style.marker_radius * 2},
            "connectgaps": False,
            "hovertext": _closed([_plotly_text(t) for t in _hover(chart, series)]),
            "hoverinfo": "text",
            "legendgroup": group,
            "visible": visible,
        }
        if complete and style.fill_opacity:
            trace["fill"] = "toself"
            trace["fillcolor"] = _rgba(style.color, style.fill_opacity)
        traces.append(trace)

    level_angle = 90 - 180 / count
    layout = {
        "polar": {
            "gridshape": "linear",
            "bgcolor": "#ffffff",
            "radialaxis": {
                "range": [0, top],
                "tickvals": list(range(1, top + 1)),
                "ticktext": [_esc(name) for name in chart.levels],
                "angle": level_angle,
                "tickangle": level_angle,
                "showline": False,
                "gridcolor": GRID,
                "tickfont": {"size": 11, "color": MUTED},
            },
            "angularaxis": {
                # Labels such as "2025" must stay names, never become angles in degrees.
                "type": "category",
                "rotation": 90,
                "direction": "clockwise",
                "gridcolor": GRID,
                "linecolor": GRID,
                "tickfont": {"size": 13},
            },
        },
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        "font": {"family": FONT_FAMILY, "color": INK, "size": 13},
        "margin": {"l": 90, "r": 90, "t": 50, "b": 30},
        "height": 560,
        "paper_bgcolor": "#ffffff",
        "hoverlabel": {"align": "left"},
        "dragmode": False,
    }
    return {"data": traces, "layout": layout}


# Line chart


def _check_line(chart: LineChart) -> None:
    if not chart.x_labels:
        raise ValueError("A line chart needs at least one point in time.")
    for series in chart.series:
        _style(series.style)
        if len(series.values) != len(chart.x_labels):
            raise ValueError(f"{series.name!r} needs one value per point in time.")


def _nice_top(chart: LineChart) -> float:
    if chart.y_max is not None:
        return chart.y_max
    values = [v for s in chart.series for v in s.values if v is not None]
    if chart.target is not None:
        values.append(chart.target)
    highest = max([*values, 0])
    if highest <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(highest))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= highest:
            return step * magnitude
    return 10 * magnitude


def line_svg(chart: LineChart) -> Svg:
    _check_line(chart)
    base = _id(chart.key)
    top = _nice_top(chart)
    left, right, plot_top, plot_bottom = 64, 624, 20, 240
    width = right - left
    count = len(chart.x_labels)

    def x_at(index: int) -> float:
        # Points sit in the middle of equal slots, so the first and last labels fit.
        return left + width * (index + 0.5) / count

    def y_at(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top

    legend_top = plot_bottom + 56
    rows = len(chart.series) + (chart.target is not None)
    height = legend_top + rows * 24 + 4
    description = " ".join(
        f"{s.name}: "
        + "; ".join(
            f"{label} {'no value' if v is None else _num(v)}"
            for label, v in zip(chart.x_labels, s.values, strict=True)
        )
        + "."
        for s in chart.series
    )
    if chart.target is not None:
        description += f" {chart.target_label}: {_num(chart.target)}."
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-svg--line" '
        f'viewBox="0 0 640 {height}" width="640" height="{height}" role="img" '
        f'aria-labelledby="{base}-title {base}-desc" font-family="{_esc(FONT_FAMILY)}" '
        f'font-size="12" fill="{INK}">',
        f'<title id="{base}-title">{_esc(chart.title)}</title>',
        f'<desc id="{base}-desc">{_esc(description)}</desc>',
        f'<rect x="0" y="0" width="640" height="{height}" fill="#ffffff"/>',
        f'<g class="line-grid" stroke="{GRID}" stroke-width="1">',
    ]
    ticks = [top * n / 4 for n in range(5)]
    for tick in ticks:
        out.append(
            f'<line x1="{left}" y1="{_num(y_at(tick))}" x2="{right}" y2="{_num(y_at(tick))}"/>'
        )
    out.append("</g>")
    out.append(f'<g class="line-ticks" fill="{MUTED}" font-size="11">')
    for tick in ticks:
        out.append(
            f'<text x="{left - 8}" y="{_num(y_at(tick) + 4)}" text-anchor="end">{_num(tick)}</text>'
        )
    for index, label in enumerate(chart.x_labels):
        out.append(
            f'<text x="{_num(x_at(index))}" y="{plot_bottom + 18}" text-anchor="middle">'
            f"{_esc(label)}</text>"
        )
    middle = _num((plot_top + plot_bottom) / 2)
    out.append(
        f'<text x="16" y="{middle}" text-anchor="middle" transform="rotate(-90 16 {middle})">'
        f"{_esc(chart.y_label)}</text>"
    )
    out.append("</g>")
    if chart.target is not None:
        style = STYLES["target"]
        y = _num(y_at(chart.target))
        out.append(
            f'<line class="line-target" x1="{left}" y1="{y}" x2="{right}" y2="{y}" '
            f'stroke="{style.color}" stroke-width="{_num(style.width)}" '
            f'stroke-dasharray="{style.dasharray}"/>'
        )
    for series in chart.series:
        style = _style(series.style)
        dash = f' stroke-dasharray="{style.dasharray}"' if style.dasharray else ""
        points = [(i, v) for i, v in enumerate(series.values) if v is not None]
        segments = []
        for (i1, v1), (i2, v2) in itertools.pairwise(points):
            if i2 == i1 + 1:
                segments.append(
                    f"M{_num(x_at(i1))},{_num(y_at(v1))} L{_num(x_at(i2))},{_num(y_at(v2))}"
                )
        out.append(f'<g class="line-series" data-series="{_esc(series.name)}">')
        if segments:
            out.append(
                f'<path d="{" ".join(segments)}" fill="none" stroke="{style.color}" '
                f'stroke-width="{_num(style.width)}"{dash}/>'
            )
        for index, value in points:
            out.append(
                f'<circle class="line-point" data-index="{index}" cx="{_num(x_at(index))}" '
                f'cy="{_num(y_at(value))}" r="{_num(style.marker_radius)}" fill="{style.color}">'
                f"<title>{_esc(chart.x_labels[index])}: {_num(value)}</title></circle>"
            )
        out.append("</g>")
    out.append('<g class="chart-legend" font-size="13">')
    y = legend_top
    for series in chart.series:
        out.append(_legend_line(_style(series.style), y, series.name))
        y += 24
    if chart.target is not None:
        out.append(_legend_line(STYLES["target"], y, chart.target_label, marker=False))
    out.append("</g></svg>")
    return Svg("".join(out))


def line_plotly(chart: LineChart) -> dict:
    _check_line(chart)
    x = [_esc(label) for label in chart.x_labels]
    traces = []
    for series in chart.series:
        style = _style(series.style)
        traces.append(
            {
                "type": "scatter",
                "name": _esc(series.name),
                "x": x,
                "y": list(series.values),
                "mode": "lines+markers",
                "line": {"color": style.color, "width": style.width, "dash": style.plotly_dash},
                "marker": {"color": style.color, "size": style.marker_radius * 2},
                "connectgaps": False,
            }
        )
    if chart.target is not None:
        style = STYLES["target"]
        traces.append(
            {
                "type": "scatter",
                "name": _esc(chart.target_label),
                "x": x,
                "y": [chart.target] * len(x),
                "mode": "lines",
                "line": {"color": style.color, "width": style.width, "dash": style.plotly_dash},
                "hoverinfo": "name+y",
            }
        )
    layout = {
        "xaxis": {"type": "category", "gridcolor": GRID},
        "yaxis": {
            "title": {"text": _esc(chart.y_label)},
            "range": [0, _nice_top(chart)],
            "gridcolor": GRID,
            "rangemode": "tozero",
        },
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        "font": {"family": FONT_FAMILY, "color": INK, "size": 13},
        "margin": {"l": 64, "r": 16, "t": 20, "b": 40},
        "height": 380,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "dragmode": False,
    }
    return {"data": traces, "layout": layout}
