"""/api/batches and /api/submissions: what a batch and a submission say, to whom."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.api.conftest import ID_HUA, ID_MING, Facts, body
from tests.conftest import World
from tisheng.intake.choices import BatchStatus, SubmissionStatus


def test_a_batch_list_gives_counts_not_findings(client_for: Callable[[str], Client], facts: Facts) -> None:
    items = body(client_for("clerk_a").get("/api/batches"))["items"]
    assert [b["id"] for b in items] == [facts.a["batches"].pk]
    [batch] = items
    assert "issues" not in batch
    assert (batch["issue_count"], batch["warning_count"], batch["rows_read"]) == (2, 1, 3)
    assert (batch["status"], batch["status_label"]) == ("invalid", str(BatchStatus.INVALID.label))
    assert (batch["dataset"], batch["dataset_label"]) == ("students", "学生名册")
    assert batch["uploaded_by"]["username"] == "clerk_a"


def test_a_batch_shows_its_findings_errors_first_and_masked(
    client_for: Callable[[str], Client], facts: Facts, world: World
) -> None:
    batch = body(client_for("principal_a").get(f"/api/batches/{facts.a['batches'].pk}"))
    assert batch["school"]["code"] == world.school_a.code
    assert (batch["academic_year"], batch["academic_year_label"]) == (2025, str(world.year))
    assert [i["severity"] for i in batch["issues"]] == ["error", "error", "warning"]
    wrong_digit, unknown = batch["issues"][0], batch["issues"][1]
    assert (wrong_digit["row"], wrong_digit["column"], wrong_digit["header"]) == (2, "D", "身份证号")
    assert wrong_digit["value"] == f"{ID_MING[:6]}********{ID_MING[14:17]}0"
    assert wrong_digit["severity_label"] == "错误"
    masked = f"G{ID_HUA[:6]}********{ID_HUA[14:]}"
    assert unknown["value"] == masked
    assert unknown["message"] == f"找不到学籍号为 {masked} 的学生"
    assert batch["issues_not_shown"] == 0
    assert batch["files"] == []


def test_a_district_wide_batch_is_for_the_district_roles(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    batch = facts.district["batches"]
    admin = body(client_for("inspector").get(f"/api/batches/{batch.pk}"))
    assert (admin["school"], admin["academic_year"], admin["academic_year_label"]) == (None, None, None)
    for persona in ("principal_a", "clerk_a", "principal_b"):
        assert batch.pk not in {b["id"] for b in body(client_for(persona).get("/api/batches"))["items"]}
        assert client_for(persona).get(f"/api/batches/{batch.pk}").status_code == 404


def test_findings_counted_but_not_kept_are_reported(
    client_for: Callable[[str], Client], facts: Facts
) -> None:
    batch = facts.a["batches"]
    type(batch).objects.filter(pk=batch.pk).update(issue_count=1500)
    assert body(client_for("admin").get(f"/api/batches/{batch.pk}"))["issues_not_shown"] == 1500 + 1 - 3


@pytest.mark.parametrize(
    ("query", "expected"), [("status=committed", {"b", "district"}), ("dataset=students", {"a"})]
)
def test_batch_filters(
    client_for: Callable[[str], Client], facts: Facts, query: str, expected: set[str]
) -> None:
    rows = {"a": facts.a["batches"].pk, "b": facts.b["batches"].pk, "district": facts.district["batches"].pk}
    found = {b["id"] for b in body(client_for("admin").get(f"/api/batches?{query}"))["items"]}
    assert found == {rows[key] for key in expected}


def test_batch_filter_by_school(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    items = body(client_for("admin").get(f"/api/batches?school={world.school_b.pk}"))["items"]
    assert [b["id"] for b in items] == [facts.b["batches"].pk]


def test_a_submission(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    submission = body(client_for("clerk_a").get(f"/api/submissions/{facts.a['submissions'].pk}"))
    assert (submission["status"], submission["status_label"]) == (
        "submitted",
        str(SubmissionStatus.SUBMITTED.label),
    )
    assert submission["is_locked"] is True
    assert submission["submitted_by"]["username"] == "clerk_a"
    assert submission["reviewed_by"] is None
    assert (submission["academic_year"], submission["school"]["code"]) == (2025, world.school_a.code)


def test_submission_filters(client_for: Callable[[str], Client], facts: Facts, world: World) -> None:
    client = client_for("leader")
    drafts = body(client.get("/api/submissions?status=draft"))["items"]
    assert [s["id"] for s in drafts] == [facts.b["submissions"].pk]
    assert drafts[0]["is_locked"] is False
    mine = body(client.get(f"/api/submissions?school={world.school_a.pk}&academic_year={world.year.pk}"))
    assert [s["id"] for s in mine["items"]] == [facts.a["submissions"].pk]
