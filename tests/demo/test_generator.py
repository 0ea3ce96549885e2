"""The demo district matches PLAN.md's published scale and is a valid, fully audited organisation."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum

from tests.demo.conftest import Demo
from tisheng.census.models import SchoolClass
from tisheng.core.choices import (
    COMPULSORY_TYPES,
    DEFAULT_STAGES,
    GRADE_STAGE,
    Affiliation,
    AuditAction,
    ChangeSource,
    GroupKind,
    MembershipRole,
    Ownership,
    Role,
    SchoolType,
    UrbanRural,
)
from tisheng.core.models import (
    AcademicYear,
    ChangeRecord,
    District,
    GroupMembership,
    School,
    SchoolGroup,
    Town,
    User,
)
from tisheng.demo import data
from tisheng.demo.steps.organisation import role_label
from tisheng.health.models import FitnessTest

CENSUS_2025 = dt.date(2025, 9, 1)


def students(year: int, low: int, high: int) -> int:
    total = SchoolClass.objects.filter(
        academic_year__start_year=year, grade__gte=low, grade__lte=high
    ).aggregate(n=Sum("student_count"))["n"]
    return int(total or 0)


def school_totals(year: int, low: int, high: int) -> dict[str, int]:
    rows = (
        SchoolClass.objects.filter(academic_year__start_year=year, grade__gte=low, grade__lte=high)
        .values("section__school__name")
        .annotate(n=Sum("student_count"))
    )
    return {row["section__school__name"]: row["n"] for row in rows}


# --- the published 2025 scale ------------------------------------------------------------------------
def test_compulsory_schools_match_the_published_mix(demo: Demo) -> None:
    compulsory = School.objects.filter(school_type__in=COMPULSORY_TYPES)
    assert compulsory.count() == 43
    mix = Counter(compulsory.values_list("school_type", flat=True))
    assert mix == {
        SchoolType.JUNIOR: 12,
        SchoolType.PRIMARY: 29,
        SchoolType.NINE_YEAR: 1,
        SchoolType.SPECIAL: 1,
    }
    city_or_region = compulsory.filter(school_type=SchoolType.JUNIOR).exclude(
        affiliation=Affiliation.DISTRICT
    )
    assert city_or_region.count() == 3
    assert School.objects.get(name="银川市第十八中学").affiliation == Affiliation.CITY
    counts = demo.summary.counts
    assert counts["schools.compulsory"] == 43
    assert counts["schools.junior.city_or_region"] == 3


def test_students_2025_match_the_published_figures(demo: Demo) -> None:
    assert students(2025, 11, 16) == 29_637
    assert students(2025, 21, 23) == 13_158
    assert students(2025, 11, 23) == 42_795
    assert students(2025, 11, 11) == 4_786
    assert students(2025, 21, 21) == 4_553
    counts = demo.summary.counts
    assert counts["students.2025.primary"] == 29_637
    assert counts["students.2025.junior"] == 13_158
    assert counts["students.2025.compulsory"] == 42_795
    assert counts["students.2025.grade_11"] == 4_786
    assert counts["students.2025.grade_21"] == 4_553


def test_kindergartens_and_senior_schools_at_a_realistic_scale(demo: Demo) -> None:
    kindergartens = School.objects.filter(school_type=SchoolType.KINDERGARTEN)
    assert kindergartens.count() == 50
    assert kindergartens.filter(ownership=Ownership.PUBLIC, is_puhui=True).count() == 22
    assert kindergartens.filter(ownership=Ownership.PRIVATE, is_puhui=True).count() == 18
    assert kindergartens.filter(ownership=Ownership.PRIVATE, is_puhui=False).count() == 10
    assert kindergartens.get(name="银川市第一幼儿园").affiliation == Affiliation.CITY
    assert 10_000 <= students(2025, 1, 3) <= 12_000
    seniors = school_totals(2025, 31, 33)
    assert len(seniors) == 4
    assert all(1_800 <= n <= 2_200 for n in seniors.values())
    assert School.objects.get(name="北方民族大学附属中学").affiliation == Affiliation.REGION


def test_schools_the_plan_names_exist_and_planned_ones_do_not(demo: Demo) -> None:
    expected = {
        "银川市第十八中学": SchoolType.JUNIOR,
        "兴泾镇第三小学": SchoolType.PRIMARY,
        "西夏区实验小学": SchoolType.PRIMARY,
        "西夏区第七小学": SchoolType.PRIMARY,
        "西夏区第八小学": SchoolType.PRIMARY,
        "西夏区第九小学": SchoolType.PRIMARY,
        "西夏区第十小学": SchoolType.PRIMARY,
        "银川市第二十一小学": SchoolType.PRIMARY,
        "镇北堡镇华西希望中学": SchoolType.JUNIOR,
        "兴泾镇回民中学": SchoolType.JUNIOR,
        "北方民族大学附属中学": SchoolType.SENIOR,
        "银川市第一幼儿园": SchoolType.KINDERGARTEN,
    }
    found = dict(School.objects.filter(name__in=expected).values_list("name", "school_type"))
    assert found == expected
    assert School.objects.get(name="兴泾镇第三小学").short_name == "兴泾三小"
    for rural in ("镇北堡镇华西希望中学", "兴泾镇回民中学"):
        assert School.objects.get(name=rural).urban_rural != UrbanRural.URBAN
    planned = ["西夏区第二十小学", "教育小镇中学", "西夏区吉祥幼儿园"]
    assert not School.objects.filter(name__in=planned).exists()


def test_district_towns_and_years(demo: Demo) -> None:
    district = District.objects.get()
    assert (district.code, district.name, district.city, district.province) == (
        "640105",
        "西夏区",
        "银川市",
        "宁夏回族自治区",
    )
    towns = dict(Town.objects.values_list("code", "name"))
    assert len(towns) == 8
    assert towns["640105001"] == "宁华路街道"
    assert towns["640105100"] == "兴泾镇"
    assert towns["640105101"] == "镇北堡镇"
    assert set(Town.objects.filter(urban_rural=UrbanRural.RURAL).values_list("name", flat=True)) == {
        "兴泾镇",
        "镇北堡镇",
    }
    years = AcademicYear.objects.order_by("start_year")
    assert [y.start_year for y in years] == [2021, 2022, 2023, 2024, 2025]
    assert all(y.census_date == dt.date(y.start_year, 9, 1) for y in years)
    assert AcademicYear.objects.get(is_current=True).start_year == 2025


def test_school_register_fields(demo: Demo) -> None:
    schools = list(School.objects.select_related("town"))
    codes = [s.code for s in schools]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 10 and code.isdigit() for code in codes)
    for school in schools:
        school.full_clean()
        assert Decimal("105.95") <= school.longitude <= Decimal("106.25")  # type: ignore[operator]
        assert Decimal("38.42") <= school.latitude <= Decimal("38.58")  # type: ignore[operator]
        assert school.address.startswith("银川市西夏区")
        assert school.phone.startswith("0951-")
        assert 2 <= len(school.principal_name) <= 3
    rural_lon = max(s.longitude for s in schools if s.town.urban_rural == UrbanRural.RURAL)  # type: ignore[type-var]
    urban_lon = min(s.longitude for s in schools if s.town.urban_rural == UrbanRural.URBAN)  # type: ignore[type-var]
    assert rural_lon < urban_lon  # the rural towns lie west of the city
    assert sum(s.opened_on is not None for s in schools) >= len(schools) // 3


# --- structure -----------------------------------------------------------------------------------------
def test_every_school_has_its_default_sections(demo: Demo) -> None:
    for school in School.objects.prefetch_related("sections"):
        stages = sorted(section.stage for section in school.sections.all())
        assert stages == sorted(DEFAULT_STAGES[SchoolType(school.school_type)]), school.name


def test_every_class_grade_belongs_to_its_section_stage(demo: Demo) -> None:
    pairs = SchoolClass.objects.values_list("grade", "section__stage").distinct()
    assert pairs
    for grade, stage in pairs:
        assert GRADE_STAGE[grade] == stage


def test_every_school_has_classes_every_year_it_was_open(demo: Demo) -> None:
    seen = set(
        SchoolClass.objects.values_list("academic_year__start_year", "section__school__code").distinct()
    )
    for school in School.objects.all():
        for year in data.YEARS:
            open_ = school.opened_on is None or school.opened_on <= dt.date(year, 9, 1)
            assert ((year, school.code) in seen) == open_, (school.name, year)


def test_class_numbers_are_consecutive(demo: Demo) -> None:
    numbers: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for year, section, grade, number in SchoolClass.objects.values_list(
        "academic_year_id", "section_id", "grade", "number"
    ):
        numbers[(year, section, grade)].append(number)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())


def test_class_sizes_show_the_planted_problems(demo: Demo) -> None:
    compulsory = SchoolClass.objects.filter(grade__gte=11, grade__lte=23)
    big_2021 = compulsory.filter(academic_year__start_year=2021, student_count__gte=56).count()
    oversized_2021 = compulsory.filter(academic_year__start_year=2021, student_count__gte=66).count()
    assert 2 <= big_2021 <= 15
    assert 1 <= oversized_2021 <= 2
    assert not compulsory.filter(academic_year__start_year=2025, student_count__gte=56).exists()
    over_standard = SchoolClass.objects.filter(academic_year__start_year=2025, grade__gte=11, grade__lte=16)
    assert over_standard.filter(student_count__gt=45).exists()  # some 小学 classes still over 45
    assert (
        SchoolClass.objects.filter(academic_year__start_year=2025, grade__gte=21, grade__lte=23)
        .filter(student_count__gt=50)
        .exists()
    )
    special = SchoolClass.objects.filter(section__school__school_type=SchoolType.SPECIAL)
    assert special.exists()
    assert all(8 <= n <= 12 for n in special.values_list("student_count", flat=True))
    assert not SchoolClass.objects.filter(student_count__lt=1).exists()


def test_one_primary_school_is_over_2000_students(demo: Demo) -> None:
    primary_2025 = school_totals(2025, 11, 16)
    large = [name for name, n in primary_2025.items() if n > 2_000]
    assert large == ["西夏区实验小学"]


def test_five_year_trends_follow_the_cohorts(demo: Demo) -> None:
    totals = {
        (year, grade): students(year, grade, grade)
        for year in data.YEARS
        for grade in [*range(11, 17), 21, 22, 23]
    }
    intakes = [totals[(year, 11)] for year in data.YEARS]
    assert intakes[0] < intakes[-1]  # intakes rise slowly toward 2025
    for year in data.YEARS[1:]:
        for grade in [*range(12, 17), 22, 23]:
            ratio = totals[(year, grade)] / totals[(year - 1, grade - 1)]
            assert 0.95 <= ratio <= 1.05, (year, grade, ratio)
    assert students(2021, 11, 23) < students(2025, 11, 23)


# --- groups --------------------------------------------------------------------------------------------
def test_large_districts_have_one_lead_and_one_to_three_members(demo: Demo) -> None:
    groups = SchoolGroup.objects.filter(kind=GroupKind.LARGE_DISTRICT)
    assert groups.count() == demo.summary.counts["groups.large_district"] >= 8
    for day in (dt.date(2021, 9, 1), dt.date(2022, 9, 1), dt.date(2023, 9, 1), CENSUS_2025):
        for group in groups:
            roles = Counter(group.members_on(day).values_list("role", flat=True))
            assert roles[MembershipRole.LEAD] == 1, (group.name, day)
            assert 1 <= roles[MembershipRole.MEMBER] <= 3, (group.name, day)
    leads = {group.lead_school(CENSUS_2025).name for group in groups}  # type: ignore[union-attr]
    assert {"西夏区实验小学", "西夏区第九小学", "西夏区第十小学", "西夏区第七小学"} <= leads


def test_large_districts_cover_the_district_run_public_compulsory_schools(demo: Demo) -> None:
    covered = set(
        GroupMembership.objects.active_on(CENSUS_2025)
        .filter(group__kind=GroupKind.LARGE_DISTRICT)
        .values_list("school__name", flat=True)
    )
    expected = set(
        School.objects.filter(
            school_type__in=[SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR],
            ownership=Ownership.PUBLIC,
            affiliation=Affiliation.DISTRICT,
        ).values_list("name", flat=True)
    )
    assert covered == expected


def test_the_regrouped_school_keeps_its_history(demo: Demo) -> None:
    school = School.objects.get(name=data.REGROUPED_SCHOOL)
    history = list(
        school.memberships.filter(group__kind=GroupKind.LARGE_DISTRICT)
        .order_by("valid_from")
        .select_related("group")
    )
    assert len(history) == 2
    old, new = history
    assert old.group.name == "西夏区第十小学大学区"
    assert (old.valid_from, old.valid_to) == (dt.date(2021, 9, 1), dt.date(2023, 9, 1))
    assert new.group.name == "西夏区第七小学大学区"
    assert (new.valid_from, new.valid_to) == (dt.date(2023, 9, 1), None)
    assert [m.group.name for m in school.current_groups(dt.date(2022, 9, 1))] == ["西夏区第十小学大学区"]
    current = school.current_groups(CENSUS_2025).filter(group__kind=GroupKind.LARGE_DISTRICT)
    assert [m.group.name for m in current] == ["西夏区第七小学大学区"]


def test_education_groups_are_led_by_strong_schools(demo: Demo) -> None:
    groups = SchoolGroup.objects.filter(kind=GroupKind.EDUCATION_GROUP)
    assert groups.count() == 3
    assert groups.filter(name="西夏区实验小学教育集团").exists()
    for group in groups:
        lead = group.lead_school(CENSUS_2025)
        assert lead is not None and group.name.startswith(lead.name)
        assert group.members_on(CENSUS_2025).filter(role=MembershipRole.MEMBER).exists()


def test_memberships_are_valid(demo: Demo) -> None:
    for membership in GroupMembership.objects.all():
        membership.full_clean()  # no overlapping membership of a kind, one lead at a time
        opened = membership.school.opened_on
        assert opened is None or membership.valid_from >= opened


# --- accounts ------------------------------------------------------------------------------------------
def test_one_demo_account_per_role(demo: Demo) -> None:
    users = {user.username: user for user in User.objects.select_related("school", "department")}
    assert set(users) == {"admin", "duxue", "lingdao", "zhujian", "xiaozhang", "tianbao", "xiaozhang2"}
    assert {user.role for user in users.values()} == set(Role.values)
    admin = users["admin"]
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMIN
    assert users["zhujian"].department.short_name == "住建局"  # type: ignore[union-attr]
    assert users["xiaozhang"].school.name == users["tianbao"].school.name == "西夏区实验小学"  # type: ignore[union-attr]
    assert users["xiaozhang2"].school != users["xiaozhang"].school
    assert users["xiaozhang"].full_name == users["xiaozhang"].school.principal_name  # type: ignore[union-attr]
    for user in users.values():
        user.full_clean()
        assert user.check_password(data.DEMO_PASSWORD)
        assert user.full_name and all("\u4e00" <= char <= "\u9fff" for char in user.full_name)


def test_summary_lists_the_accounts_in_chinese(demo: Demo) -> None:
    accounts = {a.username: a for a in demo.summary.accounts}
    assert len(accounts) == 7
    assert accounts["admin"].role_label == "区管理员"
    assert accounts["duxue"].role_label == "督学"
    assert accounts["tianbao"].role_label == "学校填报员"
    assert accounts["xiaozhang"].scope == "西夏区实验小学"
    assert accounts["lingdao"].scope == "全区"
    assert "住建局" in accounts["zhujian"].scope
    assert {a.password for a in accounts.values()} == {data.DEMO_PASSWORD}


# --- audit ---------------------------------------------------------------------------------------------
def test_every_created_row_has_an_audit_record(demo: Demo) -> None:
    audited = [
        model
        for model in apps.get_models()
        if getattr(model, "audited", False) and model._meta.app_label in ("core", "census", "health", "plan")
    ]
    assert SchoolClass in audited and School in audited and User in audited and FitnessTest in audited
    total = 0
    for model in audited:
        content_type = ContentType.objects.get_for_model(model)
        records = ChangeRecord.objects.filter(content_type=content_type)
        ids = {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
        recorded = set(records.filter(action=AuditAction.CREATE).values_list("object_id", flat=True))
        assert recorded == ids, model.__name__
        assert records.count() == len(ids), model.__name__  # created once, never updated
        total += len(ids)
    assert ChangeRecord.objects.count() == total == demo.summary.counts["change_records"]
    assert set(ChangeRecord.objects.values_list("source", "user_repr").distinct()) == {
        (ChangeSource.SYSTEM, "system")
    }
    hashes = set(User.objects.values_list("password", flat=True))
    for record in ChangeRecord.objects.filter(content_type=ContentType.objects.get_for_model(User)):
        assert record.after["password"].startswith("******")  # masked, never the hash
        assert record.after["password"] not in hashes


def test_counts_describe_the_database(demo: Demo) -> None:
    counts = demo.summary.counts
    assert counts["schools"] == School.objects.count() == 97
    assert counts["classes"] == SchoolClass.objects.count()
    assert counts["classes.2025"] == SchoolClass.objects.filter(academic_year__start_year=2025).count()
    assert counts["groups"] == SchoolGroup.objects.count()
    assert counts["memberships"] == GroupMembership.objects.count()
    assert counts["users"] == User.objects.count() == 7
    assert counts["students.2025.preschool"] == students(2025, 1, 3)
    assert counts["students.2025.senior"] == students(2025, 31, 33)
    for school_type in SchoolType.values:
        assert counts[f"schools.{school_type}"] == School.objects.filter(school_type=school_type).count()


def test_role_labels_are_chinese() -> None:
    for role in Role.values:
        assert role_label(role) == data.ROLE_LABELS_ZH[role]


def test_progress_reports_every_step(demo: Demo) -> None:
    assert demo.messages[0] == "生成区与乡镇（街道）…"
    assert "生成班级与在校生…" in demo.messages
