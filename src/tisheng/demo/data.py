"""The fixed facts of the demo district: places, departments, schools, groups and demo accounts.

Everything a reader would want to look up is here as plain data; the steps in :mod:`tisheng.demo.steps`
turn it into rows and use the seeded random generator only for what the seed should vary (coordinates,
phone numbers, principals' names, how students are distributed over schools and classes).

The 2025 compulsory-education figures are the ones 西夏区教育局 published (PLAN.md "Real scale"): they
hold for every seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tisheng.core.choices import (
    Affiliation,
    DepartmentKind,
    Ownership,
    Role,
    SchoolType,
    TownKind,
    UrbanRural,
)

# --- the district -------------------------------------------------------------------------------------
DISTRICT_CODE = "640105"
DISTRICT_NAME = "西夏区"
CITY_NAME = "银川市"
PROVINCE_NAME = "宁夏回族自治区"

#: The school years generated (学年 by start year; 2025 is the current one, counted on 2025-09-01).
FIRST_YEAR = 2021
LAST_YEAR = 2025
YEARS: tuple[int, ...] = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
#: Average annual pay of the local civil servants (当地公务员年平均工资收入, 元) by school year: the
#: yardstick of 义务教育教师平均工资 (plan task 23), a parameter of each academic year. Chosen against
#: the demo's 义务教育 专任教师 (about 101,700 元 in 2021 rising 3.5% a year to 117,200 元): just
#: below them in 2021 (99.5%), the gap the plan's 工资长效联动 closes, then 101–103% from 2022.
CIVIL_SERVANT_SALARY: dict[int, int] = {
    2021: 102_300,
    2022: 104_400,
    2023: 107_600,
    2024: 110_600,
    2025: 113_600,
}


@dataclass(frozen=True)
class TownSpec:
    """A town or sub-district (镇/街道) with the box its schools' coordinates fall in and its streets."""

    code: str
    name: str
    kind: str
    urban_rural: str
    lon: tuple[float, float]
    lat: tuple[float, float]
    streets: tuple[str, ...]


TOWNS: tuple[TownSpec, ...] = (
    TownSpec(
        "640105001",
        "宁华路街道",
        TownKind.SUBDISTRICT,
        UrbanRural.URBAN,
        (106.17, 106.22),
        (38.47, 38.50),
        ("宁华路", "同心南街", "学院路"),
    ),
    TownSpec(
        "640105002",
        "朔方路街道",
        TownKind.SUBDISTRICT,
        UrbanRural.URBAN,
        (106.13, 106.18),
        (38.49, 38.52),
        ("朔方路", "西夏广场路", "文萃南街"),
    ),
    TownSpec(
        "640105003",
        "北京西路街道",
        TownKind.SUBDISTRICT,
        UrbanRural.URBAN,
        (106.16, 106.25),
        (38.50, 38.53),
        ("北京西路", "丽子园南街", "新小线"),
    ),
    TownSpec(
        "640105004",
        "文昌路街道",
        TownKind.SUBDISTRICT,
        UrbanRural.URBAN,
        (106.08, 106.13),
        (38.47, 38.51),
        ("文昌北街", "文昌南街", "学府路"),
    ),
    TownSpec(
        "640105005",
        "贺兰山西路街道",
        TownKind.SUBDISTRICT,
        UrbanRural.URBAN,
        (106.12, 106.17),
        (38.52, 38.56),
        ("贺兰山西路", "宝湖西路", "黄河西路"),
    ),
    TownSpec(
        "640105006",
        "怀远路街道",
        TownKind.SUBDISTRICT,
        UrbanRural.URBAN,
        (106.10, 106.15),
        (38.45, 38.49),
        ("怀远西路", "同心路", "西干渠路"),
    ),
    TownSpec(
        "640105100",
        "兴泾镇",
        TownKind.TOWN,
        UrbanRural.RURAL,
        (105.98, 106.06),
        (38.42, 38.47),
        ("兴泾大道", "兴泾东路", "泾源路"),
    ),
    TownSpec(
        "640105101",
        "镇北堡镇",
        TownKind.TOWN,
        UrbanRural.RURAL,
        (105.95, 106.03),
        (38.50, 38.58),
        ("镇北堡大道", "德林路", "吴苑路"),
    ),
)

