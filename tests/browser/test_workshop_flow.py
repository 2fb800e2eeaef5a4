"""A workshop board from start to outcomes: a facilitator plans a workshop and starts an
activity; three people join by code in their own browsers and write notes that appear on each
other's pages without a reload; they vote while the votes are hidden; the facilitator shows the
votes, groups notes, exports the board as CSV and PDF and promotes a note into a canvas."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import Page, expect

from organisations.models import Organisation, User
from workshops import broadcast, services
from workshops.models import Activity, Note, Workshop
from workshops.testing import ensure_templates, plan_workshop, start

from .conftest import assert_accessible, login

PASSWORD = "demo-password-2026"
PEOPLE = {
    "Ann Archer": "Answers in days, not months",
    "Bea Brook": "Teams own their data",
    "Cem Cole": "Fewer copies of patient data",
}
EXPORT_TIMEOUT_MS = 60_000
LIVE_TIMEOUT_MS = 8_000


@pytest.fixture(autouse=True)
def _short_streams(settings):
    # A stream notices a closed tab only when it next writes: keep that soon, so no stream
    # outlives the test and reads a database that is gone.
    settings.LIVE_KEEPALIVE_SECONDS = 1
    settings.LIVE_STREAM_MAX_SECONDS = 60


@pytest.fixture
def demo(transactional_db):
    # Live-server tests flush the database, activity templates included: load them again.
    ensure_templates()
    call_command("load_demo", verbosity=0)


def _phase(page: Page, label: str) -> None:
    page.get_by_label("Phase", exact=True).select_option(label=label)
    page.get_by_role("button", name="Change phase").click()
    expect(page.locator(".phasebar__phase--current")).to_have_text(re.compile(label))


def _started(title: str):
    """A workshop the demo facilitator planned, its first activity started: (workshop, it)."""
    workshop = plan_workshop(
        Organisation.objects.get(slug="acme"),
        by=User.objects.get(email="facilitator@acme.example"),
        title=title,
    )
    return workshop, start(workshop)


def _note(page: Page, text: str):
    return page.locator("#board .note", has_text=text)


CONSOLE_ERRORS: list[str] = []


@pytest.fixture(autouse=True)
def _no_console_errors_yet():
    CONSOLE_ERRORS.clear()


def _join(new_context, code: str, name: str) -> Page:
    guest = new_context().new_page()
    guest.on("console", lambda m: CONSOLE_ERRORS.append(m.text) if m.type == "error" else None)
    guest.goto("/join/")
    guest.get_by_label("Workshop code").fill(code.lower())
    guest.get_by_role("button", name="Continue").click()
    guest.get_by_label("Your name").fill(name)
    guest.get_by_role("button", name="Join").click()
    expect(guest.get_by_text(f"Taking part as {name}")).to_be_visible()
    expect(guest.get_by_role("heading", name="Hopes and concerns")).to_be_visible()
    # The board's scripts are deferred: a shortcut key pressed before they ran does nothing.
    guest.wait_for_load_state("load")
    return guest


def test_it_runs_a_board_from_first_note_to_the_journey(demo, page, new_context, export_worker):
    login(page, "facilitator@acme.example", PASSWORD)
    page.goto("/o/acme/workshops/")
    page.get_by_role("link", name="Plan a workshop").click()
    page.get_by_label("Title").fill("Browser workshop")
    page.get_by_label("First session").fill("2026-12-01")
    page.get_by_role("button", name="Plan the workshop").click()
    expect(page.get_by_role("heading", name="Browser workshop")).to_be_visible()
    code = Workshop.objects.get(title="Browser workshop").join_code

    page.get_by_role("button", name="Start Hopes and concerns").click()
    expect(page.get_by_role("heading", name="Hopes and concerns")).to_be_visible()
    _phase(page, "Reveal")

    guests = {name: _join(new_context, code, name) for name in PEOPLE}
    for name, text in PEOPLE.items():
        guest = guests[name]
        guest.get_by_label("New note in Hopes").fill(text)
        guest.locator(".zone").first.get_by_role("button", name="Add note").click()
        expect(guest.get_by_label("New note in Hopes")).to_have_value("")
    # Every note reached every page, and the facilitator's, without a reload.
    for guest in [*guests.values(), page]:
        for text in PEOPLE.values():
            expect(_note(guest, text)).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    assert_accessible(guests["Ann Archer"])
    # Each note came twice to its author (their own request and the stream): htmx found
    # every target, nothing was shown twice.
    assert CONSOLE_ERRORS == []

    _phase(page, "Vote")
    ann, bea = guests["Ann Archer"], guests["Bea Brook"]
    expect(ann.get_by_text("Votes stay hidden until the facilitator shows them.")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    target = PEOPLE["Cem Cole"]
    for voter in (ann, bea):
        _note(voter, target).get_by_role("button", name="Vote for this note").click()
        expect(_note(voter, target).get_by_text("You voted.")).to_be_visible()
    # Hidden: the facilitator sees the count, the people voting do not.
    expect(_note(page, target).locator(".note__total")).to_have_text(
        "2 votes", timeout=LIVE_TIMEOUT_MS
    )
    expect(_note(guests["Cem Cole"], target).locator(".note__total")).to_have_text("")
    expect(ann.get_by_text("You have 2 votes left.")).to_be_visible()

    page.get_by_role("button", name="Show votes").click()
    for guest in guests.values():
        expect(_note(guest, target).locator(".note__total")).to_have_text(
            "2 votes", timeout=LIVE_TIMEOUT_MS
        )

    _phase(page, "Group")
    first = _note(page, PEOPLE["Ann Archer"])
    first.locator("summary").click()
    first.get_by_label("or a new group").fill("Speed")
    first.get_by_role("button", name="Group").click()
    expect(_note(page, PEOPLE["Ann Archer"]).get_by_text("Group: Speed")).to_be_visible()
    second = _note(page, PEOPLE["Cem Cole"])
    # A new group reaches every note's group menu on every page; wait for it here.
    expect(second.locator("option", has_text="Speed")).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(_note(bea, PEOPLE["Cem Cole"]).locator("option", has_text="Speed")).to_have_count(
        1, timeout=LIVE_TIMEOUT_MS
    )
    second.locator("summary").click()
    second.get_by_label("Group", exact=True).select_option(label="Speed")
    second.get_by_role("button", name="Group").click()
    expect(_note(page, PEOPLE["Cem Cole"]).get_by_text("Group: Speed")).to_be_visible()
    expect(_note(bea, PEOPLE["Cem Cole"]).get_by_text("Group: Speed")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    expect(bea.locator("#clusters")).to_contain_text("Speed 2 notes")
    assert_accessible(page)

    # Renamed by the facilitator (a plain form, sent with the page's token), on every page.
    page.locator("#clusters summary", has_text="Rename").click()
    page.get_by_label("New name for Speed").fill("Quick answers")
    page.get_by_label("New name for Speed").press("Enter")
    expect(_note(bea, PEOPLE["Cem Cole"]).get_by_text("Group: Quick answers")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    expect(
        _note(bea, PEOPLE["Ann Archer"]).locator("option", has_text="Quick answers")
    ).to_have_count(1)
    expect(page.locator("#clusters")).to_contain_text("Quick answers 2 notes")

    # Promote a note into the journey: the note says where it went, the canvas has it.
    promoted = _note(page, PEOPLE["Bea Brook"])
    promoted.locator("summary").click()
    promoted.get_by_label("Add to the journey: step").select_option(index=2)
    promoted.get_by_label("as", exact=True).select_option(label="a risk")
    promoted.get_by_role("button", name="Add to canvas").click()
    expect(
        _note(page, PEOPLE["Bea Brook"]).get_by_text(re.compile(r"In the journey: step 3"))
    ).to_be_visible()

    board_url = page.url
    page.get_by_role("button", name="Export CSV").click()
    download_link = page.get_by_role("link", name="Download the file")
    expect(download_link).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    with page.expect_download() as download_info:
        download_link.click()
    csv_text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Note,Column,Group,Votes" in csv_text
    assert f"{PEOPLE['Cem Cole']},Hopes,Quick answers,2" in csv_text

    page.goto(board_url)
    page.get_by_role("button", name="Export PDF").click()
    download_link = page.get_by_role("link", name="Download the file")
    expect(download_link).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    with page.expect_download() as download_info:
        download_link.click()
    assert Path(download_info.value.path()).read_bytes()[:5] == b"%PDF-"

    page.goto("/o/acme/journey/3/")
    expect(page.get_by_text(PEOPLE["Bea Brook"], exact=False)).to_be_visible()


def test_it_works_without_javascript_by_reloading(demo, new_context):
    workshop, _ = _started("Plain")
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/join/{workshop.join_code}/")
    page.get_by_label("Your name").fill("Dee Dale")
    page.get_by_role("button", name="Join").click()

    page.get_by_label("New note in Hopes").fill("Works on a plain form")
    page.locator(".zone").first.get_by_role("button", name="Add note").click()

    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(_note(page, "Works on a plain form")).to_be_visible()


def test_it_adds_moves_votes_and_groups_from_the_keyboard(demo, new_context):
    workshop, activity = _started("Keys")
    page = _join(new_context, workshop.join_code, "Kim Keys")
    expect(page.locator("#board")).to_have_attribute("aria-describedby", "board-keys-text")

    page.keyboard.press("n")
    expect(page.get_by_label("New note in Hopes")).to_be_focused()
    page.keyboard.type("Typed, never clicked")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(_note(page, "Typed, never clicked")).to_be_visible()
    expect(page.get_by_label("New note in Hopes")).to_be_focused()

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("j")
    expect(_note(page, "Typed, never clicked")).to_be_focused()
    page.keyboard.press("m")
    expect(page.get_by_label("Move to")).to_be_focused()
    page.keyboard.press("ArrowDown")

    # A live copy of the note (someone else's change, or the late echo of one's own) replaces
    # it while its menu is in use: the menu, the choice and the focus stay where they were.
    note = Note.objects.get(text="Typed, never clicked")
    concerns = activity.zones.get(name="Concerns")
    page.evaluate("id => { window.noteBefore = document.getElementById(id); }", f"note-{note.pk}")
    with transaction.atomic():
        broadcast.note_changed(note, activity)
    page.wait_for_function(
        "id => document.getElementById(id) !== window.noteBefore",
        arg=f"note-{note.pk}",
        timeout=LIVE_TIMEOUT_MS,
    )
    expect(page.get_by_label("Move to")).to_be_focused()
    expect(page.get_by_label("Move to")).to_have_value(str(concerns.pk))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#zone-notes-{concerns.pk} .note")).to_have_count(1)

    def phase(name: str) -> None:
        activity.refresh_from_db()
        services.phase_set(activity=activity, phase=name, base_version=activity.version)
        expect(page.locator(".phasebar__phase--current")).to_have_text(
            re.compile(name, re.IGNORECASE), timeout=LIVE_TIMEOUT_MS
        )

    phase("vote")
    # The phase change brings every page its board again; wait for that board (it has the
    # vote buttons) so the keys below act on the notes that stay.
    expect(_note(page, "Typed, never clicked").locator("[data-note-vote]")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    page.keyboard.press("j")
    page.keyboard.press("v")
    expect(_note(page, "Typed, never clicked").get_by_text("You voted.")).to_be_visible()
    expect(_note(page, "Typed, never clicked")).to_be_focused()

    phase("group")
    page.keyboard.press("j")
    page.keyboard.press("g")
    expect(page.get_by_label("Group", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("Pace")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(_note(page, "Typed, never clicked").get_by_text("Group: Pace")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )


def test_it_keeps_what_a_participant_types_when_the_note_changes_under_them(demo, new_context):
    workshop, _ = _started("Clash")
    page = _join(new_context, workshop.join_code, "Cal Clash")
    page.get_by_label("New note in Hopes").fill("First words")
    page.locator(".zone").first.get_by_role("button", name="Add note").click()
    mine = _note(page, "First words")
    expect(mine).to_be_visible()

    mine.locator("summary").click()
    page.get_by_label("Text", exact=True).fill("My better words")
    # The facilitator tidies the same note meanwhile; its live copy replaces it on this page.
    note = Note.objects.get(text="First words")
    with transaction.atomic():
        services.note_edit(
            note=note,
            base_version=note.version,
            text="Their tidier words",
            colour=note.colour,
            participant=None,
            is_facilitator=True,
        )
    expect(page.locator("#board .note__text", has_text="Their tidier words")).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    # The open menu and what was typed in it survived the live copy.
    expect(page.get_by_label("Text", exact=True)).to_have_value("My better words")

    page.get_by_role("button", name="Save", exact=True).click()
    # Saving over the facilitator's change is refused, with both texts on the page.
    expect(page.locator("#board-notice")).to_contain_text(
        "Someone changed this note a moment ago; it now reads “Their tidier words”"
    )
    note.refresh_from_db()
    assert note.text == "Their tidier words"
    # Their words are on the note, the person's own still in the open edit box.
    expect(page.get_by_label("Text", exact=True)).to_have_value("My better words")
    assert_accessible(page)

    # Sent again, knowingly, it replaces theirs.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#board .note__text", has_text="My better words")).to_be_visible()
    note.refresh_from_db()
    assert note.text == "My better words"


def test_a_new_note_being_typed_survives_the_board_coming_again(demo, new_context):
    workshop, activity = _started("Again")
    page = _join(new_context, workshop.join_code, "Tess Typer")
    page.keyboard.press("n")
    page.keyboard.type("Half a thought")

    # A phase change, a reveal or a new group makes every page fetch its board again.
    page.evaluate("() => { window.boardBefore = document.getElementById('board'); }")
    with transaction.atomic():
        broadcast.board_reset(activity)
    page.wait_for_function(
        "() => document.getElementById('board') !== window.boardBefore", timeout=LIVE_TIMEOUT_MS
    )

    box = page.get_by_label("New note in Hopes")
    expect(box).to_have_value("Half a thought")
    expect(box).to_be_focused()


def test_it_counts_the_timer_down_in_the_page(demo, new_context):
    workshop, activity = _started("Clock")
    page = _join(new_context, workshop.join_code, "Tim Timer")

    services.timer_set(activity=activity, minutes=2)

    clock = page.locator("[data-timer-clock]")
    # Sent once as an end time; the page counts the seconds itself.
    expect(clock).to_have_text(re.compile(r"^1:5\d$"), timeout=LIVE_TIMEOUT_MS)
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=3_000)
    assert CONSOLE_ERRORS == []


def test_a_facilitators_unsent_phase_choice_survives_the_board_coming_again(demo, page):
    workshop, activity = _started("Choose")
    login(page, "facilitator@acme.example", PASSWORD)
    page.goto(f"/o/acme/workshops/{workshop.pk}/board/{activity.pk}/")
    page.get_by_label("Phase", exact=True).select_option(label="Group")

    def board_comes_again(change) -> None:
        page.evaluate("() => { window.barBefore = document.getElementById('phasebar'); }")
        with transaction.atomic():
            change()
        page.wait_for_function(
            "() => document.getElementById('phasebar') !== window.barBefore",
            timeout=LIVE_TIMEOUT_MS,
        )

    # Showing the votes (from another tab) brings the board again: the choice stays, and
    # sending it changes the phase.
    board_comes_again(lambda: services.votes_reveal(activity=activity))
    expect(page.get_by_label("Phase", exact=True)).to_have_value("group")
    page.get_by_role("button", name="Change phase").click()
    expect(page.locator(".phasebar__phase--current")).to_have_text("Group")
    expect(page.get_by_label("Phase", exact=True)).to_have_value("group")

    # Another facilitator moves the board on before this one sends their next choice: the
    # choice stays, and sending it is refused rather than undoing theirs.
    page.get_by_label("Phase", exact=True).select_option(label="Discuss")
    activity = Activity.objects.get(pk=activity.pk)
    board_comes_again(
        lambda: services.phase_set(activity=activity, phase="vote", base_version=activity.version)
    )
    expect(page.locator(".phasebar__phase--current")).to_have_text("Vote")
    expect(page.get_by_label("Phase", exact=True)).to_have_value("discuss")
    page.get_by_role("button", name="Change phase").click()
    expect(page.locator("#board-notice")).to_contain_text("Another facilitator changed")
    assert Activity.objects.get(pk=activity.pk).phase == "vote"
    assert_accessible(page)


def test_an_open_note_menu_survives_the_board_pushed_for_a_new_phase(demo, new_context):
    workshop, activity = _started("Pushed")
    page = _join(new_context, workshop.join_code, "Mo Menu")
    page.get_by_label("New note in Hopes").fill("Before the reveal")
    page.locator(".zone").first.get_by_role("button", name="Add note").click()
    mine = _note(page, "Before the reveal")
    mine.locator("summary").click()
    page.get_by_label("Text", exact=True).fill("Half rewritten")

    # Everyone's board comes first (where this note is anyone's, without its menu), then
    # this person's own copy of it: the menu, the words and the focus end up on that copy.
    page.evaluate("() => { window.zonesBefore = document.getElementById('board-zones'); }")
    with transaction.atomic():
        services.phase_set(activity=activity, phase="reveal", base_version=activity.version)
    page.wait_for_function(
        "() => document.getElementById('board-zones') !== window.zonesBefore",
        timeout=LIVE_TIMEOUT_MS,
    )
    expect(page.locator(".phasebar__phase--current")).to_have_text("Reveal")
    expect(page.get_by_label("Text", exact=True)).to_have_value("Half rewritten")
    expect(page.get_by_label("Text", exact=True)).to_be_focused()
    expect(page.locator("#board-notice")).to_contain_text("now in the reveal phase")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#board .note__text", has_text="Half rewritten")).to_be_visible()
    assert CONSOLE_ERRORS == []
