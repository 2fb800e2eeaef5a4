"""The executive maturity report: GET /o/<org>/assessments/report/ (what it will say) and
POST /o/<org>/assessments/report.pdf (made in the background through the export path).

The real PDF is rendered once here, for the demo organisation; the permission matrix only
checks who may ask for it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from assessments import report
from assessments.models import Round
from organisations.exports import export_run
from organisations.models import Export, Organisation
from organisations.roles import Role
from tests.conftest import HTMX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]


@pytest.fixture
def demo() -> Organisation:
    call_command("load_demo", verbosity=0)
    return Organisation.objects.get(slug="acme")


def _page(organisation) -> str:
    return reverse("assessments:report", kwargs={"org_slug": organisation.slug})


def _pdf(organisation) -> str:
    return reverse("assessments:report_pdf", kwargs={"org_slug": organisation.slug})


def _images(reader: PdfReader) -> int:
    count = 0
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        count += sum(1 for obj in xobjects.values() if obj.get_object().get("/Subtype") == "/Image")
    return count


def test_it_speaks_of_the_latest_closed_round_against_the_one_before(demo):
    context = report.report_context(demo)

    closed = Round.objects.filter(organisation=demo, status=Round.Status.CLOSED)
    assert context["round"] == closed.order_by("-created").first()
    assert context["previous"] == closed.order_by("created").first()
    assert context["verdict"].headline
    assert context["next_steps"]
    assert len(context["sections"]) == 2  # the journey's and the champions'


def test_it_reports_an_organisation_without_any_answers(organisation):
    context = report.report_context(organisation)

    assert context["round"] is None
    assert "Journey progress" in context["sections"][0]


def test_it_renders_the_report_with_vector_charts_and_the_verdict(demo, pdf_fetches):
    context = report.report_context(demo)

    pdf = PdfReader(io.BytesIO(report.render_pdf(report.TEMPLATE, context)))

    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert " ".join(context["verdict"].headline.split()) in text
    assert "Journey progress" in text
    assert "Open risks and assumptions" in text
    # The spider graph is drawn, not pasted: its axis labels are text, and there is no image.
    assert "Executive support" in text
    assert _images(pdf) == 0
    assert all(outcome == "served" for _url, outcome in pdf_fetches)


def test_it_shows_what_the_report_will_say(demo, client_as):
    client = client_as(demo.memberships.get(role=Role.EXECUTIVE).user)

    response = client.get(_page(demo))

    assert response.status_code == 200
    assert response.context["verdict"].headline in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_it_says_so_when_no_round_has_answers(organisation, members, client_as):
    response = client_as(members[Role.CHAMPION]).get(_page(organisation))

    assert response.status_code == 200
    assert "No readiness round has answers yet" in response.content.decode()


def test_it_keeps_the_report_from_outsiders(organisation, outsider, client_as):
    client = client_as(outsider)

    assert client.get(_page(organisation)).status_code == 404
    assert client.post(_pdf(organisation)).status_code == 404


def test_it_makes_the_pdf_in_the_background_for_the_person_who_asked(demo, client_as):
    executive = demo.memberships.get(role=Role.EXECUTIVE).user
    client = client_as(executive)

    response = client.post(_pdf(demo))

    export = Export.objects.get()
    assert (export.kind, export.requested_by, export.status) == (
        report.KIND,
        executive,
        Export.Status.QUEUED,
    )
    assert response.status_code == 302
    assert response.url == reverse(
        "exports:detail", kwargs={"org_slug": "acme", "export_id": export.pk}
    )
    assert export_run.call(export.pk) == "ready"
    export.refresh_from_db()
    assert bytes(export.content).startswith(b"%PDF")


def test_it_sends_an_htmx_request_for_the_pdf_to_the_progress_page(demo, client_as):
    client = client_as(demo.memberships.get(role=Role.OWNER).user)

    response = client.post(_pdf(demo), **HTMX)

    assert response["HX-Redirect"].startswith("/o/acme/exports/")
