"""Helpers for tests of the assessment pages: a round opened the way a manager opens one, and
a browser-like client that followed a respondent's personal link."""

import json
from pathlib import Path

from django.test import Client
from django.urls import reverse

from organisations.access import Actor
from organisations.models import Membership, Organisation, User

from .models import Instrument, Respondent, Round
from .services import Outsider, round_open

FROZEN_READINESS = Path(__file__).parent / "migrations" / "0002_readiness_v1.json"


def readiness() -> Instrument:
    """The readiness instrument, loading the migration's frozen copy again if a live-server test
    flushed the table."""
    definition = json.loads(FROZEN_READINESS.read_text(encoding="utf-8"))
    instrument, _ = Instrument.objects.get_or_create(
        slug=definition["slug"],
        version=definition["version"],
        defaults={"name": definition["name"], "definition": definition},
    )
    return instrument


def manager_actor(user: User, organisation: Organisation) -> Actor:
    membership = Membership.objects.select_related("user", "organisation").get(
        user=user, organisation=organisation
    )
    return Actor(organisation=organisation, membership=membership)


def open_round(
    organisation: Organisation,
    *,
    by: User,
    members: list[User] = (),
    outsiders: list[tuple[str, str]] = (),
    title: str = "Spring check",
    anonymous: bool = False,
    closes_on=None,
) -> tuple[Round, dict[str, str]]:
    """A round and the token of each respondent's link, keyed by the respondent's name."""
    round, tokens = round_open(
        organisation=organisation,
        instrument=readiness(),
        title=title,
        closes_on=closes_on,
        anonymous=anonymous,
        actor=manager_actor(by, organisation),
        members=list(members),
        outsiders=[Outsider(name=name, email=email) for name, email in outsiders],
    )
    return round, {respondent.name: token for respondent, token in tokens.items()}


def link_path(token: str) -> str:
    return reverse("assessment_link", kwargs={"token": token})


def answer_path(respondent: Respondent, axis: str | None = None) -> str:
    kwargs = {"org_slug": respondent.round.organisation.slug, "respondent_id": respondent.pk}
    if axis:
        return reverse("assessments:answer_axis", kwargs={**kwargs, "axis": axis})
    return reverse("assessments:answer", kwargs=kwargs)


def guest_client(token: str) -> Client:
    """A client without an account that opened the personal link `token`."""
    client = Client()
    response = client.get(link_path(token))
    assert response.status_code == 302, response.status_code
    return client


def axis_post(axis: str, level: str, *, base: int = 0, comment: str = "") -> dict[str, str]:
    return {f"{axis}-level": level, f"{axis}-comment": comment, f"{axis}-base": str(base)}
