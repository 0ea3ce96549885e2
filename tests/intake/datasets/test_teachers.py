"""教职工名册: Teacher + TeacherYear + main Certificate per row, for one 学年."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.conftest import World
from tests.intake.datasets.conftest import Runner, audited, counts, error_at, warning_at, xlsx
from tisheng.census.models import Certificate, Teacher, TeacherYear
from tisheng.core.choices import Stage
from tisheng.core.models import AcademicYear
from tisheng.intake import services
from tisheng.intake.choices import BatchStatus

HEADER = [
    "学校标识码", "教职工号", "姓名", "性别", "出生日期", "身份证号", "学段", "岗位类别", "任教学科", "最高学历",
    "职称", "骨干教师级别", "年度培训学时", "信息素养测评", "师德档案", "师德承诺书", "家庭教育指导教师",
    "年工资收入", "教师资格种类", "教师资格证号", "资格证发证日期", "资格证有效期至",
]  # fmt: skip
#: The columns the cross-field tests need (A … O).
SHORT = [
    "学校标识码", "教职工号", "姓名", "性别", "出生日期", "学段", "岗位类别", "最高学历", "职称", "师德档案",
    "师德承诺书", "教师资格种类", "教师资格证号", "资格证发证日期", "身份证号",
]  # fmt: skip
A, B, C = "2164010501", "2164010502", "2164010503"


def school_a_file() -> bytes:
    return xlsx(
        "教职工",
        HEADER,
        [
            [A, "T001", "王丽", "女", "1988-05-12", "64010519880512002X", "小学", "专任教师", "语文", "本科", "一级",
             "区级", 72, "合格", "是", "是", "否", 98000, "小学教师资格", "20156400122000123", "2015-06-30", None],
            [A, "T002", "李强", "男", dt.date(1975, 2, 20), "640105197502200036", "小学", "管理人员", None,
             "硕士研究生", "高级", None, 40.5, "未参加", "是", "是", "是", "120000.50", "高级中学教师资格",
             "19986400132000456", dt.date(1998, 7, 1), None],
            [A, "T003", "赵敏", "女", "1990/1/1", None, "小学", "专任教师", "数学", "专科", "二级", None, None, None,
             "是", "否", None, None, None, None, None, None],
        ],
    )  # fmt: skip


def test_valid_file_writes_teachers_years_and_certificates(world: World, run: Runner) -> None:
    batch = run("clerk_a", "teachers", school_a_file())

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (3, 0, 0, 0)
    wang = Teacher.objects.get(staff_number="T001")
    assert (wang.name, wang.sex, wang.birth_date, wang.school) == (
        "王丽",
        "F",
        dt.date(1988, 5, 12),
        world.school_a,
    )
    assert wang.id_number_masked == "640105********002X"
    assert wang.batch_id == batch.pk
    record = TeacherYear.objects.get(teacher=wang, academic_year=world.year)
    assert record.section == world.school_a.sections.get(stage=Stage.PRIMARY)
    assert (record.post, record.subject, record.education, record.title) == (
        "teacher",
        "语文",
        "bachelor",
        "first",
    )
    assert (record.backbone_level, record.training_hours, record.info_literacy) == (
        "district",
        Decimal("72"),
        "pass",
    )
    assert (record.ethics_file, record.commitment_signed, record.family_guidance_teacher) == (
        True,
        True,
        False,
    )
    assert record.annual_salary == Decimal("98000")
    assert record.batch_id == batch.pk
    li = TeacherYear.objects.get(teacher__staff_number="T002")
    assert (li.post, li.annual_salary, li.training_hours, li.info_literacy) == (
        "management",
        Decimal("120000.50"),
        Decimal("40.5"),
        "not_taken",
    )
    zhao = TeacherYear.objects.get(teacher__staff_number="T003")
    assert (zhao.training_hours, zhao.info_literacy, zhao.annual_salary, zhao.backbone_level) == (
        0,
        "not_taken",
        None,
        "",
    )
    assert zhao.teacher.id_number_masked == ""
    cert = Certificate.objects.get(number="20156400122000123")
    assert (cert.teacher, cert.level, cert.issued_on, cert.valid_until) == (
        wang,
        "primary",
        dt.date(2015, 6, 30),
        None,
    )
    assert cert.batch_id == batch.pk
    assert Certificate.objects.count() == 2
    assert audited(batch) == {
        "teacher": {"create": 3},
        "teacheryear": {"create": 3},
        "certificate": {"create": 2},
    }
    # the 专任教师 without a certificate is flagged, not refused
    assert "教师资格证" in warning_at(batch, 4, "T")["message"]


def test_reupload_changes_nothing(world: World, run: Runner) -> None:
    run("clerk_a", "teachers", school_a_file())
    again = run("clerk_a", "teachers", school_a_file())

    assert again.status == BatchStatus.COMMITTED
    assert counts(again) == (0, 0, 0, 3)
    assert audited(again) == {}


def test_reupload_with_other_certificates_on_record_changes_nothing(world: World, run: Runner) -> None:
    first = run("clerk_a", "teachers", school_a_file())
    # T002 also holds a newer kindergarten certificate; T003 (blank in the file) got one elsewhere
    Certificate.objects.create(
        teacher=Teacher.objects.get(staff_number="T002"), level="kindergarten", number="20206400112000001",
        issued_on=dt.date(2020, 7, 1),
    )  # fmt: skip
    Certificate.objects.create(
        teacher=Teacher.objects.get(staff_number="T003"), level="primary", number="20126400122000999",
        issued_on=dt.date(2012, 7, 1),
    )  # fmt: skip
    again = run("clerk_a", "teachers", school_a_file())

    assert first.status == again.status == BatchStatus.COMMITTED
    assert counts(again) == (0, 0, 0, 3)
    assert again.warnings() == []  # T003 now has a certificate on record
    assert Certificate.objects.count() == 4


def test_changed_and_removed_rows(world: World, run: Runner) -> None:
    run("clerk_a", "teachers", school_a_file())
    changed = xlsx(
        "教职工",
        HEADER,
        [
            [A, "T001", "王丽", "女", "1988-05-12", "64010519880512002X", "小学", "专任教师", "语文", "本科", "高级",
             "市级", 72, "合格", "是", "是", "否", 98000, "小学教师资格", "20156400122000123", "2015-06-30",
             "2030-06-30"],
            [A, "T002", "李强", "男", dt.date(1975, 2, 20), "640105197502200036", "小学", "管理人员", None,
             "硕士研究生", "高级", None, 40.5, "未参加", "是", "是", "是", "120000.50", "高级中学教师资格",
             "19986400132000456", dt.date(1998, 7, 1), None],
        ],
    )  # fmt: skip
    batch = run("clerk_a", "teachers", changed)

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (0, 1, 1, 1)
    record = TeacherYear.objects.get(teacher__staff_number="T001")
    assert (record.title, record.backbone_level, record.batch_id) == ("senior", "city", batch.pk)
    cert = Certificate.objects.get(number="20156400122000123")
    assert (cert.valid_until, cert.batch_id) == (dt.date(2030, 6, 30), batch.pk)
    # the removed row deletes the year's record, not the teacher
    assert not TeacherYear.objects.filter(teacher__staff_number="T003").exists()
    assert Teacher.objects.filter(staff_number="T003").exists()
    assert audited(batch) == {
        "teacheryear": {"update": 1, "delete": 1},
        "certificate": {"update": 1},
    }


def test_wrong_rows_are_named_and_nothing_is_written(world: World, run: Runner) -> None:
    wrong = xlsx(
        "教职工",
        SHORT,
        [
            [A, "T001", "王丽", "男的", "1988-05-12", "小学", "专任教师", "本科", "一级", "是", "是", None, None, None],
            [A, "T002", "李强", "男", "1988-13-01", "小学", "管理人员", "本科", "一级", "是", "是", None, None, None],
            [A, "T003", "赵敏", "女", "1990-01-01", "小学", "专任教师", "本科", "一级", "也许", "是", None, None, None],
            [A, "T004", "钱进", "男", "1990-01-01", "小学", "专任教师", "本科", "一级", "是", "是", None, None, None,
             "640105199001010048"],
            [A, "T005", "孙悦", "女", "1990-01-01", "小学", "专任教师", "本科", "一级", "是", "是", None, None, None],
        ],
    )  # fmt: skip
    batch = run("clerk_a", "teachers", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "不是可选的值" in error_at(batch, 2, "D")["message"]
    assert "不存在的日期" in error_at(batch, 3, "E")["message"]
    assert "不是“是”或“否”" in error_at(batch, 4, "J")["message"]
    assert "校验位" in error_at(batch, 5, "O")["message"]
    assert len(batch.errors()) == 4
    assert (
        not Teacher.objects.exists() and not TeacherYear.objects.exists() and not Certificate.objects.exists()
    )


def test_duplicates_within_and_across_files(world: World, run: Runner) -> None:
    first = xlsx(
        "教职工",
        SHORT,
        [
            [A, "T001", "王丽", "女", "1988-05-12", "小学", "管理人员", "本科", "一级", "是", "是", None, None, None],
            [A, "t001", "王丽", "女", "1988-05-12", "小学", "管理人员", "本科", "一级", "是", "是", None, None, None],
        ],
    )  # fmt: skip
    second = xlsx(
        "教职工",
        SHORT,
        [
            [
                A,
                "T001",
                "王丽",
                "女",
                "1988-05-12",
                "小学",
                "管理人员",
                "本科",
                "一级",
                "是",
                "是",
                None,
                None,
                None,
            ]
        ],
    )
    batch = run("clerk_a", "teachers", [("一.xlsx", first), ("二.xlsx", second)])

    assert batch.status == BatchStatus.INVALID
    assert "重复" in error_at(batch, 3, "B")["message"]
    across = [i for i in batch.errors() if i["file"] == "二.xlsx"]
    assert len(across) == 1 and "一.xlsx" in across[0]["message"], batch.errors()
    assert not Teacher.objects.exists()


def test_certificate_for_a_lower_stage_is_an_error_naming_both(world: World, run: Runner) -> None:
    wrong = xlsx(
        "教职工",
        SHORT,
        [
            [B, "T101", "周敏", "女", "1985-03-03", "初中", "专任教师", "本科", "一级", "是", "是", "小学教师资格",
             "20106400122000001", "2010-07-01"],
            [B, "T102", "吴刚", "男", "1980-04-04", "初中", "管理人员", "本科", "一级", "是", "是", "小学教师资格",
             "20106400122000002", "2010-07-01"],
            [B, "T103", "郑华", "男", "1982-05-05", "初中", "专任教师", "本科", "一级", "是", "是", "高级中学教师资格",
             "20106400132000003", "2010-07-01"],
        ],
    )  # fmt: skip
    batch = run("principal_b", "teachers", wrong)

    assert batch.status == BatchStatus.INVALID
    issue = error_at(batch, 2, "L")
    assert "小学教师资格" in issue["message"] and "初中" in issue["message"]
    assert len(batch.errors()) == 1  # management staff and a higher certificate are fine
    assert not Teacher.objects.exists()


def test_certificate_needs_number_and_issue_date(world: World, run: Runner) -> None:
    wrong = xlsx(
        "教职工",
        SHORT,
        [
            [A, "T001", "王丽", "女", "1988-05-12", "小学", "专任教师", "本科", "一级", "是", "是", "小学教师资格",
             None, "2015-06-30"],
            [A, "T002", "李强", "男", "1975-02-20", "小学", "专任教师", "本科", "一级", "是", "是", "小学教师资格",
             "19986400122000456", None],
        ],
    )  # fmt: skip
    batch = run("clerk_a", "teachers", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "证书编号" in error_at(batch, 2, "M")["message"]
    assert "发证日期" in error_at(batch, 3, "N")["message"]


def test_teacher_listed_at_another_school_in_the_same_year(world: World, run: Runner) -> None:
    row = ["T001", "王丽", "女", "1988-05-12"]
    rest = ["专任教师", "本科", "一级", "是", "是", "高级中学教师资格", "20156400132000123", "2015-06-30"]
    assert run("clerk_a", "teachers", xlsx("教职工", SHORT, [[A, *row, "小学", *rest]])).status == "committed"

    batch = run("principal_b", "teachers", xlsx("教职工", SHORT, [[B, *row, "初中", *rest]]))

    assert batch.status == BatchStatus.INVALID
    assert "测试第一小学" in error_at(batch, 2, "B")["message"]
    assert TeacherYear.objects.get().section.school == world.school_a


def test_certificate_number_of_another_teacher(world: World, run: Runner) -> None:
    rest = ["专任教师", "本科", "一级", "是", "是", "小学教师资格", "20156400122000123", "2015-06-30"]
    run(
        "clerk_a", "teachers", xlsx("教职工", SHORT, [[A, "T001", "王丽", "女", "1988-05-12", "小学", *rest]])
    )

    other = [B, "T101", "周敏", "女", "1985-03-03", "初中", "管理人员", *rest[1:]]
    batch = run("principal_b", "teachers", xlsx("教职工", SHORT, [other]))

    assert batch.status == BatchStatus.INVALID
    assert "T001" in error_at(batch, 2, "M")["message"]


def test_stage_the_school_does_not_have_and_id_birth_mismatch(world: World, run: Runner) -> None:
    wrong = xlsx(
        "教职工",
        SHORT,
        [
            [A, "T001", "王丽", "女", "1988-05-12", "初中", "管理人员", "本科", "一级", "是", "是", None, None, None],
            [A, "T002", "李强", "男", "1975-02-21", "小学", "管理人员", "本科", "一级", "是", "是", None, None, None,
             "640105197502200036"],
        ],
    )  # fmt: skip
    batch = run("clerk_a", "teachers", wrong)

    assert batch.status == BatchStatus.INVALID
    assert "没有初中学段" in error_at(batch, 2, "F")["message"]
    assert "1975-02-20" in error_at(batch, 3, "O")["message"]


def test_nine_year_school_places_teachers_in_their_section(world: World, run: Runner) -> None:
    rows = [
        [C, "T201", "冯静", "女", "1986-06-06", "小学", "专任教师", "本科", "一级", "是", "是", "小学教师资格",
         "20086400122000201", "2008-07-01"],
        [C, "T202", "陈亮", "男", "1984-08-08", "初中", "专任教师", "本科", "一级", "是", "是", "初级中学教师资格",
         "20066400132000202", "2006-07-01"],
    ]  # fmt: skip
    batch = run("admin", "teachers", xlsx("教职工", SHORT, rows))

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    stages = dict(TeacherYear.objects.values_list("teacher__staff_number", "section__stage"))
    assert stages == {"T201": "primary", "T202": "junior"}


def test_a_teacher_moves_to_another_school_next_year(world: World, run: Runner) -> None:
    last_year = AcademicYear.objects.create(start_year=2024)
    rest = ["管理人员", "本科", "一级", "是", "是", None, None, None]
    first = run(
        "clerk_a",
        "teachers",
        xlsx("教职工", SHORT, [[A, "T001", "王丽", "女", "1988-05-12", "小学", *rest]]),
        year=last_year,
    )
    assert first.status == BatchStatus.COMMITTED, first.issues

    batch = run(
        "principal_b",
        "teachers",
        xlsx("教职工", SHORT, [[B, "T001", "王丽", "女", "1988-05-12", "初中", *rest]]),
    )

    assert batch.status == BatchStatus.COMMITTED, batch.issues
    assert counts(batch) == (1, 0, 0, 0)
    assert Teacher.objects.get().school == world.school_b
    assert set(TeacherYear.objects.values_list("academic_year__start_year", "section__school__code")) == {
        (2024, A),
        (2025, B),
    }
    assert audited(batch) == {"teacher": {"update": 1}, "teacheryear": {"create": 1}}


def test_a_committed_batch_can_be_rolled_back(world: World, run: Runner) -> None:
    batch = run("clerk_a", "teachers", school_a_file())

    undone = services.rollback_batch(batch, world.users["admin"])

    assert undone == 9  # 3 teachers, 3 year records, 2 certificates and the submission
    assert (
        not Teacher.objects.exists() and not TeacherYear.objects.exists() and not Certificate.objects.exists()
    )
