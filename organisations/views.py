from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .access import (
    SESSION_LAST_ORGANISATION,
    OrganisationRequest,
    organisation_view,
    render_guest_ended,
)
from .forms import (
    InvitationForm,
    LoginForm,
    MembershipRoleForm,
    NewOrganisationForm,
    OrganisationForm,
    SignupForm,
)
from .models import Invitation, Membership
from .roles import ROLE_DESCRIPTIONS, Action, GuestKind, Role
from .services import (
    InvitationError,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_send,
    invitation_token,
    membership_remove,
    membership_set_role,
    organisation_create,
    organisation_rename,
    user_signup,
    user_signup_with_invitation,
)


def _get_membership_for_owner(request: OrganisationRequest, membership_id: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user"),
        pk=membership_id,
        organisation=request.organisation,
    )


def _get_invitation_for_owner(request: OrganisationRequest, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id, organisation=request.organisation)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    memberships = request.user.memberships.select_related("organisation")
    last = request.session.get(SESSION_LAST_ORGANISATION)
    membership = next((m for m in memberships if m.organisation.slug == last), None)
    membership = membership or memberships.first()
    if membership is None:
        return redirect("organisation_new")
    return redirect("journey:map", org_slug=membership.organisation.slug)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = user_signup(**form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your organisation is ready.")
        return redirect("home")
    return _form_page(request, "registration/signup.html", {"form": form}, form)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect("home")
    context = {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))}
    return _form_page(request, "registration/login.html", context, form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("login")


@login_required
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    return render(request, "organisations/list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = NewOrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_create(name=form.cleaned_data["name"], owner=request.user)
        messages.success(request, f"{organisation.name} is ready. Invite your colleagues.")
        return redirect("members", org_slug=organisation.slug)
    return _form_page(request, "organisations/new.html", {"form": form}, form)


@require_GET
@organisation_view(Action.ORGANISATION_VIEW)
def organisation_home(request: OrganisationRequest) -> HttpResponse:
    return redirect("journey:map", org_slug=request.organisation.slug)


@require_http_methods(["GET", "POST"])
@organisation_view(Action.ORGANISATION_EDIT)
def organisation_settings(request: OrganisationRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=request.organisation)
    if request.method == "POST" and form.is_valid():
        organisation_rename(organisation=request.organisation, name=form.cleaned_data["name"])
        messages.success(request, "Saved.")
        return redirect("organisation_settings", org_slug=request.organisation.slug)
    return render(request, "organisations/settings.html", {"form": form}, status=_status(form))


def _members_page(
    request: OrganisationRequest, invite_form: InvitationForm | None = None, status: int = 200
) -> HttpResponse:
    organisation = request.organisation
    can_manage = request.actor.can(Action.MEMBERS_MANAGE)
    context = {
        "memberships": organisation.memberships.select_related("user").order_by("user__name"),
        "can_manage": can_manage,
        "roles": Role.choices,
        "role_descriptions": [(Role(r).label, d) for r, d in ROLE_DESCRIPTIONS.items()],
        "invite_form": invite_form or InvitationForm(organisation=organisation),
        "invitations": [
            (invitation, _accept_url(request, invitation))
            for invitation in organisation.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
            )
        ]
        if can_manage
        else [],
    }
    return render(request, "organisations/members.html", context, status=status)


def _accept_url(request: HttpRequest, invitation: Invitation) -> str:
    return request.build_absolute_uri(
        reverse("invitation_accept", args=[invitation_token(invitation)])
    )


@require_GET
@organisation_view(Action.MEMBERS_VIEW)
def members(request: OrganisationRequest) -> HttpResponse:
    return _members_page(request)


@require_POST
@organisation_view(Action.MEMBERS_MANAGE)
def invitation_new(request: OrganisationRequest) -> HttpResponse:
    form = InvitationForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _members_page(request, invite_form=form, status=400)
    invitation = invitation_create(
        organisation=request.organisation, created_by=request.user, **form.cleaned_data
    )
    if invitation.email:
        invitation_send(invitation=invitation, accept_url=_accept_url(request, invitation))
        messages.success(request, f"Invitation sent to {invitation.email}.")
    else:
        messages.success(request, "Invitation link created. Copy it from the list below.")
    return redirect("members", org_slug=request.organisation.slug)


@require_POST
@organisation_view(Action.MEMBERS_MANAGE)
def invitation_withdraw(request: OrganisationRequest, invitation_id: int) -> HttpResponse:
    invitation_revoke(invitation=_get_invitation_for_owner(request, invitation_id))
    messages.success(request, "Invitation withdrawn.")
    return redirect("members", org_slug=request.organisation.slug)


@require_POST
@organisation_view(Action.MEMBERS_MANAGE)
def member_role(request: OrganisationRequest, membership_id: int) -> HttpResponse:
    membership = _get_membership_for_owner(request, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
        return redirect("members", org_slug=request.organisation.slug)
    try:
        membership_set_role(membership=membership, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
    return redirect("members", org_slug=request.organisation.slug)


@require_POST
@organisation_view(Action.MEMBERS_MANAGE)
def member_remove(request: OrganisationRequest, membership_id: int) -> HttpResponse:
    membership = _get_membership_for_owner(request, membership_id)
    try:
        membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user} was removed.")
    return redirect("members", org_slug=request.organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_from_token(token)
    if invitation is None or not invitation.is_pending:
        return render(
            request, "organisations/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    signup_form = None
    if not request.user.is_authenticated:
        signup_form = SignupForm(
            request.POST or None,
            with_organisation=False,
            initial={"email": invitation.email},
        )
        if request.method == "POST" and signup_form.is_valid():
            try:
                user = user_signup_with_invitation(
                    invitation=invitation,
                    email=signup_form.cleaned_data["email"],
                    name=signup_form.cleaned_data["name"],
                    password=signup_form.cleaned_data["password"],
                )
            except InvitationError as error:
                signup_form.add_error("email", str(error))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _accepted(request, invitation)
    elif request.method == "POST":
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            return _accepted(request, invitation)
    context = {"invitation": invitation, "signup_form": signup_form}
    status = 400 if request.method == "POST" else 200
    return render(request, "organisations/invitation_accept.html", context, status=status)


def _accepted(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    messages.success(request, f"Welcome to {invitation.organisation.name}.")
    return redirect("journey:map", org_slug=invitation.organisation.slug)


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _form_page(request: HttpRequest, template: str, context: dict, form) -> HttpResponse:
    """The form's page; 429 with Retry-After when a throttle refused it (the typed values stay)."""
    if form.retry_after:
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(form.retry_after)
        return response
    return render(request, template, context, status=_status(form))


@require_GET
def guest_ended(request: HttpRequest, kind: str) -> HttpResponse:
    """Where a guest lands (an htmx request is redirected here) once their grant has ended."""
    if kind not in GuestKind.values:
        raise Http404("No such kind of link.")
    return render_guest_ended(request, kind)
