"""Forms for the champions' tools: every rule a person can break gets a message by its field.

Choices that point at other rows (owner, step, tree node, bet, measure) are scoped to the
organisation, so an id from another organisation is simply not a valid choice.
"""

from django import forms

from journey.models import StepDefinition
from organisations.models import Organisation, User

from . import lvt, okr, usecases
from .models import KeyResult, LvtNode, Milestone, RoiMeasure, UseCase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OTHER_ORGANISATION = "Choose one from the list; that one is not in this organisation."


def _members(organisation: Organisation):
    return User.objects.filter(memberships__organisation=organisation).order_by("name")


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200)
    target_date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(choices=Milestone.Status.choices, initial=Milestone.Status.PLANNED)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody yet"
    )
    step = forms.ModelChoiceField(
        queryset=StepDefinition.objects.order_by("number"),
        required=False,
        empty_label="No particular step",
        label="Journey step",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What shows it is done: a link, a figure, a decision. Needed once done.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)
        self.fields["owner"].error_messages["invalid_choice"] = OTHER_ORGANISATION
        self.fields["step"].label_from_instance = lambda d: (
            f"{d.number}. {d.title} (phase {d.phase}: {d.phase_title})"
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("status") == Milestone.Status.DONE
            and not cleaned.get("evidence", "").strip()
        ):
            self.add_error("evidence", "Say what shows this milestone is done.")
        return cleaned


class MilestoneEditForm(VersionMixin, MilestoneForm):
    pass


def _node_choices(organisation: Organisation, tiers: tuple[str, ...]):
    return LvtNode.objects.filter(organisation=organisation, tier__in=tiers).order_by("pk")


class ObjectiveForm(forms.Form):
    title = forms.CharField(max_length=200, label="Objective")
    period_start = forms.DateField(widget=DATE, label="Period starts")
    period_end = forms.DateField(widget=DATE, label="Period ends")
    lvt_node = forms.ModelChoiceField(
        queryset=LvtNode.objects.none(),
        required=False,
        label="Serves (goal or bet)",
        empty_label="Not linked to the value tree",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody yet"
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lvt_node"].queryset = _node_choices(organisation, (lvt.GOAL, lvt.BET))
        self.fields["lvt_node"].error_messages["invalid_choice"] = OTHER_ORGANISATION
        self.fields["owner"].queryset = _members(organisation)
        self.fields["owner"].error_messages["invalid_choice"] = OTHER_ORGANISATION

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after the day it starts.")
        return cleaned


class ObjectiveEditForm(VersionMixin, ObjectiveForm):
    pass


class KeyResultForm(forms.Form):
    title = forms.CharField(max_length=200, label="Key result")
    kind = forms.ChoiceField(choices=KeyResult.Kind.choices, initial=okr.NUMERIC)
    unit = forms.CharField(max_length=30, required=False, help_text="For example %, days, teams.")
    baseline = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="Where it stands at the start."
    )
    target = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, help_text="Where it should get to."
    )
    direction = forms.ChoiceField(choices=KeyResult.Direction.choices, initial=okr.INCREASE)
    weight = forms.IntegerField(
        min_value=1, max_value=10, initial=1, help_text="How much it counts in the objective, 1-10."
    )

    def kind_value(self) -> str:
        return self.cleaned_data.get("kind", okr.NUMERIC)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.kind_value() != okr.NUMERIC:
            return cleaned
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        for name in ("baseline", "target"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, f"A numeric key result needs a {name}.")
        if baseline is not None and target is not None and "direction" in cleaned:
            try:
                okr.check_numeric(baseline=baseline, target=target, direction=cleaned["direction"])
            except okr.InvalidKeyResult as error:
                self.add_error("target", str(error))
        return cleaned


