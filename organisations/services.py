"""Writes for organisations, memberships, invitations and guest grants."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from kernel.throttle import Throttle, Throttled

from .models import GuestGrant, Invitation, Membership, Organisation, User
from .roles import Action, Role, kind_allows
from .validators import single_line

INVITATION_SALT = "organisations.invitation"
RESERVED_SLUGS = {"new", "admin", "static", "accounts", "invite"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "organisation"
    if base in RESERVED_SLUGS:
        base = f"{base}-org"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organisation_create(*, name: str, owner: User, slug: str = "") -> Organisation:
    organisation = Organisation.objects.create(name=name, slug=slug or _unique_slug(name))
    Membership.objects.create(organisation=organisation, user=owner, role=Role.OWNER)
    return organisation


def organisation_rename(*, organisation: Organisation, name: str) -> None:
    organisation.name = name
    organisation.save(update_fields=["name"])


@transaction.atomic
def user_signup(*, email: str, name: str, password: str, organisation_name: str) -> User:
    """A new account, which owns a new organisation."""
    user = User.objects.create_user(email=email, name=name, password=password)
    organisation_create(name=organisation_name, owner=user)
    return user


def _owner_count(organisation: Organisation) -> int:
    # Lock the owners' rows: two owners demoting each other at once must not both succeed.
    owners = Membership.objects.select_for_update().filter(
        organisation=organisation, role=Role.OWNER
    )
    return len(list(owners))


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> None:
    demoting_owner = membership.role == Role.OWNER and role != Role.OWNER
    if demoting_owner and _owner_count(membership.organisation) <= 1:
        raise ValidationError("An organisation needs at least one owner.")
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER and _owner_count(membership.organisation) <= 1:
        raise ValidationError("An organisation needs at least one owner.")
    membership.delete()


def invitation_create(
    *, organisation: Organisation, role: str, email: str, created_by: User
) -> Invitation:
    return Invitation.objects.create(
        organisation=organisation,
        role=role,
        email=email.lower(),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
    )


def invitation_token(invitation: Invitation) -> str:
    """The signed token in an invitation URL: names the invitation, its organisation and nonce."""
    return signing.dumps(
        {"i": invitation.pk, "o": invitation.organisation_id, "n": invitation.nonce},
        salt=INVITATION_SALT,
    )


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a token names, or None if the token is forged or the nonce replaced."""
    try:
        data = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        )
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=data.get("i"), organisation_id=data.get("o"))
        .first()
    )
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("n"))):
        return None
    return invitation


def invitation_send(*, invitation: Invitation, accept_url: str) -> None:
    context = {"invitation": invitation, "accept_url": accept_url}
    send_mail(
        # One line whatever the stored name: a line break in a header makes Django refuse to send.
        subject=single_line(
            render_to_string("organisations/email/invitation_subject.txt", context)
        ),
        message=render_to_string("organisations/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


class InvitationError(Exception):
    pass


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Use up the invitation and make `user` a member (or keep their existing membership)."""
    # Re-read under lock so two accepts of the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at:
        raise InvitationError("This invitation was withdrawn.")
    if invitation.accepted_at:
        raise InvitationError("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask for a new one.")
    if invitation.email and invitation.email != user.email.lower():
        raise InvitationError(
            f"This invitation is for {invitation.email}. Sign in with that address to accept it."
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    try:
        with transaction.atomic():
            return Membership.objects.create(
                organisation=invitation.organisation, user=user, role=invitation.role
            )
    except IntegrityError:
        return Membership.objects.get(organisation=invitation.organisation, user=user)


@transaction.atomic
def user_signup_with_invitation(
    *, invitation: Invitation, email: str, name: str, password: str
) -> User:
    """A new account that joins the inviting organisation instead of creating its own."""
    if invitation.email and email.lower() != invitation.email:
        raise InvitationError(f"This invitation is for {invitation.email}.")
    user = User.objects.create_user(email=email, name=name, password=password)
    invitation_accept(invitation=invitation, user=user)
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_grant_issue(
    *,
    organisation: Organisation,
    kind: str,
    target_id: int,
    display_name: str,
    actions: list[Action],
    expires_at=None,
) -> tuple[GuestGrant, str]:
    """A grant for one target and its secret token; only the token's hash is stored."""
    if not all(kind_allows(kind, action) for action in actions):
        raise ValidationError("A grant of this kind cannot carry these actions.")
    token = secrets.token_urlsafe(24)
    grant = GuestGrant.objects.create(
        organisation=organisation,
        kind=kind,
        target_id=target_id,
        display_name=display_name,
        actions=[str(a) for a in actions],
        token_hash=_hash_token(token),
        expires_at=expires_at,
    )
    return grant, token


def guest_grant_revoke(*, grant: GuestGrant) -> None:
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])


class GrantRefused(Exception):
    """A token that opens nothing: `reason` is "unknown", "revoked" or "expired"."""

    def __init__(self, reason: str, grant: GuestGrant | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.grant = grant


# Tokens are 32 random URL-safe characters, so guessing is hopeless; the limits stop a flood
# from one address, and one leaked link being hammered, from costing a query each.
GUEST_LINK_PER_ADDRESS = Throttle("guest-link:ip", limit=30, window=10 * 60)
GUEST_LINK_PER_TOKEN = Throttle("guest-link:token", limit=30, window=10 * 60)


def guest_grant_redeem(*, token: str, kind: str, client_ip: str) -> GuestGrant:
    """The valid grant of `kind` behind a personal link or code.

    Raises Throttled when this address or token has been tried too often, GrantRefused when
    the token opens nothing. A refused token counts against the address; a valid one does not.
    """
    for throttle, key in ((GUEST_LINK_PER_ADDRESS, client_ip), (GUEST_LINK_PER_TOKEN, token)):
        verdict = throttle.hit(key)
        if not verdict.allowed:
            raise Throttled(verdict.retry_after)
    grant = (
        GuestGrant.objects.select_related("organisation")
        .filter(token_hash=_hash_token(token), kind=kind)
        .first()
    )
    if grant is None:
        raise GrantRefused("unknown")
    if grant.revoked_at is not None:
        raise GrantRefused("revoked", grant)
    if not grant.is_valid():
        raise GrantRefused("expired", grant)
    GUEST_LINK_PER_ADDRESS.undo(client_ip)
    grant.last_used_at = timezone.now()
    grant.save(update_fields=["last_used_at"])
    return grant