# --- departments (牵头/责任/配合单位 of the plan) ----------------------------------------------------
#: (code, name, short name, kind), in the order the bureau lists them. ``name`` is the form the plan's
#: text uses where it writes a department out in full; ``short_name`` the usual short form.
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("education", "教育局", "教育局", DepartmentKind.EDUCATION),
    ("gov-office", "区政府办公室", "政府办", DepartmentKind.GOVERNMENT),
    ("party-office", "区委办公室", "区委办", DepartmentKind.PARTY),
    ("organisation", "区委组织部", "组织部", DepartmentKind.PARTY),
    ("publicity", "区委宣传部", "宣传部", DepartmentKind.PARTY),
    ("staffing", "区委机构编制委员会办公室", "编办", DepartmentKind.PARTY),
    ("policy-research", "区委政策研究室", "政研室", DepartmentKind.PARTY),
    ("cyberspace", "区委网络安全和信息化委员会办公室", "网信办", DepartmentKind.PARTY),
    ("discipline", "区纪委监委", "纪委监委", DepartmentKind.PARTY),
    ("development", "发展改革局", "发改局", DepartmentKind.GOVERNMENT),
    ("finance", "财政局", "财政局", DepartmentKind.GOVERNMENT),
    ("hrss", "人力资源和社会保障局", "人社局", DepartmentKind.GOVERNMENT),
    ("natural-resources", "自然资源局", "自然资源局", DepartmentKind.GOVERNMENT),
    ("housing", "住房城乡建设和交通局", "住建局", DepartmentKind.GOVERNMENT),
    ("science", "科技局", "科技局", DepartmentKind.GOVERNMENT),
    ("civil-affairs", "民政局", "民政局", DepartmentKind.GOVERNMENT),
    ("culture-tourism", "文化旅游体育广电局", "文旅局", DepartmentKind.GOVERNMENT),
    ("health", "卫生健康局", "卫健局", DepartmentKind.GOVERNMENT),
    ("public-security", "银川市公安局西夏区分局", "公安分局", DepartmentKind.GOVERNMENT),
    ("market-regulation", "市场监督管理局", "市场监管局", DepartmentKind.GOVERNMENT),
    ("justice", "司法局", "司法局", DepartmentKind.GOVERNMENT),
    ("emergency", "应急管理局", "应急管理局", DepartmentKind.GOVERNMENT),
    ("law-enforcement", "综合执法局", "综合执法局", DepartmentKind.GOVERNMENT),
    ("approval-services", "审批服务管理局", "审批服务管理局", DepartmentKind.GOVERNMENT),
    ("youth-league", "共青团西夏区委员会", "团委", DepartmentKind.MASS),
    ("women-federation", "西夏区妇女联合会", "妇联", DepartmentKind.MASS),
    ("disabled-federation", "西夏区残疾人联合会", "残联", DepartmentKind.MASS),
    ("supervision-committee", "政府教育督导委员会", "督导委员会", DepartmentKind.COMMITTEE),
)


# --- schools ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchoolSpec:
    """One school of the demo district.

    ``size`` is the school's approximate enrolment in 2025 (per stage for a school with two sections:
    ``size`` for the lower, ``size2`` for the upper); it is a weight, not a count: the published totals
    are shared out in proportion. ``opened`` is the year a school opened on 9月1日 within the demo
    years (it has no classes before, and its first year only the lower grades).
    """

    name: str
    short_name: str
    school_type: str
    town: str
    affiliation: str = Affiliation.DISTRICT
    ownership: str = Ownership.PUBLIC
    is_puhui: bool | None = None
    size: int = 0
    size2: int = 0
    opened: int | None = None
    township: bool = False  # a 镇区 school in a rural town (城乡分类 镇区 rather than 乡村)


