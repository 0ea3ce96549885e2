"""``tisheng report annual`` / ``tisheng report selfassess`` and the 官方文书 page with its downloads
(district roles only)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.reports.conftest import Documents
from tisheng.cli import main
from tisheng.core.models import AcademicYear

pytestmark = pytest.mark.django_db

TITLE = "银川市西夏区基础教育质量年度监测报告（2025学年）"


def test_cli_writes_the_annual_report(documents: Documents, tmp_path: Path, capsys) -> None:
    out = tmp_path / "监测报告.docx"
    assert main(["report", "annual", "--year", "2025", "--out", str(out)]) == 0
    assert "已生成" in capsys.readouterr().out
    assert Document(io.BytesIO(out.read_bytes())).paragraphs[0].text == TITLE


def test_cli_writes_the_self_assessment(documents: Documents, tmp_path: Path, capsys) -> None:
    out = tmp_path / "自评表.xlsx"
    assert main(["report", "selfassess", "--year", "2025", "--out", str(out)]) == 0
    assert "义务教育优质均衡发展资源配置自评表（2025学年）" in capsys.readouterr().out
    assert load_workbook(out).sheetnames == ["资源配置", "差异系数", "说明"]


def test_cli_refuses_an_unknown_year_in_chinese(documents: Documents, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.docx"
    assert main(["report", "annual", "--year", "2019", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "没有2019学年" in err and "2024、2025" in err
    assert not out.exists()


def test_cli_refuses_a_year_without_computation(documents: Documents, tmp_path: Path, capsys) -> None:
    AcademicYear.objects.create(start_year=2026)
    out = tmp_path / "x.xlsx"
    assert main(["report", "selfassess", "--year", "2026", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "2026学年还没有计算指标" in err and "已计算的学年：2024、2025" in err
    assert not out.exists()


def test_cli_refuses_a_wrong_suffix(documents: Documents, tmp_path: Path, capsys) -> None:
    assert main(["report", "annual", "--year", "2025", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "应以 .docx 结尾" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", 200),
        ("inspector", 200),
        ("leader", 200),
        ("dept_user", 403),
        ("principal_a", 403),
        ("clerk_a", 403),
    ],
)
def test_documents_for_district_roles_only(
    client_for, documents: Documents, persona: str, expected: int
) -> None:
    client = client_for(persona)
    page = client.get(reverse("reports:index"))
    assert page.status_code == expected
    annual = client.get(reverse("reports:annual", args=[2025]))
    selfassess = client.get(reverse("reports:selfassess", args=[2025]))
    assert annual.status_code == selfassess.status_code == expected
    if expected == 200:
        html = page.content.decode()
        assert reverse("reports:annual", args=[2025]) in html
        assert reverse("reports:selfassess", args=[2024]) in html
        assert reverse("plan:bulletin", args=[documents.plan.pk]) in html
        assert 'class="data" id="report-years"' in html
        assert annual["Content-Type"].endswith("wordprocessingml.document")
        assert "filename*=utf-8''" in annual["Content-Disposition"]
        assert annual["Server-Timing"].startswith("build;dur=")
        assert Document(io.BytesIO(annual.content)).paragraphs[0].text == TITLE
        assert selfassess["Content-Type"].endswith("spreadsheetml.sheet")
        assert load_workbook(io.BytesIO(selfassess.content))["资源配置"].cell(2, 2).value == "测试第一小学"


def test_a_year_without_computation_is_not_found(client_for, documents: Documents) -> None:
    AcademicYear.objects.create(start_year=2026)
    client = client_for("admin")
    assert client.get(reverse("reports:annual", args=[2026])).status_code == 404
    assert client.get(reverse("reports:selfassess", args=[2019])).status_code == 404
    assert "reports/annual/2026/" not in client.get(reverse("reports:index")).content.decode()


@pytest.mark.parametrize("name", ["reports:index", "reports:annual", "reports:selfassess"])
def test_anonymous_is_sent_to_sign_in(client_for, documents: Documents, name: str) -> None:
    url = reverse(name) if name == "reports:index" else reverse(name, args=[2025])
    response = client_for("anon").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
