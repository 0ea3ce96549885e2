"""The forms of the data-intake pages: upload, review, reopen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from tisheng.core.choices import SCHOOL_ROLES
from tisheng.core.models import AcademicYear, User
from tisheng.core.permissions import VIEW
from tisheng.intake import reader, services
from tisheng.intake.datasets import registry
from tisheng.intake.datasets.base import Dataset

ACCEPTED_SUFFIXES = sorted(reader.SPREADSHEET_SUFFIXES | reader.CSV_SUFFIXES)


def dataset_choices() -> list[tuple[str, str]]:
    return [(spec.name, str(spec.title)) for spec in registry.all()]


def datasets_for(user: User) -> list[type[Dataset]]:
    """The data sets ``user`` may upload: a school its own school's data, the administrator all."""
    if user.role in SCHOOL_ROLES:
        return [spec for spec in registry.all() if spec.per_school]
    return registry.all()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one ``<input type=file multiple>``."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(f, initial) for f in files]


class UploadForm(forms.Form):
    """What the upload page asks: the data set, the 学年 (for data sets kept per year), the files, and
    whether only to check them."""

    dataset = forms.ChoiceField(
        label="数据集",
        error_messages={"required": "请选择数据集", "invalid_choice": "请从列表中选择您可以上传的数据集"},
    )
    academic_year = forms.ModelChoiceField(
        label="学年",
        queryset=AcademicYear.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "请选择列表中的学年"},
    )
    files = MultipleFileField(
        label="文件",
        help_text=f"可一次选择多个文件；支持 {'、'.join(ACCEPTED_SUFFIXES)}；"
        f"每个文件不超过 {services.MAX_FILE_BYTES // 1024 // 1024} MB。",
        error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空文件，请检查后重新选择"},
    )
    dry_run = forms.BooleanField(
        label="只检查不入库",
        required=False,
        help_text="勾选后只检查文件并显示结果，不写入数据。",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["dataset"].choices = [(spec.name, str(spec.title)) for spec in datasets_for(user)]
        # Choosing another data set redraws the form (the 学年 is hidden for data sets not kept per year).
        self.fields["dataset"].widget.attrs.update(
            {
                "hx-get": reverse("intake:upload"),
                "hx-select": "#upload-form",
                "hx-target": "#upload-form",
                "hx-swap": "outerHTML",
            }
        )
        years = AcademicYear.objects.restrict(user, VIEW).order_by("-start_year")
        self.fields["academic_year"].queryset = years  # type: ignore[attr-defined]
        if not self.is_bound and "academic_year" not in self.initial:
            self.initial["academic_year"] = years.filter(is_current=True).first()
        spec = self.selected_dataset()
        if spec is not None and not spec.per_year:
            self.fields["academic_year"].widget = forms.HiddenInput()

    def selected_dataset(self) -> type[Dataset] | None:
        name = self.data.get("dataset") if self.is_bound else self.initial.get("dataset")
        return registry.get(name) if name else None

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        limit = services.MAX_FILE_BYTES
        problems = []
        for f in files:
            name = Path(f.name or "").name
            suffix = Path(name).suffix.lower()
            if suffix not in ACCEPTED_SUFFIXES:
                problems.append(
                    f"文件“{name}”的类型“{suffix or '无扩展名'}”不支持，请上传 .xlsx、.xls 或 .csv 文件"
                )
            elif f.size is not None and f.size > limit:
                problems.append(
                    f"文件“{name}”有 {filesizeformat(f.size)}，超过 {filesizeformat(limit)} 的上限，"
                    "请拆分后分批上传"
                )
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        spec = registry.get(cleaned.get("dataset") or "")
        if spec is not None and spec.per_year and cleaned.get("academic_year") is None:
            self.add_error("academic_year", "请选择数据所属的学年")
        if spec is not None and not spec.per_year:
            cleaned["academic_year"] = None
        return cleaned


class CommentForm(forms.Form):
    """The reviewer's words when approving or returning; the reason when reopening. The services decide
    whether the text is enough and say why in Chinese."""

    comment = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新开放的理由", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
