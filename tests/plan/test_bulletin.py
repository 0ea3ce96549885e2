"""The plan's progress bulletin (reports/bulletin.py): a .docx whose figures are the services', the
``tisheng report bulletin`` command and the plan page's download (district roles only)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from tests.conftest import World
from tests.documents import convert_to_pdf, pdf_pages
from tests.plan.conftest import XIXIA, load
from tests.plan.test_status import make_current, store
from tisheng.cli import main
from tisheng.plan.models import Commitment, Plan
from tisheng.plan.reports import overdue_reports
from tisheng.plan.status import plan_status
from tisheng.plan.trajectory import Status
from tisheng.reports.bulletin import HEADINGS, build_bulletin

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 11, 1)
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


@pytest.fixture
def plan(world: World) -> Plan:
    plan = load(XIXIA).plan
    # the fitness goal falls short of its 50%, and task 1's 10 city-level 德育示范校 will not be reached: 红
    store(world, "health.fitness_excellent_good_rate", {2022: "40.0", 2023: "40.5", 2024: "41.0"})
    store(
        world, "recognition.moral_education_school", {2022: "1", 2023: "1", 2024: "1"}, breakdown="level=city"
    )
    make_current(2024)
    return plan


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def section(texts: list[str], heading: str) -> list[str]:
    """The paragraphs between ``heading`` and the next heading."""
    start = texts.index(heading) + 1
    following = [i for i, t in enumerate(texts) if t in HEADINGS and i >= start]
    return texts[start : following[0] if following else len(texts)]


def test_bulletin_has_the_title_the_headings_and_a_chinese_a4_page(plan: Plan) -> None:
    content = build_bulletin(plan, today=TODAY)
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "银川市西夏区基础教育质量提升行动进展情况通报（2024年第3季度）"
    assert [t for t in texts if t in HEADINGS] == list(HEADINGS)
    page = document.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    fonts = document.paragraphs[0].runs[0].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    body = document.paragraphs[texts.index(HEADINGS[0]) + 1].runs[0].element.rPr.find(qn("w:rFonts"))
    assert body.get(qn("w:eastAsia")) == "仿宋"


def test_the_narrative_counts_are_plan_status_counts(plan: Plan) -> None:
    found = plan_status(plan, today=TODAY)
    tasks = list(plan.tasks.all())
    counts = Counter(found.of_task(task) for task in tasks)
    assert counts[Status.RED] >= 1
    narrative = section(paragraphs(build_bulletin(plan, today=TODAY)), HEADINGS[0])[0]
    assert f"方案共部署任务{len(tasks)}项" in narrative
    assert len(tasks) == 29
    said = dict(re.findall(r"(绿|黄|红|无数据)(\d+)项", narrative))
    assert {label: int(n) for label, n in said.items()} == {s.label: counts[s] for s in Status}
    commitments = Counter(s.status for s in found.commitments.values())
    said = dict(re.findall(r"(绿|黄|红|无数据)(\d+)条", narrative))
    assert {label: int(n) for label, n in said.items()} == {s.label: commitments[s] for s in Status}
    assert f"承诺{len(found.commitments)}条" in narrative


def test_a_red_commitment_and_its_reason_are_in_section_three(plan: Plan) -> None:
    found = plan_status(plan, today=TODAY)
    fitness = Commitment.objects.get(plan=plan, key="g1-fitness")
    assert found.commitments[fitness.pk].status == Status.RED
    moral = Commitment.objects.get(plan=plan, key="t1-moral-city")
    assert found.commitments[moral.pk].status == Status.RED
    content = build_bulletin(plan, today=TODAY)
    red = section(paragraphs(content), HEADINGS[2])
    reds = [x for x in found.commitments.values() if x.status == Status.RED]
    assert len(red) == len(reds)
    assert any(
        p.startswith("（")
        and "目标1" in p
        and fitness.title in p
        and found.commitments[fitness.pk].reason in p
        for p in red
    )
    reason = found.commitments[moral.pk].reason
    assert any(p.startswith("（") and "第1项任务" in p and "教育局" in p and reason in p for p in red)
    # the tasks' table says why a task is red, from the same sentences
    table = Document(io.BytesIO(content)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["编号", "任务", "牵头单位", "状态", "说明"]
    assert len(table.rows) == 1 + 29
    for row in table.rows[1:]:
        task = plan.tasks.get(number=int(row.cells[0].text))
        assert row.cells[3].text == found.of_task(task).label
    assert reason in table.rows[1].cells[4].text and table.rows[1].cells[3].text == "红"


def test_overdue_reports_are_in_section_four(plan: Plan) -> None:
    overdue = overdue_reports(plan, TODAY)
    assert overdue
    first = overdue[0]
    four = section(paragraphs(build_bulletin(plan, today=TODAY)), HEADINGS[3])
    assert f"共有{len(overdue)}份进度报告逾期未报" in four[0]
    name = first.department.short_name or first.department.name
    line = next(p for p in four if p.startswith(f"{name}逾期"))
    owed = sum(1 for o in overdue if o.department == first.department and o.task == first.task)
    assert (
        f"第{first.task.number}项任务{owed}份（最早为{first.period}，应于{first.due:%Y-%m-%d}前提交）" in line
    )
    assert line.startswith(f"{name}逾期{sum(1 for o in overdue if o.department == first.department)}份：")
    assert "2024年第3季度各牵头单位进度报告报送情况：" in four


def test_departments_evaluation_is_in_section_five(plan: Plan) -> None:
    from tisheng.supervision.accountability import yearly_table

    rows = yearly_table(plan, 2024)
    table = Document(io.BytesIO(build_bulletin(plan, today=TODAY))).tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["单位", "牵头任务", "得分", "等级"]
    assert [(r.cells[0].text, r.cells[3].text) for r in table.rows[1:]] == [
        (r.department.short_name or r.department.name, r.grade) for r in rows
    ]


def test_cli_writes_a_readable_bulletin(plan: Plan, tmp_path: Path, capsys) -> None:
    out = tmp_path / "通报.docx"
    code = main(["report", "bulletin", "--plan", plan.code, "--out", str(out), "--today", "2024-11-01"])
    assert code == 0
    assert "已生成" in capsys.readouterr().out
    assert paragraphs(out.read_bytes())[0].startswith("银川市西夏区基础教育质量提升行动进展情况通报")


def test_cli_refuses_a_bad_plan_code_in_chinese(plan: Plan, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.docx"
    code = main(["report", "bulletin", "--plan", "no-such-plan", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "找不到代码为“no-such-plan”的行动方案" in err
    assert plan.code in err
    assert not out.exists()


def test_cli_refuses_a_bad_date(plan: Plan, tmp_path: Path, capsys) -> None:
    code = main(
        ["report", "bulletin", "--plan", plan.code, "--out", str(tmp_path / "x.docx"), "--today", "11/1"]
    )
    assert code == 1
    assert "格式不对" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("admin", 200), ("inspector", 200), ("leader", 200), ("dept_user", 403), ("principal_a", 403)],
)
def test_download_for_district_roles_only(client_for, plan: Plan, persona: str, expected: int) -> None:
    client = client_for(persona)
    response = client.get(reverse("plan:bulletin", args=[plan.pk]))
    assert response.status_code == expected
    page = client.get(reverse("plan:plan", args=[plan.pk])).content.decode()
    assert (reverse("plan:bulletin", args=[plan.pk]) in page) == (expected == 200)
    if expected == 200:
        assert response["Content-Type"].endswith("wordprocessingml.document")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert paragraphs(content)[0].startswith("银川市西夏区基础教育质量提升行动进展情况通报")


def test_anonymous_download_is_sent_to_sign_in(client_for, plan: Plan) -> None:
    response = client_for("anon").get(reverse("plan:bulletin", args=[plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_bulletin_converts_to_pdf_with_libreoffice(plan: Plan) -> None:
    pdf = convert_to_pdf(build_bulletin(plan, today=TODAY), "plan-bulletin")
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) >= 2