class KeyResultEditForm(VersionMixin, KeyResultForm):
    """The kind never changes: earlier check-ins are numbers or grades for good."""

    def __init__(self, *args, key_result: KeyResult, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kind = key_result.kind
        del self.fields["kind"]

    def kind_value(self) -> str:
        return self._kind


class CheckInForm(forms.Form):
    value = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    grade = forms.ChoiceField(
        choices=[("", "Choose a grade"), *okr.GRADE_LABELS.items()], required=False
    )
    confidence = forms.IntegerField(
        min_value=okr.CONFIDENCE_MIN,
        max_value=okr.CONFIDENCE_MAX,
        help_text="How sure are you of reaching the target? 0 = not at all, 10 = certain.",
        error_messages={
            "min_value": "Confidence runs from 0 to 10.",
            "max_value": "Confidence runs from 0 to 10.",
        },
    )
    what_changed = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    what_next = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, key_result: KeyResult, **kwargs) -> None:
        kwargs.setdefault("prefix", f"kr{key_result.pk}")
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        if key_result.is_numeric:
            del self.fields["grade"]
            self.fields["value"].required = True
            self.fields["value"].error_messages["required"] = (
                "Enter the value the key result stands at now."
            )
            self.fields["value"].label = (
                f"Value now ({key_result.unit})" if key_result.unit else "Value now"
            )
        else:
            del self.fields["value"]
            self.fields["grade"].label = "Grade now"
            self.fields["grade"].required = True
            self.fields["grade"].error_messages["required"] = (
                "Choose the grade the key result stands at now."
            )


class LvtNodeForm(forms.Form):
    title = forms.CharField(max_length=200)
    measures = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Measures of success",
        help_text="One per line.",
    )
    parent = forms.ModelChoiceField(
        queryset=LvtNode.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = LvtNode.objects.filter(organisation=organisation)
        self.fields["parent"].error_messages["invalid_choice"] = OTHER_ORGANISATION


class LvtNodeEditForm(VersionMixin, forms.Form):
    title = forms.CharField(max_length=200)
    measures = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Measures of success",
        help_text="One per line.",
    )
    status = forms.ChoiceField(choices=LvtNode.Status.choices, required=False)
    parent = forms.ModelChoiceField(
        queryset=LvtNode.objects.none(), required=False, label="Sits under", empty_label="(top)"
    )

    def __init__(self, *args, node: LvtNode, **kwargs) -> None:
        kwargs.setdefault("prefix", f"node{node.pk}")
        super().__init__(*args, **kwargs)
        self.node = node
        self.fields["parent"].queryset = LvtNode.objects.filter(
            organisation=node.organisation_id
        ).order_by("pk")
        self.fields["parent"].error_messages["invalid_choice"] = OTHER_ORGANISATION
        if node.tier != lvt.BET:
            del self.fields["status"]


class UseCaseForm(forms.Form):
    title = forms.CharField(max_length=200, label="Name")
    as_a = forms.CharField(max_length=200, label="As a")
    i_want = forms.CharField(max_length=300, label="I want")
    so_that = forms.CharField(max_length=300, label="so that")
    intended_value = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Intended value"
    )
    how_measured = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="How it will be measured"
    )
    bet = forms.ModelChoiceField(
        queryset=LvtNode.objects.none(), required=False, empty_label="Not linked to a bet"
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bet"].queryset = _node_choices(organisation, (lvt.BET,))
        self.fields["bet"].error_messages["invalid_choice"] = OTHER_ORGANISATION


class UseCaseEditForm(VersionMixin, UseCaseForm):
    """The same rules as a new use case: one made from a workshop note is completed here with
    who wants it and what for."""


class ScoreForm(forms.Form):
    def __init__(self, *args, use_case: UseCase, **kwargs) -> None:
        kwargs.setdefault("prefix", f"uc{use_case.pk}")
        super().__init__(*args, **kwargs)
        message = "Scores run from 0 to 5."
        for key, label, question in usecases.CRITERIA:
            self.fields[key] = forms.IntegerField(
                label=label,
                help_text=question,
                min_value=usecases.SCORE_MIN,
                max_value=usecases.SCORE_MAX,
                error_messages={"min_value": message, "max_value": message},
                widget=forms.NumberInput(attrs={"min": 0, "max": 5, "class": "score-input"}),
            )

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in usecases.CRITERION_KEYS}


class RoiMeasureForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=RoiMeasure.Kind.choices)
    unit = forms.CharField(max_length=30, initial="EUR")
    how_measured = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="How it is measured"
    )


class RoiMeasurementForm(forms.Form):
    measure = forms.ModelChoiceField(queryset=RoiMeasure.objects.none())
    period_end = forms.DateField(widget=DATE, label="Period ending")
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        error_messages={"min_value": "Enter the amount as a positive number."},
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = RoiMeasure.objects.filter(organisation=organisation)
        self.fields["measure"].error_messages["invalid_choice"] = OTHER_ORGANISATION
