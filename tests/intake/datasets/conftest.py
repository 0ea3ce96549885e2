"""Shared helpers of the data set tests: an xlsx builder and a helper that runs a file through the real
batch life (create → validate → commit) as one of the world's personas."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import World
from tisheng.core.models import AcademicYear, ChangeRecord
from tisheng.intake import services
from tisheng.intake.choices import BatchStatus
from tisheng.intake.models import ImportBatch


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded files go to a temporary folder, not the data directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


def xlsx(sheet: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A workbook with one sheet: the header row, then ``rows`` exactly as given."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


Runner = Callable[..., ImportBatch]


@pytest.fixture
def run(world: World) -> Runner:
    """``run("clerk_a", "teachers", files)`` → the batch after validation and (when it is ready and
    ``commit`` is true) commit. ``files`` is one workbook's bytes or a list of (name, bytes)."""

    def run_batch(
        persona: str,
        dataset: str,
        files: bytes | list[tuple[str, bytes]],
        *,
        year: AcademicYear | str | None = "current",
        commit: bool = True,
    ) -> ImportBatch:
        user = world.users[persona]
        uploads = [(f"{dataset}.xlsx", files)] if isinstance(files, bytes) else files
        chosen = world.year if year == "current" else year
        batch = services.create_batch(user, dataset, chosen, uploads)  # type: ignore[arg-type]
        services.validate_batch(batch)
        if commit and batch.status == BatchStatus.READY:
            services.commit_batch(batch, user)
        batch.refresh_from_db()
        return batch

    return run_batch


def counts(batch: ImportBatch) -> tuple[int, int, int, int]:
    """(added, changed, removed, unchanged) of a validated batch."""
    return batch.added, batch.changed, batch.removed, batch.unchanged


def error_at(batch: ImportBatch, row: int, column: str) -> dict[str, Any]:
    """The one error of ``batch`` at Excel ``row`` and column letter ``column``; it must name both in
    Chinese and say what to do."""
    found = [i for i in batch.errors() if i["row"] == row and i["column"] == column]
    assert len(found) == 1, f"expected one error at {column}{row}, found {found} among {batch.errors()}"
    issue = found[0]
    assert f"第 {row} 行" in issue["where"] and f"{column} 列" in issue["where"], issue
    assert issue["hint"], issue
    return issue


def warning_at(batch: ImportBatch, row: int, column: str) -> dict[str, Any]:
    found = [i for i in batch.warnings() if i["row"] == row and i["column"] == column]
    assert len(found) == 1, f"expected one warning at {column}{row}, found {found} among {batch.warnings()}"
    return found[0]


def audited(batch: ImportBatch) -> dict[str, dict[str, int]]:
    """ChangeRecords of fact rows written by ``batch``: model name → action → count."""
    found: dict[str, dict[str, int]] = {}
    records = ChangeRecord.objects.filter(batch_id=batch.pk, content_type__app_label="census")
    for record in records.select_related("content_type"):
        per_model = found.setdefault(record.content_type.model, {})
        per_model[record.action] = per_model.get(record.action, 0) + 1
    return found
