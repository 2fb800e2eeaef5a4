"""Roles and what each may do: the single source of docs/permissions.md.

Pure data, no database: views ask `can(role, action)` through the access layer.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    FACILITATOR = "facilitator", "Facilitator"
    CHAMPION = "champion", "Champion"
    EXECUTIVE = "executive", "Executive"
    MEMBER = "member", "Member"


# A guest is not a member: someone taking part through a narrow grant bound to one target
# (a respondent's personal link, later a workshop code). What a grant may carry depends on its
# kind (GUEST_KIND_ACTIONS below).
GUEST = "guest"


class GuestKind(models.TextChoices):
    """What a guest grant is for; each kind names the one kind of object its target is."""

    ASSESSMENT_RESPONDENT = "assessment_respondent", "Assessment respondent"
    WORKSHOP_PARTICIPANT = "workshop_participant", "Workshop participant"


class Action(StrEnum):
    ORGANISATION_VIEW = "organisation.view"
    ORGANISATION_EDIT = "organisation.edit"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    JOURNEY_VIEW = "journey.view"
    JOURNEY_PLAN = "journey.plan"
    CANVAS_EDIT = "canvas.edit"
    CANVAS_EXPORT = "canvas.export"
    EXPORTS_VIEW = "exports.view"
    ASSESSMENT_RESPOND = "assessment.respond"
    ASSESSMENT_VIEW = "assessment.view"
    ASSESSMENT_MANAGE = "assessment.manage"
    REPORT_VIEW = "report.view"
    CHAMPIONS_VIEW = "champions.view"
    CHAMPIONS_EDIT = "champions.edit"
    WORKSHOP_VIEW = "workshop.view"
    WORKSHOP_RUN = "workshop.run"
    BOARD_CONTRIBUTE = "board.contribute"


_EVERY_ROLE = frozenset(Role.values)
_PLANNERS = frozenset({Role.OWNER, Role.FACILITATOR, Role.CHAMPION})

PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.ORGANISATION_VIEW: _EVERY_ROLE,
    Action.ORGANISATION_EDIT: frozenset({Role.OWNER}),
    Action.MEMBERS_VIEW: _EVERY_ROLE,
    Action.MEMBERS_MANAGE: frozenset({Role.OWNER}),
    Action.JOURNEY_VIEW: _EVERY_ROLE,
    Action.JOURNEY_PLAN: _PLANNERS,
    Action.CANVAS_EDIT: _PLANNERS | {Role.MEMBER},
    Action.CANVAS_EXPORT: _EVERY_ROLE,
    # Everyone may follow the exports they asked for; the views show nobody anyone else's.
    Action.EXPORTS_VIEW: _EVERY_ROLE,
    # Answering is open to every role, but only for the respondent row that is the member's
    # own; the view checks that. Anyone else answers through a personal link (a grant).
    Action.ASSESSMENT_RESPOND: _EVERY_ROLE,
    Action.ASSESSMENT_VIEW: _EVERY_ROLE,
    Action.ASSESSMENT_MANAGE: _PLANNERS,
    # The maturity report only gathers what every role can already read (journey, results).
    Action.REPORT_VIEW: _EVERY_ROLE,
    Action.CHAMPIONS_VIEW: _EVERY_ROLE,
    # Executives read the champions' tools to see whether the adoption moves; they change nothing.
    Action.CHAMPIONS_EDIT: _PLANNERS,
    Action.WORKSHOP_VIEW: _EVERY_ROLE,
    Action.WORKSHOP_RUN: frozenset({Role.OWNER, Role.FACILITATOR}),
    # Executives stay read-only across the organisation: they watch any board, and write on
    # one only after joining that workshop with its code, which gives them a grant for it
    # alone. The facilitator who hands out the code decides; no other board opens to them.
    Action.BOARD_CONTRIBUTE: _PLANNERS | {Role.MEMBER},
}

# The only actions a grant of each kind may ever carry; a grant narrows this further. A
# respondent's link can never carry a workshop action, whatever is stored on the grant.
GUEST_KIND_ACTIONS: dict[str, frozenset[Action]] = {
    GuestKind.ASSESSMENT_RESPONDENT: frozenset({Action.ASSESSMENT_RESPOND}),
    # A participant sees their workshop's boards and writes on them, nothing else.
    GuestKind.WORKSHOP_PARTICIPANT: frozenset({Action.WORKSHOP_VIEW, Action.BOARD_CONTRIBUTE}),
}
GUEST_ACTIONS: frozenset[Action] = frozenset().union(*GUEST_KIND_ACTIONS.values())

# What a guest whose grant expired or was revoked is told, per kind: (title, explanation).
GUEST_ENDED_MESSAGES: dict[str, tuple[str, str]] = {
    GuestKind.ASSESSMENT_RESPONDENT: (
        "This link is no longer valid",
        "The survey it opened has been closed, or the link was withdrawn. If you still want "
        "to answer, ask the person who sent it for a new link.",
    ),
    GuestKind.WORKSHOP_PARTICIPANT: (
        "This workshop has ended",
        "Its boards are closed, so there is nothing more to add. The facilitator will share "
        "what came out of it. Thank you for taking part.",
    ),
}

ROLE_DESCRIPTIONS = {
    Role.OWNER: "Runs the organisation's account: members, invitations and settings.",
    Role.FACILITATOR: "Plans the journey and runs workshops.",
    Role.CHAMPION: "Drives the adoption: steps, milestones and objectives.",
    Role.EXECUTIVE: "Reads progress and reports; changes nothing.",
    Role.MEMBER: "Contributes to reflection canvases.",
}


def can(role: str, action: Action) -> bool:
    """Whether a member with `role` may do `action`. Guests are decided by their grant."""
    return role in PERMISSIONS[action]


def kind_allows(kind: str, action: Action) -> bool:
    return action in GUEST_KIND_ACTIONS.get(kind, frozenset())