_P = SchoolType.PRIMARY
_J = SchoolType.JUNIOR
_CITY = Affiliation.CITY
_REGION = Affiliation.REGION

#: The 43 义务教育 schools of 2025: 12 初中 (3 区市属), 29 小学, 1 九年一贯制, 1 培智学校.
COMPULSORY_SCHOOLS: tuple[SchoolSpec, ...] = (
    # 初中 (12)
    SchoolSpec("银川市第十八中学", "银川十八中", _J, "朔方路街道", _CITY, size=1700),
    SchoolSpec("银川市第二十四中学", "银川二十四中", _J, "北京西路街道", _CITY, size=1350),
    SchoolSpec("宁夏大学附属中学", "宁大附中", _J, "文昌路街道", _REGION, size=1250),
    SchoolSpec("西夏区第一中学", "西夏一中", _J, "宁华路街道", size=1300),
    SchoolSpec("西夏区第二中学", "西夏二中", _J, "贺兰山西路街道", size=1150),
    SchoolSpec("西夏区第三中学", "西夏三中", _J, "怀远路街道", size=1000),
    SchoolSpec("西夏区第四中学", "西夏四中", _J, "文昌路街道", size=1100),
    SchoolSpec("西夏区第五中学", "西夏五中", _J, "北京西路街道", size=900),
    SchoolSpec("西夏区第六中学", "西夏六中", _J, "朔方路街道", size=850),
    SchoolSpec("西夏区第七中学", "西夏七中", _J, "宁华路街道", size=800),
    SchoolSpec("镇北堡镇华西希望中学", "华西希望中学", _J, "镇北堡镇", size=850),
    SchoolSpec("兴泾镇回民中学", "兴泾回中", _J, "兴泾镇", size=950, township=True),
    # 小学 (29)
    SchoolSpec("西夏区实验小学", "实验小学", _P, "宁华路街道", size=2300),
    SchoolSpec("西夏区第一小学", "西夏一小", _P, "宁华路街道", size=1350),
    SchoolSpec("西夏区第二小学", "西夏二小", _P, "朔方路街道", size=1300),
    SchoolSpec("西夏区第三小学", "西夏三小", _P, "北京西路街道", size=1050),
    SchoolSpec("西夏区第四小学", "西夏四小", _P, "文昌路街道", size=1150),
    SchoolSpec("西夏区第五小学", "西夏五小", _P, "贺兰山西路街道", size=980),
    SchoolSpec("西夏区第六小学", "西夏六小", _P, "怀远路街道", size=1000),
    SchoolSpec("西夏区第七小学", "西夏七小", _P, "朔方路街道", size=1500),
    SchoolSpec("西夏区第八小学", "西夏八小", _P, "北京西路街道", size=1450),
    SchoolSpec("西夏区第九小学", "西夏九小", _P, "贺兰山西路街道", size=1600),
    SchoolSpec("西夏区第十小学", "西夏十小", _P, "文昌路街道", size=1550),
    SchoolSpec("西夏区第十一小学", "西夏十一小", _P, "怀远路街道", size=1100),
    SchoolSpec("西夏区第十二小学", "西夏十二小", _P, "宁华路街道", size=1050),
    SchoolSpec("西夏区第十三小学", "西夏十三小", _P, "贺兰山西路街道", size=1200),
    SchoolSpec("西夏区第十四小学", "西夏十四小", _P, "北京西路街道", size=950),
    SchoolSpec("西夏区第十五小学", "西夏十五小", _P, "朔方路街道", size=900),
    SchoolSpec("西夏区第十六小学", "西夏十六小", _P, "文昌路街道", size=1050),
    SchoolSpec("西夏区第十七小学", "西夏十七小", _P, "怀远路街道", size=1150),
    SchoolSpec("西夏区第十八小学", "西夏十八小", _P, "北京西路街道", size=900, opened=2022),
    SchoolSpec("西夏区第十九小学", "西夏十九小", _P, "贺兰山西路街道", size=1000),
    SchoolSpec("银川市第二十一小学", "银川二十一小", _P, "北京西路街道", _CITY, size=1650),
    SchoolSpec("兴泾镇第一小学", "兴泾一小", _P, "兴泾镇", size=700, township=True),
    SchoolSpec("兴泾镇第二小学", "兴泾二小", _P, "兴泾镇", size=550),
    SchoolSpec("兴泾镇第三小学", "兴泾三小", _P, "兴泾镇", size=950),
    SchoolSpec("兴泾镇第四小学", "兴泾四小", _P, "兴泾镇", size=450),
    SchoolSpec("兴泾镇回民小学", "兴泾回小", _P, "兴泾镇", size=600),
    SchoolSpec("镇北堡镇中心小学", "镇北堡中心小学", _P, "镇北堡镇", size=650, township=True),
    SchoolSpec("镇北堡镇华西希望小学", "华西希望小学", _P, "镇北堡镇", size=500),
    SchoolSpec("镇北堡镇吴苑小学", "吴苑小学", _P, "镇北堡镇", size=350),
    # 九年一贯制 (1) and 培智学校 (1)
    SchoolSpec("西夏区芦花台学校", "芦花台学校", SchoolType.NINE_YEAR, "怀远路街道", size=850, size2=420),
    SchoolSpec("西夏区培智学校", "培智学校", SchoolType.SPECIAL, "文昌路街道"),
)

