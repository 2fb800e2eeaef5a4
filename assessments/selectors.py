"""Reads for assessment pages. Every lookup is scoped to one organisation; selectors raise the
models' DoesNotExist, and the views turn that into a 404."""

from django.db.models import Count, Q, QuerySet

from organisations.models import Organisation, User

from .models import Respondent, Response, Round


def rounds_with_progress(organisation: Organisation) -> QuerySet[Round]:
    """The organisation's rounds, newest first, each with `asked`, `started` and `answered`."""
    return (
        Round.objects.filter(organisation=organisation)
        .select_related("instrument")
        .annotate(
            asked=Count("respondents", distinct=True),
            started=Count("respondents__response", distinct=True),
            answered=Count(
                "respondents__response",
                filter=Q(respondents__response__submitted_at__isnull=False),
                distinct=True,
            ),
        )
    )


def round_get(*, organisation: Organisation, round_id: int) -> Round:
    return Round.objects.select_related("instrument", "organisation", "opened_by").get(
        organisation=organisation, pk=round_id
    )


def round_respondents(round: Round) -> list[Respondent]:
    """Everyone asked in the round, with their link and response (one query)."""
    return list(
        Respondent.objects.filter(round=round)
        .select_related("grant", "user", "response")
        .order_by("name", "pk")
    )


def respondent_get(*, organisation: Organisation, respondent_id: int) -> Respondent:
    return Respondent.objects.select_related(
        "round__instrument", "round__organisation", "grant", "user"
    ).get(round__organisation=organisation, pk=respondent_id)


def respondent_in_round(*, round: Round, respondent_id: int) -> Respondent:
    respondent = Respondent.objects.select_related("grant", "user").get(
        round=round, pk=respondent_id
    )
    respondent.round = round
    return respondent


def respondent_for_grant(grant_id: int) -> Respondent | None:
    return (
        Respondent.objects.select_related("round__organisation").filter(grant_id=grant_id).first()
    )


def response_of(respondent: Respondent) -> Response | None:
    return Response.objects.filter(respondent=respondent).first()


def my_respondents(*, organisation: Organisation, user: User | None) -> dict[int, Respondent]:
    """The user's own respondent rows in the organisation's rounds, by round id."""
    if user is None:
        return {}
    rows = Respondent.objects.filter(round__organisation=organisation, user=user).select_related(
        "response"
    )
    return {row.round_id: row for row in rows}


def rounds_of_instrument_until(round: Round) -> list[Round]:
    """The round and every earlier round of the same instrument in its organisation, oldest
    first; versions of an instrument count as the same instrument."""
    return list(
        Round.objects.filter(
            organisation_id=round.organisation_id,
            instrument__slug=round.instrument.slug,
            created__lte=round.created,
        )
        .exclude(Q(created=round.created) & Q(pk__gt=round.pk))
        .select_related("instrument")
        .order_by("created", "pk")
    )


def responses_of_rounds(rounds: list[Round]) -> dict[int, list[Response]]:
    """Every response in these rounds, with its respondent, grouped by round id (one query)."""
    grouped: dict[int, list[Response]] = {round.pk: [] for round in rounds}
    responses = (
        Response.objects.filter(respondent__round__in=rounds)
        .select_related("respondent")
        .order_by("respondent__name", "pk")
    )
    for response in responses:
        grouped[response.respondent.round_id].append(response)
    return grouped
