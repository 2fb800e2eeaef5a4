"""Canvas exports: GET /o/<org>/journey/<n>/canvas.pdf (one step) and
GET /o/<org>/journey/canvases.pdf (cover, journey map and every canvas)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from journey.models import StepDefinition
from journey.selectors import journey_step
from journey.services import canvas_save
from organisations.roles import Role

# An export must open no socket; tests that care read the record.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network")]

LOCAL_SERVICE = "http://127.0.0.1:9/"


def _save(organisation, number: int, author, **content) -> None:
    canvas = journey_step(organisation, number).canvas
    canvas_save(canvas=canvas, content=content, base_version=canvas.version, author=author)


def _text(response) -> str:
    """The PDF's text with whitespace collapsed, so wrapped lines still read as one."""
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _step_url(organisation, number: int = 3) -> str:
    return reverse("journey:canvas_pdf", kwargs={"org_slug": organisation.slug, "number": number})


def _journey_url(organisation) -> str:
    return reverse("journey:pdf", kwargs={"org_slug": organisation.slug})


def test_it_exports_one_canvas_as_a_pdf_download(organisation, members, facilitator_client) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        today="Finance is wary of the cost.",
        items=[{"who": "Data office", "stance": "Keen", "approach": "Weekly demo"}],
    )

    response = facilitator_client.get(_step_url(organisation))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="acme-step-3-canvas.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = _text(response)
    assert "Stakeholder alignment" in text
    assert "Finance is wary of the cost." in text
    assert "Data office" in text
    assert "Getting off the ground" not in text


def test_it_exports_every_canvas_with_a_cover_and_the_journey_map(
    organisation, members, facilitator_client
) -> None:
    _save(organisation, 17, members[Role.MEMBER], decisions="Review the mesh every quarter.")
    step = journey_step(organisation, 1)
    step.status = "done"
    step.save(update_fields=["status"])

    response = facilitator_client.get(_journey_url(organisation))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="acme-journey-canvases.pdf"'
    text = _text(response)
    assert "Acme Health" in text
    assert "Data mesh journey: reflection canvases" in text
    assert "6% of the applicable steps done" in text
    for phase in ["1 · Find the why", "2 · Make the case", "3 · Start small", "4 · Scale and"]:
        assert f"Phase {phase}" in text
    for title in StepDefinition.objects.values_list("title", flat=True):
        assert title in text
    assert "Review the mesh every quarter." in text


def test_it_gives_every_step_its_own_page(organisation, facilitator_client) -> None:
    response = facilitator_client.get(_journey_url(organisation))

    # The cover plus at least one page per canvas.
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 18


def test_it_prints_html_in_a_canvas_as_text(organisation, members, facilitator_client) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        today="<script>alert(1)</script>",
        risks="<b>bold</b> & <i>brave</i>",
    )

    response = facilitator_client.get(_step_url(organisation))

    assert response.status_code == 200
    text = _text(response)
    assert "<script>alert(1)</script>" in text
    assert "<b>bold</b> & <i>brave</i>" in text


def test_it_fetches_no_link_saved_in_a_canvas(
    organisation, members, facilitator_client, no_network, pdf_fetches
) -> None:
    _save(
        organisation,
        3,
        members[Role.MEMBER],
        links=[{"title": "Internal", "url": LOCAL_SERVICE}],
        today=f"See {LOCAL_SERVICE}x.png",
    )

    response = facilitator_client.get(_step_url(organisation))

    assert response.status_code == 200
    assert LOCAL_SERVICE in _text(response)
    assert no_network == []
    fetched = [url for url, _ in pdf_fetches]
    assert not [url for url in fetched if "127.0.0.1" in url]
    # The stylesheet still comes from the app's static files.
    assert any(url.endswith("css/pdf.css") for url in fetched)


def test_it_returns_404_for_an_unknown_step(organisation, facilitator_client) -> None:
    assert facilitator_client.get(_step_url(organisation, 99)).status_code == 404


@pytest.mark.parametrize("which", ["one canvas", "every canvas"])
def test_it_hides_another_organisations_canvases(
    organisation, other_organisation, outsider, client_as, which
) -> None:
    url = _step_url(organisation) if which == "one canvas" else _journey_url(organisation)

    response = client_as(outsider).get(url)

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_it_exports_only_the_organisation_in_the_url(
    organisation, other_organisation, members, outsider, client_as
) -> None:
    _save(other_organisation, 3, outsider, today="Globex secret plan.")
    _save(organisation, 3, members[Role.MEMBER], today="Acme plan.")

    response = client_as(members[Role.EXECUTIVE]).get(_journey_url(organisation))

    assert response.status_code == 200
    text = _text(response)
    assert "Acme plan." in text
    assert "Globex" not in text
