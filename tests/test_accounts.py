"""Accounts: sign-up, sign-in (with throttling), sign-out, password reset and the home page."""

import re
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from pytest_django.asserts import assertContains, assertNotContains

from organisations import forms
from organisations.forms import LoginForm
from organisations.models import Membership, Organisation, User
from organisations.roles import Role

from .conftest import PASSWORD, add_member, make_user

THROTTLED = "Too many failed sign-in attempts. Try again in 15 minutes, or reset your password."
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


def test_it_puts_a_pasted_multi_line_name_on_one_line(client, db):
    response = client.post(
        "/accounts/signup/",
        _signup_data(name="Ada\n Lovelace", organisation_name="Analytical\r\nEngines"),
    )

    assert response.status_code == 302
    assert User.objects.get().name == "Ada Lovelace"
    assert Organisation.objects.get().name == "Analytical Engines"


def test_it_refuses_control_characters_in_a_name(client, db):
    response = client.post("/accounts/signup/", _signup_data(organisation_name="Evil\x07Corp"))

    assertContains(response, "no line breaks or control characters", status_code=400)
    assert not User.objects.exists()


@override_settings(SIGNUP_MAX_PER_ADDRESS=2)
def test_it_limits_sign_ups_from_one_address_and_keeps_what_was_typed(client, db):
    for n in range(2):
        assert (
            Client().post("/accounts/signup/", _signup_data(email=f"a{n}@example.com")).status_code
            == 302
        )

    response = client.post("/accounts/signup/", _signup_data(email="third@example.com"))

    assertContains(response, "Too many new accounts from your network", status_code=429)
    assertContains(response, "Try again in 60 minutes.", status_code=429)
    assertContains(response, 'value="third@example.com"', status_code=429)
    assert response["Retry-After"] == "3600"
    assert not User.objects.filter(email="third@example.com").exists()
    assert (
        Client(REMOTE_ADDR="10.0.0.2")
        .post("/accounts/signup/", _signup_data(email="elsewhere@example.com"))
        .status_code
        == 302
    )


@override_settings(SIGNUP_MAX_PER_ADDRESS=2)
def test_it_does_not_count_refused_sign_ups(client, db):
    make_user(email="taken@example.com")
    for _ in range(3):
        client.post("/accounts/signup/", _signup_data(email="taken@example.com"))

    assert client.post("/accounts/signup/", _signup_data()).status_code == 302


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


def test_it_says_how_long_the_lock_has_left(client, user, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(settings.LOGIN_MAX_ATTEMPTS):
        _login(client, user.email, password="wrong")
    clock[0] += 10 * 60 + 30

    response = _login(client, user.email)

    assertContains(response, "Try again in 5 minutes, or reset your password.", status_code=429)
    assert response["Retry-After"] == "270"


def test_it_lets_the_account_in_once_the_window_has_passed(client, user, monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(settings.LOGIN_MAX_ATTEMPTS + 3):
        _login(client, user.email, password="wrong")
    clock[0] += settings.LOGIN_WINDOW_SECONDS - 1
    assert _login(client, user.email).status_code == 429

    clock[0] += 2

    assert _login(client, user.email).status_code == 302


def test_it_checks_exactly_the_limit_of_simultaneous_wrong_passwords(user, monkeypatch):
    checked = []

    def slow_authenticate(request, **credentials):
        checked.append(credentials["email"])
        time.sleep(0.05)  # the password hash: every attempt is in flight at once

    monkeypatch.setattr(forms, "authenticate", slow_authenticate)
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.9")
    start = threading.Barrier(8)
    outcomes = []

    def attempt() -> None:
        form = LoginForm(request, {"email": user.email, "password": "wrong"})
        start.wait()
        form.is_valid()
        outcomes.append(form.retry_after > 0)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(checked) == settings.LOGIN_MAX_ATTEMPTS
    assert outcomes.count(True) == 8 - settings.LOGIN_MAX_ATTEMPTS


def test_it_does_not_count_a_successful_sign_in_against_the_address(client, user):
    limit = settings.LOGIN_MAX_ATTEMPTS_PER_ADDRESS
    for n in range(limit - 1):
        _login(client, f"nobody{n}@example.com", password="wrong")
    assert _login(client, user.email).status_code == 302

    assert _login(Client(), "nobody@example.com", password="wrong").status_code == 400
    assert _login(Client(), "nobody@example.com", password="wrong").status_code == 429


def test_it_lets_the_new_password_in_at_once_after_a_reset(client, user):
    for _ in range(settings.LOGIN_MAX_ATTEMPTS):
        _login(client, user.email, password="wrong")
    assert _login(client, user.email).status_code == 429

    new_password = _reset_password(client, user.email)

    assert _login(Client(), user.email, password=new_password).status_code == 302


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


def _reset_password(client: Client, email: str) -> str:
    """Ask for a reset mail, follow its link and choose a new password, which is returned."""
    mail.outbox.clear()
    response = client.post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
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
    return new_password


def test_it_resets_a_password_through_the_emailed_link(client, user):
    new_password = _reset_password(client, "GRACE@example.com")

    assert mail.outbox[0].to == ["grace@example.com"]
    assert _login(Client(), user.email, password=new_password).status_code == 302
    assert _login(Client(), user.email, password=PASSWORD).status_code == 400


def test_it_writes_names_in_the_reset_mail_as_typed(client, db):
    make_user(name="R&D <Ops>", email="rd@example.com")

    client.post("/accounts/password/reset/", {"email": "rd@example.com"})

    assert mail.outbox[0].body.startswith("Hello R&D,")
    assert "&amp;" not in mail.outbox[0].body
    assert mail.outbox[0].subject == "Choose a new password for Mesh Journey"


@override_settings(PASSWORD_RESET_MAX_PER_EMAIL=3)
def test_it_limits_reset_mails_per_email_and_shows_the_same_page(client, user):
    for n in range(4):
        response = Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/accounts/password/reset/", {"email": user.email}
        )
        assert response.status_code == 302
        assert response.url == "/accounts/password/reset/sent/"

    assert len(mail.outbox) == 3


@override_settings(PASSWORD_RESET_MAX_PER_ADDRESS=5)
def test_it_limits_reset_mails_per_address(client, db):
    emails = [make_user().email for _ in range(6)]

    responses = [client.post("/accounts/password/reset/", {"email": e}) for e in emails]

    assert [r.status_code for r in responses] == [302] * 6
    assert [m.to[0] for m in mail.outbox] == emails[:5]


def test_it_counts_reset_requests_for_unknown_emails_like_any_other(client, db):
    for _ in range(settings.PASSWORD_RESET_MAX_PER_ADDRESS):
        client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    make_user(email="real@example.com")

    client.post("/accounts/password/reset/", {"email": "real@example.com"})

    assert mail.outbox == []


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