#: The 普通高中 in the district (grades 31–33); each enrols 1,800–2,200 students (drawn from the seed).
SENIOR_SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec("北方民族大学附属中学", "民大附中", SchoolType.SENIOR, "文昌路街道", _REGION),
    SchoolSpec("银川市第二中学西夏校区", "银川二中西夏校区", SchoolType.SENIOR, "北京西路街道", _CITY),
    SchoolSpec("银川唐徕回民中学西校区", "唐徕回中西校区", SchoolType.SENIOR, "贺兰山西路街道", _CITY),
    SchoolSpec("西夏区高级中学", "西夏高中", SchoolType.SENIOR, "怀远路街道"),
)

_K = SchoolType.KINDERGARTEN
_PRIVATE = Ownership.PRIVATE

#: Kindergartens: 22 公办 (普惠 by definition), 18 民办普惠, 10 民办非普惠. Sizes are drawn from the seed.
KINDERGARTENS: tuple[SchoolSpec, ...] = (
    SchoolSpec("银川市第一幼儿园", "银川一幼", _K, "北京西路街道", _CITY, is_puhui=True),
    SchoolSpec("西夏区实验幼儿园", "实验幼儿园", _K, "宁华路街道", is_puhui=True),
    *(
        SchoolSpec(f"西夏区第{numeral}幼儿园", f"西夏{numeral}幼", _K, town, is_puhui=True, opened=opened)
        for numeral, town, opened in (
            ("一", "宁华路街道", None),
            ("二", "朔方路街道", None),
            ("三", "北京西路街道", None),
            ("四", "文昌路街道", None),
            ("五", "贺兰山西路街道", None),
            ("六", "怀远路街道", None),
            ("七", "宁华路街道", None),
            ("八", "朔方路街道", None),
            ("九", "北京西路街道", None),
            ("十", "文昌路街道", None),
            ("十一", "贺兰山西路街道", None),
            ("十二", "怀远路街道", None),
            ("十三", "宁华路街道", None),
            ("十四", "朔方路街道", None),
            ("十五", "北京西路街道", None),
            ("十六", "贺兰山西路街道", None),
            ("十七", "文昌路街道", 2023),
        )
    ),
    SchoolSpec("兴泾镇中心幼儿园", "兴泾中心幼儿园", _K, "兴泾镇", is_puhui=True, township=True),
    SchoolSpec("兴泾镇第二幼儿园", "兴泾二幼", _K, "兴泾镇", is_puhui=True),
    SchoolSpec("镇北堡镇中心幼儿园", "镇北堡中心幼儿园", _K, "镇北堡镇", is_puhui=True, township=True),
    *(
        SchoolSpec(name, name.removeprefix("西夏区"), _K, town, ownership=_PRIVATE, is_puhui=True)
        for name, town in (
            ("西夏区小天使幼儿园", "宁华路街道"),
            ("西夏区童心幼儿园", "朔方路街道"),
            ("西夏区阳光宝贝幼儿园", "北京西路街道"),
            ("西夏区七色花幼儿园", "文昌路街道"),
            ("西夏区启智幼儿园", "贺兰山西路街道"),
            ("西夏区爱心幼儿园", "怀远路街道"),
            ("西夏区小博士幼儿园", "宁华路街道"),
            ("西夏区育苗幼儿园", "朔方路街道"),
            ("西夏区星星幼儿园", "北京西路街道"),
            ("西夏区蓓蕾幼儿园", "文昌路街道"),
            ("西夏区快乐岛幼儿园", "贺兰山西路街道"),
            ("西夏区春苗幼儿园", "怀远路街道"),
            ("西夏区新星幼儿园", "北京西路街道"),
            ("西夏区彩虹幼儿园", "贺兰山西路街道"),
            ("西夏区小树苗幼儿园", "怀远路街道"),
            ("西夏区金太阳幼儿园", "宁华路街道"),
            ("兴泾镇育才幼儿园", "兴泾镇"),
            ("镇北堡镇童乐幼儿园", "镇北堡镇"),
        )
    ),
    *(
        SchoolSpec(name, name.removeprefix("西夏区"), _K, town, ownership=_PRIVATE, is_puhui=False)
        for name, town in (
            ("西夏区金色摇篮幼儿园", "宁华路街道"),
            ("西夏区贝尔双语幼儿园", "朔方路街道"),
            ("西夏区爱弥儿幼儿园", "北京西路街道"),
            ("西夏区蒙特梭利幼儿园", "文昌路街道"),
            ("西夏区剑桥宝宝幼儿园", "贺兰山西路街道"),
            ("西夏区悦成长幼儿园", "怀远路街道"),
            ("西夏区书香幼儿园", "北京西路街道"),
            ("西夏区艺术幼儿园", "朔方路街道"),
            ("西夏区小哈佛幼儿园", "宁华路街道"),
            ("西夏区英才幼儿园", "贺兰山西路街道"),
        )
    ),
)

