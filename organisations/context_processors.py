from django.http import HttpRequest

from .access import request_memberships


def current_organisation(request: HttpRequest) -> dict:
    """The organisation a page belongs to and the others the user can switch to.

    On an organisation page the memberships are the ones its access check read already.
    """
    actor = getattr(request, "actor", None)
    memberships = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        memberships = request_memberships(request)
    return {
        "actor": actor,
        "organisation": actor.organisation if actor else None,
        "my_memberships": memberships,
    }
