"""Fixtures for the champions' tests, registered once in tests/conftest.py: a champion of
Acme, the actor they are there, and a small set of champions' objects (their ids by name)."""

import pytest

from champions.testing import champions_world
from organisations.roles import Role
from tests.conftest import member_actor


@pytest.fixture
def champion(members):
    return members[Role.CHAMPION]


@pytest.fixture
def actor(champion, organisation):
    return member_actor(champion, organisation)


@pytest.fixture
def ids(actor) -> dict[str, int]:
    return champions_world(actor)
