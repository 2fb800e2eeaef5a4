"""Invitations: owners invite by email or link; the single-use link makes a member."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from organisations.models import Invitation, Membership, Organisation, User
from organisations.roles import Role
from organisations.services import invitation_create, invitation_from_token, invitation_token

from .conftest import PASSWORD, make_user

INVITE_URL = "/o/acme/invitations/"
TOKEN_IN_LINK = re.compile(r"http://testserver/invite/([^/\s\"]+)/")


def _invitation(organisation: Organisation, email: str = "", role: str = Role.CHAMPION):
    creator = organisation.memberships.get(role=Role.OWNER).user
    return invitation_create(organisation=organisation, role=role, email=email, created_by=creator)


def _accept_url(invitation: Invitation) -> str:
    return reverse("invitation_accept", args=[invitation_token(invitation)])


def _signup(**overrides) -> dict:
    return {"name": "Nia New", "email": "nia@example.com", "password": PASSWORD, **overrides}


# --- creating ----------------------------------------------------------------------------------


def test_it_emails_an_invitation_with_its_link(client_as, owner):
    response = client_as(owner).post(INVITE_URL, {"email": "Nia@Example.com", "role": "champion"})

    assert response.status_code == 302
    assert response.url == "/o/acme/members/"
    invitation = Invitation.objects.get()
    assert invitation.email == "nia@example.com"
    assert invitation.role == Role.CHAMPION
    assert invitation.created_by == owner
    assert invitation.is_pending
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nia@example.com"]
    token = TOKEN_IN_LINK.search(mail.outbox[0].body).group(1)
    assert invitation_from_token(token) == invitation


def test_it_shows_an_invitation_link_on_the_members_page(client_as, owner):
    client = client_as(owner)

    response = client.post(INVITE_URL, {"email": "", "role": "executive"}, follow=True)

    assertContains(response, "Invitation link created.")
    assert mail.outbox == []
    invitation = Invitation.objects.get()
    assert invitation.email == ""
    token = TOKEN_IN_LINK.search(response.content.decode()).group(1)
    assert invitation_from_token(token) == invitation
    assertContains(client.get(f"/invite/{token}/"), "Join Acme Health")


def test_it_refuses_to_invite_an_existing_member(client_as, members):
    response = client_as(members[Role.OWNER]).post(
        INVITE_URL, {"email": members[Role.MEMBER].email.upper(), "role": "member"}
    )

    assertContains(response, "This person is already a member.", status_code=400)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_it_refuses_a_malformed_email_and_keeps_what_was_typed(client_as, owner):
    response = client_as(owner).post(INVITE_URL, {"email": "nia@", "role": "champion"})

    assertContains(response, "Enter a valid email address.", status_code=400)
    assertContains(response, 'value="nia@"', status_code=400)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_it_hides_expired_invitations_from_the_members_page(client_as, owner, organisation):
    invitation_create(
        organisation=organisation, role="member", email="old@example.com", created_by=owner
    )
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client_as(owner).get("/o/acme/members/")

    assertNotContains(response, "old@example.com")


def test_it_refuses_an_unknown_role(client_as, owner):
    response = client_as(owner).post(INVITE_URL, {"email": "nia@example.com", "role": "admin"})

    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_it_refuses_invitations_from_non_owners(client_as, members):
    response = client_as(members[Role.FACILITATOR]).post(
        INVITE_URL, {"email": "nia@example.com", "role": "owner"}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_only_creates_invitations_on_post(client_as, owner):
    assert client_as(owner).get(INVITE_URL).status_code == 405


# --- accepting ---------------------------------------------------------------------------------


def test_it_offers_a_signed_out_visitor_an_account(client, organisation):
    invitation = _invitation(organisation, email="nia@example.com")

    response = client.get(_accept_url(invitation))

    assertContains(response, "Join Acme Health")
    assertContains(response, 'name="password"')
    assertContains(response, 'value="nia@example.com"')
    assertNotContains(response, 'name="organisation_name"')


def test_it_creates_the_account_and_membership_on_accept(client, organisation):
    invitation = _invitation(organisation, email="nia@example.com", role=Role.CHAMPION)

    response = client.post(_accept_url(invitation), _signup())

    assert response.status_code == 302
    assert response.url == "/o/acme/journey/"
    user = User.objects.get(email="nia@example.com")
    assert Membership.objects.get(user=user).organisation == organisation
    assert Membership.objects.get(user=user).role == Role.CHAMPION
    assert client.session[SESSION_KEY] == str(user.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert not Organisation.objects.exclude(pk=organisation.pk).exists()


def test_it_refuses_a_new_account_for_another_email(client, organisation):
    invitation = _invitation(organisation, email="nia@example.com")

    response = client.post(_accept_url(invitation), _signup(email="someone@example.com"))

    assertContains(response, "This invitation is for nia@example.com.", status_code=400)
    assert not User.objects.filter(email="someone@example.com").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_it_lets_a_signed_in_invitee_accept(client_as, organisation):
    invitee = make_user(email="nia@example.com")
    invitation = _invitation(organisation, email="nia@example.com", role=Role.EXECUTIVE)
    client = client_as(invitee)
    assertContains(client.get(_accept_url(invitation)), "Accept and join")

    response = client.post(_accept_url(invitation))

    assert response.status_code == 302
    assert response.url == "/o/acme/journey/"
    assert Membership.objects.get(user=invitee, organisation=organisation).role == Role.EXECUTIVE


def test_it_refuses_an_email_invitation_to_another_account(client_as, organisation):
    someone_else = make_user(email="someone@example.com")
    invitation = _invitation(organisation, email="nia@example.com")

    response = client_as(someone_else).post(_accept_url(invitation))

    assertContains(response, "This invitation is for nia@example.com.", status_code=400)
    assert not Membership.objects.filter(user=someone_else, organisation=organisation).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_it_keeps_the_role_of_someone_already_a_member(client_as, organisation, members):
    invitation = _invitation(organisation, role=Role.OWNER)

    response = client_as(members[Role.MEMBER]).post(_accept_url(invitation))

    assert response.status_code == 302
    membership = Membership.objects.get(user=members[Role.MEMBER], organisation=organisation)
    assert membership.role == Role.MEMBER


# --- links that no longer work -----------------------------------------------------------------


def test_it_refuses_a_used_invitation(client, client_as, organisation):
    invitation = _invitation(organisation)
    url = _accept_url(invitation)
    assert client_as(make_user()).post(url).status_code == 302

    response = client.post(url, _signup())

    assertContains(response, "It has already been used.", status_code=410)
    assert not User.objects.filter(email="nia@example.com").exists()


def test_it_refuses_an_expired_invitation(client, organisation):
    invitation = _invitation(organisation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = client.post(_accept_url(invitation), _signup())

    assertContains(response, "It has expired.", status_code=410)
    assert not User.objects.filter(email="nia@example.com").exists()


def test_it_refuses_a_withdrawn_invitation(client, client_as, organisation, owner):
    invitation = _invitation(organisation)
    url = _accept_url(invitation)

    withdrawn = client_as(owner).post(f"/o/acme/invitations/{invitation.pk}/withdraw/")

    assert withdrawn.status_code == 302
    assertContains(client.get(url), "It was withdrawn by the organisation.", status_code=410)
    assert client.post(url, _signup()).status_code == 410
    assert not User.objects.filter(email="nia@example.com").exists()


@pytest.mark.parametrize("tamper", ["payload", "signature"])
def test_it_refuses_a_tampered_token(client, organisation, tamper):
    invitation = _invitation(organisation)
    payload, timestamp, signature = invitation_token(invitation).rsplit(":", 2)
    if tamper == "payload":
        payload = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    else:
        signature = signature[:-1] + ("A" if signature[-1] != "A" else "B")

    response = client.post(f"/invite/{payload}:{timestamp}:{signature}/", _signup())

    assertContains(response, "The link is incomplete or was changed.", status_code=410)
    assert not User.objects.filter(email="nia@example.com").exists()


def test_it_refuses_a_token_once_the_invitation_moved_organisation(
    client, organisation, other_organisation
):
    invitation = _invitation(organisation)
    url = _accept_url(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(organisation=other_organisation)

    response = client.post(url, _signup())

    assert response.status_code == 410
    assert not User.objects.filter(email="nia@example.com").exists()


def test_it_refuses_a_token_once_the_nonce_is_replaced(client, organisation):
    invitation = _invitation(organisation)
    url = _accept_url(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(nonce="a-fresh-nonce")

    assert client.get(url).status_code == 410


# --- withdrawing -------------------------------------------------------------------------------


def test_it_withdraws_only_its_own_organisations_invitations(client_as, owner, other_organisation):
    theirs = _invitation(other_organisation)

    response = client_as(owner).post(f"/o/acme/invitations/{theirs.pk}/withdraw/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_pending


def test_it_refuses_withdrawal_by_non_owners(client_as, organisation, members):
    invitation = _invitation(organisation)

    response = client_as(members[Role.CHAMPION]).post(
        f"/o/acme/invitations/{invitation.pk}/withdraw/"
    )

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending


# --- names in mails ----------------------------------------------------------------------------


def test_it_emails_an_invitation_for_a_stored_multi_line_name(client_as, owner, organisation):
    # Stored before names were kept to one line: the subject must still be a valid header.
    Organisation.objects.filter(pk=organisation.pk).update(name="Acme\nHealth\r\nBcc: x@evil")

    response = client_as(owner).post(INVITE_URL, {"email": "nia@example.com", "role": "member"})

    assert response.status_code == 302
    assert mail.outbox[0].subject == "You are invited to Acme Health Bcc: x@evil on Mesh Journey"
    assert mail.outbox[0].bcc == []


def test_it_writes_names_in_the_invitation_mail_as_typed(client_as, owner, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(name="R&D <Lab>")
    User.objects.filter(pk=owner.pk).update(name="Tom & Jerry")

    client_as(owner).post(INVITE_URL, {"email": "nia@example.com", "role": "member"})

    message = mail.outbox[0]
    assert message.subject == "You are invited to R&D <Lab> on Mesh Journey"
    assert "Tom & Jerry invites you to join R&D <Lab> on Mesh Journey" in message.body
    assert "&amp;" not in message.body
    assert "&lt;" not in message.body
