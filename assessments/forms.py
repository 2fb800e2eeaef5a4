"""Forms for opening rounds, adding people and answering. Bad input gets a message next to the
field, and everything typed comes back."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from organisations.models import Organisation, User

from .models import COMMENT_MAX, Instrument, Round
from .services import Outsider

OUTSIDERS_MAX = 200


def parse_outsiders(text: str) -> list[Outsider]:
    """One person a line, "Name, email" or "Name <email>"; raises ValidationError naming the
    lines that cannot be read."""
    people: list[Outsider] = []
    problems: list[str] = []
    seen: set[str] = set()
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if "<" in line and line.endswith(">"):
            name, _, email = line[:-1].partition("<")
        else:
            name, _, email = line.rpartition(",")
        name, email = name.strip().strip(",").strip(), email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"line {number} needs a name and a valid e-mail address")
            continue
        if not name:
            problems.append(f"line {number} has no name before the e-mail address")
        elif len(name) > 100:
            problems.append(f"the name on line {number} is longer than 100 characters")
        elif email in seen:
            problems.append(f"{email} appears twice")
        else:
            seen.add(email)
            people.append(Outsider(name=name, email=email))
    if problems:
        raise ValidationError("Check these lines: " + "; ".join(problems) + ".")
    if len(people) > OUTSIDERS_MAX:
        raise ValidationError(f"Add at most {OUTSIDERS_MAX} people at a time.")
    return people


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.name} ({user.email})"


class RespondentsForm(forms.Form):
    """Whom to ask: members of the organisation, and outsiders by name and e-mail."""

    members = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Members to ask",
    )
    outsiders = forms.CharField(
        required=False,
        max_length=20_000,
        label="People without an account",
        help_text="One person a line: a name, a comma, then their e-mail address "
        "(Kim Lee, kim@example.com). Each gets a personal link.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    send_links = forms.BooleanField(
        required=False, initial=True, label="E-mail each new person their link now"
    )

    def __init__(
        self, *args, organisation: Organisation, round: Round | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        members = User.objects.filter(memberships__organisation=organisation).order_by("name")
        if round is not None:
            members = members.exclude(assessment_respondents__round=round)
        self.fields["members"].queryset = members

    def clean_outsiders(self) -> list[Outsider]:
        people = parse_outsiders(self.cleaned_data["outsiders"])
        if self.round is not None:
            asked = {
                e.lower()
                for e in self.round.respondents.exclude(email="").values_list("email", flat=True)
            }
            already = sorted(p.email for p in people if p.email in asked)
            if already:
                raise ValidationError(
                    f"Already asked in this round: {', '.join(already)}. Remove "
                    f"{'that line' if len(already) == 1 else 'those lines'}."
                )
        return people

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("members") and not cleaned.get("outsiders"):
            raise ValidationError("Choose at least one member or add at least one person.")
        return cleaned


class RoundForm(RespondentsForm):
    title = forms.CharField(max_length=120)
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.none(), empty_label=None)
    closes_on = forms.DateField(
        required=False,
        label="Closing date",
        help_text="No more answers after this day. Leave empty to close the round yourself.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Anonymous",
        help_text="Nobody, owners included, will see who gave which answer or comment; "
        "only how many people have answered.",
    )

    field_order = ["title", "instrument", "closes_on", "anonymous", "members", "outsiders"]

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        # The newest version of each instrument.
        newest: dict[str, int] = {}
        for pk, slug in Instrument.objects.order_by("slug", "-version").values_list("pk", "slug"):
            newest.setdefault(slug, pk)
        self.fields["instrument"].queryset = Instrument.objects.filter(pk__in=newest.values())

    def clean_closes_on(self) -> date | None:
        closes_on = self.cleaned_data["closes_on"]
        if closes_on and closes_on < timezone.localdate():
            raise ValidationError("Choose today or a later day.")
        return closes_on


class RoundStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Round.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class LinkForm(forms.Form):
    deliver = forms.ChoiceField(choices=[("copy", "Show a new link"), ("email", "E-mail it")])


class AxisAnswerForm(forms.Form):
    """One question of the answering page. Prefixed by the axis key."""

    level = forms.ChoiceField(choices=(), required=False)
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    base = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, answers: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        level = self.fields["level"]
        level.choices = list(answers.items())
        level.error_messages["invalid_choice"] = (
            f"Choose one of: {', '.join(label.lower() for label in answers.values())}."
        )
