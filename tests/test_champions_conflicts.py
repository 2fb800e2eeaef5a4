"""A change saved meanwhile, on the milestone, objective and key-result edit forms: the 409
shows theirs beside what was typed, and its form, sent again as it is, saves mine over theirs
(normal and htmx requests)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from champions import services
from champions.models import KeyResult, KeyResultRevision, Milestone, Objective
from tests.conftest import HTMX

BOTH = pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])


@pytest.fixture
def client(champion, client_as):
    return client_as(champion)


def url(name: str, *args) -> str:
    return reverse(f"champions:{name}", args=["acme", *args])


def _form_data(body: str, action: str) -> dict[str, str]:
    """The inputs, selects and textareas of the form posting to `action`, as a browser would
    send them (no buttons)."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', body, re.DOTALL)
    assert match, f"no form posting to {action}"
    form = match.group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name and 'type="submit"' not in tag:
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = value.group(1) if value else ""
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    for name, text in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = text.strip("\n")
    return data


def _assert_conflict(response, headers, what: str) -> str:
    body = response.content.decode()
    assert response.status_code == 409
    assert ("<html" in body) is not bool(headers)
    assert f"Someone saved this {what} while you were editing" in body
    assert "Save mine over theirs" in body
    assert "Discard mine and load theirs" in body
    assert "save again to keep it" not in body
    return body


# --- milestones -------------------------------------------------------------------------------


def _milestone_data(milestone: Milestone, **changes) -> dict:
    data = {
        "title": milestone.title,
        "target_date": milestone.target_date.isoformat(),
        "status": milestone.status,
        "owner": "",
        "step": "",
        "evidence": "",
        "version": milestone.version,
        **changes,
    }
    return {f"m{milestone.pk}-{key}": value for key, value in data.items()}


@BOTH
def test_a_milestone_changed_meanwhile_shows_both_and_saves_mine_on_the_next_submit(
    headers, ids, actor, client
):
    milestone = Milestone.objects.get(pk=ids["milestone"])
    services.milestone_update(
        milestone=Milestone.objects.get(pk=milestone.pk),
        actor=actor,
        base_version=milestone.version,
        title="Their title",
        target_date=milestone.target_date,
        owner=None,
        step=None,
        status="active",
        evidence="Their evidence",
    )
    action = url("milestone_edit", milestone.pk)

    response = client.post(
        action, _milestone_data(milestone, title="My title", evidence="My evidence"), **headers
    )

    body = _assert_conflict(response, headers, "milestone")
    assert "<dd>Their title</dd>" in body and "Their evidence" in body
    assert 'value="My title"' in body and "My evidence</textarea>" in body
    assert f'name="m{milestone.pk}-version" value="2"' in body
    assert f'href="{url("milestones")}#milestone-{milestone.pk}"' in body
    assert Milestone.objects.get(pk=milestone.pk).title == "Their title"

    again = client.post(action, _form_data(body, action), **headers)

    assert again.status_code == (200 if headers else 302)
    saved = Milestone.objects.get(pk=milestone.pk)
    assert (saved.title, saved.evidence, saved.version) == ("My title", "My evidence", 3)


# --- objectives -------------------------------------------------------------------------------


def _objective_data(objective: Objective, **changes) -> dict:
    data = {
        "title": objective.title,
        "period_start": objective.period_start.isoformat(),
        "period_end": objective.period_end.isoformat(),
        "lvt_node": objective.lvt_node_id or "",
        "owner": "",
        "version": objective.version,
        **changes,
    }
    return {f"objective-{key}": value for key, value in data.items()}


