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


# A guest is not a member: someone taking part through a narrow grant (a workshop code, an
# assessment link). A guest may only do what both this table and their own grant allow.
GUEST = "guest"


class Action(StrEnum):
    ORGANISATION_VIEW = "organisation.view"
    ORGANISATION_EDIT = "organisation.edit"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    JOURNEY_VIEW = "journey.view"
    JOURNEY_PLAN = "journey.plan"
    CANVAS_EDIT = "canvas.edit"
    CANVAS_EXPORT = "canvas.export"


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
}

# Actions a guest grant may ever carry; the grant itself narrows this further.
GUEST_ACTIONS: frozenset[Action] = frozenset()

ROLE_DESCRIPTIONS = {
    Role.OWNER: "Runs the organisation's account: members, invitations and settings.",
    Role.FACILITATOR: "Plans the journey and runs workshops.",
    Role.CHAMPION: "Drives the adoption: steps, milestones and objectives.",
    Role.EXECUTIVE: "Reads progress and reports; changes nothing.",
    Role.MEMBER: "Contributes to reflection canvases.",
}


def can(role: str, action: Action) -> bool:
    if role == GUEST:
        return action in GUEST_ACTIONS
    return role in PERMISSIONS[action]
