"""The champions' section of the executive maturity report: its data and its PDF page."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from assessments import report
from champions import services
from champions.models import KeyResult, Milestone
from champions.report import maturity_section
from champions.testing import champions_world
from organisations.roles import Role
from tests.conftest import member_actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]


@pytest.fixture
def recorded(organisation, members):
    actor = member_actor(members[Role.CHAMPION], organisation)
    ids = champions_world(actor)
    services.check_in_add(
        key_result=KeyResult.objects.get(pk=ids["key_result"]),
        actor=actor,
        value=Decimal(1),
        confidence=2,
    )
    services.milestone_create(
        organisation=organisation,
        actor=actor,
        title="Catalogue chosen",
        target_date=timezone.localdate() - timedelta(days=3),
    )
    services.milestone_create(
        organisation=organisation,
        actor=actor,
        title="Benefits signed off",
        target_date=timezone.localdate() - timedelta(days=20),
        status=Milestone.Status.DONE,
        evidence="Minutes of the steering meeting.",
    )
    measure = services.roi_measure_add(
        organisation=organisation, actor=actor, name="Team", kind="cost", unit="EUR"
    )
    services.roi_measurement_record(
        measure=measure, actor=actor, period_end=timezone.localdate(), amount=Decimal(500)
    )
    return organisation


def test_it_has_nothing_to_say_before_anything_is_recorded(organisation):
    assert maturity_section(organisation) is None


def test_it_gives_objectives_risks_milestones_and_the_curve(recorded):
    section = maturity_section(recorded)

    assert [o.objective.title for o in section["champions_objectives"]] == ["Wards own their data"]
    assert section["champions_okr_percent"] == 10
    [(_objective, key_result)] = section["champions_at_risk"]
    assert key_result.key_result.title == "Wards publishing"
    assert "confidence is 2 out of 10" in key_result.risk.reasons[0]
    assert (section["champions_milestones_done"], section["champions_milestones_total"]) == (1, 3)
    assert [m.title for m in section["champions_overdue"]] == ["Catalogue chosen"]
    assert [m.title for m in section["champions_upcoming"]] == ["First ward live"]
    assert section["champions_curve"].phase == "explore"
    assert section["champions_cost"] == 500 and section["champions_ratio"] == 0


def test_it_puts_the_section_into_the_maturity_report_pdf(recorded, pdf_fetches):
    context = report.report_context(recorded)

    pdf = PdfReader(io.BytesIO(report.render_pdf(report.TEMPLATE, context)))

    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert "Adoption: curve, objectives and milestones" in text
    assert "Wards own their data" in text and "at risk" in text
    assert "Late: Catalogue chosen" in text
    assert "Data as a product" in text  # the curve's reasons, per principle
    assert "Journey progress" in text  # the journey's section is still there, before ours
    assert text.index("Journey progress") < text.index("Adoption: curve")
    assert all(outcome == "served" for _url, outcome in pdf_fetches)
