"""The workshop's rules as plain functions over plain data: no database, tested without one.

Agenda layout and timing, join codes, what each phase allows, vote allowances, and how a CSV
cell is made safe to open in a spreadsheet.
"""

import secrets
from dataclasses import dataclass
from datetime import date, time, timedelta

REMOTE = "remote"
IN_PERSON = "in_person"
SESSIONS = {REMOTE: 4, IN_PERSON: 2}
SESSION_NAMES = {REMOTE: "Afternoon", IN_PERSON: "Day"}
DEFAULT_TIMES = {REMOTE: (time(13, 30), time(17, 0)), IN_PERSON: (time(9, 0), time(17, 0))}

# Codes are read aloud and typed from a slide: no 0/O, 1/I/L, 5/S or 2/Z to confuse. 28
# symbols to the power of 8 is about 3.8e11 codes; with joins throttled per address and per
# code, guessing one is hopeless.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8

WRITE, REVEAL, GROUP, VOTE, DISCUSS = "write", "reveal", "group", "vote", "discuss"
PHASES = (WRITE, REVEAL, GROUP, VOTE, DISCUSS)
PHASE_HELP = {
    WRITE: "Write your notes.",
    REVEAL: "Everyone's notes are on the board: read them.",
    GROUP: "Move notes that belong together into the same group.",
    VOTE: "Vote for the notes that matter most.",
    DISCUSS: "Talk the board through. The board no longer changes.",
}


# --- agenda ---------------------------------------------------------------------------------


def session_count(format: str) -> int:
    return SESSIONS[format]


def session_name(format: str, number: int) -> str:
    return f"{SESSION_NAMES[format]} {number}"


def session_for(format: str, remote_session: int) -> int:
    """The session an activity planned for remote afternoon `remote_session` falls in: in a
    room, day 1 holds afternoons 1 and 2, day 2 afternoons 3 and 4."""
    if format == IN_PERSON:
        return min(2, (remote_session + 1) // 2)
    return min(4, max(1, remote_session))


def default_dates(format: str, first: date) -> list[date]:
    """One date per session, on consecutive weekdays from `first`."""
    dates: list[date] = []
    day = first
    while len(dates) < session_count(format):
        if day.weekday() < 5:
            dates.append(day)
        day += timedelta(days=1)
    return dates


def minutes_between(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


@dataclass(frozen=True)
class SessionTiming:
    number: int
    planned: int
    available: int

    @property
    def overrun(self) -> int:
        return max(0, self.planned - self.available)

    @property
    def spare(self) -> int:
        return max(0, self.available - self.planned)


def agenda_timing(
    *, format: str, timeboxes: list[tuple[int, int]], start: time, end: time
) -> list[SessionTiming]:
    """Planned minutes against the time each session has; `timeboxes` is (session, minutes)."""
    available = max(0, minutes_between(start, end))
    planned = dict.fromkeys(range(1, session_count(format) + 1), 0)
    for session, minutes in timeboxes:
        planned[session] = planned.get(session, 0) + minutes
    return [SessionTiming(n, planned[n], available) for n in sorted(planned)]


# --- join codes ------------------------------------------------------------------------------


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What someone typed or spoke, as stored: spaces and dashes dropped, capitals."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def display_code(code: str) -> str:
    """Two groups of four, easier to read out: "ABCD-EFGH"."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# --- what a phase allows -----------------------------------------------------------------------

ADD, EDIT, DELETE, MOVE, COLOUR, GROUP_NOTES, VOTE_NOTES = (
    "add",
    "edit",
    "delete",
    "move",
    "colour",
    "group",
    "vote",
)

# What a participant may do in each phase: to their own notes, or to anyone's.
_OWN = {
    WRITE: {ADD, EDIT, DELETE, MOVE, COLOUR},
    REVEAL: {ADD, EDIT, DELETE, MOVE, COLOUR},
    GROUP: {MOVE, GROUP_NOTES},
    VOTE: {VOTE_NOTES},
    DISCUSS: set(),
}
_ANYONES = {GROUP: {MOVE, GROUP_NOTES}, VOTE: {VOTE_NOTES}}


def refusal(
    action: str,
    *,
    phase: str,
    workshop_status: str,
    is_facilitator: bool,
    is_author: bool = True,
) -> str:
    """Why `action` is not allowed now, in words for the person trying; "" when it is."""
    if workshop_status == "ended":
        return "This workshop has ended: its boards no longer change."
    if is_facilitator:
        # Facilitators tidy the board in any phase; votes are cast only while voting is open.
        if action == VOTE_NOTES and phase != VOTE:
            return "Voting is not open on this board."
        return ""
    if workshop_status != "live":
        return "This workshop has not started yet. The facilitator opens the boards."
    allowed = _OWN[phase] if is_author else _ANYONES.get(phase, set())
    if action in allowed:
        return ""
    if action == VOTE_NOTES:
        return "Voting is not open on this board."
    if not is_author and action in _OWN[phase]:
        return "You can change only your own notes."
    return f"The board is in the “{phase}” phase: {PHASE_HELP[phase]}"


def note_visible(
    *, private_writing: bool, phase: str, is_author: bool, is_facilitator: bool
) -> bool:
    """Whether a note's text is shown to a viewer (others see only how many there are)."""
    return not (private_writing and phase == WRITE) or is_author or is_facilitator


# --- votes -------------------------------------------------------------------------------------


def vote_refusal(*, allowance: int, used: int, on_this_note: int, several_per_note: bool) -> str:
    """Why one more vote cannot be cast; "" when it can."""
    if allowance == 0:
        return "This board takes no votes."
    if used >= allowance:
        return (
            f"You have used all {allowance} of your votes. Take one back to vote for another note."
        )
    if on_this_note and not several_per_note:
        return "You already voted for this note; on this board each note takes one vote from you."
    return ""


# --- CSV ---------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
