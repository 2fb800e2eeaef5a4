"""Facilitators' pages: the list, planning a workshop, its agenda, preparation and invitation."""

import pytest

from organisations.models import Export
from organisations.roles import Role
from tests.conftest import HTMX
from workshops.models import AgendaTemplate, Workshop
from workshops.testing import plan_workshop


def _new(**overrides) -> dict:
    return {
        "title": "Accelerate, winter",
        "format": "remote",
        "first_day": "2026-12-01",
        "session_dates": "",
        "starts_at": "13:30",
        "ends_at": "17:00",
        "time_zone": "Europe/Amsterdam",
        **overrides,
    }


@pytest.fixture
def workshop(organisation, members):
    return plan_workshop(organisation, by=members[Role.FACILITATOR])


def _agenda(workshop: Workshop) -> str:
    return f"/o/acme/workshops/{workshop.pk}/"


def test_it_lists_the_organisations_workshops_to_every_member(workshop, members, client_as):
    response = client_as(members[Role.MEMBER]).get("/o/acme/workshops/")

    assert response.status_code == 200
    assert b"Accelerate" in response.content
    assert b"Plan a workshop" not in response.content


def test_it_lays_out_the_default_agenda_over_four_afternoons(facilitator_client, organisation):
    response = facilitator_client.post("/o/acme/workshops/new/", _new())

    workshop = organisation.workshops.get()
    assert response.status_code == 302
    assert response.url == _agenda(workshop)
    assert workshop.session_dates == ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"]
    sessions = [
        list(workshop.activities.filter(session=n).values_list("key", flat=True))
        for n in (1, 2, 3, 4)
    ]
    assert sessions == [
        ["kick_off", "hopes_and_concerns", "nutshell"],
        ["readiness", "business_goals"],
        ["use_cases", "data_products"],
        ["platform_principles", "next_steps", "check_out"],
    ]
    hopes = workshop.activities.get(key="hopes_and_concerns")
    assert [z.name for z in hopes.zones.all()] == ["Hopes", "Concerns"]
    assert len(workshop.join_code) == 8
    assert workshop.checklist.count() >= 8


