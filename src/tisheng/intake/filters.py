"""One filter class per model (STYLE §4): batch history and submissions, for the pages and the API."""

from __future__ import annotations

import django_filters as df

from tisheng.core.filters import visible
from tisheng.core.models import AcademicYear, School
from tisheng.intake.choices import BatchStatus, SubmissionStatus
from tisheng.intake.datasets import registry
from tisheng.intake.models import ImportBatch, Submission


def dataset_choices() -> list[tuple[str, str]]:
    return [(spec.name, str(spec.title)) for spec in registry.all()]


class BatchFilterSet(df.FilterSet):
    dataset = df.ChoiceFilter(choices=dataset_choices, label="数据集", empty_label="全部")
    status = df.ChoiceFilter(choices=BatchStatus.choices, label="状态", empty_label="全部")
    academic_year = df.ModelChoiceFilter(queryset=visible(AcademicYear), label="学年", empty_label="全部")
    school = df.ModelChoiceFilter(queryset=visible(School), label="学校", empty_label="全部")

    class Meta:
        model = ImportBatch
        fields = ["dataset", "status", "academic_year", "school"]


class SubmissionFilterSet(df.FilterSet):
    academic_year = df.ModelChoiceFilter(queryset=visible(AcademicYear), label="学年", empty_label="全部")
    dataset = df.ChoiceFilter(choices=dataset_choices, label="数据集", empty_label="全部")
    status = df.ChoiceFilter(choices=SubmissionStatus.choices, label="状态", empty_label="全部")
    school = df.ModelChoiceFilter(queryset=visible(School), label="学校", empty_label="全部")

    class Meta:
        model = Submission
        fields = ["academic_year", "dataset", "status", "school"]
