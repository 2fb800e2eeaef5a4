"""Everything the results page shows about a round, built from a few queries whose number does
not grow with the number of rounds or respondents.

The arithmetic (medians, spread, verdict, movement) is `scoring`'s; this module gathers the
answers, hides names in anonymous rounds, and links low axes to the journey steps that work on
them.
"""

from dataclasses import dataclass, field

from journey.models import StepDefinition
from kernel.charts import radar_plotly, radar_svg
from organisations.models import Organisation

from . import charts, scoring, selectors
from .models import Response, Round


@dataclass(frozen=True)
class Voice:
    """One person's answer on one axis, with their comment; `name` is None when anonymous."""

    name: str | None
    level: str
    level_label: str
    comment: str


@dataclass
class AxisResult:
    axis: dict
    summary: scoring.AxisSummary
    movement: scoring.Movement | None
    is_low: bool
    steps: list[tuple[int, str]]
    labels: dict[str, str]
    distribution: str
    voices: list[Voice] = field(default_factory=list)

    @property
    def by_level(self) -> list[dict]:
        """Voices grouped by answer, lowest first: who chose it (unless anonymous), how many,
        and their comments."""
        groups: list[dict] = []
        for voice in self.voices:
            if not groups or groups[-1]["level"] != voice.level:
                groups.append({"level": voice.level, "label": voice.level_label, "voices": []})
            groups[-1]["voices"].append(voice)
        for group in groups:
            group["names"] = [v.name for v in group["voices"] if v.name]
            group["comments"] = [v for v in group["voices"] if v.comment]
        return groups

    @property
    def median_label(self) -> str:
        return self.labels.get(self.summary.median or "", "no answer yet")

    @property
    def range_label(self) -> str:
        lowest, highest = self.summary.lowest, self.summary.highest
        if lowest is None:
            return "—"
        if lowest == highest:
            return self.labels[lowest]
        return f"{self.labels[lowest]} to {self.labels[highest]}"

    @property
    def previous_label(self) -> str:
        previous = self.movement.previous if self.movement else None
        return self.labels.get(previous or "", "no answer")

    @property
    def comments(self) -> list[Voice]:
        return [voice for voice in self.voices if voice.comment]


@dataclass
class RoundSummary:
    round: Round
    responses: list[Response]
    summaries: list[scoring.AxisSummary]


def _voices(
    definition: dict, responses: list[Response], axis_key: str, *, anonymous: bool
) -> list[Voice]:
    labels = scoring.level_labels(definition)
    order = {key: rank for rank, key in enumerate([*scoring.level_keys(definition), "dont_know"])}
    voices = [
        Voice(
            name=None if anonymous else response.respondent.name,
            level=response.answers[axis_key],
            level_label=labels.get(response.answers[axis_key], ""),
            comment=response.comments.get(axis_key, ""),
        )
        for response in responses
        if response.answers.get(axis_key)
    ]
    # Anonymous voices are sorted by answer and text, never in the order people were asked or
    # answered, so their position gives nobody away.
    if anonymous:
        return sorted(voices, key=lambda v: (order.get(v.level, 99), v.comment))
    return sorted(voices, key=lambda v: (order.get(v.level, 99), v.name or ""))


def round_summaries(round: Round) -> list[RoundSummary]:
    """The round and every earlier round of its instrument, oldest first (two queries)."""
    rounds = selectors.rounds_of_instrument_until(round)
    grouped = selectors.responses_of_rounds(rounds)
    return [
        RoundSummary(
            round=r,
            responses=grouped[r.pk],
            summaries=scoring.summarise(
                r.instrument.definition, [response.answers for response in grouped[r.pk]]
            ),
        )
        for r in rounds
    ]


def results_context(*, round: Round, organisation: Organisation) -> dict:
    history = round_summaries(round)
    current = history[-1]
    earlier = history[:-1]
    previous = earlier[-1] if earlier else None
    definition = round.instrument.definition
    verdict = scoring.verdict(definition, current.summaries)
    movements = (
        {m.key: m for m in scoring.compare(previous.summaries, current.summaries)}
        if previous
        else {}
    )
    numbers = {n for axis in definition["axes"] for n in axis.get("journey_steps", [])}
    titles = dict(StepDefinition.objects.filter(number__in=numbers).values_list("number", "title"))
    low_keys = {s.key for s in verdict.low_axes}
    labels = scoring.level_labels(definition)
    axes = [
        AxisResult(
            axis=axis,
            summary=summary,
            movement=movements.get(axis["key"]),
            is_low=axis["key"] in low_keys,
            steps=[(n, titles[n]) for n in axis.get("journey_steps", []) if n in titles],
            labels=labels,
            distribution=charts.distribution_text(definition, summary),
            voices=_voices(definition, current.responses, axis["key"], anonymous=round.anonymous),
        )
        for axis, summary in zip(definition["axes"], current.summaries, strict=True)
    ]
    asked = round.respondents.count()
    chart = charts.round_chart(
        definition,
        current.summaries,
        [(r.round.title, r.summaries) for r in reversed(earlier)],
        title=round.title,
    )
    return {
        "organisation": organisation,
        "round": round,
        "instrument": round.instrument,
        "verdict": verdict,
        "axes": axes,
        "low_axes": [a for a in axes if a.is_low],
        "disagreements": [a for a in axes if a.summary.disagreement],
        "previous": previous.round if previous else None,
        "earlier": earlier,
        "history": history,
        "labels": labels,
        "chart_svg": radar_svg(chart),
        "chart_figure": radar_plotly(chart),
        "has_comments": any(a.comments for a in axes),
        "progress": {
            "asked": asked,
            "started": len(current.responses),
            "answered": sum(1 for r in current.responses if r.submitted_at),
        },
    }
