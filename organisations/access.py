"""Who is acting for which organisation: the one place that scopes a request.

Every organisation URL is /o/<org_slug>/... and every view there is wrapped in
`organisation_view(action)`. It resolves an `Actor`: a member with a role, a guest with a grant
bound to one target (a respondent's personal link), or a member who also holds such a grant.
Anyone else is refused with a 404, so an outsider cannot even learn that the organisation
exists; a known actor without the permission gets a 403. The rules are in
docs/guests-and-kernel.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .models import GuestGrant, Membership, Organisation, User
from .roles import GUEST, GUEST_ENDED_MESSAGES, Action, GuestKind, can, kind_allows

P = ParamSpec("P")
SESSION_GRANTS = "guest_grants"
SESSION_LAST_ORGANISATION = "last_organisation"
# A person may follow several links (two surveys, later a workshop); the oldest fall off.
SESSION_GRANTS_MAX = 20


@dataclass(frozen=True)
class GuestTarget:
    """The one object a view acts on that a guest grant can be for: its kind, and the URL
    keyword argument that holds its id."""

    kind: GuestKind
    url_kwarg: str


@dataclass(frozen=True)
class Actor:
    """A member, a guest acting through a grant for this request's target, or both."""

    organisation: Organisation
    membership: Membership | None = None
    grant: GuestGrant | None = None

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else GUEST

    @property
    def user(self) -> User | None:
        return self.membership.user if self.membership else None

    @property
    def is_guest(self) -> bool:
        return self.membership is None

    @property
    def display_name(self) -> str:
        if self.membership:
            return str(self.membership.user)
        return self.grant.display_name if self.grant else ""

    def can(self, action: Action) -> bool:
        """The role allows it, or the grant this request resolved for its target does."""
        if self.membership and can(self.membership.role, action):
            return True
        return self.grant is not None and grant_allows(self.grant, action)


class OrganisationRequest(HttpRequest):
    """An HttpRequest that went through `organisation_view`."""

    actor: Actor
    organisation: Organisation


def grant_allows(grant: GuestGrant, action: Action) -> bool:
    """Valid, carrying the action, and of a kind that may ever carry it."""
    return grant.is_valid() and action in grant.actions and kind_allows(grant.kind, action)


