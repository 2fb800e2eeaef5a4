"""The workshop's rules as plain functions: no database."""

from datetime import date, time

import pytest

from workshops import rules


def test_it_puts_the_remote_afternoons_into_two_days_in_a_room():
    assert [rules.session_for("in_person", n) for n in (1, 2, 3, 4)] == [1, 1, 2, 2]
    assert [rules.session_for("remote", n) for n in (1, 2, 3, 4)] == [1, 2, 3, 4]


def test_it_names_sessions_by_format():
    assert rules.session_name("remote", 3) == "Afternoon 3"
    assert rules.session_name("in_person", 2) == "Day 2"


def test_it_plans_sessions_on_working_days():
    friday = date(2026, 11, 27)

    assert rules.default_dates("remote", friday) == [
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2026, 12, 2),
    ]
    assert rules.default_dates("in_person", friday) == [date(2026, 11, 27), date(2026, 11, 30)]


def test_it_warns_when_a_session_runs_over():
    timing = rules.agenda_timing(
        format="remote",
        timeboxes=[(1, 120), (1, 100), (2, 60)],
        start=time(13, 30),
        end=time(17, 0),
    )

    assert [(s.number, s.planned, s.available) for s in timing] == [
        (1, 220, 210),
        (2, 60, 210),
        (3, 0, 210),
        (4, 0, 210),
    ]
    assert timing[0].overrun == 10
    assert timing[1].overrun == 0
    assert timing[1].spare == 150


def test_it_makes_codes_that_read_aloud_without_confusion():
    codes = {rules.new_join_code() for _ in range(200)}

    assert len(codes) == 200
    for code in codes:
        assert len(code) == rules.CODE_LENGTH
        assert not set(code) & set("0O1IL5S2Z")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("abcd-efgh", "ABCDEFGH"), (" ab cd ef gh ", "ABCDEFGH"), ("ABCD\u2013EFGH", "ABCDEFGH")],
)
def test_it_reads_a_code_however_it_was_typed(typed, stored):
    assert rules.normalise_code(typed) == stored


def test_it_shows_a_code_in_two_groups():
    assert rules.display_code("ABCDEFGH") == "ABCD-EFGH"


@pytest.mark.parametrize(
    ("action", "phase", "is_author", "allowed"),
    [
        ("add", "write", True, True),
        ("edit", "write", True, True),
        ("edit", "write", False, False),
        ("delete", "reveal", True, True),
        ("add", "group", True, False),
        ("move", "group", False, True),
        ("group", "group", False, True),
        ("group", "write", True, False),
        ("vote", "vote", False, True),
        ("vote", "write", False, False),
        ("edit", "vote", True, False),
        ("add", "discuss", True, False),
    ],
)
def test_it_allows_participants_what_the_phase_allows(action, phase, is_author, allowed):
    message = rules.refusal(
        action, phase=phase, workshop_status="live", is_facilitator=False, is_author=is_author
    )

    assert (message == "") is allowed


def test_it_lets_a_facilitator_tidy_any_note_in_any_phase_but_vote_only_while_voting():
    def refusal(action, phase):
        return rules.refusal(
            action, phase=phase, workshop_status="live", is_facilitator=True, is_author=False
        )

    assert refusal("edit", "discuss") == ""
    assert refusal("delete", "vote") == ""
    assert refusal("vote", "write") == "Voting is not open on this board."


def test_it_refuses_everything_on_an_ended_workshop_even_to_a_facilitator():
    for action in ("add", "edit", "vote"):
        message = rules.refusal(action, phase="write", workshop_status="ended", is_facilitator=True)
        assert "ended" in message


def test_it_keeps_participants_off_a_board_before_the_workshop_starts():
    message = rules.refusal("add", phase="write", workshop_status="scheduled", is_facilitator=False)

    assert "not started" in message


def test_it_says_why_a_change_to_someone_elses_note_is_refused():
    message = rules.refusal(
        "edit", phase="write", workshop_status="live", is_facilitator=False, is_author=False
    )

    assert message == "You can change only your own notes."


def test_it_keeps_notes_private_while_writing_only_when_asked():
    def visible(private, phase, author=False, facilitator=False):
        return rules.note_visible(
            private_writing=private, phase=phase, is_author=author, is_facilitator=facilitator
        )

    assert not visible(True, "write")
    assert visible(True, "write", author=True)
    assert visible(True, "write", facilitator=True)
    assert visible(True, "reveal")
    assert visible(False, "write")


@pytest.mark.parametrize(
    ("allowance", "used", "on_note", "several", "refused"),
    [
        (3, 0, 0, False, False),
        (3, 2, 0, False, False),
        (3, 3, 0, True, True),
        (3, 1, 1, False, True),
        (3, 1, 1, True, False),
        (0, 0, 0, True, True),
    ],
)
def test_it_counts_votes_against_the_allowance(allowance, used, on_note, several, refused):
    message = rules.vote_refusal(
        allowance=allowance, used=used, on_this_note=on_note, several_per_note=several
    )

    assert bool(message) is refused


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain = fine", "plain = fine"),
        (3, "3"),
        (None, ""),
    ],
)
def test_it_escapes_cells_a_spreadsheet_would_run(value, cell):
    assert rules.csv_cell(value) == cell
