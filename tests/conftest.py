"""The small, explicit test world every test builds on, and the named personas of STYLE §7.

World (学年 2025, 统计时点 2025-09-01):
- District 西夏区 (640105) with towns 宁华路街道 (urban) and 兴泾镇 (rural).
- School A 测试第一小学 (小学, 宁华路街道), school B 测试第二中学 (初中, 兴泾镇),
  school C 测试九年一贯制学校 (九年一贯制: 小学 + 初中 sections), kindergarten K 测试幼儿园 (公办, 普惠).
- 大学区 G "宁华大学区" since 2021-09-01: A lead, B member. 教育集团 E "测试教育集团": C lead.
- Departments 财政局 (D1) and 住建局 (D2).
- Personas: admin, inspector (督学), leader (read-only), dept_user (财政局), principal_a, clerk_a,
  principal_b; ``anon`` is the public.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.browser import browser_page  # noqa: F401  (the browser tests' fixture)
from tisheng.core.choices import (
    Affiliation,
    DepartmentKind,
    GroupKind,
    MembershipRole,
    Ownership,
    Role,
    SchoolType,
    TownKind,
    UrbanRural,
)
from tisheng.core.models import (
    AcademicYear,
    Department,
    District,
    GroupMembership,
    School,
    SchoolGroup,
    Town,
    User,
)

PASSWORD = "Correct-Horse-2025"


@dataclass
class World:
    district: District
    urban: Town
    rural: Town
    school_a: School
    school_b: School
    school_c: School
    kindergarten: School
    group: SchoolGroup
    edu_group: SchoolGroup
    dept_finance: Department
    dept_housing: Department
    year: AcademicYear
    users: dict[str, User]


def make_school(code: str, name: str, school_type: str, town: Town, **extra: object) -> School:
    defaults: dict[str, object] = {
        "ownership": Ownership.PUBLIC,
        "affiliation": Affiliation.DISTRICT,
        "urban_rural": town.urban_rural,
        "address": f"{town.name}{name}路1号",
    }
    defaults.update(extra)
    school = School.objects.create(code=code, name=name, school_type=school_type, town=town, **defaults)
    school.create_default_sections()
    return school


@pytest.fixture
def world(db: None) -> World:
    district = District.objects.create(code="640105", name="西夏区", city="银川市", province="宁夏回族自治区")
    urban = Town.objects.create(
        district=district,
        code="640105001",
        name="宁华路街道",
        kind=TownKind.SUBDISTRICT,
        urban_rural=UrbanRural.URBAN,
    )
    rural = Town.objects.create(
        district=district, code="640105100", name="兴泾镇", kind=TownKind.TOWN, urban_rural=UrbanRural.RURAL
    )
    school_a = make_school("2164010501", "测试第一小学", SchoolType.PRIMARY, urban)
    school_b = make_school("2164010502", "测试第二中学", SchoolType.JUNIOR, rural)
    school_c = make_school("2164010503", "测试九年一贯制学校", SchoolType.NINE_YEAR, urban)
    kindergarten = make_school("2164010504", "测试幼儿园", SchoolType.KINDERGARTEN, urban, is_puhui=True)
    start = dt.date(2021, 9, 1)
    group = SchoolGroup.objects.create(district=district, name="宁华大学区", kind=GroupKind.LARGE_DISTRICT)
    GroupMembership.objects.create(group=group, school=school_a, role=MembershipRole.LEAD, valid_from=start)
    GroupMembership.objects.create(group=group, school=school_b, role=MembershipRole.MEMBER, valid_from=start)
    edu_group = SchoolGroup.objects.create(
        district=district, name="测试教育集团", kind=GroupKind.EDUCATION_GROUP
    )
    GroupMembership.objects.create(
        group=edu_group, school=school_c, role=MembershipRole.LEAD, valid_from=start
    )
    finance = Department.objects.create(
        district=district, code="finance", name="财政局", short_name="财政局", kind=DepartmentKind.GOVERNMENT
    )
    housing = Department.objects.create(
        district=district,
        code="housing",
        name="住房城乡建设和交通局",
        short_name="住建局",
        kind=DepartmentKind.GOVERNMENT,
    )
    year = AcademicYear.objects.create(start_year=2025, is_current=True)

    def user(username: str, role: str, **scope: object) -> User:
        return User.objects.create_user(username=username, password=PASSWORD, role=role, **scope)

    users = {
        "admin": user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
        "inspector": user("inspector", Role.INSPECTOR),
        "leader": user("leader", Role.LEADER),
        "dept_user": user("dept_user", Role.DEPARTMENT, department=finance),
        "principal_a": user("principal_a", Role.PRINCIPAL, school=school_a),
        "clerk_a": user("clerk_a", Role.CLERK, school=school_a),
        "principal_b": user("principal_b", Role.PRINCIPAL, school=school_b),
    }
    return World(
        district,
        urban,
        rural,
        school_a,
        school_b,
        school_c,
        kindergarten,
        group,
        edu_group,
        finance,
        housing,
        year,
        users,
    )


PERSONAS = ("admin", "inspector", "leader", "dept_user", "principal_a", "clerk_a", "principal_b")


@pytest.fixture
def client_for(world: World):
    """``client_for("principal_a")`` → a test client signed in as that persona; ``"anon"`` → the public."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anon":
            client.force_login(world.users[persona])
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: a rolled-back test database reuses primary keys, so a
    dashboard body cached by one test could otherwise match another test's data version."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: object) -> None:
    """Hash test passwords cheaply; the production hasher is PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _indicator_settings(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Snapshots go to a temporary folder; approval does not recompute unless a test asks for it."""
    settings.INDICATOR_SNAPSHOT_DIR = tmp_path_factory.getbasetemp() / "snapshots"  # type: ignore[attr-defined]
    settings.RECOMPUTE_ON_APPROVAL = False  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)  # optional: the hook is unknown when xdist is off (-p no:xdist)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """Under pytest-xdist (``make test`` runs ``-n auto``), tests that share an expensive fixture run on one
    worker, so it is built once and not once per worker: the demo package's generated district (scope
    ``demo``) and the local Spark session (scope ``spark``). Every other test is its own unit of work.
    Scopes are queued largest first, so the long demo unit starts at once while the others share the rest.
    (xdist's own ``loadgroup`` marks do not reach the scheduler under pytest 9, whose node ids are
    computed, hence this scheduler.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/demo/"):
                return "demo"
            if "[pyspark" in nodeid:
                return "spark"
            return nodeid

    return SharedFixtureScheduling(config, log)