def test_it_lays_out_two_days_in_a_room(facilitator_client, organisation):
    facilitator_client.post(
        "/o/acme/workshops/new/",
        _new(format="in_person", starts_at="09:00", session_dates="2026-12-08, 2026-12-07"),
    )

    workshop = organisation.workshops.get()
    assert workshop.session_dates == ["2026-12-07", "2026-12-08"]
    assert list(workshop.activities.filter(session=1).values_list("key", flat=True)) == [
        "kick_off",
        "hopes_and_concerns",
        "nutshell",
        "readiness",
        "business_goals",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_at", "12:00", "must end after it starts"),
        ("time_zone", "Mars/Olympus", "time zone name"),
        ("session_dates", "2026-12-01", "give one date for each"),
        ("session_dates", "tomorrow", "is not a date"),
        ("first_day", "", "This field is required"),
    ],
)
def test_it_explains_bad_input_and_keeps_what_was_typed(
    facilitator_client, organisation, field, value, message
):
    response = facilitator_client.post("/o/acme/workshops/new/", _new(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert b"Accelerate, winter" in response.content
    assert not organisation.workshops.exists()


def test_it_refuses_planning_to_a_champion(members, client_as):
    assert client_as(members[Role.CHAMPION]).get("/o/acme/workshops/new/").status_code == 403


def test_it_hides_a_workshop_of_another_organisation(workshop, other_organisation, client_as):
    stranger = other_organisation.memberships.get().user

    assert client_as(stranger).get(f"/o/globex/workshops/{workshop.pk}/").status_code == 404


def test_it_shows_each_sessions_time_and_warns_of_an_overrun(workshop, facilitator_client):
    workshop.activities.filter(key="business_goals").update(timebox_minutes=200)

    page = facilitator_client.get(_agenda(workshop)).content.decode()

    assert "135 of 210 minutes planned" in page
    assert "260 of 210 minutes planned" in page
    assert "runs 50 minutes over" in page


def test_it_moves_an_activity_earlier_and_into_the_previous_session(workshop, facilitator_client):
    readiness = workshop.activities.get(key="readiness")
    url = f"{_agenda(workshop)}activities/{readiness.pk}/move/"

    response = facilitator_client.post(url, {"direction": "up"}, **HTMX)

    assert response.status_code == 200
    assert b'id="agenda"' in response.content
    readiness.refresh_from_db()
    assert readiness.session == 1
    assert (
        list(workshop.activities.filter(session=1).values_list("key", flat=True))[-1] == "readiness"
    )
    facilitator_client.post(url, {"direction": "up"})
    assert (
        list(workshop.activities.filter(session=1).values_list("key", flat=True))[-2] == "readiness"
    )


def test_it_edits_an_activity_and_its_columns(workshop, facilitator_client):
    kick_off = workshop.activities.get(key="kick_off")
    url = f"{_agenda(workshop)}activities/{kick_off.pk}/"

    form = facilitator_client.get(url)
    response = facilitator_client.post(
        url,
        {
            "name": "Welcome",
            "question": "Why are we here?",
            "outcome": "Shared goals",
            "steps": "Say hello\n\nWrite expectations",
            "zones": "Expectations\nWorries",
            "session": "1",
            "timebox_minutes": "20",
            "votes_per_person": "2",
            "version": kick_off.version,
        },
    )

    assert form.status_code == 200
    assert response.status_code == 302
    kick_off.refresh_from_db()
    assert kick_off.name == "Welcome"
    assert kick_off.steps == ["Say hello", "Write expectations"]
    assert [z.name for z in kick_off.zones.all()] == ["Expectations", "Worries"]
    assert kick_off.private_writing is False


def test_it_keeps_an_edit_made_on_an_old_page_and_says_so(workshop, facilitator_client):
    kick_off = workshop.activities.get(key="kick_off")
    url = f"{_agenda(workshop)}activities/{kick_off.pk}/"
    data = {
        "name": "Mine",
        "zones": "Expectations",
        "session": "1",
        "timebox_minutes": "20",
        "votes_per_person": "2",
        "version": kick_off.version,
    }
    facilitator_client.post(url, {**data, "name": "Theirs"})

    response = facilitator_client.post(url, data)

    assert response.status_code == 409
    assert b"Someone else saved this activity" in response.content
    assert b'value="Mine"' in response.content
    kick_off.refresh_from_db()
    assert kick_off.name == "Theirs"


def test_it_refuses_to_remove_a_column_that_holds_notes(workshop, facilitator_client):
    from workshops.testing import join_as_guest, start

    activity = start(workshop)
    client, _ = join_as_guest(workshop, "Kim")
    concerns = activity.zones.get(name="Concerns")
    client.post(
        f"/o/acme/workshops/{workshop.pk}/board/{activity.pk}/notes/",
        {"zone": concerns.pk, "text": "A worry"},
    )
    activity.refresh_from_db()

    response = facilitator_client.post(
        f"{_agenda(workshop)}activities/{activity.pk}/",
        {
            "name": activity.name,
            "zones": "Hopes",
            "session": "1",
            "timebox_minutes": "45",
            "votes_per_person": "3",
            "version": activity.version,
        },
    )

    assert response.status_code == 400
    assert "holds notes" in response.content.decode()
    assert activity.zones.count() == 2


def test_it_adds_an_activity_from_a_template_or_blank(workshop, facilitator_client):
    from workshops.selectors import built_in_templates

    template = built_in_templates().get(key="check_out")
    facilitator_client.post(
        f"{_agenda(workshop)}activities/", {"template": template.pk, "session": "2"}
    )
    facilitator_client.post(f"{_agenda(workshop)}activities/", {"template": "", "session": "3"})

    assert workshop.activities.filter(key="check_out", session=2).exists()
    assert workshop.activities.filter(name="New activity", session=3).exists()


def test_it_refuses_an_activity_in_a_session_the_format_does_not_have(
    organisation, members, client_as
):
    workshop = plan_workshop(organisation, by=members[Role.FACILITATOR], format="in_person")

    client_as(members[Role.FACILITATOR]).post(
        f"{_agenda(workshop)}activities/", {"template": "", "session": "4"}
    )

    assert not workshop.activities.filter(session=4).exists()


def test_it_removes_an_activity(workshop, facilitator_client):
    check_out = workshop.activities.get(key="check_out")

    response = facilitator_client.post(f"{_agenda(workshop)}activities/{check_out.pk}/remove/")

    assert response.status_code == 302
    assert not workshop.activities.filter(key="check_out").exists()


def test_it_saves_the_agenda_as_the_organisations_template_and_plans_from_it(
    workshop, facilitator_client, organisation
):
    workshop.activities.exclude(key__in=["kick_off", "check_out"]).delete()
    facilitator_client.post(f"{_agenda(workshop)}save-as-template/", {"name": "Short one"})
    template = AgendaTemplate.objects.get(organisation=organisation)

    facilitator_client.post("/o/acme/workshops/new/", _new(title="Second", agenda=str(template.pk)))

    second = organisation.workshops.get(title="Second")
    assert list(second.activities.values_list("key", flat=True)) == ["kick_off", "check_out"]


def test_it_ticks_a_checklist_item_with_who_and_when(workshop, members, facilitator_client):
    item = workshop.checklist.first()
    url = f"{_agenda(workshop)}checklist/{item.pk}/"

    response = facilitator_client.post(url, {"done": "1"}, **HTMX)

    assert response.status_code == 200
    assert f'id="check-{item.pk}"'.encode() in response.content
    item.refresh_from_db()
    assert item.done_at is not None
    assert item.done_by_name == members[Role.FACILITATOR].name
    facilitator_client.post(url, {"done": "0"})
    item.refresh_from_db()
    assert item.done_at is None


def test_it_keeps_the_audience_preparation(workshop, facilitator_client):
    url = f"{_agenda(workshop)}preparation/"

    response = facilitator_client.post(
        url,
        {
            "intro_email": "Dear all, we start on Monday.",
            "reading_links": "https://example.com/mesh",
            "one_on_ones": "Ana (new to mesh)",
            "version": workshop.version,
        },
    )
    stale = facilitator_client.post(url, {"intro_email": "Older", "version": workshop.version})

    assert response.status_code == 302
    assert stale.status_code == 409
    assert b"Older" in stale.content
    workshop.refresh_from_db()
    assert workshop.intro_email == "Dear all, we start on Monday."


def test_it_writes_an_invitation_with_the_agenda_the_link_and_a_qr_code(
    workshop, facilitator_client
):
    workshop.intro_email = "We meet to start our data mesh."
    workshop.save()

    page = facilitator_client.get(f"{_agenda(workshop)}invitation/").content.decode()

    assert "We meet to start our data mesh." in page
    assert f"http://testserver/join/{workshop.join_code}/" in page
    assert "Hopes and concerns (45 min)" in page
    assert "<svg" in page and 'aria-label="QR code of the join link"' in page
    assert "<script" not in page.split("<main", 1)[1]


def test_it_asks_for_the_agenda_pdf_in_the_background(workshop, members, client_as):
    response = client_as(members[Role.MEMBER]).post(f"{_agenda(workshop)}agenda.pdf")

    export = Export.objects.get()
    assert response.status_code == 302
    assert response.url == f"/o/acme/exports/{export.pk}/"
    assert export.kind == "workshops.agenda"
    assert export.params == {"workshop": workshop.pk}


def test_it_ends_the_workshop(workshop, facilitator_client):
    response = facilitator_client.post(f"{_agenda(workshop)}end/", {"version": workshop.version})

    workshop.refresh_from_db()
    assert response.status_code == 302
    assert workshop.status == Workshop.Status.ENDED


def test_it_changes_the_details_after_planning(workshop, facilitator_client):
    url = f"{_agenda(workshop)}settings/"

    form = facilitator_client.get(url)
    response = facilitator_client.post(
        url,
        {
            "title": "Accelerate, renamed",
            "format": "in_person",
            "session_dates": "2027-01-11\n2027-01-12\n2027-01-13\n2027-01-14",
            "starts_at": "14:00",
            "ends_at": "17:30",
            "time_zone": "Europe/London",
            "passcode": "tulip",
            "names_shown": "on",
            "version": workshop.version,
        },
    )

    assert form.status_code == 200
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Accelerate, renamed"
    assert workshop.format == "remote"
    assert workshop.session_dates[0] == "2027-01-11"
    assert (workshop.passcode, workshop.names_shown) == ("tulip", True)


def test_it_keeps_details_typed_on_an_old_page(workshop, facilitator_client):
    url = f"{_agenda(workshop)}settings/"
    data = {
        "title": "Mine",
        "session_dates": "",
        "starts_at": "13:30",
        "ends_at": "17:00",
        "time_zone": "Europe/London",
        "version": workshop.version,
    }
    facilitator_client.post(url, {**data, "title": "Theirs"})

    response = facilitator_client.post(url, data)

    assert response.status_code == 409
    assert b'value="Mine"' in response.content
    workshop.refresh_from_db()
    assert workshop.title == "Theirs"
