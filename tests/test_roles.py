"""organisations.roles.can: pure data, no database."""

import pytest

from organisations.roles import GUEST, PERMISSIONS, ROLE_DESCRIPTIONS, Action, Role, can


def test_it_lets_only_owners_manage_members_and_settings():
    assert can(Role.OWNER, Action.MEMBERS_MANAGE)
    assert can(Role.OWNER, Action.ORGANISATION_EDIT)
    for role in Role.values:
        if role != Role.OWNER:
            assert not can(role, Action.MEMBERS_MANAGE), role
            assert not can(role, Action.ORGANISATION_EDIT), role


def test_it_keeps_executives_read_only():
    assert can(Role.EXECUTIVE, Action.JOURNEY_VIEW)
    assert can(Role.EXECUTIVE, Action.CANVAS_EXPORT)
    assert not can(Role.EXECUTIVE, Action.CANVAS_EDIT)
    assert not can(Role.EXECUTIVE, Action.JOURNEY_PLAN)


def test_it_lets_members_edit_canvases_but_not_plan():
    assert can(Role.MEMBER, Action.CANVAS_EDIT)
    assert not can(Role.MEMBER, Action.JOURNEY_PLAN)


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.CHAMPION])
def test_it_lets_facilitators_and_champions_plan_and_edit(role):
    assert can(role, Action.JOURNEY_PLAN)
    assert can(role, Action.CANVAS_EDIT)
    assert not can(role, Action.MEMBERS_MANAGE)


@pytest.mark.parametrize("action", list(Action))
def test_it_lets_every_role_view_and_guests_nothing(action):
    assert not can(GUEST, action)
    if action.value.endswith(".view"):
        assert all(can(role, action) for role in Role.values)


def test_it_refuses_an_unknown_role():
    assert not any(can("admin", action) for action in Action)


def test_it_has_a_rule_for_every_action_and_a_description_for_every_role():
    assert set(PERMISSIONS) == set(Action)
    assert set(ROLE_DESCRIPTIONS) == set(Role)
    assert all(allowed <= set(Role.values) for allowed in PERMISSIONS.values())
