"""Demo steps for the organisation: district and towns, school years, departments, schools with their
stage sections, school groups (大学区, 教育集团) and the demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import override

from tisheng.core.audit import bulk_create_audited
from tisheng.core.choices import (
    COMPULSORY_TYPES,
    DEFAULT_STAGES,
    Affiliation,
    GroupKind,
    MembershipRole,
    Ownership,
    Role,
    SchoolType,
    UrbanRural,
)
from tisheng.core.models import (
    AcademicYear,
    Department,
    District,
    GroupMembership,
    School,
    SchoolGroup,
    SchoolSection,
    Town,
    User,
    census_day,
)
from tisheng.demo import data
from tisheng.demo.registry import DemoAccount, DemoContext, DemoError, step

TOWN_SPECS = {town.name: town for town in data.TOWNS}


def person_name(rng: random.Random) -> str:
    """A synthetic Chinese name: a surname and one or two given-name characters."""
    given = "".join(rng.choice(data.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(data.SURNAMES) + given


@step("district", order=10, title="区与乡镇（街道）")
def create_district(ctx: DemoContext) -> None:
    ctx.district = District.objects.create(
        code=data.DISTRICT_CODE, name=data.DISTRICT_NAME, city=data.CITY_NAME, province=data.PROVINCE_NAME
    )
    for spec in data.TOWNS:
        ctx.towns[spec.name] = Town.objects.create(
            district=ctx.district,
            code=spec.code,
            name=spec.name,
            kind=spec.kind,
            urban_rural=spec.urban_rural,
        )
    ctx.counts["towns"] = len(ctx.towns)


@step("academic_years", order=20, title="学年")
def create_years(ctx: DemoContext) -> None:
    for year in data.YEARS:
        ctx.years[year] = AcademicYear.objects.create(
            start_year=year,
            census_date=census_day(year),
            is_current=year == data.LAST_YEAR,
            civil_servant_salary=Decimal(data.CIVIL_SERVANT_SALARY[year]).quantize(Decimal("0.01")),
        )
    ctx.counts["academic_years"] = len(ctx.years)


@step("departments", order=30, title="责任单位")
def create_departments(ctx: DemoContext) -> None:
    rows = [
        Department(
            district=ctx.district, code=code, name=name, short_name=short, kind=kind, sort_order=10 * (i + 1)
        )
        for i, (code, name, short, kind) in enumerate(data.DEPARTMENTS)
    ]
    for row in bulk_create_audited(Department, rows):
        ctx.departments[row.code] = row
    ctx.counts["departments"] = len(rows)


def school_code(spec: data.SchoolSpec, serial: int) -> str:
    """The demo 学校标识码: ``1`` + county code + type digit + 2-digit serial within the type."""
    return f"{data.SCHOOL_CODE_PREFIX}{data.SCHOOL_TYPE_DIGIT[spec.school_type]}{serial:02d}"


def _coordinate(rng: random.Random, bounds: tuple[float, float]) -> Decimal:
    return Decimal(f"{rng.uniform(*bounds):.6f}")


def _address(rng: random.Random, town: data.TownSpec) -> str:
    street = rng.choice(town.streets)
    number = rng.randint(1, 480)
    if town.urban_rural == UrbanRural.URBAN:
        return f"{data.CITY_NAME}{data.DISTRICT_NAME}{street}{number}号"
    return f"{data.CITY_NAME}{data.DISTRICT_NAME}{town.name}{street}{number}号"


def _opened_on(rng: random.Random, spec: data.SchoolSpec) -> dt.date | None:
    if spec.opened:
        return dt.date(spec.opened, 9, 1)
    if rng.random() < 0.4:
        return None  # 建校时间 not recorded for every school
    first, last = (2003, 2019) if spec.ownership == Ownership.PRIVATE else (1956, 2016)
    return dt.date(rng.randint(first, last), 9, 1)


@step("schools", order=40, title="学校与学段")
def create_schools(ctx: DemoContext) -> None:
    rng = ctx.rng
    serials: dict[str, int] = {}
    schools: list[School] = []
    for spec in data.ALL_SCHOOLS:
        serials[spec.school_type] = serials.get(spec.school_type, 0) + 1
        town = TOWN_SPECS[spec.town]
        urban_rural = UrbanRural.TOWNSHIP if spec.township else town.urban_rural
        school = School(
            code=school_code(spec, serials[spec.school_type]),
            name=spec.name,
            short_name=spec.short_name,
            school_type=spec.school_type,
            ownership=spec.ownership,
            is_puhui=spec.is_puhui if spec.school_type == SchoolType.KINDERGARTEN else None,
            affiliation=spec.affiliation,
            urban_rural=urban_rural,
            town=ctx.towns[spec.town],
            address=_address(rng, town),
            longitude=_coordinate(rng, town.lon),
            latitude=_coordinate(rng, town.lat),
            phone=f"0951-{rng.randint(2_000_000, 8_999_999)}",
            principal_name=person_name(rng),
            opened_on=_opened_on(rng, spec),
        )
        school.full_clean()
        schools.append(school)
    for school in bulk_create_audited(School, schools):
        ctx.schools[school.code] = school

    # The stage sections every school has (School.create_default_sections, in bulk).
    sections = [
        SchoolSection(school=school, stage=stage)
        for school in ctx.schools.values()
        for stage in DEFAULT_STAGES[SchoolType(school.school_type)]
    ]
    for section in bulk_create_audited(SchoolSection, sections):
        ctx.sections[(section.school.code, section.stage)] = section

    all_schools = list(ctx.schools.values())
    ctx.counts["schools"] = len(all_schools)
    for school_type in SchoolType.values:
        ctx.counts[f"schools.{school_type}"] = sum(s.school_type == school_type for s in all_schools)
    compulsory = [s for s in all_schools if s.school_type in COMPULSORY_TYPES]
    ctx.counts["schools.compulsory"] = len(compulsory)
    ctx.counts["schools.compulsory.city_or_region"] = sum(
        s.affiliation != Affiliation.DISTRICT for s in compulsory
    )
    ctx.counts["schools.junior.city_or_region"] = sum(
        s.affiliation != Affiliation.DISTRICT for s in compulsory if s.school_type == SchoolType.JUNIOR
    )
    kindergartens = [s for s in all_schools if s.school_type == SchoolType.KINDERGARTEN]
    ctx.counts["kindergartens.public"] = sum(k.ownership == Ownership.PUBLIC for k in kindergartens)
    ctx.counts["kindergartens.private_puhui"] = sum(
        k.ownership == Ownership.PRIVATE and bool(k.is_puhui) for k in kindergartens
    )
    ctx.counts["kindergartens.private_non_puhui"] = sum(
        k.ownership == Ownership.PRIVATE and not k.is_puhui for k in kindergartens
    )
    ctx.counts["kindergartens.puhui"] = sum(bool(k.is_puhui) for k in kindergartens)
    ctx.counts["sections"] = len(ctx.sections)


def _date(parts: tuple[int, int, int]) -> dt.date:
    return dt.date(*parts)


def _joined(school: School, since: dt.date) -> dt.date:
    """A school joins a group no earlier than it opens."""
    return max(since, school.opened_on) if school.opened_on else since


def _membership(group: SchoolGroup, school: School, role: str, start: dt.date, end: dt.date | None) -> None:
    GroupMembership.objects.create(
        group=group, school=school, role=role, valid_from=_joined(school, start), valid_to=end
    )


@step("groups", order=50, title="大学区与教育集团")
def create_groups(ctx: DemoContext) -> None:
    start = _date(data.LARGE_DISTRICT_START)
    regrouped_on = _date(data.REGROUPED_ON)
    groups: dict[str, SchoolGroup] = {}
    memberships = 0
    for lead, members in data.LARGE_DISTRICTS:
        group = SchoolGroup.objects.create(
            district=ctx.district,
            name=data.large_district_name(lead),
            kind=GroupKind.LARGE_DISTRICT,
            founded_on=start,
            description=f"以{lead}为学区长学校，吸纳{len(members)}所学校组建的大学区。",
        )
        groups[lead] = group
        _membership(group, ctx.school(lead), MembershipRole.LEAD, start, None)
        for member in members:
            _membership(group, ctx.school(member), MembershipRole.MEMBER, start, None)
        memberships += 1 + len(members)
    # The regrouping: the old membership ends the day the new one starts, so both stay in history.
    moved = ctx.school(data.REGROUPED_SCHOOL)
    _membership(groups[data.REGROUPED_FROM], moved, MembershipRole.MEMBER, start, regrouped_on)
    _membership(groups[data.REGROUPED_TO], moved, MembershipRole.MEMBER, regrouped_on, None)
    memberships += 2

    education_groups = 0
    for lead, founded, joiners in data.EDUCATION_GROUPS:
        founded_on = dt.date(founded, 9, 1)
        group = SchoolGroup.objects.create(
            district=ctx.district,
            name=data.education_group_name(lead),
            kind=GroupKind.EDUCATION_GROUP,
            founded_on=founded_on,
            description=f"由{lead}牵头、以强带弱的教育集团。",
        )
        _membership(group, ctx.school(lead), MembershipRole.LEAD, founded_on, None)
        for member, joined in joiners:
            _membership(group, ctx.school(member), MembershipRole.MEMBER, dt.date(joined, 9, 1), None)
        memberships += 1 + len(joiners)
        education_groups += 1

    ctx.counts["groups.large_district"] = len(data.LARGE_DISTRICTS)
    ctx.counts["groups.education_group"] = education_groups
    ctx.counts["groups"] = len(data.LARGE_DISTRICTS) + education_groups
    ctx.counts["memberships"] = memberships


def role_label(role: str) -> str:
    """The role's Chinese label: from the zh-hans catalogue when it translates it, else our table."""
    with override("zh-hans"):
        label = str(Role(role).label)
    with override("en"):
        english = str(Role(role).label)
    return label if label != english else data.ROLE_LABELS_ZH[role]


@step("accounts", order=90, title="演示账号")
def create_accounts(ctx: DemoContext) -> None:
    password_hash = make_password(data.DEMO_PASSWORD)  # hashed once: every demo account shares it
    for spec in data.ACCOUNTS:
        user = User(username=spec.username, role=spec.role, full_name=spec.full_name)
        if spec.role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        if spec.school:
            user.school = ctx.school(spec.school)
            user.full_name = spec.full_name or user.school.principal_name
            scope = user.school.name
        elif spec.department:
            user.department = ctx.departments[spec.department]
            scope = f"{user.department.short_name}（{user.department.name}）"
        else:
            scope = "全区"
        if spec.role in (Role.PRINCIPAL, Role.CLERK) and not spec.school:
            raise DemoError(f"Demo account {spec.username} needs a school.")
        validate_password(data.DEMO_PASSWORD, user)
        user.password = password_hash
        user.full_clean(exclude=["password"])
        user.save()
        ctx.accounts.append(
            DemoAccount(
                role=spec.role,
                role_label=role_label(spec.role),
                username=spec.username,
                password=data.DEMO_PASSWORD,
                scope=scope,
            )
        )
    ctx.counts["users"] = len(data.ACCOUNTS)
