"""Set-up of the intake page tests: the URL map with /intake/, imports run inline, uploaded files kept
in a temporary folder, an empty progress cache; and helpers to read the pages."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _intake_pages(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.TASKS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    cache.clear()
    yield
    cache.clear()


def text_of(response: Any) -> str:
    return response.content.decode()


def workbook(response: Any) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(b"".join(response) if hasattr(response, "streaming_content") else response.content)
    )


def upload(client: Client, dataset: str, files: list[tuple[str, bytes]], **extra: Any) -> Any:
    """POST the upload form as a browser would: the files under one multiple input."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tisheng.core.models import AcademicYear

    data: dict[str, Any] = {
        "dataset": dataset,
        "academic_year": AcademicYear.objects.get(is_current=True).pk,
        "files": [SimpleUploadedFile(name, content) for name, content in files],
    }
    data.update(extra)
    return client.post(reverse("intake:upload"), data)