ALL_SCHOOLS: tuple[SchoolSpec, ...] = KINDERGARTENS + COMPULSORY_SCHOOLS + SENIOR_SCHOOLS

#: The first digit after the county code in a demo 学校标识码, by school type:
#: ``"1" + "640105" + type digit + 2-digit serial`` (e.g. 1640105201 is the first 小学).
SCHOOL_CODE_PREFIX = "1" + DISTRICT_CODE
SCHOOL_TYPE_DIGIT: dict[str, str] = {
    SchoolType.KINDERGARTEN: "1",
    SchoolType.PRIMARY: "2",
    SchoolType.JUNIOR: "3",
    SchoolType.NINE_YEAR: "4",
    SchoolType.SENIOR: "5",
    SchoolType.SPECIAL: "6",
    SchoolType.COMPLETE_SECONDARY: "7",
}

# --- enrolment calibration ----------------------------------------------------------------------------
#: Published 2025 totals (PLAN.md "Real scale"): 小学 29,637 (一年级 4,786), 初中 13,158 (七年级 4,553).
PRIMARY_2025_TOTAL = 29_637
JUNIOR_2025_TOTAL = 13_158
PRIMARY_2025_GRADE_1 = 4_786
JUNIOR_2025_GRADE_7 = 4_553

#: Standard class sizes (标准班额): 小学 45, 初中 50, 高中 50; kindergarten 小/中/大班 25/30/35.
STANDARD_CLASS_SIZE: dict[int, int] = {
    1: 25,
    2: 30,
    3: 35,
    **{g: 45 for g in range(11, 17)},
    **{g: 50 for g in range(21, 24)},
    **{g: 50 for g in range(31, 34)},
}

