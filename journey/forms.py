from dataclasses import dataclass
from functools import cache
from typing import TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.forms import formset_factory
from django.http import QueryDict
from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

from organisations.models import Organisation, User

from . import canvas
from .models import JourneyStep


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=JourneyStep.Status.choices)
    not_applicable_reason = forms.CharField(
        max_length=300, required=False, label="Why it does not apply"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        reason = cleaned.get("not_applicable_reason", "").strip()
        if cleaned.get("status") == JourneyStep.Status.NOT_APPLICABLE and not reason:
            self.add_error("not_applicable_reason", "Say why this step does not apply to you.")
        return cleaned


STATUS_CHOICES = tuple(JourneyStep.Status.choices)
STATUS_VALUES = frozenset(JourneyStep.Status.values)


class StatusFields(TypedDict):
    """What a status form shows, as plain values, its text escaped once (the prefix is used
    seven times). A dict, because the map has seventeen of these and a template looks a dict's
    keys up faster than an object's attributes; building seventeen Django forms, each
    deep-copying its fields, cost more than the rest of the page."""

    prefix: str
    status: str
    reason: str
    version: str
    options: str
    reason_errors: list[str]
    errors: list[str]
    saved: bool
    conflict: bool


def status_options(status: str) -> str:
    """The status select's options with `status` selected (none for a value that is not a
    status), escaped by format_html_join."""
    return _status_options(status if status in STATUS_VALUES else "")


@cache
def _status_options(status: str) -> str:
    # Four statuses and no selection: five strings, worked out once rather than on each of the
    # map's seventeen cards. Only known values reach this cache, never what a request sent.
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == status else "", label)
            for value, label in STATUS_CHOICES
        ),
    )


def status_fields(*, number: int, status: str, reason: str, version: int) -> StatusFields:
    """A step's status fields as saved: its number, status, reason and version."""
    return StatusFields(
        prefix=escape(f"step{number}"),
        status=status,
        reason=escape(reason),
        version=escape(version),
        options=status_options(status),
        reason_errors=[],
        errors=[],
        saved=False,
        conflict=False,
    )


def status_fields_of(form: "StatusForm") -> StatusFields:
    """The status fields as a bound form has them: what was sent, with its errors, and whether
    the view marked it saved or in conflict."""

    def value(name: str) -> str:
        return str(form[name].value() or "")

    incomplete = ["The form was incomplete; reload the page and try again."]
    status = value("status")
    return StatusFields(
        prefix=escape(form.prefix),
        status=status,
        reason=escape(value("not_applicable_reason")),
        version=escape(value("version")),
        options=status_options(status),
        reason_errors=list(form.errors.get("not_applicable_reason", [])),
        errors=list(form.errors.get("status", []))
        + (incomplete if "version" in form.errors else []),
        saved=getattr(form, "saved", False),
        conflict=getattr(form, "conflict", False),
    )


class ExportForm(forms.Form):
    include_empty = forms.BooleanField(
        required=False, label="Include canvases nobody has filled in yet"
    )


class PlanForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only members of this organisation can own its steps; another organisation's user id
        # is simply not a valid choice.
        self.fields["owner"].queryset = User.objects.filter(
            memberships__organisation=organisation
        ).order_by("name")
        self.fields["owner"].empty_label = "Nobody yet"

    def owner_options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) for the owner select, written out by the template."""
        chosen = str(self["owner"].value() or "")
        return [("", "Nobody yet", chosen == "")] + [
            (str(user.pk), str(user), str(user.pk) == chosen)
            for user in self.fields["owner"].queryset
        ]


class ActionForm(forms.Form):
    action = forms.CharField(max_length=canvas.CELL_MAX, required=False, label="Next action")
    owner = forms.CharField(max_length=100, required=False)
    due = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("action") and (cleaned.get("owner") or cleaned.get("due")):
            self.add_error("action", "Describe the action, or clear its owner and date.")
        return cleaned


# Evidence links may be http or https only. Plain http stays allowed because the evidence often
# lives on intranet wikis and dashboards that have no certificate, and refusing them would only
# push people to paste links as text; the reader's browser warns about http itself. What must
# never become a link is a script (javascript:, data:), a file on the reader's machine (file:)
# or anything else a browser may hand to another program (ftp:, custom schemes).
LINK_SCHEMES = ("http", "https")


def is_web_link(url: str) -> bool:
    """Whether a stored link may be rendered as a link (rows saved before the rule was)."""
    scheme, separator, _ = str(url).partition(":")
    return bool(separator) and scheme.strip().lower() in LINK_SCHEMES


class WebLinkValidator(URLValidator):
    """Django's URL check on http and https only, saying so when the scheme is the problem."""

    def __init__(self) -> None:
        super().__init__(schemes=LINK_SCHEMES)

    def __call__(self, value: str) -> None:
        if not is_web_link(value):
            raise ValidationError(
                "Use a web address starting with https:// or http://.", code="scheme"
            )
        super().__call__(value)


