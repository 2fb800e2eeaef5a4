"""The spider graph of an assessment round, built from the scoring output (no database).

`round_chart` describes the chart once; kernel.charts draws it as SVG (pages without
JavaScript, the PDF report) and as a plotly figure (the results page), so both show the
same medians, ranges and earlier rounds.
"""

from kernel.charts import Band, RadarChart, RadarSeries

from .scoring import AxisSummary, level_keys, level_labels

CURRENT_NAME = "Typical answer (median)"
BAND_NAME = "Range of answers (lowest to highest)"


def distribution_text(instrument: dict, summary: AxisSummary) -> str:
    """What people answered on one axis, for hover texts and tables:
    "Low 2 · Medium 5 · High 1 · Don't know 1"."""
    labels = level_labels(instrument)
    parts = [f"{labels[key]} {count}" for key, count in summary.counts.items()]
    if summary.dont_know:
        parts.append(f"{labels[instrument['dont_know']['key']]} {summary.dont_know}")
    return " · ".join(parts)


def _hover(instrument: dict, summaries: list[AxisSummary], round_name: str) -> tuple[str, ...]:
    labels = level_labels(instrument)
    return tuple(
        f"{s.name}\n{round_name}: "
        f"{labels[s.median] if s.median else 'nobody answered'}\n"
        f"{distribution_text(instrument, s)}"
        for s in summaries
    )


def _aligned(instrument: dict, summaries: list[AxisSummary]) -> list[AxisSummary | None]:
    # An earlier round may lack an axis (an older version of the instrument): leave a gap.
    by_key = {s.key: s for s in summaries}
    return [by_key.get(axis["key"]) for axis in instrument["axes"]]


def round_chart(
    instrument: dict,
    summaries: list[AxisSummary],
    previous: list[tuple[str, list[AxisSummary]]],
    *,
    title: str = "",
    key: str = "round",
) -> RadarChart:
    """The spider graph of a round: the median per axis with the range of answers as a band,
    and earlier rounds as overlays.

    `previous` holds (round title, summaries) of earlier rounds, most recent first. The most
    recent one is shown beside this round; older ones start switched off in the browser's
    legend and stay out of the static SVG.
    """
    current = _aligned(instrument, summaries)
    series = [
        RadarSeries(
            name=CURRENT_NAME,
            values=tuple(s.median_rank if s else None for s in current),
            style="current",
            band=Band(
                name=BAND_NAME,
                low=tuple(s.lowest_rank if s else None for s in current),
                high=tuple(s.highest_rank if s else None for s in current),
            ),
            hover=_hover(instrument, summaries, "Median"),
        )
    ]
    for index, (round_title, earlier) in enumerate(previous):
        aligned = _aligned(instrument, earlier)
        hover = []
        for axis, s in zip(instrument["axes"], aligned, strict=True):
            if s is None:
                hover.append(f"{axis['name']}\n{round_title}: not asked")
            else:
                hover.append(_hover(instrument, [s], f"{round_title} median")[0])
        series.append(
            RadarSeries(
                name=f"{round_title} (median)",
                values=tuple(s.median_rank if s else None for s in aligned),
                style="previous" if index == 0 else "earlier",
                hover=tuple(hover),
                visible=index == 0,
            )
        )
    return RadarChart(
        key=key,
        title=title or instrument["name"],
        axes=tuple(axis["name"] for axis in instrument["axes"]),
        levels=tuple(level_labels(instrument)[k] for k in level_keys(instrument)),
        series=tuple(series),
    )
