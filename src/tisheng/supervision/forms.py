"""The forms of the supervision pages: handling a warning, recording an inspection against a
checklist, submitting a rectification and re-checking it. Evidence files are uploaded with the
census pages' :class:`~tisheng.census.forms.EvidenceUploadForm` (the same checks as every evidence)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tisheng.core.models import School
from tisheng.core.permissions import VIEW

from . import choices as c
from .checklists import Checklist
from .services import ItemOutcome


class DateInput(forms.DateInput):
    input_type = "date"


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What was done or decided. A warning is closed only with a resolution."),
    )


class InspectionForm(forms.Form):
    """The school, date and deadline, and a result (with a note) for every item of the checklist."""

    school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("School"))
    date = forms.DateField(label=_("Inspection date"), widget=DateInput)
    deadline = forms.DateField(
        label=_("Rectification deadline"),
        widget=DateInput,
        required=False,
        help_text=_("Required when an item is non-compliant: each becomes a finding with an order due then."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, checklist: Checklist, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklist
        self.fields["school"].queryset = School.objects.restrict(user, VIEW)  # type: ignore[attr-defined]
        for item in checklist.items:
            self.fields[f"result_{item.key}"] = forms.ChoiceField(
                label=item.text, choices=c.ItemResult.choices, widget=forms.RadioSelect
            )
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000, widget=forms.TextInput
            )

    def header(self) -> list[Any]:
        """The inspection's own fields (not the items), for the template."""
        return [self[name] for name in ("school", "date", "deadline", "note")]

    def items(self) -> list[tuple[Any, Any, Any]]:
        """(item, result field, note field) for the template."""
        return [(item, self[f"result_{item.key}"], self[f"note_{item.key}"]) for item in self.checklist.items]

    def outcomes(self) -> dict[str, ItemOutcome]:
        data = self.cleaned_data
        return {
            item.key: ItemOutcome(data[f"result_{item.key}"], data.get(f"note_{item.key}") or "")
            for item in self.checklist.items
        }


class SubmitForm(forms.Form):
    report = forms.CharField(
        label=_("Rectification report"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("What was rectified; attach the evidence files first."),
    )


class RecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=c.RecheckResult.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("Re-check date"), widget=DateInput)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    new_deadline = forms.DateField(
        label=_("New deadline"),
        widget=DateInput,
        required=False,
        help_text=_("Required when the re-check fails: the order goes back to its owner."),
    )

    def cleaned(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "passed": data["result"] == c.RecheckResult.PASSED,
            "date": data["date"],
            "note": data.get("note") or "",
            "new_deadline": data.get("new_deadline"),
        }


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
