"""Members, roles, the organisation switcher, new organisations and organisation settings."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from organisations.models import Membership, Organisation
from organisations.roles import Role

from .conftest import add_member, make_user

LAST_OWNER = "An organisation needs at least one owner."


def _membership(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


def _role_url(membership: Membership, org_slug: str = "acme") -> str:
    return f"/o/{org_slug}/members/{membership.pk}/role/"


def _remove_url(membership: Membership, org_slug: str = "acme") -> str:
    return f"/o/{org_slug}/members/{membership.pk}/remove/"


# --- the members page --------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_it_lists_every_member_to_every_role(role, members, client_as):
    response = client_as(members[role]).get("/o/acme/members/")

    assertContains(response, "5 members.")
    for user in members.values():
        assertContains(response, user.email)


def test_it_shows_management_forms_to_owners_only(organisation, members, client_as, owner):
    member = _membership(members[Role.MEMBER], organisation)

    owners_page = client_as(owner).get("/o/acme/members/")
    members_page = client_as(members[Role.FACILITATOR]).get("/o/acme/members/")

    assertContains(owners_page, f'action="{_role_url(member)}"')
    assertContains(owners_page, 'action="/o/acme/invitations/"')
    assertNotContains(members_page, f'action="{_role_url(member)}"')
    assertNotContains(members_page, 'action="/o/acme/invitations/"')


# --- changing roles ----------------------------------------------------------------------------


def test_it_changes_a_role(organisation, members, client_as, owner):
    membership = _membership(members[Role.MEMBER], organisation)

    response = client_as(owner).post(_role_url(membership), {"role": "facilitator"}, follow=True)

    assert response.redirect_chain == [("/o/acme/members/", 302)]
    assertContains(response, "is now Facilitator.")
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR


def test_it_refuses_to_demote_the_last_owner(organisation, client_as, owner):
    membership = _membership(owner, organisation)

    response = client_as(owner).post(_role_url(membership), {"role": "member"}, follow=True)

    assertContains(response, LAST_OWNER)
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_it_lets_an_owner_step_down_when_another_owner_remains(organisation, client_as, owner):
    add_member(organisation, Role.OWNER)
    membership = _membership(owner, organisation)

    response = client_as(owner).post(_role_url(membership), {"role": "member"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_it_refuses_an_unknown_role(organisation, members, client_as, owner):
    membership = _membership(members[Role.MEMBER], organisation)

    response = client_as(owner).post(_role_url(membership), {"role": "admin"}, follow=True)

    assertContains(response, "Choose one of the listed roles.")
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_it_refuses_role_changes_by_non_owners(organisation, members, client_as):
    membership = _membership(members[Role.MEMBER], organisation)

    response = client_as(members[Role.CHAMPION]).post(_role_url(membership), {"role": "owner"})

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_it_cannot_reach_another_organisations_membership(client_as, owner, other_organisation):
    theirs = other_organisation.memberships.get()
    client = client_as(owner)

    assert client.post(_role_url(theirs), {"role": "member"}).status_code == 404
    assert client.post(_remove_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == Role.OWNER


# --- removing members --------------------------------------------------------------------------


def test_it_removes_a_member(organisation, members, client_as, owner):
    membership = _membership(members[Role.EXECUTIVE], organisation)

    response = client_as(owner).post(_remove_url(membership), follow=True)

    assertContains(response, "was removed.")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_it_refuses_to_remove_the_last_owner(organisation, client_as, owner):
    membership = _membership(owner, organisation)

    response = client_as(owner).post(_remove_url(membership), follow=True)

    assertContains(response, LAST_OWNER)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_it_refuses_removal_by_non_owners(organisation, members, client_as):
    membership = _membership(members[Role.MEMBER], organisation)

    response = client_as(members[Role.FACILITATOR]).post(_remove_url(membership))

    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- several organisations ---------------------------------------------------------------------


@pytest.fixture
def in_two(owner, other_organisation):
    """The acme owner, also a member of globex."""
    add_member(other_organisation, Role.MEMBER, user=owner)
    return owner


def test_it_offers_every_organisation_in_the_switcher(in_two, client_as):
    response = client_as(in_two).get("/o/acme/journey/")

    assertContains(response, 'href="/o/acme/journey/" aria-current="true"')
    assertContains(response, 'href="/o/globex/journey/"')
    assertContains(response, "Globex")


def test_it_lists_a_users_organisations(in_two, client_as):
    response = client_as(in_two).get("/orgs/")

    assertContains(response, '<a href="/o/acme/journey/">Acme Health</a>')
    assertContains(response, '<a href="/o/globex/journey/">Globex</a>')


def test_it_sends_anonymous_visitors_to_sign_in_for_the_list(client, db):
    response = client.get("/orgs/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/orgs/"


def test_it_creates_another_organisation_owned_by_its_creator(client_as, owner):
    client = client_as(owner)
    assert client.get("/orgs/new/").status_code == 200

    response = client.post("/orgs/new/", {"name": "Initech"})

    organisation = Organisation.objects.get(name="Initech")
    assert response.status_code == 302
    assert response.url == f"/o/{organisation.slug}/members/"
    assert list(organisation.memberships.values_list("user", "role")) == [(owner.pk, "owner")]


def test_it_refuses_a_new_organisation_without_a_name(client_as, owner):
    response = client_as(owner).post("/orgs/new/", {"name": ""})

    assert response.status_code == 400
    assert Organisation.objects.count() == 1


def test_it_gives_a_new_organisation_a_free_slug(client_as, db):
    user = make_user()
    client = client_as(user)

    client.post("/orgs/new/", {"name": "Acme Health"})
    client.post("/orgs/new/", {"name": "Acme Health"})

    slugs = set(Organisation.objects.values_list("slug", flat=True))
    assert slugs == {"acme-health", "acme-health-2"}


# --- settings ----------------------------------------------------------------------------------


def test_it_renames_the_organisation(organisation, client_as, owner):
    client = client_as(owner)
    assertContains(client.get("/o/acme/settings/"), 'value="Acme Health"')

    response = client.post("/o/acme/settings/", {"name": "Acme Care"}, follow=True)

    assert response.redirect_chain == [("/o/acme/settings/", 302)]
    assertContains(response, "Saved.")
    organisation.refresh_from_db()
    assert organisation.name == "Acme Care"
    assert organisation.slug == "acme"


def test_it_refuses_an_empty_name(organisation, client_as, owner):
    response = client_as(owner).post("/o/acme/settings/", {"name": "  "})

    assertContains(response, "This field is required.", status_code=400)
    organisation.refresh_from_db()
    assert organisation.name == "Acme Health"


def test_it_refuses_renaming_by_non_owners(organisation, members, client_as):
    response = client_as(members[Role.MEMBER]).post("/o/acme/settings/", {"name": "Mine now"})

    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Acme Health"
