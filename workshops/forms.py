"""Forms for workshops: every input the facilitator or a participant sends goes through one."""

import zoneinfo
from datetime import date

from django import forms

from . import rules, selectors
from .models import (
    NAME_MAX,
    NOTE_MAX,
    Activity,
    AgendaTemplate,
    ChecklistItem,
    Note,
    Promotion,
    Workshop,
)

TIME_ZONES = sorted(zoneinfo.available_timezones())


class WorkshopForm(forms.Form):
    title = forms.CharField(max_length=120, initial="Data Mesh Accelerate")
    format = forms.ChoiceField(choices=Workshop.Format.choices, initial=Workshop.Format.REMOTE)
    first_day = forms.DateField(
        label="First session",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The other sessions follow on the next working days; change them below if not.",
    )
    session_dates = forms.CharField(
        label="Dates of every session",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One date per session (YYYY-MM-DD), separated by commas or lines. Leave "
        "empty for consecutive working days.",
    )
    starts_at = forms.TimeField(
        label="Each session starts at", widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(label="and ends at", widget=forms.TimeInput(attrs={"type": "time"}))
    time_zone = forms.CharField(max_length=60, initial="Europe/London")
    passcode = forms.CharField(
        max_length=40,
        required=False,
        help_text="If set, people joining by code must also type this.",
    )
    admit_by_facilitator = forms.BooleanField(
        required=False,
        label="Let people in myself",
        help_text="People without an account wait until a facilitator admits them.",
    )
    names_shown = forms.BooleanField(
        required=False,
        label="Show who wrote each note",
        help_text="Notes are anonymous unless you tick this.",
    )
    agenda = forms.ModelChoiceField(
        queryset=AgendaTemplate.objects.none(),
        required=False,
        empty_label="The default Accelerate agenda",
        label="Start from",
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["agenda"].queryset = selectors.agenda_templates(organisation)

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value not in TIME_ZONES:
            raise forms.ValidationError(
                "Use a time zone name such as Europe/London or America/New_York."
            )
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", "A session must end after it starts.")
        format, first = data.get("format"), data.get("first_day")
        raw = data.get("session_dates", "")
        if format and first:
            if raw.strip():
                dates = []
                for part in raw.replace(",", "\n").split():
                    try:
                        dates.append(date.fromisoformat(part.strip()))
                    except ValueError:
                        self.add_error("session_dates", f"“{part}” is not a date (YYYY-MM-DD).")
                        return data
                if len(dates) != rules.session_count(format):
                    self.add_error(
                        "session_dates",
                        f"This format has {rules.session_count(format)} sessions: give one date "
                        f"for each (you gave {len(dates)}).",
                    )
                data["dates"] = sorted(dates)
            else:
                data["dates"] = rules.default_dates(format, first)
        return data


class WorkshopSettingsForm(WorkshopForm):
    """The same details once the workshop exists; its format stays (the agenda is laid out
    for it) and so does the agenda it started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["agenda"]
        self.fields["format"].disabled = True
        self.fields["format"].initial = workshop.format
        self.fields["first_day"].required = False
        self.fields["first_day"].help_text = ""

    @classmethod
    def for_workshop(cls, workshop: Workshop) -> "WorkshopSettingsForm":
        return cls(
            workshop=workshop,
            initial={
                "title": workshop.title,
                "format": workshop.format,
                "session_dates": "\n".join(workshop.session_dates),
                "first_day": workshop.session_dates[0] if workshop.session_dates else None,
                "starts_at": workshop.starts_at,
                "ends_at": workshop.ends_at,
                "time_zone": workshop.time_zone,
                "passcode": workshop.passcode,
                "admit_by_facilitator": workshop.admit_by_facilitator,
                "names_shown": workshop.names_shown,
                "version": workshop.version,
            },
        )


class ActivityForm(forms.Form):
    name = forms.CharField(max_length=120)
    question = forms.CharField(max_length=300, required=False)
    outcome = forms.CharField(max_length=300, required=False)
    steps = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One step per line.",
    )
    zones = forms.CharField(
        label="Board columns",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One column per line.",
    )
    session = forms.IntegerField(min_value=1, max_value=4)
    timebox_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=480)
    private_writing = forms.BooleanField(
        required=False, label="Notes stay private while people write"
    )
    votes_per_person = forms.IntegerField(label="Votes per person", min_value=0, max_value=20)
    several_votes_per_note = forms.BooleanField(
        required=False, label="Several votes may go to one note"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, sessions: int = 4, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = sessions

    def clean_session(self) -> int:
        session = self.cleaned_data["session"]
        if session > self.sessions:
            raise forms.ValidationError(f"This workshop has {self.sessions} sessions.")
        return session

    def clean_zones(self) -> list[str]:
        zones = [line.strip() for line in self.cleaned_data["zones"].splitlines() if line.strip()]
        if not zones:
            raise forms.ValidationError("A board needs at least one column.")
        if len(zones) > 8:
            raise forms.ValidationError("A board has at most 8 columns.")
        if any(len(z) > NAME_MAX for z in zones):
            raise forms.ValidationError(f"Keep each column name under {NAME_MAX} characters.")
        return zones

    def clean_steps(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["steps"].splitlines() if line.strip()]

    @classmethod
    def for_activity(cls, activity: Activity, sessions: int) -> "ActivityForm":
        return cls(
            initial={
                "name": activity.name,
                "question": activity.question,
                "outcome": activity.outcome,
                "steps": "\n".join(activity.steps),
                "zones": "\n".join(z.name for z in activity.zones.all()),
                "session": activity.session,
                "timebox_minutes": activity.timebox_minutes,
                "private_writing": activity.private_writing,
                "votes_per_person": activity.votes_per_person,
                "several_votes_per_note": activity.several_votes_per_note,
                "version": activity.version,
            },
            sessions=sessions,
        )


class ActivityAddForm(forms.Form):
    template = forms.CharField(required=False)
    session = forms.IntegerField(min_value=1, max_value=4)


class SaveAgendaForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name of the template")


class PreparationForm(forms.Form):
    intro_email = forms.CharField(
        required=False,
        label="Intro e-mail",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text="The goal, what came before and what comes after the workshop.",
    )
    reading_links = forms.CharField(
        required=False,
        label="Reading links",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text="One link per line, with a few words on what it is.",
    )
    one_on_ones = forms.CharField(
        required=False,
        label="One-on-ones",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text="Who to talk to before the workshop, and how familiar they are with data mesh.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChecklistAddForm(forms.Form):
    group = forms.ChoiceField(choices=ChecklistItem.Group.choices)
    text = forms.CharField(max_length=200, label="New item")


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Workshop code",
        help_text="The eight letters and numbers the facilitator shows, such as ABCD-EFGH.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = rules.normalise_code(self.cleaned_data["code"])
        if len(code) != rules.CODE_LENGTH:
            raise forms.ValidationError(
                "A workshop code has eight letters and numbers. Check it and try again."
            )
        return code


class JoinForm(forms.Form):
    display_name = forms.CharField(
        max_length=NAME_MAX,
        label="Your name",
        help_text="As the others will know you. You need no account.",
    )
    passcode = forms.CharField(max_length=40, required=False)

    def __init__(self, *args, workshop: Workshop, member_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        if member_name:
            self.fields["display_name"].required = False
            self.fields["display_name"].initial = member_name
        if not workshop.passcode:
            del self.fields["passcode"]
        else:
            self.fields["passcode"].required = True
            self.fields["passcode"].help_text = "The facilitator gives it with the code."

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data["display_name"].split())

    def clean_passcode(self) -> str:
        typed = self.cleaned_data["passcode"]
        if typed.strip() != self.workshop.passcode:
            raise forms.ValidationError("That passcode is not right. Ask the facilitator.")
        return typed


class NoteForm(forms.Form):
    text = forms.CharField(
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": "A note holds at most %(limit_value)d characters; this one has "
            "%(show_value)d. Shorten it or split it into two notes.",
            "required": "Write something on the note first.",
        },
    )
    colour = forms.ChoiceField(choices=Note.Colour.choices, required=False)


class NoteEditForm(NoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteMoveForm(forms.Form):
    zone = forms.IntegerField()
    version = forms.IntegerField()


class NoteGroupForm(forms.Form):
    cluster = forms.CharField(required=False)
    new_name = forms.CharField(max_length=NAME_MAX, required=False, label="New group")
    version = forms.IntegerField()


class VersionForm(forms.Form):
    version = forms.IntegerField()


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Activity.Phase.choices)
    version = forms.IntegerField()


class TimerForm(forms.Form):
    minutes = forms.IntegerField(min_value=0, max_value=180)


class MergeForm(forms.Form):
    into = forms.IntegerField()


CANVAS_CHOICE = "Choose a step and where on its canvas the note goes."


class PromoteForm(forms.Form):
    """Where a note goes: a section of a step's canvas, or a new milestone, objective or use
    case. A form without `kind` is a canvas promotion, as boards loaded before kinds sent."""

    kind = forms.ChoiceField(
        choices=Promotion.Kind.choices,
        required=False,
        error_messages={
            "invalid_choice": "Choose what the note becomes: a canvas entry, a milestone, an "
            "objective or a use case."
        },
    )
    step = forms.IntegerField(min_value=1, required=False)
    section = forms.ChoiceField(choices=Promotion.Section.choices, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if "kind" in self.errors:
            return cleaned
        cleaned["kind"] = cleaned.get("kind") or Promotion.Kind.CANVAS
        if cleaned["kind"] == Promotion.Kind.CANVAS and not (
            cleaned.get("step") and cleaned.get("section")
        ):
            raise forms.ValidationError(CANVAS_CHOICE)
        return cleaned

    def problem(self) -> str:
        """One message for a refused form: the kind's, or the canvas's for its two fields."""
        if "kind" in self.errors:
            return self.errors["kind"][0]
        return CANVAS_CHOICE
