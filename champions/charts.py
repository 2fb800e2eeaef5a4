"""Chart descriptions for the champions' pages (no database): key results over time against
their target, ROI value against investment, and the maturity S-curve as SVG."""

import html
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from kernel.charts import LineChart, LineSeries, Svg

from . import curve, okr


def key_result_chart(key_result, check_ins: Sequence) -> LineChart:
    """The key result's value at each check-in, starting from its baseline, with its target.

    A graded key result is drawn on its grades: 0 fail, 1 commit, 2 target, 3 stretch.
    """
    labels = ["Start"] + [f"{c.created_at:%-d %b}" for c in check_ins]
    if key_result.is_numeric:
        values = [float(key_result.baseline)] + [float(c.value) for c in check_ins]
        target = float(key_result.target)
        y_label = key_result.unit or "Value"
    else:
        grades = list(okr.GRADES)
        values = [0.0] + [float(grades.index(c.grade)) for c in check_ins]
        target = float(grades.index("target"))
        y_label = "Grade (0 fail, 1 commit, 2 target, 3 stretch)"
    # Distinct labels: two check-ins on one day would fold into one category.
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return LineChart(
        key=f"kr-{key_result.pk}",
        title=f"{key_result.title}: value at each check-in against the target",
        x_labels=tuple(unique),
        y_label=y_label,
        series=(LineSeries(name="Value at check-in", values=tuple(values)),),
        target=target,
        target_label=f"Target ({_num(target)})",
        y_max=3.0 if not key_result.is_numeric else None,
    )


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def roi_chart(measurements: Sequence[tuple[date, str, Decimal]], unit: str) -> LineChart | None:
    """Cumulative value delivered against cumulative investment, per period end.

    `measurements` holds (period end, "benefit" or "cost", amount); None without any.
    """
    if not measurements:
        return None
    days = sorted({day for day, _, _ in measurements})
    totals = {"benefit": Decimal(0), "cost": Decimal(0)}
    series = {"benefit": [], "cost": []}
    by_day: dict[date, list[tuple[str, Decimal]]] = {}
    for day, kind, amount in measurements:
        by_day.setdefault(day, []).append((kind, amount))
    for day in days:
        for kind, amount in by_day[day]:
            totals[kind] += amount
        for kind in series:
            series[kind].append(float(totals[kind]))
    return LineChart(
        key="roi",
        title="Value delivered against investment, added up over time",
        x_labels=tuple(f"{day:%-d %b %Y}" for day in days),
        y_label=unit,
        series=(
            LineSeries(name="Value delivered (cumulative)", values=tuple(series["benefit"])),
            LineSeries(
                name="Investment (cumulative)", values=tuple(series["cost"]), style="previous"
            ),
        ),
    )


# The S-curve


WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 40, 620, 24, 260
INK, MUTED, GRID, LINE, MARK, PAST = (
    "#1b2b33",
    "#5f6b73",
    "#c9c3b6",
    "#1f4e5f",
    "#a3261b",
    "#b35c00",
)


def _x(position: float) -> float:
    return LEFT + (RIGHT - LEFT) * position


def _y(position: float) -> float:
    return BOTTOM - (BOTTOM - TOP) * curve.s_curve(position)


def _f(value: float) -> str:
    return f"{value:.1f}"


def curve_svg(
    position: curve.CurvePosition, history: Sequence[tuple[date, float]], *, key: str = "curve"
) -> Svg:
    """The S-curve with its three phases, the path of recorded positions and today's point.

    `history` holds (day, position) of earlier days, oldest first, without today.
    """
    esc = html.escape
    base = f"chart-{key}"
    path = " ".join(
        ("M" if i == 0 else "L") + f"{_f(_x(i / 100))},{_f(_y(i / 100))}" for i in range(101)
    )
    description = (
        f"Today the organisation is in {position.phase_label.lower()}, "
        f"{round(position.position * 100)} % along the curve. "
        + " ".join(
            f"{p.name}: {p.phase_label.lower()}, {round(p.position * 100)} %."
            for p in position.principles
        )
    )
    if history:
        description += (
            " Earlier: "
            + "; ".join(f"{day:%-d %b %Y} {round(value * 100)} %" for day, value in history)
            + "."
        )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg curve-svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{base}-title {base}-desc" font-family="system-ui, sans-serif" '
        f'font-size="12" fill="{INK}">',
        f'<title id="{base}-title">Position on the maturity curve</title>',
        f'<desc id="{base}-desc">{esc(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for index, phase in enumerate(curve.PHASES):
        x1, x2 = _x(index / 3), _x((index + 1) / 3)
        if index:
            out.append(
                f'<line x1="{_f(x1)}" y1="{TOP}" x2="{_f(x1)}" y2="{BOTTOM}" stroke="{GRID}" '
                f'stroke-dasharray="4 4"/>'
            )
        out.append(
            f'<text x="{_f((x1 + x2) / 2)}" y="{BOTTOM + 22}" text-anchor="middle" '
            f'font-size="13" fill="{INK}">{esc(curve.PHASE_LABELS[phase])}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="{GRID}"/>'
        f'<text x="{RIGHT}" y="{BOTTOM + 44}" text-anchor="end" fill="{MUTED}">'
        "time and effort →</text>"
        f'<text x="14" y="{(TOP + BOTTOM) // 2}" text-anchor="middle" fill="{MUTED}" '
        f'transform="rotate(-90 14 {(TOP + BOTTOM) // 2})">maturity →</text>'
        f'<path class="curve-line" d="{path}" fill="none" stroke="{GRID}" stroke-width="3"/>'
    )
    points = [*(value for _, value in history), position.position]
    if len(points) > 1:
        trail = " ".join(
            ("M" if i == 0 else "L") + f"{_f(_x(v))},{_f(_y(v))}" for i, v in enumerate(points)
        )
        out.append(
            f'<path class="curve-trail" d="{trail}" fill="none" stroke="{PAST}" stroke-width="2"/>'
        )
    for day, value in history:
        out.append(
            f'<circle class="curve-past" cx="{_f(_x(value))}" cy="{_f(_y(value))}" r="4" '
            f'fill="{PAST}"><title>{day:%-d %b %Y}: {round(value * 100)} %</title></circle>'
        )
    placed: list[float] = []
    for number, principle in enumerate(position.principles, start=1):
        x, y = _x(principle.position), _y(principle.position)
        # Principles close together are stacked upwards instead of drawn over each other.
        lift = 16 + 18 * sum(abs(other - x) < 17 for other in placed)
        placed.append(x)
        out.append(
            f'<g class="curve-principle"><circle cx="{_f(x)}" cy="{_f(y - lift)}" r="8" '
            f'fill="#ffffff" stroke="{LINE}"/><text x="{_f(x)}" y="{_f(y - lift + 4)}" '
            f'text-anchor="middle" font-size="10" fill="{LINE}">{number}</text>'
            f"<title>{esc(principle.name)}: {esc(principle.phase_label)}</title></g>"
        )
    x, y = _x(position.position), _y(position.position)
    out.append(
        f'<circle class="curve-now" data-position="{position.position:.4f}" cx="{_f(x)}" '
        f'cy="{_f(y)}" r="8" fill="{MARK}" stroke="#ffffff" stroke-width="2">'
        f"<title>Today: {esc(position.phase_label)}, {round(position.position * 100)} %</title>"
        "</circle></svg>"
    )
    return Svg("".join(out))
