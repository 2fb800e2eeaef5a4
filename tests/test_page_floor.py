"""What every organisation page pays before its own content: the access check's one query of the
person's memberships (kept on the request for the organisation switcher), and base.html's
static files and links worked out once per process (kernel/templatetags/fixed_urls.py)."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from organisations.access import request_memberships, resolve
from organisations.roles import Role

from .conftest import add_member, make_organisation

# The access check's and the switcher's query: every membership of one person.
PERSONS_MEMBERSHIPS = re.compile(
    r'FROM "organisations_membership" .*WHERE "organisations_membership"\."user_id" = '
)


@pytest.fixture
def in_three(owner, other_organisation):
    """The acme owner, also a member of globex and a facilitator of "Zeta & Sons"."""
    add_member(other_organisation, Role.MEMBER, user=owner)
    zeta = make_organisation(name="Zeta & Sons", slug="zeta")
    add_member(zeta, Role.FACILITATOR, user=owner)
    return owner


def _persons_membership_queries(queries) -> int:
    return sum(1 for query in queries if PERSONS_MEMBERSHIPS.search(query["sql"]))


# --- the access check and the switcher ---------------------------------------------------------


def test_it_reads_the_persons_memberships_once_for_the_check_and_the_switcher(in_three, client_as):
    client = client_as(in_three)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/o/acme/members/")

    assert response.status_code == 200
    assert _persons_membership_queries(queries.captured_queries) == 1


def test_it_lists_the_persons_organisations_by_name_with_their_roles(in_three, client_as):
    body = client_as(in_three).get("/o/globex/members/").content.decode()

    switcher = re.findall(r'<li><a href="(/o/[^"]+/)" ?(aria-current="true")?>([^<]+) <span', body)
    assert switcher == [
        ("/o/acme/journey/", "", "Acme Health"),
        ("/o/globex/journey/", 'aria-current="true"', "Globex"),
        ("/o/zeta/journey/", "", "Zeta &amp; Sons"),
    ]
    assert '<span class="muted">Facilitator</span>' in body
    assert "Your role here: Member" in body


def test_it_gives_the_person_their_role_in_the_organisation_of_the_url(in_three, client_as):
    client = client_as(in_three)

    assert client.get("/o/acme/settings/").status_code == 200
    assert client.get("/o/globex/settings/").status_code == 403
    assert client.get("/o/zeta/settings/").status_code == 403


def test_it_matches_the_slug_exactly(organisation, owner, client_as):
    assert client_as(owner).get("/o/ACME/journey/").status_code == 404


def test_it_makes_the_signed_in_person_the_actors_user(in_three, organisation):
    request = RequestFactory().get("/o/acme/")
    request.user = in_three
    request.session = {}

    with CaptureQueriesContext(connection) as queries:
        actor = resolve(request, "acme").actor
        assert actor.user is in_three
        assert actor.organisation == organisation

    assert len(queries.captured_queries) == 1


def test_it_reads_the_memberships_again_for_another_person(in_three, db):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert request_memberships(request) == []

    request.user = in_three
    names = [m.organisation.name for m in request_memberships(request)]
    assert names == ["Acme Health", "Globex", "Zeta & Sons"]
    with CaptureQueriesContext(connection) as queries:
        request_memberships(request)
    assert queries.captured_queries == []


# --- base.html's static files and links -------------------------------------------------------


def _render(source: str, **context) -> str:
    return Template("{% load fixed_urls %}" + source).render(Context(context))


@pytest.mark.parametrize("path", ["css/app.css", "img/favicon.svg", "js/app.js", "a b&c.css"])
def test_it_gives_a_static_files_url_as_static_does(path):
    assert _render("{% static_url path %}", path=path) == Template(
        "{% load static %}{% static path %}"
    ).render(Context({"path": path}))
    assert _render("{% static_url path %}", path=path).startswith(static("").rstrip("/"))


@override_settings(STATIC_URL="/assets/")
def test_it_follows_a_change_of_static_url():
    assert _render("{% static_url 'js/app.js' %}") == "/assets/js/app.js"


@pytest.mark.parametrize("name", ["home", "login", "signup", "logout", "organisation_new"])
def test_it_gives_a_named_url_as_reverse_does(name):
    assert _render("{% fixed_url name %}", name=name) == reverse(name)


@pytest.mark.parametrize(
    "name",
    [
        "journey:map",
        "assessments:rounds",
        "champions:home",
        "workshops:list",
        "members",
        "organisation_settings",
    ],
)
@pytest.mark.parametrize("slug", ["acme", "Acme-2_x", "a"])
def test_it_gives_an_organisations_url_as_reverse_does(name, slug):
    assert _render("{% organisation_url name slug %}", name=name, slug=slug) == reverse(
        name, args=[slug]
    )


@pytest.mark.parametrize("slug", ["", "a/b", "a b", "café"])
def test_it_refuses_what_the_slug_converter_refuses(slug):
    with pytest.raises(NoReverseMatch):
        _render("{% organisation_url 'journey:map' slug %}", slug=slug)


@pytest.mark.parametrize("slug", [None, 12])
def test_it_turns_anything_else_into_text_as_url_does(slug):
    assert _render("{% organisation_url 'journey:map' slug %}", slug=slug) == Template(
        "{% url 'journey:map' slug %}"
    ).render(Context({"slug": slug}))


def test_it_follows_the_script_prefix():
    before = _render("{% fixed_url 'home' %} {% organisation_url 'members' 'acme' %}")
    set_script_prefix("/mesh/")
    try:
        prefixed = _render("{% fixed_url 'home' %} {% organisation_url 'members' 'acme' %}")
    finally:
        clear_script_prefix()

    assert before == "/ /o/acme/members/"
    assert prefixed == "/mesh/ /mesh/o/acme/members/"
    assert _render("{% fixed_url 'home' %}") == "/"
