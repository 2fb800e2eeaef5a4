"""organisations.access with guest grants: a grant opens its one target and nothing else.

The decorator is exercised through a small view declared here, the way every feature view
declares its target; the assessment views prove the same rules end to end.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from kernel.throttle import Throttled
from organisations import roles
from organisations.access import (
    SESSION_GRANTS,
    SESSION_GRANTS_MAX,
    GuestTarget,
    guest_session_add,
    organisation_view,
)
from organisations.models import GuestGrant
from organisations.roles import Action, GuestKind, Role
from organisations.services import (
    GUEST_LINK_PER_ADDRESS,
    GrantRefused,
    guest_grant_issue,
    guest_grant_redeem,
    guest_grant_revoke,
)

pytestmark = pytest.mark.django_db

RESPONDENT = GuestTarget(GuestKind.ASSESSMENT_RESPONDENT, "respondent_id")


@organisation_view(Action.ASSESSMENT_RESPOND, target=RESPONDENT)
def answer(request, respondent_id: int) -> HttpResponse:
    actor = request.actor
    return HttpResponse(f"{actor.display_name}|{actor.role}|{actor.grant is not None}")


def _grant(organisation, target_id: int = 1, **extra) -> GuestGrant:
    grant, _token = guest_grant_issue(
        organisation=organisation,
        kind=GuestKind.ASSESSMENT_RESPONDENT,
        target_id=target_id,
        display_name=extra.pop("display_name", "Rita Respondent"),
        actions=extra.pop("actions", [Action.ASSESSMENT_RESPOND]),
        **extra,
    )
    return grant


def _request(*grants: GuestGrant, user=None, htmx: bool = False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    request = RequestFactory().get("/o/acme/assessments/answer/1/", **headers)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request.session[SESSION_GRANTS] = [grant.pk for grant in grants]
    request.htmx = HtmxDetails(request)
    return request


def test_it_lets_a_guest_act_on_the_target_of_their_grant(organisation):
    response = answer(_request(_grant(organisation, target_id=7)), "acme", respondent_id=7)

    assert response.status_code == 200
    assert response.content == b"Rita Respondent|guest|True"


def test_it_hides_another_target_of_the_same_organisation_from_a_guest(organisation):
    with pytest.raises(Http404):
        answer(_request(_grant(organisation, target_id=7)), "acme", respondent_id=8)


def test_it_hides_another_organisation_from_a_guest(organisation, other_organisation):
    with pytest.raises(Http404):
        answer(_request(_grant(organisation, target_id=7)), "globex", respondent_id=7)


def test_it_refuses_a_grant_that_does_not_carry_the_action(organisation):
    grant = _grant(organisation, target_id=7, actions=[])

    with pytest.raises(PermissionDenied):
        answer(_request(grant), "acme", respondent_id=7)


def test_it_ignores_an_action_the_grant_kind_may_never_carry(organisation):
    # A row edited behind the app's back still cannot widen what its kind allows.
    grant = _grant(organisation, target_id=7, actions=[])
    GuestGrant.objects.filter(pk=grant.pk).update(actions=[Action.CANVAS_EDIT.value])
    grant.refresh_from_db()

    @organisation_view(Action.CANVAS_EDIT, target=RESPONDENT)
    def edit(request, respondent_id):
        return HttpResponse("edited")

    with pytest.raises(PermissionDenied):
        edit(_request(grant), "acme", respondent_id=7)


def test_it_refuses_to_issue_a_grant_with_an_action_its_kind_cannot_carry(organisation):
    with pytest.raises(ValidationError):
        _grant(organisation, actions=[Action.CANVAS_EDIT])


def test_it_widens_a_members_role_with_a_grant_for_the_target(organisation, members, monkeypatch):
    # As if answering were not a role's right: only the personal link allows it.
    monkeypatch.setitem(roles.PERMISSIONS, Action.ASSESSMENT_RESPOND, frozenset())
    executive = members[Role.EXECUTIVE]
    request = _request(_grant(organisation, target_id=7), user=executive)

    response = answer(request, "acme", respondent_id=7)

    assert response.status_code == 200
    assert response.content == f"{executive}|executive|True".encode()


def test_it_refuses_a_member_whose_role_lacks_the_action_and_who_has_no_grant(
    organisation, members, monkeypatch
):
    monkeypatch.setitem(roles.PERMISSIONS, Action.ASSESSMENT_RESPOND, frozenset())

    with pytest.raises(PermissionDenied):
        answer(_request(user=members[Role.EXECUTIVE]), "acme", respondent_id=7)


def test_it_refuses_a_member_whose_grant_is_for_another_target(organisation, members, monkeypatch):
    monkeypatch.setitem(roles.PERMISSIONS, Action.ASSESSMENT_RESPOND, frozenset())
    request = _request(_grant(organisation, target_id=8), user=members[Role.EXECUTIVE])

    with pytest.raises(PermissionDenied):
        answer(request, "acme", respondent_id=7)


def test_it_tells_a_guest_whose_grant_was_revoked_that_the_link_ended(organisation):
    grant = _grant(organisation, target_id=7)
    guest_grant_revoke(grant=grant)

    response = answer(_request(grant), "acme", respondent_id=7)

    assert response.status_code == 410
    assert b"This link is no longer valid" in response.content
    assert b"Sign in" not in response.content


def test_it_tells_a_guest_whose_grant_expired_that_the_link_ended(organisation):
    grant = _grant(organisation, target_id=7, expires_at=timezone.now() + timedelta(hours=1))
    GuestGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = answer(_request(grant), "acme", respondent_id=7)

    assert response.status_code == 410


def test_it_redirects_the_whole_tab_when_an_htmx_request_has_an_ended_grant(organisation):
    grant = _grant(organisation, target_id=7)
    guest_grant_revoke(grant=grant)

    response = answer(_request(grant, htmx=True), "acme", respondent_id=7)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/guest/ended/assessment_respondent/"


def test_it_sends_an_anonymous_htmx_request_to_sign_in_as_a_whole_page(organisation):
    response = answer(_request(htmx=True), "acme", respondent_id=7)

    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_it_returns_an_htmx_request_to_the_page_it_came_from_after_sign_in(organisation):
    request = _request(htmx=True)
    request.META["HTTP_HX_CURRENT_URL"] = "http://testserver/o/acme/journey/"
    request.htmx = HtmxDetails(request)

    response = answer(request, "acme", respondent_id=7)

    assert response["HX-Redirect"] == "/accounts/login/?next=/o/acme/journey/"


def test_it_still_hides_a_target_from_a_guest_with_a_valid_grant_and_an_ended_one(organisation):
    ended = _grant(organisation, target_id=9)
    guest_grant_revoke(grant=ended)

    with pytest.raises(Http404):
        answer(_request(_grant(organisation, target_id=7), ended), "acme", respondent_id=8)


def test_it_lets_a_person_hold_grants_for_several_targets(organisation):
    request = _request(_grant(organisation, target_id=7), _grant(organisation, target_id=8))

    assert answer(request, "acme", respondent_id=7).status_code == 200
    assert answer(request, "acme", respondent_id=8).status_code == 200


def test_it_keeps_the_newest_grants_in_the_session(organisation):
    request = _request()
    grants = [_grant(organisation, target_id=n) for n in range(SESSION_GRANTS_MAX + 2)]
    for grant in grants:
        guest_session_add(request, grant)
    guest_session_add(request, grants[0])

    held = request.session[SESSION_GRANTS]
    assert len(held) == SESSION_GRANTS_MAX
    assert held[0] == grants[0].pk
    assert grants[1].pk not in held


def test_it_shows_the_ended_page_at_its_own_address(client):
    response = client.get("/guest/ended/assessment_respondent/")

    assert response.status_code == 410
    assert b"This link is no longer valid" in response.content


def test_it_refuses_an_unknown_kind_on_the_ended_page(client):
    assert client.get("/guest/ended/nonsense/").status_code == 404


# --- redeeming a personal link ------------------------------------------------------------------


def _issue(organisation, **extra) -> tuple[GuestGrant, str]:
    return guest_grant_issue(
        organisation=organisation,
        kind=GuestKind.ASSESSMENT_RESPONDENT,
        target_id=7,
        display_name="Rita Respondent",
        actions=[Action.ASSESSMENT_RESPOND],
        **extra,
    )


def test_it_redeems_a_valid_token_into_its_grant(organisation):
    grant, token = _issue(organisation)

    redeemed = guest_grant_redeem(token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="1")

    assert redeemed == grant
    assert redeemed.last_used_at is not None


@pytest.mark.parametrize("token", ["", "forged", "x" * 500])
def test_it_refuses_a_token_it_never_issued(organisation, token):
    with pytest.raises(GrantRefused) as refused:
        guest_grant_redeem(token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="1")

    assert refused.value.reason == "unknown"


def test_it_refuses_a_revoked_token_and_says_so(organisation):
    grant, token = _issue(organisation)
    guest_grant_revoke(grant=grant)

    with pytest.raises(GrantRefused) as refused:
        guest_grant_redeem(token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="1")

    assert (refused.value.reason, refused.value.grant) == ("revoked", grant)


def test_it_refuses_an_expired_token_and_says_so(organisation):
    _grant, token = _issue(organisation, expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(GrantRefused) as refused:
        guest_grant_redeem(token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="1")

    assert refused.value.reason == "expired"


def test_it_throttles_a_flood_of_wrong_tokens_from_one_address(organisation):
    _grant, token = _issue(organisation)
    for n in range(GUEST_LINK_PER_ADDRESS.limit):
        with pytest.raises(GrantRefused):
            guest_grant_redeem(
                token=f"guess-{n}", kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="6.6.6.6"
            )

    # Even the right token waits now, from that address; another address is unaffected.
    with pytest.raises(Throttled):
        guest_grant_redeem(token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="6.6.6.6")
    assert guest_grant_redeem(
        token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="7.7.7.7"
    )


def test_it_does_not_count_valid_links_against_an_address(organisation):
    # An office behind one address, everyone opening their own link.
    for _ in range(GUEST_LINK_PER_ADDRESS.limit + 5):
        _grant, token = _issue(organisation)
        guest_grant_redeem(token=token, kind=GuestKind.ASSESSMENT_RESPONDENT, client_ip="8.8.8.8")