class WebLinkField(forms.URLField):
    default_validators = [WebLinkValidator()]


class LinkForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    url = WebLinkField(
        max_length=canvas.URL_MAX, required=False, label="Link", assume_scheme="https"
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("title") and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("url", "Add the link, or clear the title.")
        return cleaned


def _item_form(columns: tuple[tuple[str, str], ...]) -> type[forms.Form]:
    fields = {
        key: forms.CharField(max_length=canvas.CELL_MAX, required=False, label=label)
        for key, label in columns
    }
    return type("ItemForm", (forms.Form,), fields)


class SectionsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for section in canvas.TEXT_SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.label,
                help_text=section.prompt,
                required=False,
                max_length=canvas.TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
            )


def _formset(form: type[forms.Form]):
    return formset_factory(
        form, extra=1, max_num=canvas.ROWS_MAX, validate_max=True, absolute_max=canvas.ROWS_MAX
    )


@dataclass(frozen=True)
class Owner:
    """A member who can own a next action, as the picker offers them."""

    id: int
    name: str
    email: str


def owner_choices(organisation: Organisation) -> list[Owner]:
    return [
        Owner(id=u.pk, name=u.name or u.email, email=u.email)
        for u in User.objects.filter(memberships__organisation=organisation).order_by("name")
    ]


def _resolve_owner(typed: str, owners: list[Owner]) -> tuple[str, str]:
    """(owner text, owner_id) for what was typed: a member picked by name or e-mail becomes
    that member; anything else stays free text for someone outside the organisation."""
    wanted = typed.strip().casefold()
    for owner in owners:
        if wanted and wanted in (owner.name.casefold(), owner.email.casefold()):
            return owner.name, str(owner.id)
    return typed.strip(), ""


class CanvasEditor:
    """The canvas form: its text sections plus a formset for each of its lists."""

    def __init__(
        self,
        *,
        shape: canvas.Shape,
        content: dict,
        version: int,
        data: QueryDict | None = None,
        owners: list[Owner] | None = None,
    ) -> None:
        """`content` is a normalised canvas (ignored when `data` is given)."""
        self.shape = shape
        self.owners = owners or []
        self.sections = SectionsForm(
            data,
            initial={
                **{s.key: content.get(s.key, "") for s in canvas.TEXT_SECTIONS},
                "version": version,
            },
        )
        forms_by_list = {
            "actions": ActionForm,
            "links": LinkForm,
            "items": _item_form(shape.item_columns),
        }
        # A submitted form is read on its own, never against the rows saved now: a submitted
        # row past the form's INITIAL_FORMS that equals the saved row at its index would
        # count as "unchanged" and be dropped (after a conflict, a row copied from theirs).
        self.formsets = {
            name: _formset(forms_by_list[name])(
                data, initial=None if data is not None else content.get(name, []), prefix=name
            )
            for name in shape.lists
        }

    @property
    def actions(self):
        return self.formsets["actions"]

    @property
    def links(self):
        return self.formsets["links"]

    @property
    def items(self):
        return self.formsets.get("items")

    def is_valid(self) -> bool:
        results = [self.sections.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    @property
    def base_version(self) -> int:
        return self.sections.cleaned_data["version"]

    def content(self) -> dict:
        """The submitted canvas as plain data, owners resolved; call after is_valid()."""
        data = {s.key: self.sections.cleaned_data[s.key] for s in canvas.TEXT_SECTIONS}
        for name, formset in self.formsets.items():
            rows = []
            for form in formset.forms:
                row = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
                row = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()}
                if name == "actions" and row.get("owner"):
                    row["owner"], row["owner_id"] = _resolve_owner(row["owner"], self.owners)
                rows.append(row)
            data[name] = rows
        return self.shape.normalise(data)

    def _again(self, data: QueryDict, version: int) -> "CanvasEditor":
        return CanvasEditor(
            shape=self.shape, content={}, version=version, data=data, owners=self.owners
        )

    def with_rebased_version(self, version: int) -> "CanvasEditor":
        """The same submitted text, now based on `version`: saving it again keeps it."""
        data = self.sections.data.copy()
        data["version"] = str(version)
        return self._again(data, version)

    def with_extra_row(self, list_name: str) -> "CanvasEditor":
        """The same submitted text with one more blank row in a list (no JavaScript needed)."""
        if list_name not in self.formsets:
            return self
        data = self.sections.data.copy()
        key = f"{list_name}-TOTAL_FORMS"
        try:
            total = int(data.get(key, 0))
        except ValueError:
            total = 0
        data[key] = str(min(total + 1, canvas.ROWS_MAX))
        editor = self._again(data, 0)
        editor.added_row = list_name
        return editor

    # The list a blank row was just added to, so the page can move focus into that row.
    added_row = ""

    def errors_count(self) -> int:
        count = len(self.sections.errors)
        for formset in self.formsets.values():
            count += sum(len(f.errors) for f in formset.forms) + len(formset.non_form_errors())
        return count
