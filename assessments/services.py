"""Writes for assessment rounds, respondents and responses. Every write that changes a round
or a response is checked against the version its author started from."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kernel.versioned import Conflict, versioned_update
from organisations.access import Actor
from organisations.models import Organisation, User
from organisations.roles import Action, GuestKind
from organisations.services import guest_grant_issue, guest_grant_revoke

from . import scoring
from .models import Instrument, Respondent, Response, Round


@dataclass(frozen=True)
class Outsider:
    """Someone without an account, asked by name and e-mail address."""

    name: str
    email: str


class RoundClosed(Exception):
    """The round takes no more answers (closed, or its closing day has passed)."""


class NotYourResponse(Exception):
    """The actor is neither the respondent's member nor holds the respondent's link."""


@dataclass
class AnswerConflict(Conflict):
    """Someone (often the same person in another tab) changed these axes since `base`."""

    axes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class AxisAnswer:
    level: str
    comment: str
    # The response version the answering page showed when this axis was last loaded.
    base: int


# --- respondents and their links ---------------------------------------------------------------


def _issue_link(respondent: Respondent) -> str:
    """A new personal link for the respondent (the old one, if any, stops working)."""
    if respondent.grant is not None and respondent.grant.revoked_at is None:
        guest_grant_revoke(grant=respondent.grant)
    grant, token = guest_grant_issue(
        organisation=respondent.round.organisation,
        kind=GuestKind.ASSESSMENT_RESPONDENT,
        target_id=respondent.pk,
        display_name=respondent.name,
        actions=[Action.ASSESSMENT_RESPOND],
    )
    respondent.grant = grant
    respondent.save(update_fields=["grant"])
    return token


@transaction.atomic
def respondents_add(
    *, round: Round, members: list[User], outsiders: list[Outsider]
) -> dict[Respondent, str]:
    """Ask more people; returns each new respondent with the token of their personal link.

    Only the hash of a token is stored, so this is the one time the links can be shown. An
    outsider whose address belongs to a member is asked as that member. People already asked
    are refused (a person has one response per round).
    """
    members_by_email = {
        user.email.lower(): user
        for user in User.objects.filter(memberships__organisation=round.organisation)
    }
    people: list[tuple[User | None, str, str]] = [(u, u.name, u.email.lower()) for u in members]
    for outsider in outsiders:
        user = members_by_email.get(outsider.email)
        people.append((user, user.name if user else outsider.name, outsider.email))
    asked_users = set(round.respondents.exclude(user=None).values_list("user_id", flat=True))
    asked_emails = {e.lower() for e in round.respondents.values_list("email", flat=True)}
    tokens: dict[Respondent, str] = {}
    for user, name, email in people:
        if (user and user.pk in asked_users) or email in asked_emails:
            raise ValidationError(f"{name} has already been asked in this round.")
        asked_emails.add(email)
        if user:
            asked_users.add(user.pk)
        try:
            with transaction.atomic():
                respondent = Respondent.objects.create(
                    round=round, user=user, name=name, email=email
                )
        except IntegrityError as error:
            raise ValidationError(f"{name} has already been asked in this round.") from error
        respondent.round = round
        tokens[respondent] = _issue_link(respondent)
    return tokens


@transaction.atomic
def round_open(
    *,
    organisation: Organisation,
    instrument: Instrument,
    title: str,
    closes_on,
    anonymous: bool,
    actor: Actor,
    members: list[User],
    outsiders: list[Outsider],
) -> tuple[Round, dict[Respondent, str]]:
    round = Round.objects.create(
        organisation=organisation,
        instrument=instrument,
        title=title.strip(),
        closes_on=closes_on,
        anonymous=anonymous,
        opened_by=actor.user,
    )
    return round, respondents_add(round=round, members=members, outsiders=outsiders)


def respondent_link_renew(*, respondent: Respondent) -> str:
    """A fresh link for someone who lost theirs; the previous one stops working."""
    with transaction.atomic():
        return _issue_link(respondent)


def respondent_link_revoke(*, respondent: Respondent) -> None:
    """The respondent's link stops working. Their answers stay."""
    if respondent.grant is not None and respondent.grant.revoked_at is None:
        guest_grant_revoke(grant=respondent.grant)


