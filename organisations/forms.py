import logging

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from kernel.http import client_ip
from kernel.throttle import Throttle, wait_text

from .models import Membership, Organisation, User
from .roles import Role
from .validators import validate_single_line

logger = logging.getLogger(__name__)

HOUR = 60 * 60


# Built when used, so that the limits follow the settings (and tests can change them).
def login_account_throttle() -> Throttle:
    return Throttle("login-account", settings.LOGIN_MAX_ATTEMPTS, settings.LOGIN_WINDOW_SECONDS)


def login_address_throttle() -> Throttle:
    return Throttle(
        "login-address", settings.LOGIN_MAX_ATTEMPTS_PER_ADDRESS, settings.LOGIN_WINDOW_SECONDS
    )


def password_reset_throttles() -> list[Throttle]:
    return [
        Throttle("reset-address", settings.PASSWORD_RESET_MAX_PER_ADDRESS, HOUR),
        Throttle("reset-email", settings.PASSWORD_RESET_MAX_PER_EMAIL, HOUR),
    ]


def signup_throttle() -> Throttle:
    return Throttle("signup-address", settings.SIGNUP_MAX_PER_ADDRESS, HOUR)


def organisation_throttle() -> Throttle:
    return Throttle("organisation-user", settings.ORGANISATION_MAX_PER_USER, 24 * HOUR)


def _email_key(email: str) -> str:
    return email.strip().lower()


class SingleLineField(forms.CharField):
    """A name: whitespace runs, line breaks included, become one space; control characters
    are refused with a message."""

    default_validators = [validate_single_line]

    def to_python(self, value) -> str:
        return " ".join(super().to_python(value).split())


class ThrottledFormMixin:
    """A form whose last check is a throttle: `retry_after` is set when it refused."""

    retry_after = 0

    def hit_throttles(self, checks: list[tuple[Throttle, str]], message: str) -> bool:
        """Count this submission against each (throttle, key) in turn; on the first refusal,
        add `message` (with {wait} filled in) as a form error and return False."""
        for throttle, key in checks:
            verdict = throttle.hit(key)
            if not verdict.allowed:
                self.retry_after = verdict.retry_after
                self.add_error(
                    None,
                    ValidationError(
                        message.format(wait=wait_text(verdict.retry_after)), code="throttled"
                    ),
                )
                return False
        return True


class SignupForm(ThrottledFormMixin, forms.Form):
    name = SingleLineField(max_length=100, label="Your name")
    email = forms.EmailField(max_length=254)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    organisation_name = SingleLineField(
        max_length=100,
        label="Organisation",
        help_text="You will own it and can invite your colleagues.",
    )

    def __init__(
        self, *args, request: HttpRequest | None = None, with_organisation: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        if not with_organisation:
            del self.fields["organisation_name"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("An account with this email already exists. Sign in instead.")
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        if password := cleaned.get("password"):
            user = User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error("password", error)
        # Each sign-up makes an organisation; invitations (with_organisation=False) are not
        # limited, since a whole team may join from one office at once.
        if not self.errors and self.request is not None and "organisation_name" in self.fields:
            self.hit_throttles(
                [(signup_throttle(), client_ip(self.request))],
                "Too many new accounts from your network in the last hour. Try again in {wait}.",
            )
        return cleaned


class LoginForm(ThrottledFormMixin, forms.Form):
    email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"autofocus": True}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request, *args, **kwargs) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if not email or not password:
            return cleaned
        email, ip = _email_key(email), client_ip(self.request)
        account, address = login_account_throttle(), login_address_throttle()
        # Counted before the password is checked, so simultaneous guesses cannot all slip in
        # before the first failure is recorded. The address first: a refusal there leaves the
        # account's count alone.
        if not self.hit_throttles(
            [(address, ip), (account, email)],
            "Too many failed sign-in attempts. Try again in {wait}, or reset your password.",
        ):
            return cleaned
        self.user = authenticate(self.request, email=email, password=password)
        if self.user is None:
            raise ValidationError("That email and password do not match an account.")
        # The right password: the account starts afresh and the address gets its try back.
        account.clear(email)
        address.undo(ip)
        return cleaned


class OrganisationForm(forms.ModelForm):
    name = SingleLineField(max_length=100)

    class Meta:
        model = Organisation
        fields = ["name"]


class NewOrganisationForm(ThrottledFormMixin, OrganisationForm):
    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors:
            self.hit_throttles(
                [(organisation_throttle(), str(self.user.pk))],
                "You have created as many organisations as one account may in a day. "
                "Try again in {wait}.",
            )
        return cleaned


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends at most a few reset mails per address and per email an hour.

    When a limit is reached, nothing is sent but the visitor sees the same "check your email"
    page as always: a different page would tell whether the address has an account.
    """

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        address_throttle, email_throttle = password_reset_throttles()
        checks = [(email_throttle, _email_key(self.cleaned_data["email"]))]
        if request is not None:
            checks.insert(0, (address_throttle, client_ip(request)))
        for throttle, key in checks:
            if not throttle.hit(key).allowed:
                logger.info("Password reset mail not sent: %s limit reached", throttle.scope)
                return
        super().save(*args, request=request, **kwargs)


class ResetPasswordForm(SetPasswordForm):
    """The password chosen through a reset link works at once, even on a locked account."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        login_account_throttle().clear(_email_key(user.email))
        return user


class InvitationForm(forms.Form):
    email = forms.EmailField(
        required=False,
        help_text="Leave empty to make a link you can share yourself (single use).",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if (
            email
            and Membership.objects.filter(
                organisation=self.organisation, user__email__iexact=email
            ).exists()
        ):
            raise ValidationError("This person is already a member.")
        return email


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
