"""The progress report form (进度报告): the department (when the user may report for more than one), the
quarter, what was done, the figures, a milestone reached, and evidence files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tisheng.core import evidence
from tisheng.core.models import Department
from tisheng.intake.forms import MultipleFileField, MultipleFileInput
from tisheng.plan.models import Milestone, Task
from tisheng.plan.reports import Period


def period_choices(task: Task, today: dt.date) -> list[tuple[str, str]]:
    """The quarters of the plan's period that have begun, newest first (``"2025-3"``)."""
    period, out = Period(task.plan.start_year, 1), []
    while period.year <= task.plan.end_year and period.first_day <= today:
        out.append((f"{period.year}-{period.quarter}", str(period)))
        period = period.next()
    return out[::-1]


class ProgressReportForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("Department"))
    period = forms.ChoiceField(label=_("Quarter"))
    text = forms.CharField(
        label=_("Progress"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("What was done this quarter on the task, against its commitments."),
    )
    figures = forms.CharField(
        label=_("Figures"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The numbers behind it, e.g. 新增学位 1,200 个；培训教师 350 人次."),
    )
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.none(), required=False, label=_("Milestone reached")
    )
    reached_on = forms.DateField(
        required=False, label=_("Reached on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    places_delivered = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("Places delivered (学位)"),
        help_text=_("With the 投用 milestone."),
    )
    files = MultipleFileField(
        required=False,
        label=_("Evidence files"),
        widget=MultipleFileInput(attrs={"accept": evidence.ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args: Any, task: Task, departments: list[Department], today: dt.date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
        if len(departments) == 1:
            self.fields["department"].initial = departments[0].pk
        self.fields["period"].choices = period_choices(task, today)
        milestones = Milestone.objects.filter(commitment__task=task).select_related("commitment")
        self.fields["milestone"].queryset = milestones
        self.fields["milestone"].label_from_instance = lambda m: (
            f"{m.commitment.title}：{m.get_stage_display()}"
        )
        if not milestones.exists():
            for name in ("milestone", "reached_on", "places_delivered"):
                del self.fields[name]

    def cleaned_period(self) -> Period:
        year, quarter = self.cleaned_data["period"].split("-")
        return Period(int(year), int(quarter))