def respondent_link_send(*, respondent: Respondent, link: str) -> None:
    round = respondent.round
    context = {"respondent": respondent, "round": round, "link": link}
    send_mail(
        subject=f"{round.organisation.name} asks for your view: {round.title}",
        message=render_to_string("assessments/email/link.txt", context),
        from_email=None,
        recipient_list=[respondent.email],
    )


# --- rounds ------------------------------------------------------------------------------------


def round_close(*, round: Round, base_version: int) -> Round:
    return versioned_update(
        round, base_version=base_version, status=Round.Status.CLOSED, closed_at=timezone.now()
    )


def round_reopen(*, round: Round, base_version: int) -> Round:
    """Open the round again; a closing day already past is dropped, or it would stay shut."""
    closes_on = round.closes_on
    if closes_on and closes_on < timezone.localdate():
        closes_on = None
    return versioned_update(
        round,
        base_version=base_version,
        status=Round.Status.OPEN,
        closed_at=None,
        closes_on=closes_on,
    )


# --- answers -----------------------------------------------------------------------------------


def may_answer(actor: Actor, respondent: Respondent) -> bool:
    """A member answers only their own row; a guest only through that row's own link."""
    if actor.user is not None and respondent.user_id == actor.user.pk:
        return True
    grant = actor.grant
    return (
        grant is not None
        and grant.kind == GuestKind.ASSESSMENT_RESPONDENT
        and grant.target_id == respondent.pk
        and grant.pk == respondent.grant_id
        and grant.is_valid()
    )


@transaction.atomic
def response_save(
    *, respondent: Respondent, actor: Actor, answers: dict[str, AxisAnswer]
) -> Response:
    """Save some or all of a respondent's answers, creating their one response if needed.

    Raises ValidationError for an answer outside the scale, RoundClosed once the round takes
    no more answers, NotYourResponse for anyone but the respondent, and AnswerConflict (saving
    nothing) when an axis being changed was changed elsewhere after its page was loaded.
    """
    if not may_answer(actor, respondent):
        raise NotYourResponse
    round = Round.objects.select_related("instrument").get(pk=respondent.round_id)
    if not round.is_open():
        raise RoundClosed
    definition = round.instrument.definition
    for axis, answer in answers.items():
        if answer.level:
            try:
                scoring.validate_answer(definition, axis, answer.level)
            except ValueError as error:
                raise ValidationError(str(error)) from error
        elif axis not in scoring.axis_keys(definition):
            raise ValidationError(f"{axis!r} is not a question of this assessment.")
    response, _ = Response.objects.select_for_update().get_or_create(respondent=respondent)
    changed: list[str] = []
    conflicts: list[str] = []
    for axis, answer in answers.items():
        theirs = (response.answers.get(axis, ""), response.comments.get(axis, ""))
        # A radio button cannot be cleared: an empty level keeps the one saved.
        mine = (answer.level or theirs[0], answer.comment)
        if mine == theirs:
            continue
        if response.changed_in.get(axis, 0) > answer.base:
            conflicts.append(axis)
        else:
            changed.append(axis)
    if conflicts:
        raise AnswerConflict(current=response, axes=tuple(conflicts))
    if not changed:
        return response
    version = response.version + 1
    for axis in changed:
        answer = answers[axis]
        if answer.level:
            response.answers[axis] = answer.level
        if answer.comment:
            response.comments[axis] = answer.comment
        else:
            response.comments.pop(axis, None)
        response.changed_in[axis] = version
    now = timezone.now()
    response.version = version
    response.updated_at = now
    if response.submitted_at is None and set(scoring.axis_keys(definition)) <= set(
        response.answers
    ):
        response.submitted_at = now
    response.save(
        update_fields=["answers", "comments", "changed_in", "version", "updated_at", "submitted_at"]
    )
    return response
