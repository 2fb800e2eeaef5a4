"""Accounts: sign-up, sign-in (with throttling), sign-out, password reset and the home page."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from organisations.models import Membership, Organisation, User
from organisations.roles import Role

from .conftest import PASSWORD, add_member, make_user

THROTTLED = "Too many failed sign-in attempts. Wait 15 minutes or reset your password."
MISMATCH = "That email and password do not match an account."


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _signed_in_as(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


# --- sign-up -----------------------------------------------------------------------------------


def _signup_data(**overrides) -> dict:
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "password": PASSWORD,
        "organisation_name": "Analytical Engines",
        **overrides,
    }


def test_it_shows_the_signup_form(client, db):
    response = client.get("/accounts/signup/")

    assertContains(response, 'name="organisation_name"')


def test_it_creates_an_account_that_owns_a_new_organisation(client, db):
    response = client.post("/accounts/signup/", _signup_data())

    assert response.status_code == 302
    assert response.url == "/"
    user = User.objects.get(email="ada@example.com")
    assert user.name == "Ada Lovelace"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.OWNER
    assert membership.organisation.name == "Analytical Engines"
    assert _signed_in_as(client) == user
    assert client.get("/").url == f"/o/{membership.organisation.slug}/journey/"


def test_it_refuses_an_email_already_taken_in_any_case(client, db):
    make_user(email="ada@example.com")

    response = client.post("/accounts/signup/", _signup_data(email="ADA@Example.com"))

    assertContains(response, "An account with this email already exists.", status_code=400)
    assertContains(response, 'value="Ada Lovelace"', status_code=400)
    assertContains(response, 'value="Analytical Engines"', status_code=400)
    assert User.objects.count() == 1
    assert not Organisation.objects.exists()
    assert _signed_in_as(client) is None


def test_it_refuses_a_weak_password(client, db):
    response = client.post("/accounts/signup/", _signup_data(password="password"))

    assertContains(response, "too common", status_code=400)
    assert not User.objects.exists()


def test_it_refuses_an_over_long_organisation_name(client, db):
    response = client.post("/accounts/signup/", _signup_data(organisation_name="x" * 101))

    assertContains(response, "at most 100 characters", status_code=400)
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_it_sends_a_signed_in_visitor_home_from_signup(client_as, owner):
    response = client_as(owner).get("/accounts/signup/")

    assert response.status_code == 302
    assert response.url == "/"


# --- sign-in -----------------------------------------------------------------------------------


@pytest.fixture
def user(db) -> User:
    return make_user(email="grace@example.com")


def _login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"email": email, "password": password, **extra})


def test_it_signs_in_with_the_right_password(client, user):
    response = _login(client, "Grace@Example.com")

    assert response.status_code == 302
    assert response.url == "/"
    assert _signed_in_as(client) == user


def test_it_refuses_a_wrong_password_and_keeps_the_email(client, user):
    response = _login(client, user.email, password="not-the-password")

    assertContains(response, MISMATCH, status_code=400)
    assertContains(response, 'value="grace@example.com"', status_code=400)
    assertNotContains(response, "not-the-password", status_code=400)
    assert _signed_in_as(client) is None


def test_it_keeps_next_in_the_login_form(client, db):
    response = client.get("/accounts/login/?next=/o/acme/journey/")

    assertContains(response, 'name="next" value="/o/acme/journey/"')


def test_it_follows_a_local_next(client, user):
    response = _login(client, user.email, next="/orgs/")

    assert response.status_code == 302
    assert response.url == "/orgs/"


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/"])
def test_it_ignores_a_next_that_leaves_the_site(client, user, next_url):
    response = _login(client, user.email, next=next_url)

    assert response.status_code == 302
    assert response.url == "/"


@pytest.mark.parametrize("next_url", ["/\\evil.example/", "/\t/evil.example/"])
def test_it_keeps_a_disguised_next_on_the_site(client, user, next_url):
    response = _login(client, user.email, next=next_url)

    # Browsers read a backslash as a slash and drop tabs: the Location header must not become
    # //evil.example once they have.
    as_a_browser_reads_it = response["Location"].replace("\\", "/").replace("\t", "")
    assert response.status_code == 302
    assert as_a_browser_reads_it.startswith("/")
    assert urlsplit(as_a_browser_reads_it).netloc == ""


def test_it_refuses_the_right_password_once_an_email_is_throttled(client, user):
    for _ in range(settings.LOGIN_MAX_ATTEMPTS):
        assert _login(client, user.email, password="wrong").status_code == 400

    response = _login(client, user.email)

    assertContains(response, THROTTLED, status_code=429)
    assert _signed_in_as(client) is None


def test_it_throttles_an_email_from_every_address(client, user):
    for _ in range(settings.LOGIN_MAX_ATTEMPTS):
        _login(client, user.email, password="wrong")

    response = _login(Client(REMOTE_ADDR="10.0.0.2"), user.email)

    assert response.status_code == 429


def test_it_lets_other_emails_in_from_the_address_until_its_own_limit(client, user):
    other = make_user(email="other@example.com")
    last = make_user(email="last@example.com")
    for _ in range(settings.LOGIN_MAX_ATTEMPTS):
        _login(client, user.email, password="wrong")

    assert _login(Client(), other.email).status_code == 302

    ip_limit = settings.LOGIN_MAX_ATTEMPTS * 4
    for n in range(settings.LOGIN_MAX_ATTEMPTS, ip_limit):
        assert _login(client, f"nobody{n}@example.com", password="wrong").status_code == 400
    response = _login(client, last.email)

    assertContains(response, THROTTLED, status_code=429)
    assert _login(Client(REMOTE_ADDR="10.0.0.2"), last.email).status_code == 302


def test_it_forgets_an_emails_failures_after_a_successful_sign_in(client, user):
    for _ in range(settings.LOGIN_MAX_ATTEMPTS - 1):
        _login(client, user.email, password="wrong")
    assert _login(Client(), user.email).status_code == 302

    assert _login(Client(REMOTE_ADDR="10.0.0.2"), user.email, password="wrong").status_code == 400
    assert _login(Client(REMOTE_ADDR="10.0.0.2"), user.email).status_code == 302


# --- sign-out ----------------------------------------------------------------------------------


def test_it_signs_out_on_post(client_as, owner):
    client = client_as(owner)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert _signed_in_as(client) is None


def test_it_refuses_to_sign_out_on_get(client_as, owner):
    client = client_as(owner)

    response = client.get("/accounts/logout/")

    assert response.status_code == 405
    assert _signed_in_as(client) == owner


# --- password reset ----------------------------------------------------------------------------


def test_it_resets_a_password_through_the_emailed_link(client, user):
    response = client.post("/accounts/password/reset/", {"email": "GRACE@example.com"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body)
    assert link

    form = client.get(link.group(1), follow=True)
    assertContains(form, 'name="new_password1"')
    new_password = "a-brand-new-passphrase-7"
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert _login(Client(), user.email, password=new_password).status_code == 302
    assert _login(Client(), user.email, password=PASSWORD).status_code == 400


def test_it_sends_nothing_for_an_unknown_email(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []


# --- home --------------------------------------------------------------------------------------


def test_it_shows_the_landing_page_to_anonymous_visitors(client, db):
    response = client.get("/")

    assertContains(response, "Find your way through a data mesh adoption")


def test_it_sends_a_member_to_their_organisations_journey(client_as, owner):
    response = client_as(owner).get("/")

    assert response.status_code == 302
    assert response.url == "/o/acme/journey/"


def test_it_sends_a_member_back_to_the_organisation_they_used_last(
    client_as, owner, other_organisation
):
    add_member(other_organisation, Role.MEMBER, user=owner)
    client = client_as(owner)
    assert client.get("/o/globex/journey/").status_code == 200

    response = client.get("/")

    assert response.url == "/o/globex/journey/"


def test_it_sends_someone_without_an_organisation_to_create_one(client_as, db):
    response = client_as(make_user()).get("/")

    assert response.status_code == 302
    assert response.url == "/orgs/new/"
