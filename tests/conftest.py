"""Shared fixtures: an organisation with one member in every role, and an outsider."""

import itertools

import pytest
from django.core.cache import cache
from django.test import Client

from organisations.access import Actor
from organisations.models import Membership, Organisation, User
from organisations.roles import Role
from organisations.services import organisation_create

# The PDF fixtures (no_network, pdf_fetches) live beside kernel.pdf, shared by every app;
# export_worker (a real task worker in a thread, for browser tests) beside the exports.
pytest_plugins = ["kernel.testing", "organisations.testing", "tests.champions_fixtures"]

PASSWORD = "correct-horse-battery-42"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters live in the cache: one test's attempts must not lock out the next."""
    yield
    cache.clear()


_emails = itertools.count(1)


def make_user(name: str = "", email: str = "") -> User:
    n = next(_emails)
    return User.objects.create_user(
        email=email or f"person{n}@example.com", name=name or f"Person {n}", password=PASSWORD
    )


def member_actor(user: User, organisation: Organisation) -> Actor:
    """The actor a signed-in member is in their organisation, for calling services directly."""
    membership = Membership.objects.select_related("user", "organisation").get(
        user=user, organisation=organisation
    )
    return Actor(organisation=organisation, membership=membership)


def make_organisation(name: str = "Acme Health", slug: str = "", owner: User | None = None):
    return organisation_create(name=name, owner=owner or make_user(), slug=slug)


def add_member(organisation: Organisation, role: str, user: User | None = None) -> User:
    user = user or make_user(name=f"{role.title()} Person")
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


@pytest.fixture
def organisation(db) -> Organisation:
    return make_organisation(name="Acme Health", slug="acme")


@pytest.fixture
def other_organisation(db) -> Organisation:
    return make_organisation(name="Globex", slug="globex")


@pytest.fixture
def owner(organisation) -> User:
    return organisation.memberships.get(role=Role.OWNER).user


@pytest.fixture
def members(organisation, owner) -> dict[str, User]:
    """One user per role in `organisation`, keyed by role value."""
    users = {Role.OWNER.value: owner}
    for role in Role.values:
        if role != Role.OWNER:
            users[role] = add_member(organisation, role)
    return users


@pytest.fixture
def outsider(other_organisation) -> User:
    """Signed up, but a member of another organisation only."""
    return other_organisation.memberships.get().user


@pytest.fixture
def client_as():
    """client_as(user) -> a test client signed in as that user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def facilitator_client(members, client_as) -> Client:
    return client_as(members[Role.FACILITATOR])


HTMX = {"HTTP_HX_REQUEST": "true"}
