"""The forms of the census register pages: uploading evidence files (证明材料) to a record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from tisheng.core import evidence
from tisheng.intake.forms import MultipleFileField, MultipleFileInput


class EvidenceUploadForm(forms.Form):
    """One or more files and an optional note that applies to all of them."""

    files = MultipleFileField(
        label="证明材料文件",
        widget=MultipleFileInput(attrs={"accept": evidence.ACCEPT_ATTRIBUTE}),
        error_messages={"required": "请选择要上传的文件", "empty": "上传的文件是空文件，请检查后重新选择"},
    )
    description = forms.CharField(
        label="说明",
        required=False,
        max_length=200,
        help_text="可选，如“获奖证书扫描件”“活动签到表和照片”。",
        error_messages={"max_length": "说明不能超过 %(limit_value)d 个字"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            f"可一次选择多个文件；支持 {evidence.ACCEPTED_TYPES}；"
            f"每个文件不超过 {evidence.size_text(evidence.MAX_EVIDENCE_BYTES)}。"
        )

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        evidence.check_uploads(files)  # the service checks again when it stores them
        return files
