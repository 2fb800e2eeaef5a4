"""The champions' section of the executive maturity report (kernel.sections, "maturity").

What an executive reads about the adoption between workshops, on about one page: where the
organisation stands on the maturity curve and why, this quarter's objectives with their
progress and what is at risk, the milestones done, late and coming, and value delivered
against investment. Registered in ChampionsConfig.ready(); None when nothing is recorded yet.
"""

from datetime import date, timedelta

from django.utils import timezone

from kernel.charts import line_svg
from organisations.models import Organisation

from . import charts, okr, selectors
from .models import Milestone, RoiMeasure

UPCOMING_DAYS = 60


def maturity_section(organisation: Organisation, *, today: date | None = None) -> dict | None:
    today = today or timezone.localdate()
    period = okr.quarter_of(today)
    overview = selectors.period_overview(organisation=organisation, period=period, today=today)
    all_milestones = list(selectors.milestones(organisation=organisation))
    measures = selectors.roi_measures(organisation=organisation)
    if not overview and not all_milestones and not measures:
        return None
    position = selectors.curve_position(
        organisation=organisation, today=today, known=(period, overview)
    )
    history = [
        (s.taken_on, s.position)
        for s in selectors.curve_history(organisation=organisation)
        if s.taken_on < today
    ]
    open_ones = [m for m in all_milestones if m.status in selectors.OPEN_MILESTONES]
    rows = [
        (m.period_end, measure.kind, m.amount)
        for measure in measures
        for m in measure.measurements.all()
    ]
    roi = charts.roi_chart(rows, measures[0].unit if measures else "") if rows else None
    benefit = sum(a for _, kind, a in rows if kind == RoiMeasure.Kind.BENEFIT)
    cost = sum(a for _, kind, a in rows if kind == RoiMeasure.Kind.COST)
    values = [o.progress for o in overview if o.progress is not None]
    return {
        "champions_period": period,
        "champions_curve": position,
        "champions_curve_svg": charts.curve_svg(position, history, key="report-curve"),
        "champions_objectives": overview,
        "champions_okr_percent": okr.percent(sum(values) / len(values)) if values else None,
        "champions_at_risk": selectors.at_risk(overview),
        "champions_milestones_done": sum(m.status == Milestone.Status.DONE for m in all_milestones),
        "champions_milestones_total": len(all_milestones),
        "champions_overdue": [m for m in open_ones if m.target_date < today],
        "champions_upcoming": [
            m for m in open_ones if today <= m.target_date <= today + timedelta(days=UPCOMING_DAYS)
        ],
        "champions_roi_svg": line_svg(roi) if roi else None,
        "champions_benefit": benefit,
        "champions_cost": cost,
        "champions_ratio": round(benefit / cost, 2) if cost else None,
        "today": today,
    }