def session_grants(request: HttpRequest) -> list[GuestGrant]:
    """Every grant this session holds, valid or not, newest first (one query)."""
    ids = request.session.get(SESSION_GRANTS, [])
    if not ids:
        return []
    by_id = {
        grant.pk: grant
        for grant in GuestGrant.objects.select_related("organisation").filter(pk__in=ids)
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def guest_session_add(request: HttpRequest, grant: GuestGrant) -> None:
    """Keep `grant` in the session, newest first, alongside the others the person holds."""
    ids = [pk for pk in request.session.get(SESSION_GRANTS, []) if pk != grant.pk]
    request.session[SESSION_GRANTS] = [grant.pk, *ids][:SESSION_GRANTS_MAX]


@cache
def _memberships_query() -> QuerySet[Membership]:
    """Everyone's memberships with their organisations, by organisation name: set up once per
    process (the join and the ordering took a third of the query's time to set up on every
    page). Each use filters it (a clone); it is never read itself."""
    return Membership.objects.select_related("organisation").order_by("organisation__name")


def request_memberships(request: HttpRequest) -> list[Membership]:
    """The signed-in person's memberships with their organisations, by organisation name.

    One query, made once per request and kept on it: `resolve` picks the membership for the
    URL's organisation from these, and the organisation switcher in base.html lists them
    (organisations.context_processors). Kept for this request and this person only: signing in
    or out during the request reads them again.
    """
    user = request.user
    person = user.pk if user.is_authenticated else None
    kept = getattr(request, "_memberships", None)
    if kept is not None and kept[0] == person:
        return kept[1]
    memberships = []
    if person is not None:
        memberships = list(_memberships_query().filter(user=user))
        # The person is the one already signed in: no second copy of them from a join.
        for membership in memberships:
            membership.user = user
    request._memberships = (person, memberships)  # type: ignore[attr-defined]
    return memberships


def _membership(request: HttpRequest, org_slug: str) -> Membership | None:
    # Slugs compare as the database compares them (exactly, case and all).
    return next((m for m in request_memberships(request) if m.organisation.slug == org_slug), None)


def _target_id(target: GuestTarget | None, kwargs: dict) -> int | None:
    if target is None:
        return None
    return int(kwargs[target.url_kwarg])


@dataclass(frozen=True)
class Resolution:
    """What a request amounts to in one organisation, before the action is checked."""

    actor: Actor | None
    # Valid grants the session holds anywhere: such a visitor is a guest, not a stranger.
    holds_grants: bool = False
    # A grant for this organisation that has expired or been revoked since.
    ended: GuestGrant | None = None


def resolve(
    request: HttpRequest, org_slug: str, target: GuestTarget | None = None, target_id=None
) -> Resolution:
    membership = _membership(request, org_slug)
    grants = session_grants(request)
    here = [g for g in grants if g.organisation.slug == org_slug]
    valid_here = [g for g in here if g.is_valid()]
    grant = None
    if target is not None:
        grant = next(
            (g for g in valid_here if g.kind == target.kind and g.target_id == target_id), None
        )
    if membership or grant:
        organisation = membership.organisation if membership else grant.organisation
        return Resolution(Actor(organisation, membership=membership, grant=grant))
    holds_grants = any(g.is_valid() for g in grants)
    ended_here = [g for g in here if not g.is_valid()]
    ended = next(
        (g for g in ended_here if target and (g.kind, g.target_id) == (target.kind, target_id)),
        # Any ended grant here explains the refusal, unless the person still holds a valid
        # grant elsewhere (then they are a guest of something else, and get a 404).
        None if holds_grants else next(iter(ended_here), None),
    )
    return Resolution(actor=None, holds_grants=holds_grants, ended=ended)


def guest_ended_response(request: HttpRequest, grant: GuestGrant) -> HttpResponse:
    """The page a guest sees once their grant has expired or been revoked (410)."""
    if request.htmx:
        return HttpResponseClientRedirect(reverse("guest_ended", args=[grant.kind]))
    return render_guest_ended(request, grant.kind)


def render_guest_ended(request: HttpRequest, kind: str) -> HttpResponse:
    title, text = GUEST_ENDED_MESSAGES.get(kind, GUEST_ENDED_MESSAGES[GuestKind.values[0]])
    return render(request, "guest/ended.html", {"title": title, "text": text}, status=410)


def _nobody(request: HttpRequest, resolution: Resolution) -> HttpResponse:
    if resolution.ended is not None:
        return guest_ended_response(request, resolution.ended)
    if resolution.holds_grants or request.user.is_authenticated:
        # A guest of another target or organisation, or a signed-in outsider.
        raise Http404("No such organisation.")
    if request.htmx:
        # A sign-in page swapped into a map card is no use: send the whole tab there, and
        # back afterwards to the page the person was on (the fragment URL may be POST-only).
        next_path = request.htmx.current_url_abs_path or request.get_full_path()
        return HttpResponseClientRedirect(redirect_to_login(next_path).url)
    return redirect_to_login(request.get_full_path())


def organisation_view(
    action: Action, *, target: GuestTarget | None = None
) -> Callable[
    [Callable[Concatenate[OrganisationRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, str, P], HttpResponse],
]:
    """Scope a view to the organisation in its URL and require `action` of the actor.

    With `target`, a guest grant for the object named by the URL counts too: a member's role
    or that grant may allow the action.
    """

    def decorator(
        view: Callable[Concatenate[OrganisationRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, org_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            resolution = resolve(request, org_slug, target, _target_id(target, kwargs))
            actor = resolution.actor
            if actor is None:
                return _nobody(request, resolution)
            if not actor.can(action):
                raise PermissionDenied("Your role does not allow this.")
            request.actor = actor  # type: ignore[attr-defined]
            request.organisation = actor.organisation  # type: ignore[attr-defined]
            if actor.membership and request.session.get(SESSION_LAST_ORGANISATION) != org_slug:
                request.session[SESSION_LAST_ORGANISATION] = org_slug
            return view(request, *args, **kwargs)  # type: ignore[arg-type]

        wrapper.required_action = action  # type: ignore[attr-defined]
        wrapper.guest_target = target  # type: ignore[attr-defined]
        return wrapper

    return decorator
