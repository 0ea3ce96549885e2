"""体测成绩 through the intake pipeline: the national upload layout, scored on write like score_student."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, counts, error_at, warning_at, xlsx
from tisheng.core.models import ChangeRecord
from tisheng.health.models import FitnessTest
from tisheng.health.results import standard_version
from tisheng.health.scoring import ItemStatus, StudentRecord, score_student
from tisheng.intake.choices import BatchStatus

D = Decimal
# the national header, with units in brackets and an extra 姓名 column (ignored)
HEADER = ["年级编号", "班级编号", "学籍号", "姓名", "性别", "出生日期", "身高(cm)", "体重（kg）", "肺活量(ml)",
          "50米跑(秒)", "坐位体前屈(cm)", "一分钟跳绳(次)", "一分钟仰卧起坐", "50米x8往返跑(分·秒)"]  # fmt: skip
JUNIOR = ["年级编号", "班级编号", "学籍号", "性别", "身高", "体重", "肺活量", "50米跑", "坐位体前屈", "立定跳远",
          "引体向上", "1000米跑", "800米跑", "免测"]  # fmt: skip


def primary() -> bytes:
    return xlsx(
        "体测成绩",
        HEADER,
        [
            [11, "1101", "GG00001", "甲", 1, "2018-03-01", 120, 22, 1200, 10.5, 12, 110, None, None],
            [15, "1501", "GG00002", "乙", 2, None, "140.5", "35.25", 2000, "9.1", "15.5", 150, 40, "1'45\""],
            [12, "1201", "GG00003", "丙", "男", None, 125, 25, 1300, 0, 10, 100, None, None],
        ],
    )


def test_valid_file_stores_the_reference_scores(world: World, run: Runner) -> None:
    batch = run("clerk_a", "fitness", primary())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    tests = {t.student_number: t for t in FitnessTest.objects.all()}
    assert {t.school for t in tests.values()} == {world.school_a}
    assert {t.academic_year for t in tests.values()} == {world.year}
    expected = {
        "GG00001": StudentRecord(grade=11, sex="M", height=D(120), weight=D(22), vital_capacity=D(1200),
                            run_50m=D("10.5"), sit_and_reach=D(12), rope_skip_1min=D(110)),
        "GG00002": StudentRecord(grade=15, sex="F", height=D("140.5"), weight=D("35.25"), vital_capacity=D(2000),
                            run_50m=D("9.1"), sit_and_reach=D("15.5"), rope_skip_1min=D(150), sit_up_1min=D(40),
                            shuttle_50x8=D(105)),
        "GG00003": StudentRecord(grade=12, sex="M", height=D(125), weight=D(25), vital_capacity=D(1300),
                            run_50m=D(0), sit_and_reach=D(10), rope_skip_1min=D(100),
                            flagged=frozenset({"run_50m"})),
    }  # fmt: skip
    for number, record in expected.items():
        ref, test = score_student(record), tests[number]
        assert test.status == ref.status
        assert test.total == ref.total and test.standard_score == ref.standard_score
        assert test.bonus == ref.bonus
        assert test.bmi == ref.bmi
        assert test.item_scores == {r.item: r.score for r in ref.items if r.status == ItemStatus.SCORED}
        assert test.standard_version == standard_version()
        assert test.student is None  # no 学籍 uploaded
    assert tests["GG00001"].status == "complete" and tests["GG00001"].level
    assert tests["GG00002"].shuttle_50x8 == 105
    # 0 for 50米跑: stored, flagged, not scored
    assert tests["GG00003"].run_50m == 0 and tests["GG00003"].flagged == ["run_50m"]
    assert (
        tests["GG00003"].status == "incomplete"
        and tests["GG00003"].total is None
        and tests["GG00003"].level == ""
    )
    assert "成绩为 0" in warning_at(batch, 4, "J")["message"]
    # the time format taken is said; unknown 学籍号 warned
    notice = warning_at(batch, 3, "N")
    assert "按“分秒记号" in notice["message"] and "105" in notice["message"]
    assert "不在本校" in warning_at(batch, 2, "C")["message"]
    changes = ChangeRecord.objects.filter(batch_id=batch.pk, content_type__model="fitnesstest")
    assert changes.filter(action="create").count() == 3


def test_reupload_changes_nothing(world: World, run: Runner) -> None:
    run("clerk_a", "fitness", primary())
    again = run("clerk_a", "fitness", primary())
    assert counts(again) == (0, 0, 0, 3)
    assert not ChangeRecord.objects.filter(batch_id=again.pk, content_type__model="fitnesstest").exists()


def test_junior_ambiguous_time_and_exemption(world: World, run: Runner) -> None:
    rows = [
        [21, "2101", "JJ00001", 1, 160, 50, 3000, 8, 9, 200, 5, 3.50, None, None],
        [21, "2101", "JJ00002", 2, 155, 45, 2500, 9, 12, 1.85, None, None, "3分40秒", None],
        [22, "2201", "JJ00003", 1, 165, 55, None, None, None, None, None, None, None, "因病免测"],
    ]
    batch = run("principal_b", "fitness", xlsx("体测成绩", JUNIOR, rows))
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    tests = {t.student_number: t for t in FitnessTest.objects.all()}
    ambiguous = warning_at(batch, 2, "L")
    assert "无法确定" in ambiguous["message"] and "待核" in ambiguous["message"]
    assert tests["JJ00001"].run_1000m is None and tests["JJ00001"].flagged == ["run_1000m"]
    assert tests["JJ00001"].status == "incomplete"
    assert "米为单位" in warning_at(batch, 3, "J")["message"]
    assert tests["JJ00002"].standing_long_jump == D("1.85") and tests["JJ00002"].flagged == [
        "standing_long_jump"
    ]
    assert tests["JJ00002"].run_800m == 220
    assert tests["JJ00003"].exempt and tests["JJ00003"].exempt_reason == "因病免测"
    assert (
        tests["JJ00003"].status == "exempt"
        and tests["JJ00003"].item_scores == {}
        and tests["JJ00003"].total is None
    )


def test_duplicate_student_number_names_both_rows(world: World, run: Runner) -> None:
    rows = [
        [11, "1101", "GG00001", "甲", 1, None, 120, 22, 1200, 10.5, 12, 110, None, None],
        [11, "1101", "GG00001", "乙", 2, None, 118, 21, 1100, 11, 14, 100, None, None],
    ]
    batch = run("clerk_a", "fitness", xlsx("体测成绩", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    issue = error_at(batch, 3, "C")
    assert "第 2 行" in issue["message"] and "重复" in issue["message"]
    assert not FitnessTest.objects.exists()


def test_bad_cells_are_errors_and_nothing_is_written(world: World, run: Runner) -> None:
    rows = [
        [11, "1101", "GG00001", "甲", 1, None, 120, 22, 1200, 10.5, 12, 110, None, None],
        [19, "1101", "GG00002", "乙", 3, None, "abc", 21, 1100, "十秒", 14, 100, None, None],
    ]
    batch = run("clerk_a", "fitness", xlsx("体测成绩", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    assert "年级编号“19”不存在" in error_at(batch, 3, "A")["message"]
    assert "性别“3”无法识别" in error_at(batch, 3, "E")["message"]
    assert "应为数值" in error_at(batch, 3, "G")["message"]
    assert "50米跑" in error_at(batch, 3, "J")["message"]
    assert not FitnessTest.objects.exists()


def test_grade_the_school_does_not_teach(world: World, run: Runner) -> None:
    rows = [[21, "2101", "GG00001", "甲", 1, None, 160, 50, 3000, 8, 9, None, None, None]]
    batch = run("clerk_a", "fitness", xlsx("体测成绩", HEADER, rows))
    assert batch.status == BatchStatus.INVALID
    assert "不是“测试第一小学”开设的年级" in error_at(batch, 2, "A")["message"]


def test_school_user_cannot_upload_for_another_school(world: World, run: Runner) -> None:
    rows = [["2164010502", 21, "2101", "JJ00001", 1, 160, 50, 3000, 8, 9, 200, 5, 230, None, None]]
    batch = run("clerk_a", "fitness", xlsx("体测成绩", ["学校标识码", *JUNIOR], rows))
    assert batch.status == BatchStatus.INVALID
    assert "不是本校" in error_at(batch, 2, "A")["message"]
    assert not FitnessTest.objects.exists()


def test_district_admin_names_the_school(world: World, run: Runner) -> None:
    rows = [[21, "2101", "JJ00001", 1, 160, 50, 3000, 8, 9, 200, 5, 230, None, None]]
    batch = run("admin", "fitness", xlsx("体测成绩", JUNIOR, rows))
    assert batch.status == BatchStatus.INVALID
    assert "区管理员" in batch.errors()[0]["message"]
    with_code = [["2164010502", *rows[0]]]
    batch = run("admin", "fitness", xlsx("体测成绩", ["学校标识码", *JUNIOR], with_code))
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert FitnessTest.objects.get().school == world.school_b


def test_submit_approve_then_locked(world: World, run: Runner) -> None:
    from tisheng.intake import services
    from tisheng.intake.models import Submission

    run("clerk_a", "fitness", primary())
    submission = Submission.objects.get(dataset="fitness", school=world.school_a, academic_year=world.year)
    services.submit(submission, world.users["clerk_a"])
    services.approve(submission, world.users["admin"], "数据无误")
    again = run("clerk_a", "fitness", primary())
    assert again.status == BatchStatus.INVALID
    assert any("体测成绩已审核通过并锁定" in i["message"] for i in again.errors())
    assert FitnessTest.objects.count() == 3


def test_rollback_removes_the_tests(world: World, run: Runner) -> None:
    from tisheng.intake import services

    batch = run("clerk_a", "fitness", primary())
    written = ChangeRecord.objects.filter(batch_id=batch.pk)
    assert sorted(written.values_list("content_type__model", flat=True)) == [
        "fitnesstest", "fitnesstest", "fitnesstest", "submission",
    ]  # fmt: skip
    assert services.rollback_batch(batch, world.users["admin"]) == 4
    assert not FitnessTest.objects.exists()


def test_enrolled_student_is_linked_also_when_the_register_comes_later(world: World, run: Runner) -> None:
    import datetime as dt

    from tisheng.census import choices as census
    from tisheng.census.models import Enrolment, SchoolClass, Student
    from tisheng.core.choices import Stage

    first = run("clerk_a", "fitness", primary())
    assert FitnessTest.objects.get(student_number="GG00001").student is None
    unknown = [w for w in first.warnings() if "学籍名单" in w["message"]]
    assert {w["row"] for w in unknown} == {2, 3, 4}

    klass = SchoolClass.objects.create(
        academic_year=world.year,
        section=world.school_a.sections.get(stage=Stage.PRIMARY),
        grade=11,
        number=1,
        student_count=1,
    )
    student = Student.objects.create(
        student_number="GG00001",
        name="甲",
        sex=census.Sex.MALE,
        birth_date=dt.date(2018, 3, 1),
        hukou=census.Hukou.DISTRICT,
    )
    Enrolment.objects.create(academic_year=world.year, student=student, school_class=klass)
    batch = run("clerk_a", "fitness", primary())
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (0, 1, 0, 2)
    assert FitnessTest.objects.get(student_number="GG00001").student == student
    assert FitnessTest.objects.get(student_number="GG00002").student is None
    unknown = [w for w in batch.warnings() if "学籍名单" in w["message"]]
    assert {w["row"] for w in unknown} == {3, 4}


def test_scores_of_older_tables_are_recomputed(world: World, run: Runner) -> None:
    run("clerk_a", "fitness", primary())
    expected = {t.student_number: (t.total, t.item_scores) for t in FitnessTest.objects.all()}
    FitnessTest.objects.update(standard_version="2014:old", total=None, item_scores={})
    batch = run("clerk_a", "fitness", primary())
    assert counts(batch) == (0, 3, 0, 0)
    assert {t.student_number: (t.total, t.item_scores) for t in FitnessTest.objects.all()} == expected
    assert set(FitnessTest.objects.values_list("standard_version", flat=True)) == {standard_version()}


def test_student_number_held_by_another_school(world: World, run: Runner) -> None:
    run("clerk_a", "fitness", primary())
    rows = [[21, "2101", "GG00001", 1, 160, 50, 3000, 8, 9, 200, 5, 230, None, None]]
    batch = run("principal_b", "fitness", xlsx("体测成绩", JUNIOR, rows))
    assert batch.status == BatchStatus.INVALID
    message = error_at(batch, 2, "C")["message"]
    assert "已有其他学校上传的体测成绩" in message and "测试第一小学" not in message
    assert FitnessTest.objects.count() == 3


def test_filler_marks_and_negations_in_the_exempt_column_do_not_exempt(world: World, run: Runner) -> None:
    """A file that fills 免测 with “/” or “-” must not exempt the students (and so empty the denominators)."""
    marks = ["/", "-", "否", "不免测", "正常", "骨折术后康复期"]
    rows = [
        [21, "2101", f"JX0000{i}", 1, 160, 50, 3000, 8, 9, 200, 5, "3'50\"", None, mark]
        for i, mark in enumerate(marks)
    ]
    batch = run("principal_b", "fitness", xlsx("体测成绩", JUNIOR, rows))
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    exempt = {t.student_number: t.exempt for t in FitnessTest.objects.all()}
    assert [exempt[f"JX0000{i}"] for i in range(len(marks))] == [False, False, False, False, False, True]


def test_exempt_written_in_a_result_cell_is_said(world: World, run: Runner) -> None:
    rows = [[21, "2101", "JY00001", 1, 160, 50, 3000, 8, 9, 200, "免测", "3'50\"", None, None]]
    batch = run("principal_b", "fitness", xlsx("体测成绩", JUNIOR, rows))
    assert batch.status == BatchStatus.COMMITTED, batch.issues
    notice = warning_at(batch, 2, "K")
    assert "注明免测" in notice["message"] and "不计入优良率" in notice["message"]
    assert FitnessTest.objects.get().status == "exempt"


def test_district_roles_see_a_health_batch_as_counts_only(
    world: World, run: Runner, client_for: Callable[[str], Client]
) -> None:
    """The preview and the issue list carry students' results: above the school only the uploader sees
    them — on the batch page, in the issue export and in the API."""
    rows = [[21, "2101", "JZ00001", 1, 160, 50, 3000, 8, 9, 1.85, 5, "3'50\"", None, None]]
    batch = run("principal_b", "fitness", xlsx("体测成绩", JUNIOR, rows), commit=False)
    assert batch.status == BatchStatus.READY and batch.warning_count
    url = reverse("intake:batch", args=[batch.pk])
    own = client_for("principal_b").get(url).content.decode()
    assert "JZ00001" in own and "米为单位" in own and 'id="rows-withheld"' not in own
    for persona in ("inspector", "leader"):
        client = client_for(persona)
        html = client.get(url).content.decode()
        assert 'id="rows-withheld"' in html, persona
        assert "JZ00001" not in html and "米为单位" not in html and "1.85" not in html, persona
        assert client.get(reverse("intake:batch-issues", args=[batch.pk])).status_code == 403
        detail = client.get(f"/api/batches/{batch.pk}").json()
        assert detail["issues"] == [] and detail["issues_not_shown"] == batch.warning_count
    assert client_for("principal_b").get(reverse("intake:batch-issues", args=[batch.pk])).status_code == 200
