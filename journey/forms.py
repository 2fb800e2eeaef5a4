import html
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.forms import formset_factory
from django.forms.utils import pretty_name
from django.http import QueryDict
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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
    """A step's status fields as saved: its number, status, reason and version.

    Escaped with html.escape, as Django's escape does without its check for lazy strings (the
    map makes seventeen of these); the number and version are integers."""
    return StatusFields(
        prefix=SafeString(f"step{number:d}"),
        status=status,
        reason=SafeString(html.escape(reason)),
        version=SafeString(f"{version:d}"),
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


class PlanFields(TypedDict):
    """What the plan form shows, as plain values: as saved (plan_fields) without building a
    form, or as a form has them (plan_fields_of). Text not escaped yet."""

    version: str
    owner: str  # the chosen owner's id, "" for nobody
    due: str
    owner_errors: list[str]
    due_errors: list[str]
    conflict: bool
    saved: bool


def plan_fields(*, owner_id: int | None, due_date: date | None, version: int) -> PlanFields:
    """A step's owner, due date and version as saved."""
    return PlanFields(
        version=str(version),
        owner=str(owner_id or ""),
        due=due_date.isoformat() if due_date else "",
        owner_errors=[],
        due_errors=[],
        conflict=False,
        saved=False,
    )


def plan_fields_of(form: PlanForm) -> PlanFields:
    """The plan form's values as sent (or its initial ones), with its errors and whether the
    view marked it saved or in conflict."""
    due = form["due_date"].value()
    version = form["version"].value()
    return PlanFields(
        version="" if version is None else str(version),
        owner=str(form["owner"].value() or ""),
        due=due.isoformat() if isinstance(due, date) else str(due or ""),
        owner_errors=list(form.errors.get("owner", [])),
        due_errors=list(form.errors.get("due_date", [])),
        conflict=getattr(form, "conflict", False),
        saved=getattr(form, "saved", False),
    )


def owner_options(owners: list["Owner"], *, chosen: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the owner select: nobody, then `owners`, the choices the
    plan form's owner field allows, already read (owner_choices): the canvas editor on the
    same page offers them too."""
    return [("", "Nobody yet", chosen == "")] + [
        (str(owner.id), owner.name, str(owner.id) == chosen) for owner in owners
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


@cache
def _item_form(columns: tuple[tuple[str, str], ...]) -> type[forms.Form]:
    # One class per set of columns in the process: a form class and its formset class take
    # longer to make than the form itself.
    fields = {
        key: forms.CharField(max_length=canvas.CELL_MAX, required=False, label=label)
        for key, label in columns
    }
    return type("ItemForm", (forms.Form,), fields)


SectionsForm = type(
    "SectionsForm",
    (forms.Form,),
    {
        "version": forms.IntegerField(widget=forms.HiddenInput),
        **{
            section.key: forms.CharField(
                label=section.label,
                help_text=section.prompt,
                required=False,
                max_length=canvas.TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            for section in canvas.TEXT_SECTIONS
        },
    },
)


@cache
def _formset(form: type[forms.Form]):
    return formset_factory(
        form, extra=1, max_num=canvas.ROWS_MAX, validate_max=True, absolute_max=canvas.ROWS_MAX
    )


# What the canvas editor's template writes out, as plain values with their text escaped once.
# A canvas has up to 150 inputs besides its five text sections: reading each through a bound
# field (and building a form per row just to show what was saved) took longer than the rest of
# the page, so these are worked out from the submitted data or the saved rows directly, and the
# forms are built only to validate a submission.


class EditorSection(TypedDict):
    """One text section: a labelled textarea with its prompt."""

    name: str
    id: str
    label: str
    prompt: str
    value: str
    errors: list[str]


class EditorCell(TypedDict):
    """One input of a list's row; `attrs` are the column's own (maxlength, autocomplete...)."""

    name: str
    id: str
    label: str
    type: str
    attrs: str
    value: str
    errors: list[str]
    focus: bool


class EditorRow(TypedDict):
    number: str
    invalid: bool
    cells: list[EditorCell]


class EditorList(TypedDict):
    """One list (next actions, links, the step's own): its formset's management fields as
    (name, value) pairs (an empty value is left out, as Django's hidden input does), the
    errors about the list as a whole, the column labels and the rows."""

    name: str
    title: str
    management: list[tuple[str, str]]
    errors: list[str]
    labels: list[str]
    rows: list[EditorRow]


class EditorFields(TypedDict):
    """The whole editor. `items` is None for a step without a list of its own (always
    present: a template would take a missing "items" key for the dict's items method)."""

    version: str
    sections: list[EditorSection]
    actions: EditorList
    links: EditorList
    items: EditorList | None


@dataclass(frozen=True)
class _Column:
    key: str
    label: str
    type: str
    attrs: str


@cache
def _columns(form: type[forms.Form]) -> tuple[_Column, ...]:
    """How each of a row form's fields is written out: label, input type and attributes."""
    columns = []
    for key, field in form.base_fields.items():
        max_length = getattr(field, "max_length", None)
        if key == "owner":
            hints = mark_safe(' list="owner-choices" autocomplete="off"')
        elif isinstance(field, forms.URLField):
            hints = mark_safe(' inputmode="url" autocomplete="url"')
        else:
            hints = mark_safe(' autocomplete="off"')
        attrs = format_html(' maxlength="{}"{}', max_length, hints) if max_length else hints
        label = pretty_name(key) if field.label is None else field.label
        kind = "date" if isinstance(field, forms.DateField) else "text"
        columns.append(_Column(key, escape(label), kind, attrs))
    return tuple(columns)


def _text(value) -> str:
    return escape("" if value is None else value)


MANAGEMENT_KEYS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


@dataclass(frozen=True)
class Owner:
    """A member who can own a next action, as the picker offers them."""

    id: int
    name: str
    email: str


def owner_choices(organisation: Organisation) -> list[Owner]:
    return [
        Owner(id=pk, name=name or email, email=email)
        for pk, name, email in _owners_query().filter(memberships__organisation=organisation)
    ]


@cache
def _owners_query() -> "QuerySet[User]":
    # The three columns an Owner needs, not whole users; set up once per process and filtered
    # (cloned) on each use, never read itself.
    return User.objects.order_by("name").values_list("pk", "name", "email")


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

    def fields(self) -> EditorFields:
        """Everything the editor shows, as plain values: what was submitted (with its errors)
        when the form is bound, the saved canvas otherwise."""
        sections = self.sections
        if sections.is_bound:
            values, errors = sections.data, sections.errors
        else:
            values, errors = sections.initial, {}
        return EditorFields(
            version=_text(values.get("version")),
            sections=[
                EditorSection(
                    name=section.key,
                    id=f"id_{section.key}",
                    label=escape(section.label),
                    prompt=escape(section.prompt),
                    value=_text(values.get(section.key)),
                    errors=list(errors.get(section.key, [])),
                )
                for section in canvas.TEXT_SECTIONS
            ],
            actions=self._list_fields("actions"),
            links=self._list_fields("links"),
            items=self._list_fields("items") if "items" in self.formsets else None,
        )

    def _list_fields(self, name: str) -> EditorList:
        formset = self.formsets[name]
        columns = _columns(formset.form)
        prefix = formset.prefix
        if formset.is_bound:
            data = formset.data
            management = [
                (f"{prefix}-{key}", data.get(f"{prefix}-{key}")) for key in MANAGEMENT_KEYS
            ]
            rows = [(form.data, f"{form.prefix}-", form.errors) for form in formset.forms]
            list_errors = list(formset.non_form_errors())
        else:
            counts = (
                formset.total_form_count(),
                formset.initial_form_count(),
                formset.min_num,
                formset.max_num,
            )
            management = [
                (f"{prefix}-{k}", v) for k, v in zip(MANAGEMENT_KEYS, counts, strict=True)
            ]
            initial = formset.initial or []
            rows = [
                (initial[i] if i < len(initial) else {}, "", {})
                for i in range(formset.total_form_count())
            ]
            list_errors = []
        focus_row = len(rows) - 1 if self.added_row == name else -1
        return EditorList(
            name=name,
            title=escape(self.shape.labels[name]),
            management=[(key, _text(value)) for key, value in management],
            errors=list_errors,
            labels=[column.label for column in columns],
            rows=[
                EditorRow(
                    number=str(index + 1),
                    invalid=bool(row_errors),
                    cells=[
                        EditorCell(
                            name=escape(f"{prefix}-{index}-{column.key}"),
                            id=escape(f"id_{prefix}-{index}-{column.key}"),
                            label=column.label,
                            type=column.type,
                            attrs=column.attrs,
                            value=_text(values.get(f"{data_prefix}{column.key}")),
                            errors=list(row_errors.get(column.key, [])),
                            focus=index == focus_row and position == 0,
                        )
                        for position, column in enumerate(columns)
                    ],
                )
                for index, (values, data_prefix, row_errors) in enumerate(rows)
            ],
        )

    def errors_count(self) -> int:
        count = len(self.sections.errors)
        for formset in self.formsets.values():
            count += sum(len(f.errors) for f in formset.forms) + len(formset.non_form_errors())
        return count
