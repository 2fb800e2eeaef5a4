"""Every URL outside /o/<org_slug>/ is accounted for, and the guest entry points among them
(personal links, workshop codes) refuse every bad token the same careful way.

tests/test_permissions.py covers the organisation URLs. Here each other route is put in one
class, and a meta-test fails when a route is added without one. Guest entry points get a
factory that makes a real token for them (valid, revoked, expired) from the feature they open.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from assessments.models import Instrument, Respondent
from assessments.services import round_close, round_open
from organisations.access import SESSION_GRANTS, Actor
from organisations.models import GuestGrant, Organisation
from organisations.services import guest_grant_revoke

ORG_PREFIX = "o/<slug:org_slug>/"

# Routes anyone may open, signed in or not (the landing page, sign-in, health checks, ...).
PUBLIC = {
    "home",
    "healthz",
    "readyz",
    "signup",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "guest_ended",
}
# Routes for signed-in people that belong to no organisation yet (or to several).
SIGNED_IN = {"logout", "organisation_list", "organisation_new"}
# Routes that open something with a secret in the URL: tested in their own modules
# (tests/test_invitations.py, the workshop's join tests) or below (guest entry points).
TOKEN = {"invitation_accept", "workshop_join", "workshop_join_code"}


@dataclass
class Entry:
    """A guest entry point: how to make a token for it, and how to spoil one."""

    url: Callable[[str], str]
    issue: Callable[[Organisation], tuple[str, GuestGrant, Callable[[], None]]]


def _respondent_link(organisation: Organisation) -> tuple[str, GuestGrant, Callable[[], None]]:
    owner = organisation.memberships.get().user
    actor = Actor(organisation=organisation, membership=organisation.memberships.get())
    round, tokens = round_open(
        organisation=organisation,
        instrument=Instrument.objects.get(slug="readiness"),
        title="Readiness, spring",
        closes_on=None,
        anonymous=False,
        actor=actor,
        members=[owner],
        outsiders=[],
    )
    respondent, token = next(iter(tokens.items()))

    def close() -> None:
        round_close(round=round, base_version=round.version)

    return token, Respondent.objects.get(pk=respondent.pk).grant, close


GUEST_ENTRIES: dict[str, Entry] = {
    "assessment_link": Entry(url=lambda token: f"/a/{token}/", issue=_respondent_link),
}


def _outside_routes() -> dict[str, str]:
    routes: dict[str, str] = {}

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and not route.startswith(ORG_PREFIX):
                assert pattern.name, f"{route} has no name"
                routes[":".join([*namespaces, pattern.name])] = route

    walk(get_resolver().url_patterns, "", [])
    return routes


def test_it_accounts_for_every_url_outside_organisations():
    routes = set(_outside_routes())

    assert routes == PUBLIC | SIGNED_IN | TOKEN | set(GUEST_ENTRIES)


def test_it_puts_each_url_in_one_class_only():
    classes = [PUBLIC, SIGNED_IN, TOKEN, set(GUEST_ENTRIES)]

    assert sum(len(c) for c in classes) == len(set().union(*classes))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNED_IN - {"logout"}))
def test_it_sends_anonymous_visitors_of_signed_in_pages_to_sign_in(name, client):
    response = client.get("/" + _outside_routes()[name])

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- guest entry points -------------------------------------------------------------------------


@pytest.fixture(params=sorted(GUEST_ENTRIES))
def entry(request) -> Entry:
    return GUEST_ENTRIES[request.param]


def _grants_held(client: Client) -> list[int]:
    return client.session.get(SESSION_GRANTS, [])


@pytest.mark.django_db
def test_it_opens_a_valid_token_into_the_organisation_and_remembers_the_grant(entry, organisation):
    token, grant, _spoil = entry.issue(organisation)
    client = Client()

    response = client.get(entry.url(token))

    assert response.status_code == 302
    assert response.url.startswith(f"/o/{organisation.slug}/")
    assert _grants_held(client) == [grant.pk]
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["forged", "A" * 32, "%00", "x" * 400])
def test_it_refuses_a_token_it_never_issued(entry, organisation, token):
    entry.issue(organisation)
    grants = GuestGrant.objects.count()
    client = Client()

    response = client.get(entry.url(token))

    assert response.status_code == 404
    assert GuestGrant.objects.count() == grants
    assert _grants_held(client) == []


@pytest.mark.django_db
@pytest.mark.parametrize("spoil", ["revoked", "expired", "ended"])
def test_it_refuses_a_token_that_no_longer_opens_anything(entry, organisation, spoil):
    token, grant, end_target = entry.issue(organisation)
    if spoil == "revoked":
        guest_grant_revoke(grant=grant)
    elif spoil == "expired":
        GuestGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(1))
    else:
        end_target()
    client = Client()

    response = client.get(entry.url(token))

    assert response.status_code == 410
    assert _grants_held(client) == []
    assert b"Sign in" not in response.content


@pytest.mark.django_db
def test_it_throttles_a_flood_of_wrong_tokens(entry, organisation):
    entry.issue(organisation)
    client = Client()
    statuses = [client.get(entry.url(f"guess-{n}")).status_code for n in range(40)]

    assert statuses[0] == 404
    assert statuses[-1] == 429
    assert set(statuses) == {404, 429}


@pytest.mark.django_db
def test_it_keeps_a_grant_of_one_organisation_out_of_another(
    entry, organisation, other_organisation
):
    token, _grant, _spoil = entry.issue(organisation)
    client = Client()
    landing = client.get(entry.url(token)).url

    response = client.get(landing.replace(f"/o/{organisation.slug}/", "/o/globex/", 1))

    assert response.status_code == 404
