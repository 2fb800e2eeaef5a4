from django.http import HttpRequest


def current_organisation(request: HttpRequest) -> dict:
    """The organisation a page belongs to and the others the user can switch to."""
    actor = getattr(request, "actor", None)
    memberships = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        memberships = list(
            user.memberships.select_related("organisation").order_by("organisation__name")
        )
    return {
        "actor": actor,
        "organisation": actor.organisation if actor else None,
        "my_memberships": memberships,
    }
