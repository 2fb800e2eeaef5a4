"""Who is acting for which organisation: the one place that scopes a request.

Every organisation URL is /o/<org_slug>/... and every view there is wrapped in
`organisation_view(action)`. It resolves an `Actor` — a member with a role, or a guest with a
grant — and refuses anyone else with a 404, so an outsider cannot even learn that the
organisation exists. A known actor without the permission gets a 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .models import GuestGrant, Membership, Organisation
from .roles import GUEST, Action, can

P = ParamSpec("P")
SESSION_GRANTS = "guest_grants"
SESSION_LAST_ORGANISATION = "last_organisation"


@dataclass(frozen=True)
class Actor:
    organisation: Organisation
    membership: Membership | None = None
    grant: GuestGrant | None = None

    @property
    def role(self) -> str:
        return self.membership.role if self.membership else GUEST

    @property
    def display_name(self) -> str:
        if self.membership:
            return str(self.membership.user)
        return self.grant.display_name if self.grant else ""

    def can(self, action: Action) -> bool:
        if self.membership:
            return can(self.membership.role, action)
        if self.grant and self.grant.is_valid():
            return action in self.grant.actions and can(GUEST, action)
        return False


class OrganisationRequest(HttpRequest):
    """An HttpRequest that went through `organisation_view`."""

    actor: Actor
    organisation: Organisation


def resolve_actor(request: HttpRequest, org_slug: str) -> Actor | None:
    """The member or guest this request acts as in the organisation, or None."""
    if request.user.is_authenticated:
        membership = (
            Membership.objects.select_related("organisation", "user")
            .filter(organisation__slug=org_slug, user=request.user)
            .first()
        )
        if membership:
            return Actor(organisation=membership.organisation, membership=membership)
    grant_ids = request.session.get(SESSION_GRANTS, [])
    if grant_ids:
        for grant in GuestGrant.objects.select_related("organisation").filter(
            pk__in=grant_ids, organisation__slug=org_slug, revoked_at__isnull=True
        ):
            if grant.is_valid():
                return Actor(organisation=grant.organisation, grant=grant)
    return None


def organisation_view(
    action: Action,
) -> Callable[
    [Callable[Concatenate[OrganisationRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, str, P], HttpResponse],
]:
    """Scope a view to the organisation in its URL and require `action` of the actor."""

    def decorator(
        view: Callable[Concatenate[OrganisationRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, org_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            actor = resolve_actor(request, org_slug)
            if actor is None:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise Http404("No such organisation.")
            if not actor.can(action):
                raise PermissionDenied("Your role does not allow this.")
            request.actor = actor  # type: ignore[attr-defined]
            request.organisation = actor.organisation  # type: ignore[attr-defined]
            if actor.membership and request.session.get(SESSION_LAST_ORGANISATION) != org_slug:
                request.session[SESSION_LAST_ORGANISATION] = org_slug
            return view(request, *args, **kwargs)  # type: ignore[arg-type]

        wrapper.required_action = action  # type: ignore[attr-defined]
        return wrapper

    return decorator
