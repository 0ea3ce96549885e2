"""教职工名册: every member of staff of a school in a 学年 — who they are (教职工号, name, 身份证 masked),
their record for the year (stage section, post, subject, education, title, backbone level, training,
信息素养, ethics file and 承诺书, family-education guidance, salary) and their main 教师资格证.

One row writes a :class:`Teacher` (kept across years), a :class:`TeacherYear` for the chosen 学年 and,
when the certificate columns are filled, the :class:`Certificate` with that number. A row left out of a
new upload removes the teacher's record for the year, never the teacher or their certificates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from tisheng.census import choices as c
from tisheng.census.models import Certificate, Teacher, TeacherYear
from tisheng.core.audit import bulk_create_audited, bulk_delete_audited, bulk_update_audited, snapshot
from tisheng.core.models import School
from tisheng.intake.cells import Boolean, Choice, Date, IdNumber, Number, Text
from tisheng.intake.datasets.base import (
    SCHOOL_CODE,
    Column,
    Context,
    Dataset,
    Issue,
    Plan,
    Row,
    error,
    registry,
    warning,
)
from tisheng.intake.datasets.common import STAFF_NUMBER, STAGE_COLUMN, sections, stage_label, teachers
from tisheng.intake.datasets.students import age_on

POST_ALIASES: dict[str, str] = {
    "专任教师": c.Post.TEACHER, "专任": c.Post.TEACHER, "教师": c.Post.TEACHER,
    "教研员": c.Post.RESEARCHER, "教研人员": c.Post.RESEARCHER,
    "管理": c.Post.MANAGEMENT, "管理人员": c.Post.MANAGEMENT, "行政人员": c.Post.MANAGEMENT,
    "教辅": c.Post.SUPPORT, "教辅人员": c.Post.SUPPORT,
    "工勤": c.Post.WORKER, "工勤人员": c.Post.WORKER, "工勤技能人员": c.Post.WORKER,
}  # fmt: skip
EDUCATION_ALIASES: dict[str, str] = {
    "博士": c.Education.DOCTORATE, "博士研究生": c.Education.DOCTORATE,
    "硕士": c.Education.MASTER, "硕士研究生": c.Education.MASTER, "研究生": c.Education.MASTER,
    "本科": c.Education.BACHELOR, "大学本科": c.Education.BACHELOR,
    "专科": c.Education.COLLEGE, "大专": c.Education.COLLEGE, "大学专科": c.Education.COLLEGE,
    "高中": c.Education.SECONDARY, "中专": c.Education.SECONDARY, "高中阶段": c.Education.SECONDARY,
    "高中以下": c.Education.BELOW, "高中阶段以下": c.Education.BELOW, "初中及以下": c.Education.BELOW,
}  # fmt: skip
TITLE_ALIASES: dict[str, str] = {
    "正高级": c.Title.SENIOR_PROFESSOR, "正高级教师": c.Title.SENIOR_PROFESSOR,
    "高级": c.Title.SENIOR, "高级教师": c.Title.SENIOR, "副高级": c.Title.SENIOR,
    "一级": c.Title.FIRST, "一级教师": c.Title.FIRST,
    "二级": c.Title.SECOND, "二级教师": c.Title.SECOND,
    "三级": c.Title.THIRD, "三级教师": c.Title.THIRD,
    "未定级": c.Title.NONE, "未定职级": c.Title.NONE, "无": c.Title.NONE, "未评": c.Title.NONE,
}  # fmt: skip
BACKBONE_ALIASES: dict[str, str] = {
    "区": c.BackboneLevel.DISTRICT, "区级": c.BackboneLevel.DISTRICT, "区级骨干": c.BackboneLevel.DISTRICT,
    "区级骨干教师": c.BackboneLevel.DISTRICT,
    "市": c.BackboneLevel.CITY, "市级": c.BackboneLevel.CITY, "市级骨干": c.BackboneLevel.CITY,
    "市级骨干教师": c.BackboneLevel.CITY,
    "自治区": c.BackboneLevel.REGION, "自治区级": c.BackboneLevel.REGION, "自治区级骨干": c.BackboneLevel.REGION,
    "自治区级骨干教师": c.BackboneLevel.REGION,
}  # fmt: skip
LITERACY_ALIASES: dict[str, str] = {
    "合格": c.LiteracyResult.PASS, "通过": c.LiteracyResult.PASS,
    "不合格": c.LiteracyResult.FAIL, "未通过": c.LiteracyResult.FAIL,
    "未参加": c.LiteracyResult.NOT_TAKEN, "未参测": c.LiteracyResult.NOT_TAKEN, "未测评": c.LiteracyResult.NOT_TAKEN,
}  # fmt: skip
#: 教师资格种类 by the names of 《教师资格条例》第四条 (and the short forms).
CERTIFICATE_ALIASES: dict[str, str] = {
    "幼儿园教师资格": c.CertificateLevel.KINDERGARTEN, "幼儿园": c.CertificateLevel.KINDERGARTEN,
    "小学教师资格": c.CertificateLevel.PRIMARY, "小学": c.CertificateLevel.PRIMARY,
    "初级中学教师资格": c.CertificateLevel.JUNIOR, "初中教师资格": c.CertificateLevel.JUNIOR,
    "初级中学": c.CertificateLevel.JUNIOR, "初中": c.CertificateLevel.JUNIOR,
    "高级中学教师资格": c.CertificateLevel.SENIOR, "高中教师资格": c.CertificateLevel.SENIOR,
    "高级中学": c.CertificateLevel.SENIOR, "高中": c.CertificateLevel.SENIOR,
}  # fmt: skip
CERTIFICATE_NAMES = {
    c.CertificateLevel.KINDERGARTEN: "幼儿园教师资格",
    c.CertificateLevel.PRIMARY: "小学教师资格",
    c.CertificateLevel.JUNIOR: "初级中学教师资格",
    c.CertificateLevel.SENIOR: "高级中学教师资格",
}
#: The youngest and oldest plausible age of staff at the 统计时点.
AGE_RANGE = (18, 70)

TEACHER_KEYS = ("name", "sex", "birth_date", "id_number")
YEAR_KEYS = (
    "post", "subject", "education", "title", "backbone_level", "training_hours", "info_literacy",
    "ethics_file", "commitment_signed", "family_guidance_teacher", "annual_salary",
)  # fmt: skip
CERTIFICATE_KEYS = (
    "certificate_level",
    "certificate_number",
    "certificate_issued",
    "certificate_valid_until",
)
NO_CERTIFICATE = dict.fromkeys(CERTIFICATE_KEYS)
#: What a blank optional column stands for (the model's default).
BLANKS: dict[str, Any] = {
    "id_number": "",
    "subject": "",
    "backbone_level": "",
    "training_hours": Decimal("0.0"),
    "info_literacy": c.LiteracyResult.NOT_TAKEN,
    "family_guidance_teacher": False,
    "annual_salary": None,
}


@registry.register
class TeachersDataset(Dataset):
    name = "teachers"
    title = "教职工名册"
    sheet = "教职工"
    description = (
        "本校本学年（统计时点 9 月 1 日）全部在编在岗教职工的名册，每人一行，含岗位、学历、职称、骨干级别、"
        "培训学时、信息素养测评、师德档案与承诺书、年工资收入和主要教师资格证。每个学年上传完整名册；"
        "名册中删去的人员只删除其本学年记录。身份证号只保存脱敏后的号码。"
    )
    identity = ("staff_number",)
    columns = (
        SCHOOL_CODE,
        STAFF_NUMBER,
        Column("name", "姓名", Text(max_length=50, prose=True), example="王丽"),
        Column("sex", "性别", Choice(c.Sex, aliases={"男性": "M", "女性": "F"}), example="女"),
        Column("birth_date", "出生日期", Date(), example="1988-05-12"),
        Column(
            "id_number", "身份证号", IdNumber(), required=False, help="可不填；填写时校验，只保存脱敏号码"
        ),
        STAGE_COLUMN,
        Column(
            "post",
            "岗位类别",
            Choice(c.Post, aliases=POST_ALIASES),
            example="专任教师",
            help="专任教师、教研员、管理人员、教辅人员或工勤人员",
        ),
        Column(
            "subject",
            "任教学科",
            Text(max_length=30),
            required=False,
            example="语文",
            help="专任教师填写主要任教学科",
        ),
        Column("education", "最高学历", Choice(c.Education, aliases=EDUCATION_ALIASES), example="本科"),
        Column(
            "title",
            "职称",
            Choice(c.Title, aliases=TITLE_ALIASES),
            example="一级",
            help="正高级、高级、一级、二级、三级或未定级",
        ),
        Column(
            "backbone_level",
            "骨干教师级别",
            Choice(c.BackboneLevel, aliases=BACKBONE_ALIASES),
            required=False,
            example="区级",
            help="区级、市级或自治区级；不是骨干教师留空",
        ),
        Column(
            "training_hours",
            "年度培训学时",
            Number(minimum=0, maximum=2000, places=1, unit="学时"),
            required=False,
            example=72,
            help="本学年参加培训的学时数；不填按 0 计",
        ),
        Column(
            "info_literacy",
            "信息素养测评",
            Choice(c.LiteracyResult, aliases=LITERACY_ALIASES),
            required=False,
            example="合格",
            help="合格、不合格或未测评；不填按未测评计",
        ),
        Column("ethics_file", "师德档案", Boolean(), example="是", help="是否已建立师德档案"),
        Column(
            "commitment_signed",
            "师德承诺书",
            Boolean(),
            example="是",
            help="本学年是否签订师德承诺书",
            aliases=("承诺书",),
        ),
        Column(
            "family_guidance_teacher",
            "家庭教育指导教师",
            Boolean(),
            required=False,
            example="否",
            help="是否为家庭教育指导教师；不填按否计",
        ),
        Column(
            "annual_salary",
            "年工资收入",
            Number(minimum=0, maximum=9_999_999, places=2, unit="元"),
            required=False,
            example=98000,
            help="上一年度工资收入（元），用于教师工资水平指标；可不填",
        ),
        Column(
            "certificate_level",
            "教师资格种类",
            Choice(c.CertificateLevel, aliases=CERTIFICATE_ALIASES),
            required=False,
            example="小学教师资格",
            help="幼儿园、小学、初级中学或高级中学教师资格；没有教师资格证留空",
        ),
        Column(
            "certificate_number",
            "教师资格证号",
            Text(
                max_length=40,
                pattern=r"[0-9A-Z]{6,40}",
                pattern_hint="教师资格证书编号（字母和数字）",
                upper=True,
            ),
            required=False,
            example="20156400122000123",
        ),
        Column(
            "certificate_issued",
            "资格证发证日期",
            Date(),
            required=False,
            example="2015-06-30",
            help="填写资格证时必填",
        ),
        Column(
            "certificate_valid_until",
            "资格证有效期至",
            Date(not_after_today=False),
            required=False,
            help="证书注明有效期的填写；长期有效留空",
        ),
    )
    example_rows = (
        {
            "school_code": "2164010501", "staff_number": "T2025001", "name": "王丽", "sex": "女",
            "birth_date": "1988-05-12", "stage": "小学", "post": "专任教师", "subject": "语文",
            "education": "本科", "title": "一级", "backbone_level": "区级", "training_hours": 72,
            "info_literacy": "合格", "ethics_file": "是", "commitment_signed": "是",
            "certificate_level": "小学教师资格", "certificate_number": "20156400122000123",
            "certificate_issued": "2015-06-30",
        },
    )  # fmt: skip

    # --- rules -----------------------------------------------------------------------------------

    def check_row(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        census_day = ctx.year.census_date if ctx.year else ctx.today
        age = age_on(v["birth_date"], census_day)
        if not AGE_RANGE[0] <= age <= AGE_RANGE[1]:
            yield error(
                row.at("birth_date", self),
                f"按出生日期，该教职工在统计时点为 {age} 岁，不在 {AGE_RANGE[0]}–{AGE_RANGE[1]} 岁之间",
                "请核对出生日期",
                v["birth_date"],
            )
        id_value = v.get("id_number")
        if id_value is not None and id_value.birth is not None and id_value.birth != v["birth_date"]:
            yield error(
                row.at("id_number", self),
                f"身份证号中的出生日期 {id_value.birth:%Y-%m-%d} 与“出生日期”列 {v['birth_date']:%Y-%m-%d} 不一致",
                "请核对身份证号或出生日期",
            )
        school = ctx.schools_by_code.get(v["school_code"])
        if school is not None and (school.pk, v["stage"]) not in sections(ctx, [school]):
            yield error(
                row.at("stage", self),
                f"“{school}”没有{stage_label(v['stage'])}学段",
                "请核对学段，或请教育局在学校信息中增加相应学段",
                stage_label(v["stage"]),
            )
        yield from self._check_certificate(row, ctx)

    def _check_certificate(self, row: Row, ctx: Context) -> Iterable[Issue]:
        v = row.values
        level, number = v.get("certificate_level"), v.get("certificate_number")
        given = [k for k in CERTIFICATE_KEYS if v.get(k) is not None]
        if given and level is None:
            yield error(
                row.at("certificate_level", self),
                "填写了教师资格证信息却没有教师资格种类",
                "请选择教师资格种类",
            )
        if given and number is None:
            yield error(
                row.at("certificate_number", self), "填写了教师资格证信息却没有证书编号", "请填写教师资格证号"
            )
        if given and v.get("certificate_issued") is None:
            yield error(
                row.at("certificate_issued", self), "填写了教师资格证却没有发证日期", "请按证书填写发证日期"
            )
        issued, valid_until = v.get("certificate_issued"), v.get("certificate_valid_until")
        if issued and valid_until and valid_until <= issued:
            yield error(
                row.at("certificate_valid_until", self),
                f"有效期至 {valid_until:%Y-%m-%d} 不晚于发证日期 {issued:%Y-%m-%d}",
                "请核对证书的发证日期和有效期",
                valid_until,
            )
        elif valid_until and ctx.year and valid_until < ctx.year.census_date:
            yield warning(
                row.at("certificate_valid_until", self),
                f"教师资格证在统计时点已过期（有效期至 {valid_until:%Y-%m-%d}）",
                "过期证书不计入持证上岗；如已换证，请填写新证",
                valid_until,
            )
        if v["post"] != c.Post.TEACHER or level is None:
            return
        if not c.certificate_covers(level, v["stage"]):
            yield error(
                row.at("certificate_level", self),
                f"专任教师在{stage_label(v['stage'])}任教，但所持“{CERTIFICATE_NAMES[level]}”"
                f"不能在{stage_label(v['stage'])}任教",
                f"请核对学段和教师资格种类；在{stage_label(v['stage'])}任教须持有相应或更高学段的教师资格",
                CERTIFICATE_NAMES[level],
            )

    def check_rows(self, rows: list[Row], ctx: Context) -> Iterable[Issue]:
        numbers = [row.values["staff_number"] for row in rows]
        codes = {row.values["school_code"] for row in rows}
        # listed at another school in the same 学年
        elsewhere = dict(
            TeacherYear.objects.filter(academic_year=ctx.year, teacher__staff_number__in=numbers)
            .exclude(section__school__code__in=codes)
            .values_list("teacher__staff_number", "section__school__name")
        )
        for row in rows:
            number = row.values["staff_number"]
            if number in elsewhere:
                yield error(
                    row.at("staff_number", self),
                    f"该教职工本学年已在“{elsewhere[number]}”的教职工名册中",
                    "调动的教职工请先由原学校从本学年名册中删除，再列入本校名册",
                    number,
                )
        # certificates: unique in the file, and not another teacher's
        cert_numbers = Counter(n for row in rows if (n := row.values.get("certificate_number")))
        holders = dict(
            Certificate.objects.filter(number__in=list(cert_numbers)).values_list(
                "number", "teacher__staff_number"
            )
        )
        first_row: dict[str, Row] = {}
        for row in rows:
            number = row.values.get("certificate_number")
            if number is None:
                continue
            if number in first_row:
                yield error(
                    row.at("certificate_number", self),
                    f"教师资格证号与{first_row[number].place.label()}相同",
                    "每本教师资格证只属于一名教师，请核对证号",
                    number,
                )
                continue
            first_row[number] = row
            holder = holders.get(number)
            if holder is not None and holder != row.values["staff_number"]:
                yield error(
                    row.at("certificate_number", self),
                    f"该教师资格证号已登记在教职工号 {holder} 名下",
                    "请核对证号；如登记有误，请联系教育局管理员",
                    number,
                )
        # 持证上岗率 counts certificates: a 专任教师 with none (in the file or on record) is flagged
        without = [
            r
            for r in rows
            if r.values["post"] == c.Post.TEACHER and r.values.get("certificate_number") is None
        ]
        on_record = set(
            Certificate.objects.filter(teacher__staff_number__in=[r.values["staff_number"] for r in without])
            .values_list("teacher__staff_number", flat=True)
            .distinct()
        )
        for row in without:
            if row.values["staff_number"] not in on_record:
                yield warning(
                    row.at("certificate_number", self),
                    "专任教师没有填写教师资格证，系统中也没有其资格证记录",
                    "持证上岗率按无证计算；如持有教师资格证，请填写资格种类、证号和发证日期",
                )

    # --- database side ---------------------------------------------------------------------------

    def comparable(self, row: Row) -> dict[str, Any]:
        v = row.values
        values = {k: v[k] for k in ("school_code", "staff_number", *TEACHER_KEYS, "stage", *YEAR_KEYS)}
        values["id_number"] = v["id_number"].masked if v.get("id_number") else None
        for key, blank in BLANKS.items():
            if values[key] is None:
                values[key] = blank
        values.update({k: v.get(k) for k in CERTIFICATE_KEYS})
        return values

    def existing(
        self, ctx: Context, schools: list[School], rows: list[Row]
    ) -> dict[tuple[Any, ...], dict[str, Any]]:
        records = list(
            TeacherYear.objects.filter(academic_year=ctx.year, section__school__in=schools).select_related(
                "teacher", "section__school"
            )
        )
        certificates: dict[int, list[Certificate]] = {}
        for cert in Certificate.objects.filter(teacher__in=[r.teacher_id for r in records]).order_by(
            "issued_on", "pk"
        ):
            certificates.setdefault(cert.teacher_id, []).append(cert)
        # per teacher, the certificate this file names (see _certificate_values)
        named = {row.values["staff_number"]: row.values.get("certificate_number") for row in rows}
        found = {}
        for record in records:
            teacher = record.teacher
            values = {
                "school_code": record.section.school.code,
                "staff_number": teacher.staff_number,
                "name": teacher.name,
                "sex": teacher.sex,
                "birth_date": teacher.birth_date,
                "id_number": teacher.id_number_masked,
                "stage": record.section.stage,
                **{k: getattr(record, k) for k in YEAR_KEYS},
                **self._certificate_values(
                    certificates.get(teacher.pk, []),
                    named,
                    teacher.staff_number,
                    teacher.staff_number in named,
                ),
            }
            found[(teacher.staff_number,)] = values
        return found

    @staticmethod
    def _certificate_values(
        held: list[Certificate], named: dict[str, str | None], staff_number: str, in_file: bool
    ) -> dict[str, Any]:
        """The certificate a row is compared with. A teacher may hold several certificates and a row
        names one: the one with the number the file gives; none when the file gives none (a blank
        certificate column states nothing and removes nothing); otherwise the latest issued."""
        if in_file:
            number = named.get(staff_number)
            if number is None:
                return dict(NO_CERTIFICATE)
            chosen = next((cert for cert in held if cert.number == number), None)
        else:
            chosen = None
        chosen = chosen or (held[-1] if held else None)
        if chosen is None:
            return dict(NO_CERTIFICATE)
        return {
            "certificate_level": chosen.level,
            "certificate_number": chosen.number,
            "certificate_issued": chosen.issued_on,
            "certificate_valid_until": chosen.valid_until,
        }

    def write(self, ctx: Context, plan: Plan, batch_id: int) -> None:
        schools = {code: s for code, s in ctx.schools_by_code.items()}
        incoming = [ch.after for ch in (*plan.added, *plan.changed) if ch.after]
        found = teachers(ctx, [v["staff_number"] for v in incoming])
        section_of = sections(ctx, {schools[v["school_code"]] for v in incoming})

        # the teachers
        new_teachers, updated, before = [], [], {}
        for v in incoming:
            fields = {
                "name": v["name"],
                "sex": v["sex"],
                "birth_date": v["birth_date"],
                "id_number_masked": v["id_number"],
                "school_id": schools[v["school_code"]].pk,
            }
            teacher = found.get(v["staff_number"])
            if teacher is None:
                teacher = Teacher(staff_number=v["staff_number"], batch_id=batch_id, **fields)
                new_teachers.append(teacher)
                found[teacher.staff_number] = teacher
            elif any(getattr(teacher, k) != value for k, value in fields.items()):
                before[teacher.pk] = snapshot(teacher)
                for k, value in fields.items():
                    setattr(teacher, k, value)
                teacher.batch_id = batch_id
                updated.append(teacher)
        bulk_create_audited(Teacher, new_teachers)
        bulk_update_audited(
            Teacher, updated, ["name", "sex", "birth_date", "id_number_masked", "school", "batch"], before
        )
        ctx.cache.pop("teachers", None)  # the cache now holds unsaved or stale teachers

        # their certificates (created or corrected, never removed)
        self._write_certificates(incoming, found, batch_id)

        # their records for the year
        records = {
            r.teacher_id: r
            for r in TeacherYear.objects.filter(
                academic_year=ctx.year, teacher__in=[found[v["staff_number"]] for v in incoming]
            )
        }
        added, changed, record_before = [], [], {}
        for v in incoming:
            teacher = found[v["staff_number"]]
            fields = {k: v[k] for k in YEAR_KEYS}
            fields["section_id"] = section_of[(schools[v["school_code"]].pk, v["stage"])].pk
            record = records.get(teacher.pk)
            if record is None:
                added.append(
                    TeacherYear(academic_year=ctx.year, teacher=teacher, batch_id=batch_id, **fields)
                )
            elif any(getattr(record, k) != value for k, value in fields.items()):
                record_before[record.pk] = snapshot(record)
                for k, value in fields.items():
                    setattr(record, k, value)
                record.batch_id = batch_id
                changed.append(record)
        bulk_create_audited(TeacherYear, added)
        bulk_update_audited(TeacherYear, changed, [*YEAR_KEYS, "section", "batch"], record_before)

        gone = [ch.identity[0] for ch in plan.removed]
        bulk_delete_audited(
            TeacherYear,
            list(TeacherYear.objects.filter(academic_year=ctx.year, teacher__staff_number__in=gone)),
        )

    @staticmethod
    def _write_certificates(incoming: list[dict[str, Any]], found: dict[str, Teacher], batch_id: int) -> None:
        given = [v for v in incoming if v.get("certificate_number")]
        current = {
            cert.number: cert
            for cert in Certificate.objects.filter(number__in=[v["certificate_number"] for v in given])
        }
        added, changed, before = [], [], {}
        for v in given:
            fields = {
                "teacher_id": found[v["staff_number"]].pk,
                "level": v["certificate_level"],
                "issued_on": v["certificate_issued"],
                "valid_until": v["certificate_valid_until"],
            }
            cert = current.get(v["certificate_number"])
            if cert is None:
                added.append(Certificate(number=v["certificate_number"], batch_id=batch_id, **fields))
            elif any(getattr(cert, k) != value for k, value in fields.items()):
                before[cert.pk] = snapshot(cert)
                for k, value in fields.items():
                    setattr(cert, k, value)
                cert.batch_id = batch_id
                changed.append(cert)
        bulk_create_audited(Certificate, added)
        bulk_update_audited(
            Certificate, changed, ["teacher", "level", "issued_on", "valid_until", "batch"], before
        )