# --- groups -------------------------------------------------------------------------------------------
#: 大学区 were formed on 2021-09-01 (the plan's first school year); their lead (学区长学校) and members.
LARGE_DISTRICT_START = (2021, 9, 1)
LARGE_DISTRICTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("西夏区实验小学", ("西夏区第十一小学", "西夏区第十二小学", "镇北堡镇华西希望小学")),
    ("西夏区第九小学", ("西夏区第四小学", "西夏区第十三小学", "兴泾镇回民小学")),
    ("西夏区第十小学", ("西夏区第五小学", "西夏区第十四小学")),
    ("西夏区第七小学", ("西夏区第六小学", "西夏区第十五小学")),
    ("西夏区第八小学", ("西夏区第十六小学", "镇北堡镇吴苑小学")),
    ("西夏区第一小学", ("西夏区第三小学", "西夏区第十七小学", "镇北堡镇中心小学")),
    ("西夏区第二小学", ("西夏区第十八小学", "西夏区芦花台学校")),
    ("兴泾镇第三小学", ("兴泾镇第一小学", "兴泾镇第二小学", "兴泾镇第四小学")),
    ("西夏区第一中学", ("西夏区第三中学", "镇北堡镇华西希望中学")),
    ("西夏区第二中学", ("西夏区第五中学", "兴泾镇回民中学")),
    ("西夏区第四中学", ("西夏区第六中学", "西夏区第七中学")),
)

#: The regrouping kept in history: 西夏区第十九小学 belonged to 第十小学大学区 until 2023-09-01 and
#: has belonged to 第七小学大学区 since.
REGROUPED_SCHOOL = "西夏区第十九小学"
REGROUPED_FROM = "西夏区第十小学"
REGROUPED_TO = "西夏区第七小学"
REGROUPED_ON = (2023, 9, 1)

#: 教育集团 led by strong schools: (lead, founded, ((member, joined year), …)).
EDUCATION_GROUPS: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...] = (
    (
        "西夏区实验小学",
        2019,
        (("西夏区第十二小学", 2019), ("兴泾镇第三小学", 2021), ("西夏区第十八小学", 2023)),
    ),
    ("银川市第十八中学", 2020, (("西夏区第六中学", 2020), ("镇北堡镇华西希望中学", 2022))),
    ("银川市第一幼儿园", 2021, (("西夏区第三幼儿园", 2021), ("西夏区第九幼儿园", 2021))),
)


def large_district_name(lead: str) -> str:
    return f"{lead}大学区"


def education_group_name(lead: str) -> str:
    return f"{lead}教育集团"


# --- people -------------------------------------------------------------------------------------------
#: Shared by every demo account; passes the project's password validators.
DEMO_PASSWORD = "Xixia-Demo-2025"

#: Chinese role labels, used when the zh-hans translation catalogue does not (yet) translate a role.
ROLE_LABELS_ZH: dict[str, str] = {
    Role.ADMIN: "区管理员",
    Role.INSPECTOR: "督学",
    Role.LEADER: "区领导",
    Role.DEPARTMENT: "部门用户",
    Role.PRINCIPAL: "校长",
    Role.CLERK: "学校填报员",
}


