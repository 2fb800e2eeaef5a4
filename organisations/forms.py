from django import forms
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError

from .models import Membership, Organisation, User
from .roles import Role
from .throttle import client_ip, login_blocked, login_failed, login_succeeded


class SignupForm(forms.Form):
    name = forms.CharField(max_length=100, label="Your name")
    email = forms.EmailField(max_length=254)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    organisation_name = forms.CharField(
        max_length=100,
        label="Organisation",
        help_text="You will own it and can invite your colleagues.",
    )

    def __init__(self, *args, with_organisation: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
        return cleaned


class LoginForm(forms.Form):
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
        ip = client_ip(self.request)
        if login_blocked(email=email, client_ip=ip):
            raise ValidationError(
                "Too many failed sign-in attempts. Wait 15 minutes or reset your password.",
                code="throttled",
            )
        self.user = authenticate(self.request, email=email.lower(), password=password)
        if self.user is None:
            login_failed(email=email, client_ip=ip)
            raise ValidationError("That email and password do not match an account.")
        login_succeeded(email=email)
        return cleaned


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]


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