def test_an_objective_changed_meanwhile_shows_both_and_saves_mine_on_the_next_submit(
    ids, actor, client
):
    """The objective's form is a plain one (no htmx): it changes the page's heading too."""
    objective = Objective.objects.get(pk=ids["objective"])
    services.objective_update(
        objective=Objective.objects.get(pk=objective.pk),
        actor=actor,
        base_version=objective.version,
        title="Their objective",
        period_start=objective.period_start,
        period_end=objective.period_end,
        lvt_node=None,
        owner=None,
    )
    action = url("objective_edit", objective.pk)

    response = client.post(action, _objective_data(objective, title="My objective"))

    body = _assert_conflict(response, {}, "objective")
    assert "<dd>Their objective</dd>" in body
    assert "<dd>Not linked to the value tree</dd>" in body
    assert 'value="My objective"' in body
    assert 'name="objective-version" value="2"' in body
    assert f'href="{url("objective", objective.pk)}"' in body
    assert Objective.objects.get(pk=objective.pk).title == "Their objective"

    again = client.post(action, _form_data(body, action))

    assert again.status_code == 302
    saved = Objective.objects.get(pk=objective.pk)
    assert (saved.title, saved.lvt_node_id, saved.version) == (
        "My objective",
        ids["bet"],
        3,
    )


# --- key results ------------------------------------------------------------------------------


def _key_result_data(key_result: KeyResult, **changes) -> dict:
    data = {
        "title": key_result.title,
        "unit": key_result.unit,
        "baseline": str(key_result.baseline),
        "target": str(key_result.target),
        "direction": key_result.direction,
        "weight": key_result.weight,
        "version": key_result.version,
        **changes,
    }
    return {f"edit{key_result.pk}-{key}": value for key, value in data.items()}


@BOTH
def test_a_key_result_changed_meanwhile_shows_both_and_saves_mine_on_the_next_submit(
    headers, ids, actor, client
):
    key_result = KeyResult.objects.get(pk=ids["key_result"])
    services.key_result_update(
        key_result=KeyResult.objects.get(pk=key_result.pk),
        actor=actor,
        base_version=key_result.version,
        title="Their key result",
        unit="wards",
        baseline=Decimal(0),
        target=Decimal(12),
        direction="increase",
        weight=2,
    )
    action = url("key_result_edit", key_result.pk)

    response = client.post(
        action, _key_result_data(key_result, title="My key result", target="20"), **headers
    )

    body = _assert_conflict(response, headers, "key result")
    assert "<dd>Their key result</dd>" in body and "<dd>12</dd>" in body
    assert 'value="My key result"' in body and 'value="20"' in body
    assert f'name="edit{key_result.pk}-version" value="2"' in body
    assert f'href="{url("objective", ids["objective"])}#kr-{key_result.pk}"' in body
    assert KeyResultRevision.objects.count() == 1

    again = client.post(action, _form_data(body, action), **headers)

    assert again.status_code == (200 if headers else 302)
    saved = KeyResult.objects.get(pk=key_result.pk)
    assert (saved.title, saved.target, saved.weight, saved.version) == (
        "My key result",
        Decimal(20),
        1,
        3,
    )
    assert KeyResultRevision.objects.count() == 2


# --- value tree nodes -------------------------------------------------------------------------


@BOTH
def test_a_stale_node_save_keeps_mine_on_their_version_and_saves_again(ids, client, headers):
    from champions.models import LvtNode

    bet = LvtNode.objects.get(pk=ids["bet"])
    stale = bet.version
    services.lvt_node_update(
        node=bet,
        actor=None,
        base_version=stale,
        title="Their bet",
        measures=bet.measures,
        status=bet.status,
        parent=bet.parent,
    )
    mine = {
        f"node{bet.pk}-{key}": value
        for key, value in {
            "title": "My bet",
            "measures": "Mine",
            "status": bet.status,
            "parent": bet.parent_id,
            "version": stale,
        }.items()
    }

    response = client.post(url("tree_edit", bet.pk), mine, **headers)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved this node meanwhile, as “Their bet”" in body
    again = _form_data(body, url("tree_edit", bet.pk))
    assert again[f"node{bet.pk}-title"] == "My bet"
    assert again[f"node{bet.pk}-version"] == str(stale + 1)
    saved = client.post(url("tree_edit", bet.pk), again, **headers)
    assert saved.status_code in (200, 302)
    bet.refresh_from_db()
    assert (bet.title, bet.version) == ("My bet", stale + 2)