@dataclass(frozen=True)
class AccountSpec:
    """A demo account. ``school`` names the school of a principal or clerk; ``department`` the code of
    a department user's department; ``full_name`` empty means "the school's principal"."""

    username: str
    role: str
    full_name: str = ""
    school: str = ""
    department: str = ""


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("admin", Role.ADMIN, "马晓东"),
    AccountSpec("duxue", Role.INSPECTOR, "李秀兰"),
    AccountSpec("lingdao", Role.LEADER, "张国强"),
    AccountSpec("zhujian", Role.DEPARTMENT, "杨建华", department="housing"),
    AccountSpec("xiaozhang", Role.PRINCIPAL, school="西夏区实验小学"),
    AccountSpec("tianbao", Role.CLERK, "周静", school="西夏区实验小学"),
    AccountSpec("xiaozhang2", Role.PRINCIPAL, school="兴泾镇第三小学"),
)

#: Synthetic names for principals: a surname (common in Ningxia) and one or two given-name characters.
SURNAMES = "王李张刘陈杨马赵黄周吴徐孙胡朱高林何郭罗海丁冯田白金纳沙苏韩"
GIVEN_CHARS = "建国华明丽娟芳军平伟敏静强磊洋艳勇杰涛斌红霞文玉兰英宁夏晓东海燕志刚秀梅春雪"

# --- student health (体质健康、视力、五项管理) -----------------------------------------------------------
#: Shift of every student's item scores (points of the standard's tables) by 学年: the district's
#: 体质健康优良率 rises from about 40% (2021) to just above the plan's 50% (2025). Calibrated against
#: the real scorer (see tests/demo/test_health.py for the bounds checked).
FITNESS_BASE_SCORE = 78.0
FITNESS_SHIFT: dict[int, float] = {2021: -1.7, 2022: -0.8, 2023: 0.1, 2024: 1.0, 2025: 1.8}
#: Shift by stage: younger children score better on the standard's tables than 初中 and 高中 students.
FITNESS_STAGE_SHIFT: dict[str, float] = {"primary": 1.5, "junior": -1.0, "senior": -2.5}
#: Planted: a school whose 优良率 falls every year (its shift relative to the district, by 学年).
FITNESS_FALLING_SCHOOL = "西夏区第五中学"
FITNESS_FALLING_SHIFT: dict[int, float] = {2021: 5.0, 2022: 1.0, 2023: -3.0, 2024: -7.0, 2025: -11.0}
#: Share of tested students exempt for illness or injury (免测, with a reason); disabled students whose
#: disability prevents the test and the 培智学校's pupils are exempt too.
FITNESS_EXEMPT_RATE = 0.004
FITNESS_EXEMPT_REASONS: tuple[str, ...] = (
    "哮喘、医院证明不宜剧烈运动",
    "骨折术后康复期",
    "先天性心脏病",
    "癫痫病史",
    "肾病综合征治疗期",
)
#: Share of students missing one item (缺测: absent on the test day, not made up) → 项目不全.
FITNESS_MISSING_ITEM_RATE = 0.008
#: BMI bands (by the standard's table of the grade and sex): low weight, overweight and obese shares.
BMI_SHARES: dict[str, float] = {"underweight": 0.05, "overweight": 0.10, "obese": 0.07}

#: 筛查性近视 share by grade in 2023 (rising with grade), scaled by year: 56% of the district's
#: students in 2021 falling to 52% in 2025 with this grade mix.
MYOPIA_BY_GRADE: dict[int, float] = {
    11: 0.20,
    12: 0.28,
    13: 0.36,
    14: 0.44,
    15: 0.52,
    16: 0.60,
    21: 0.68,
    22: 0.74,
    23: 0.79,
    31: 0.80,
    32: 0.83,
    33: 0.86,
}
MYOPIA_YEAR_FACTOR: dict[int, float] = {2021: 1.05, 2022: 1.03, 2023: 1.01, 2024: 0.99, 2025: 0.97}
#: Share of screenings without autorefraction (acuity only; some with the 串镜 check).
NO_REFRACTION_RATE = 0.05

#: Planted 五项管理 problems: a school whose 初中 classes give too much written homework, and a school
#: whose students sleep too little.
HOMEWORK_OVER_SCHOOL = "西夏区第二中学"
SHORT_SLEEP_SCHOOL = "银川市第二十四中学"
