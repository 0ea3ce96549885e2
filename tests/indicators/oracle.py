"""An independent oracle for the indicator engine: every catalogue indicator, in plain Python loops.

Written from the 口径 of each definition, the Chinese labels of the measures and the formulas of the
standards (the student-weighted 差异系数 of ``yzjh.resource.cv_formula``), not from the engine's code: it
imports neither Ibis nor ``tisheng.indicators.engine``. From the catalogue it takes only which indicators
exist, their levels, stages and thresholds (with the provincial overrides); what each indicator counts,
over which schools and stages, and its factor (from its unit) are written out below.

Input: the snapshot tables as lists of dicts (``pyarrow.Table.to_pylist()``). Output: a dict keyed like the
engine's results, ``(indicator, level, org, stage, breakdown)``, with ``(numerator, denominator, value,
met)``; values are rounded like the engine's (10 decimal places, half to even), but computed exactly from
integers here (square roots included).

What the oracle shares with the engine is the shape of the output, not the arithmetic:

- a ratio has a row for every school with a denominator, and for every town and the district always (no
  value when the denominator is 0); a count has a row for every school, town and the district, plus one per
  non-zero breakdown; a school share has a row for every school it counts, every town and the district;
- a 差异系数 has a row per stage (numerator S rounded, denominator X̄, no value without data or when X̄ = 0);
  the school verdict has rows where there are sections to judge;
- a value that rests on the yearly 办学条件 report is unknown (None) where nobody in scope filed one, which is
  not the same as a reported 0.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tisheng.indicators.catalogue import Definition, catalogue
from tisheng.standards import Comparison

Rows = list[dict[str, Any]]
Key = tuple[str, str, str, str, str]
Value = tuple[Fraction, Fraction | None, Decimal | None, bool | None]
#: one piece of a ratio: (school_id or None, town_code or None, numerator, denominator, whether the piece's
#: stage section filed its 办学条件 report)
Part = tuple[int | None, str | None, Fraction, Fraction, bool]

PLACES = 10
COMPULSORY = ("primary", "junior")
#: 优质均衡 covers 小学、初中 and the sections of 一贯制/完全中学; never special-education schools
YZJH_SCHOOL_TYPES = frozenset({"primary", "junior", "nine_year", "complete_secondary"})
#: 《教师资格条例》第五条: a certificate is good for its own level and every level below it
CERTIFICATE_ORDER = ("kindergarten", "primary", "junior", "senior")
STAGE_CERTIFICATE = {
    "preschool": "kindergarten",
    "primary": "primary",
    "junior": "junior",
    "senior": "senior",
}
#: 高于规定学历: 小学 专科及以上, 初中 本科及以上
ABOVE_REQUIRED = {
    "primary": frozenset({"college", "bachelor", "master", "doctorate"}),
    "junior": frozenset({"bachelor", "master", "doctorate"}),
}
PE_ARTS = frozenset({"体育", "体育与健康", "音乐", "美术", "艺术"})
BACKBONE = frozenset({"district", "city", "region", "national"})  # 县（区）级及以上
STANDARD_CLASS = {"primary": 45, "junior": 50}
KINDERGARTEN_CLASS = {1: 25, 2: 30, 3: 35}  # 小班 / 中班 / 大班
HONOUR_LEVELS = ("district", "city", "region", "national")  # lowest first
#: 学年 still to go before 初三 (grade codes 11–16 小学, 21–23 初中): 一年级 8, …, 六年级 3, 初一 2, 初三 0
YEARS_TO_GRADE9 = {**{g: 19 - g for g in range(11, 17)}, **{g: 23 - g for g in range(21, 24)}}
FAMOUS_TEACHER_KINDS = frozenset({"famous_teacher", "famous_headteacher", "famous_researcher"})
#: the section facts that come from the yearly 办学条件 report (a missing report is not a zero)
REPORT_FACTS = frozenset(
    {
        "facility_sections",
        "teaching_area",
        "sports_area",
        "equipment",
        "networked",
        "classrooms",
        "upgraded",
        "wireless_sections",
        "dangerous_area",
        "resource_rooms",
        "exam_rooms",
    }
)
RESOURCE_FACT = {  # the numerator of each 资源配置 indicator, per stage section
    "yzjh.resource.l1": "above",
    "yzjh.resource.l2": "backbone",
    "yzjh.resource.l3": "pe_arts",
    "yzjh.resource.l4": "teaching_area",
    "yzjh.resource.l5": "sports_area",
    "yzjh.resource.l6": "equipment",
    "yzjh.resource.l7": "networked",
}


def rounded(value: Fraction) -> Decimal:
    """``value`` to 10 decimal places, half to even, exactly."""
    scaled = value * 10**PLACES
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * remainder
    if twice > scaled.denominator or (twice == scaled.denominator and quotient % 2):
        quotient += 1
    return Decimal(f"{quotient}E-{PLACES}")


def rounded_sqrt(value: Fraction) -> Decimal:
    """√value to 10 decimal places (nearest), exactly, with integer square roots."""
    scaled = value * 10 ** (2 * PLACES)
    root = math.isqrt(scaled.numerator // scaled.denominator)  # ⌊√scaled⌋
    half = Fraction(2 * root + 1, 2)
    if scaled > half * half or (scaled == half * half and root % 2):
        root += 1
    return Decimal(f"{root}E-{PLACES}")


def filed(facts: Mapping[str, Any]) -> bool:
    """Whether a stage section filed its 办学条件 report this 学年."""
    return facts["facility_sections"] > 0


def factor_of(definition: Definition) -> int:
    """× 100 for percentages and 'per 100 students', × 1 otherwise (read from the unit)."""
    return 100 if definition.unit_zh == "%" or "百名" in definition.unit_zh else 1


class Oracle:
    def __init__(
        self,
        tables: Mapping[str, Rows],
        *,
        year: int,
        census_date: dt.date,
        year_end: dt.date,
        district: str,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        self.t = tables
        self.year, self.census_date, self.year_end = year, census_date, year_end
        self.district = district
        self.overrides = overrides or {}
        self.schools = {s["school_id"]: s for s in tables["schools"]}
        self.towns = sorted(
            {t["town_code"] for t in tables["towns"]} | {s["town_code"] for s in tables["schools"]}
        )
        self.out: dict[Key, Value] = {}
        self._facts()

    # -- facts, counted row by row ---------------------------------------------------------------------

    def _facts(self) -> None:
        #: per stage section (school_id, stage): counts and sums
        self.section: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        #: per school: the 辍学 counts
        self.dropouts: dict[int, Counter[str]] = defaultdict(Counter)
        #: per town: population counts
        self.population: dict[str, Counter[str]] = defaultdict(Counter)

        for c in self.t["classes"]:
            f = self.section[(c["school_id"], c["stage"])]
            size, stage = c["student_count"], c["stage"]
            f["classes"] += 1
            if stage in STANDARD_CLASS and size > STANDARD_CLASS[stage]:
                f["classes_over_standard"] += 1
            if size >= 56:
                f["classes_56"] += 1
            if size >= 66:
                f["classes_66"] += 1
            if (
                stage == "preschool"
                and c["grade"] in KINDERGARTEN_CLASS
                and size <= KINDERGARTEN_CLASS[c["grade"]]
            ):
                f["kindergarten_classes_ok"] += 1

        for e in self.t["enrolments"]:
            f = self.section[(e["school_id"], e["stage"])]
            f["students"] += 1
            if e["grade"] == 23:
                f["grade9"] += 1
            if e["disability"]:
                if e["stage"] in COMPULSORY:
                    f["disabled_compulsory"] += 1
                if e["placement"] == "inclusive":
                    f["inclusive"] += 1

        best: dict[int, int] = {}
        for cert in self.t["certificates"]:
            rank = CERTIFICATE_ORDER.index(cert["level"])
            best[cert["teacher_id"]] = max(best.get(cert["teacher_id"], -1), rank)
        self.teacher_stage: dict[int, str] = {}
        self.teacher_backbone: dict[int, bool] = {}
        for t in self.t["teachers"]:
            f = self.section[(t["school_id"], t["stage"])]
            self.teacher_stage[t["teacher_id"]] = t["stage"]
            self.teacher_backbone[t["teacher_id"]] = t["backbone_level"] in BACKBONE
            f["staff"] += 1
            f["backbone"] += t["backbone_level"] in BACKBONE
            f["ethics_files"] += bool(t["ethics_file"])
            f["commitments"] += bool(t["commitment_signed"])
            f["guidance_teachers"] += bool(t["family_guidance_teacher"])
            if t["post"] != "teacher":
                continue
            f["teachers"] += 1
            f["above"] += t["education"] in ABOVE_REQUIRED.get(t["stage"], ())
            f["pe_arts"] += t["subject"] in PE_ARTS
            required = STAGE_CERTIFICATE.get(t["stage"])  # a teacher of no section holds no 相应 certificate
            if required is not None and best.get(t["teacher_id"], -1) >= CERTIFICATE_ORDER.index(required):
                f["certified"] += 1
            f["literacy_passed"] += t["info_literacy"] == "pass"
            if t["annual_salary_yuan"] is not None:
                f["salaried"] += 1
                f["salary_sum"] += t["annual_salary_yuan"]

        for row in self.t["facilities"]:
            f = self.section[(row["school_id"], row["stage"])]
            f["facility_sections"] += 1
            f["teaching_area"] += Fraction(row["teaching_area_dm"] or 0, 10)
            f["sports_area"] += Fraction(row["sports_area_dm"] or 0, 10)
            f["equipment"] += row["equipment_yuan"] or 0
            f["networked"] += row["networked_classrooms"] or 0
            f["classrooms"] += row["classrooms"] or 0
            f["upgraded"] += row["upgraded_multimedia_classrooms"] or 0
            f["wireless_sections"] += bool(row["wireless_covered"])
            f["dangerous_area"] += Fraction(row["dangerous_area_dm"] or 0, 10)
            f["resource_rooms"] += row["resource_rooms"] or 0
            f["exam_rooms"] += row["standard_exam_rooms"] or 0

        for p in self.t["population"]:
            f = self.population[p["town_code"]]
            if 3 <= p["age"] <= 5:
                f["aged_3_5"] += p["count"]
            if 15 <= p["age"] <= 17:
                f["aged_15_17"] += p["count"]
            if 6 <= p["age"] <= 15:
                f["disabled_6_15"] += p["disabled_certified"]

        for d in self.t["dropouts"]:
            f = self.dropouts[d["school_id"]]
            # the cohort: the 学年 the student would sit 初三 in, from the last grade and 学年 on roll
            grade = d["last_grade"]
            out_at_census = d["returned_on"] is None or d["returned_on"] > self.census_date
            if (
                grade in YEARS_TO_GRADE9
                and d["last_year"] + YEARS_TO_GRADE9[grade] == self.year
                and d["date"] < self.census_date
                and out_at_census
            ):
                f["cohort9"] += 1
                if 21 <= grade <= 23:
                    f["cohort_junior"] += 1
            compulsory = 11 <= grade <= 16 or 21 <= grade <= 23  # 控辍保学 concerns 义务教育 only
            if (
                compulsory
                and self.census_date <= d["date"] <= self.year_end
                and (d["returned_on"] is None or d["returned_on"] > self.year_end)
            ):
                f["unreturned"] += 1

    # -- output helpers --------------------------------------------------------------------------------

    def org(self, level: str, school_id: int | None, town: str | None) -> str | None:
        """Where a fact counts at ``level``; facts of a school missing from the snapshot count nowhere."""
        if school_id is not None and school_id not in self.schools:
            return None
        if level == "district":
            return self.district
        if school_id is not None:
            school = self.schools[school_id]
            return school["school_code"] if level == "school" else school["town_code"]
        return town if level == "town" else None

    def orgs(self, level: str) -> list[str]:
        if level == "school":
            return [s["school_code"] for s in self.schools.values()]
        return self.towns if level == "town" else [self.district]

    def met(self, d: Definition, stage: str, value: Fraction | None) -> bool | None:
        comparison = d.threshold(stage, self.overrides)
        if comparison is None or value is None:
            return None
        return comparison.holds(value)

    def put(
        self,
        d: Definition,
        level: str,
        org: str,
        stage: str,
        breakdown: str,
        num: Fraction,
        den: Fraction | None,
        value: Fraction | None,
        met: bool | None,
    ) -> None:
        key = (d.id, level, org, stage, breakdown)
        assert key not in self.out, key
        self.out[key] = (Fraction(num), den, rounded(value) if value is not None else None, met)

    def sections(
        self, stages: Iterable[str], types: Iterable[str] | None = None
    ) -> list[tuple[int, str, Counter[str]]]:
        """The stage sections of ``stages`` (of schools of ``types``), as (school_id, stage, facts)."""
        stages, allowed = set(stages), set(types) if types is not None else None
        return [
            (sid, stage, facts)
            for (sid, stage), facts in self.section.items()
            if stage in stages
            and sid in self.schools
            and (allowed is None or self.schools[sid]["school_type"] in allowed)
        ]

    # -- the kinds -------------------------------------------------------------------------------------

    def ratio(
        self,
        d: Definition,
        parts: Callable[[str], Iterable[Part]],
        *,
        report: tuple[bool, bool] = (False, False),
    ) -> None:
        """Σ numerator ÷ Σ denominator × factor per organisation.

        A school gets a row when it has a denominator; every town and the district always get one (no value
        when the denominator is 0). ``report`` says whether the numerator / the denominator are figures of
        the 办学条件 report: a value built on a report nobody in scope filed is unknown, not zero, and a
        school that filed its report gets a row even when the reported denominator is 0.
        """
        factor = factor_of(d)
        report_numerator, report_denominator = report
        for level in d.levels:
            for stage in d.stage_keys:
                num: dict[str, Fraction] = defaultdict(Fraction)
                den: dict[str, Fraction] = defaultdict(Fraction)
                filed_by: set[str] = set()
                present = set(self.orgs(level)) if level != "school" else set()
                for school_id, town, n, m, filed_report in parts(stage):
                    org = self.org(level, school_id, town)
                    if org is None:
                        continue
                    num[org] += n
                    den[org] += m
                    if m > 0 or (report_denominator and filed_report):
                        present.add(org)
                    if filed_report:
                        filed_by.add(org)
                for org in present:
                    value = num[org] * factor / den[org] if den[org] else None
                    if report_numerator and org not in filed_by:
                        value = None
                    self.put(d, level, org, stage, "", num[org], den[org], value, self.met(d, stage, value))

    def section_ratio(
        self,
        d: Definition,
        numerator: str,
        denominator: str,
        stages_of: Callable[[str], Iterable[str]],
        admit: Callable[[dict[str, Any]], bool] = lambda school: True,
    ) -> None:
        """A ratio of two section facts over the sections of ``stages_of(stage key)`` of admitted schools."""

        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(stages_of(stage)):
                if admit(self.schools[sid]):
                    yield sid, None, Fraction(facts[numerator]), Fraction(facts[denominator]), filed(facts)

        self.ratio(d, parts, report=(numerator in REPORT_FACTS, denominator in REPORT_FACTS))

    def count(self, d: Definition, items: Iterable[tuple[int | None, str, Fraction]]) -> None:
        """Σ of (school_id or None, breakdown, amount); every org gets a total row, breakdowns when non-zero."""
        assert d.stage_keys == ("",), d.id
        items = list(items)
        for level in d.levels:
            totals: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
            for org in self.orgs(level):
                totals[(org, "")] += 0
            for school_id, breakdown, amount in items:
                org = self.org(level, school_id, None)
                if org is None:
                    continue
                totals[(org, "")] += amount
                if breakdown and amount:
                    totals[(org, breakdown)] += amount
            for (org, breakdown), value in totals.items():
                self.put(
                    d,
                    level,
                    org,
                    "",
                    breakdown,
                    value,
                    None,
                    value,
                    None if breakdown else self.met(d, "", value),
                )

    def school_share(self, d: Definition, eligible: Iterable[int], passes: Callable[[int], bool]) -> None:
        """Schools passing ÷ eligible schools × 100; every town and the district get a row."""
        eligible = [sid for sid in eligible if sid in self.schools]
        for level in d.levels:
            hits: dict[str, int] = defaultdict(int)
            total: dict[str, int] = defaultdict(int)
            if level != "school":
                for org in self.orgs(level):
                    total[org] += 0
            for sid in eligible:
                org = self.org(level, sid, None)
                assert org is not None
                total[org] += 1
                hits[org] += passes(sid)
            for org, n in total.items():
                value = Fraction(hits[org] * factor_of(d), n) if n else None
                self.put(
                    d, level, org, "", "", Fraction(hits[org]), Fraction(n), value, self.met(d, "", value)
                )

    # -- 优质均衡 ---------------------------------------------------------------------------------------

    def resource_points(self, ident: str, stage: str) -> list[tuple[int, Fraction | None, int]]:
        """(school_id, value, students) of every 小学/初中 section of ``stage`` with pupils; the value is
        None where it rests on a 办学条件 report the section did not file."""
        fact = RESOURCE_FACT[ident]
        factor = factor_of(catalogue()[ident])
        return [
            (
                sid,
                None
                if fact in REPORT_FACTS and not filed(facts)
                else factor * Fraction(facts[fact], facts["students"]),
                facts["students"],
            )
            for sid, _, facts in self.sections([stage], YZJH_SCHOOL_TYPES)
            if facts["students"] > 0
        ]

    def resource(self, d: Definition) -> None:
        fact = RESOURCE_FACT[d.id]

        def parts(stage: str) -> Iterable[Part]:
            assert stage in COMPULSORY, (d.id, stage)
            for sid, _, facts in self.sections([stage], YZJH_SCHOOL_TYPES):
                yield sid, None, Fraction(facts[fact]), Fraction(facts["students"]), filed(facts)

        self.ratio(d, parts, report=(fact in REPORT_FACTS, False))

    def cv_of(self, d: Definition, stage: str) -> Value:
        """CV = S ÷ X̄, X̄ = Σ PᵢXᵢ ÷ P, S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²): the population SD weighted by pupils, over
        the sections with a known value. Returned as (S rounded, X̄, CV rounded, met)."""
        points = [(x, p) for _, x, p in self.resource_points(d.of, stage) if x is not None]
        total = sum(p for _, p in points)
        if not total:
            return Fraction(0), None, None, None  # no data
        mean = sum((x * p for x, p in points), Fraction(0)) / total
        variance = sum((Fraction(p, total) * (x - mean) ** 2 for x, p in points), Fraction(0))
        sd = Fraction(rounded_sqrt(variance))
        if not mean:
            return sd, mean, None, None
        square = variance / mean**2
        return sd, mean, rounded_sqrt(square), _sqrt_holds(d.threshold(stage, self.overrides), square)

    def cv(self, d: Definition) -> None:
        for stage in d.stage_keys:
            self.out[(d.id, "district", self.district, stage, "")] = self.cv_of(d, stage)

    def section_verdicts(self) -> dict[tuple[int, str], bool]:
        """Each 小学/初中 section: at least 6 of the 7 resource indicators met, the others ≥ 85% of the bound
        (an indicator without data is neither)."""
        verdicts: dict[tuple[int, str], bool] = {}
        for stage in COMPULSORY:
            values: dict[int, list[tuple[Fraction | None, Comparison | None]]] = defaultdict(list)
            for ident in RESOURCE_FACT:
                comparison = catalogue()[ident].threshold(stage, self.overrides)
                for sid, x, _ in self.resource_points(ident, stage):
                    values[sid].append((x, comparison))
            for sid, pairs in values.items():
                met = [x is not None and c is not None and c.holds(x) for x, c in pairs]
                short_ok = all(
                    ok
                    or (
                        x is not None
                        and c is not None
                        and c.op in (">=", ">")
                        and x >= Fraction(85, 100) * c.bound
                    )
                    for (x, c), ok in zip(pairs, met, strict=True)
                )
                verdicts[(sid, stage)] = sum(met) >= 6 and short_ok
        return verdicts

    def school_verdict(self, d: Definition) -> None:
        verdicts = self.section_verdicts()
        for level in d.levels:
            for stage in d.stage_keys:
                hits: dict[str, int] = defaultdict(int)
                total: dict[str, int] = defaultdict(int)
                for (sid, section_stage), ok in verdicts.items():
                    if stage and section_stage != stage:
                        continue
                    org = self.org(level, sid, None)
                    assert org is not None
                    total[org] += 1
                    hits[org] += ok
                for org, n in total.items():
                    value = Fraction(hits[org] * factor_of(d), n)
                    met = self.met(d, stage, value)
                    self.put(d, level, org, stage, "", Fraction(hits[org]), Fraction(n), value, met)

    def district_verdict(self, d: Definition) -> None:
        """Criteria not met: each 差异系数 over its bound, each section failing the school rule."""
        failing = sum(not ok for ok in self.section_verdicts().values())
        for i in range(1, 8):
            cv = catalogue()[f"yzjh.cv.l{i}"]
            # a CV over its bound, or one that cannot be computed (no data), is a criterion not met
            failing += sum(self.cv_of(cv, stage)[3] is not True for stage in cv.stage_keys)
        value = Fraction(failing)
        self.put(d, "district", self.district, "", "", value, None, value, self.met(d, "", value))

    # -- the catalogue, indicator by indicator --------------------------------------------------------

    def run(self) -> dict[Key, Value]:
        for ident, d in catalogue().items():
            handler = self.handler(ident)
            handler(d)
        return self.out

    def handler(self, ident: str) -> Callable[[Definition], None]:
        if ident in RESOURCE_FACT:
            return self.resource
        if ident.startswith("yzjh.cv."):
            return self.cv
        if ident.startswith("recognition."):
            return self.recognitions
        try:
            return {
                "enrolment.preschool_gross_rate": self.preschool_gross_rate,
                "enrolment.compulsory_retention_9yr": self.retention_9yr,
                "enrolment.junior_retention_3yr": self.retention_junior,
                "enrolment.senior_gross_rate": self.senior_gross_rate,
                "enrolment.disabled_rate": self.disabled_rate,
                "preschool.puhui_coverage": self.puhui_coverage,
                "preschool.public_share": self.public_share,
                "preschool.class_size_standard_share": self.kindergarten_class_size,
                "class_size.over_standard_share": self.over_standard,
                "class_size.large_share": self.large_classes,
                "class_size.super_large_share": self.super_large_classes,
                "school_size.over_limit": self.over_limit,
                "yzjh.school_verdict": self.school_verdict,
                "yzjh.district_verdict": self.district_verdict,
                "teachers.certified_rate": self.certified_rate,
                "teachers.backbone_count": self.backbone_count,
                "teachers.famous_teachers": self.famous_teachers,
                "teachers.famous_principals": self.famous_principals,
                "teachers.rotation_share": self.rotation_share,
                "teachers.rotation_backbone_share": self.rotation_backbone_share,
                "teachers.info_literacy_rate": self.info_literacy,
                "teachers.ethics_file_rate": self.ethics_files,
                "teachers.commitment_rate": self.commitments,
                "teachers.salary_vs_civil_servants": self.salary,
                "family.parent_school_rate": self.parent_school,
                "family.guidance_teacher_rate": self.guidance_teachers,
                "family.parent_meeting_rate": self.parent_meetings,
                "family.guidance_activity_rate": self.guidance_activities,
                "research.lecture_rate": self.researcher_lectures,
                "research.observation_rate": self.researcher_observations,
                "digital.wireless_coverage": self.wireless,
                "digital.multimedia_upgrade_rate": self.multimedia_upgrade,
                "digital.networked_classroom_rate": self.networked_classrooms,
                "special.resource_room_rate": self.resource_rooms,
                "safety.dangerous_building_area": self.dangerous_area,
                "control.dropouts_unreturned": self.dropouts_unreturned,
                "exam.standard_rooms": self.exam_rooms,
                "health.fitness_excellent_good_rate": self.fitness_excellent_good,
                "health.fitness_pass_rate": self.fitness_pass,
                "health.fitness_excellent_rate": self.fitness_excellent,
                "health.fitness_mean_total": self.fitness_mean,
                "health.fitness_incomplete_count": self.fitness_incomplete,
                "health.overweight_rate": self.overweight,
                "health.obesity_rate": self.obesity,
                "health.myopia_rate": self.myopia_rate,
                "health.myopia_rate_previous": self.myopia_rate_previous,
                "health.myopia_rate_change": self.myopia_change,
                "health.poor_vision_rate": self.poor_vision,
                "health.vision_undetermined_count": self.vision_undetermined,
                "wuxiang.homework_rate": self.homework,
                "wuxiang.sleep_rate": self.sleep,
                "wuxiang.phone_rate": self.phones,
                "wuxiang.reading_rate": self.reading,
                "wuxiang.activity_rate": self.activity,
                "wuxiang.all_five_rate": self.all_five,
            }[ident]
        except KeyError:
            raise NotImplementedError(f"the oracle does not know {ident}: write it from its 口径") from None

    # 普及
    def preschool_gross_rate(self, d: Definition) -> None:
        """在园幼儿（学前学段全部，不分年龄）÷ 3–5周岁常住人口."""

        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(["preschool"]):
                yield sid, None, Fraction(facts["students"]), Fraction(0), False
            for town, facts in self.population.items():
                yield None, town, Fraction(0), Fraction(facts["aged_3_5"]), False

        self.ratio(d, parts)

    def _retention(self, d: Definition, dropouts: str) -> None:
        """在校初三 ÷ (在校初三 + 该届辍学且至统计时点未复学)."""

        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(("preschool", "primary", "junior", "senior", "")):
                yield sid, None, Fraction(facts["grade9"]), Fraction(facts["grade9"]), False
            for sid, facts in self.dropouts.items():
                yield sid, None, Fraction(0), Fraction(facts[dropouts]), False

        self.ratio(d, parts)

    def retention_9yr(self, d: Definition) -> None:
        self._retention(d, "cohort9")

    def retention_junior(self, d: Definition) -> None:
        self._retention(d, "cohort_junior")

    def senior_gross_rate(self, d: Definition) -> None:
        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(["senior"]):
                yield sid, None, Fraction(facts["students"]), Fraction(0), False
            for town, facts in self.population.items():
                yield None, town, Fraction(0), Fraction(facts["aged_15_17"]), False

        self.ratio(d, parts)

    def disabled_rate(self, d: Definition) -> None:
        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(COMPULSORY):
                yield sid, None, Fraction(facts["disabled_compulsory"]), Fraction(0), False
            for town, facts in self.population.items():
                yield None, town, Fraction(0), Fraction(facts["disabled_6_15"]), False

        self.ratio(d, parts)

    # 学前
    def _preschool_share(self, d: Definition, counted: Callable[[dict[str, Any]], bool]) -> None:
        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(["preschool"]):
                n = facts["students"]
                yield sid, None, Fraction(n if counted(self.schools[sid]) else 0), Fraction(n), False

        self.ratio(d, parts)

    def puhui_coverage(self, d: Definition) -> None:
        self._preschool_share(d, lambda s: s["ownership"] == "public" or bool(s["is_puhui"]))

    def public_share(self, d: Definition) -> None:
        self._preschool_share(d, lambda s: s["ownership"] == "public")

    def kindergarten_class_size(self, d: Definition) -> None:
        self.section_ratio(d, "kindergarten_classes_ok", "classes", lambda stage: ["preschool"])

    # 班额与校额: the total row covers the stages the indicator is about, nothing else
    def over_standard(self, d: Definition) -> None:
        self.section_ratio(
            d, "classes_over_standard", "classes", lambda stage: [stage] if stage else COMPULSORY
        )

    def large_classes(self, d: Definition) -> None:
        stages = ("primary", "junior", "senior")
        self.section_ratio(d, "classes_56", "classes", lambda stage: [stage] if stage else stages)

    def super_large_classes(self, d: Definition) -> None:
        stages = ("primary", "junior", "senior")
        self.section_ratio(d, "classes_66", "classes", lambda stage: [stage] if stage else stages)

    def over_limit(self, d: Definition) -> None:
        """学校义务教育学段在校生 > 2000（九年一贯制 > 2500）; among schools with compulsory pupils."""
        compulsory: Counter[int] = Counter()
        for sid, _, facts in self.sections(COMPULSORY):
            compulsory[sid] += facts["students"]
        limit = {"nine_year": 2500}
        eligible = [sid for sid in self.schools if compulsory[sid] >= 1]
        self.school_share(
            d, eligible, lambda sid: compulsory[sid] > limit.get(self.schools[sid]["school_type"], 2000)
        )

    # 教师
    def certified_rate(self, d: Definition) -> None:
        """持有任教学段或更高学段教师资格证的专任教师 ÷ 专任教师 (teachers of no section: uncertified)."""
        every = ("preschool", "primary", "junior", "senior", "")
        self.section_ratio(d, "certified", "teachers", lambda stage: [stage] if stage else every)

    def backbone_count(self, d: Definition) -> None:
        self.count(d, ((sid, "", Fraction(f["backbone"])) for sid, _, f in self.sections(self._all_stages())))

    def _famous(self, d: Definition, principal: bool) -> None:
        """People honoured up to the end of the 学年, once each, under their highest level."""
        best: dict[tuple[int | None, int], int] = {}
        for h in self.t["honours"]:
            if h["kind"] == "famous_principal":
                is_principal = True
            elif h["kind"] in FAMOUS_TEACHER_KINDS:
                is_principal = False
            else:
                continue
            if is_principal != principal:
                continue
            level = HONOUR_LEVELS.index(h["level"]) if h["level"] in HONOUR_LEVELS else 0
            person = (h["school_id"], h["teacher_id"])
            best[person] = max(best.get(person, 0), level)
        self.count(d, ((sid, HONOUR_LEVELS[level], Fraction(1)) for (sid, _), level in best.items()))

    def famous_teachers(self, d: Definition) -> None:
        self._famous(d, principal=False)

    def famous_principals(self, d: Definition) -> None:
        self._famous(d, principal=True)

    def _rotated(self) -> dict[tuple[int, str], set[int]]:
        """Teachers who started a rotation this 学年, by sending school and their stage (each once)."""
        rotated: dict[tuple[int, str], set[int]] = defaultdict(set)
        for r in self.t["rotations"]:
            rotated[(r["from_school_id"], self.teacher_stage.get(r["teacher_id"], ""))].add(r["teacher_id"])
        return rotated

    def rotation_share(self, d: Definition) -> None:
        """公办义务教育学校（按派出学校）本学年交流轮岗教师 ÷ 公办义务教育学段专任教师."""
        rotated = self._rotated()

        def parts(stage: str) -> Iterable[Part]:
            for sid, _, facts in self.sections(COMPULSORY):
                if self.schools[sid]["ownership"] == "public":
                    yield sid, None, Fraction(0), Fraction(facts["teachers"]), False
            for (sid, stage_), teachers in rotated.items():
                if (
                    stage_ in COMPULSORY
                    and sid in self.schools
                    and self.schools[sid]["ownership"] == "public"
                ):
                    yield sid, None, Fraction(len(teachers)), Fraction(0), False

        self.ratio(d, parts)

    def rotation_backbone_share(self, d: Definition) -> None:
        rotated = self._rotated()

        def parts(stage: str) -> Iterable[Part]:
            for (sid, stage_), teachers in rotated.items():
                if (
                    stage_ in COMPULSORY
                    and sid in self.schools
                    and self.schools[sid]["ownership"] == "public"
                ):
                    backbone = sum(self.teacher_backbone.get(t, False) for t in teachers)
                    yield sid, None, Fraction(backbone), Fraction(len(teachers)), False

        self.ratio(d, parts)

    def _all_stages(self) -> tuple[str, ...]:
        return ("preschool", "primary", "junior", "senior", "")

    def info_literacy(self, d: Definition) -> None:
        self.section_ratio(d, "literacy_passed", "teachers", lambda stage: self._all_stages())

    def ethics_files(self, d: Definition) -> None:
        self.section_ratio(d, "ethics_files", "staff", lambda stage: self._all_stages())

    def commitments(self, d: Definition) -> None:
        self.section_ratio(d, "commitments", "staff", lambda stage: self._all_stages())

    def salary(self, d: Definition) -> None:
        """教师平均年收入 ÷ 公务员平均年收入 × 100 (义务教育学段, teachers who reported their pay)."""
        civil = sum((r["value"] for r in self.t["reference"] if r["name"] == "civil_servant_salary"), 0)
        factor = factor_of(d)
        for level in d.levels:
            salaries: dict[str, int] = defaultdict(int)
            people: dict[str, int] = defaultdict(int)
            for sid, _, facts in self.sections(COMPULSORY):
                org = self.org(level, sid, None)
                if org is not None:
                    salaries[org] += facts["salary_sum"]
                    people[org] += facts["salaried"]
            for org, n in people.items():
                if n:
                    den = Fraction(n * civil)
                    value = salaries[org] * factor / den if den else None
                    self.put(
                        d, level, org, "", "", Fraction(salaries[org]), den, value, self.met(d, "", value)
                    )

    # 家校社协同
    def _activity_counts(self) -> dict[int, Counter[str]]:
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        for a in self.t["activities"]:
            if a["school_id"] is not None:
                counts[a["school_id"]][a["kind"]] += 1
                counts[a["school_id"]][f"{a['kind']}@{a['semester']}"] += 1
        return counts

    def parent_school(self, d: Definition) -> None:
        counts = self._activity_counts()
        self.school_share(d, list(self.schools), lambda sid: counts[sid]["parent_school"] >= 1)

    def guidance_teachers(self, d: Definition) -> None:
        staff: Counter[int] = Counter()
        for (sid, _), facts in self.section.items():
            staff[sid] += facts["guidance_teachers"]
        self.school_share(d, list(self.schools), lambda sid: staff[sid] >= 1)

    def parent_meetings(self, d: Definition) -> None:
        counts = self._activity_counts()
        self.school_share(
            d,
            list(self.schools),
            lambda sid: counts[sid]["parent_meeting@1"] >= 1 and counts[sid]["parent_meeting@2"] >= 1,
        )

    def guidance_activities(self, d: Definition) -> None:
        counts = self._activity_counts()
        self.school_share(
            d,
            list(self.schools),
            lambda sid: counts[sid]["family_guidance"] >= 2 and counts[sid]["family_practice"] >= 2,
        )

    # 教研
    def _researchers(self, d: Definition, kind: str, at_least: int) -> None:
        """Researchers (主讲人 of a lecture or an observation this 学年) with at least ``at_least`` of ``kind``."""
        done: dict[str, Counter[str]] = defaultdict(Counter)
        for a in self.t["activities"]:
            if a["kind"] in ("researcher_lecture", "class_observation") and a["person"]:
                done[a["person"]][a["kind"]] += 1
        hits = sum(1 for counts in done.values() if counts[kind] >= at_least)
        if done:
            value = Fraction(hits * factor_of(d), len(done))
            self.put(
                d,
                "district",
                self.district,
                "",
                "",
                Fraction(hits),
                Fraction(len(done)),
                value,
                self.met(d, "", value),
            )

    def researcher_lectures(self, d: Definition) -> None:
        self._researchers(d, "researcher_lecture", 6)

    def researcher_observations(self, d: Definition) -> None:
        self._researchers(d, "class_observation", 80)

    # 认定
    def recognitions(self, d: Definition) -> None:
        kind = d.id.split(".", 1)[1]
        self.count(
            d,
            ((r["school_id"], r["level"], Fraction(1)) for r in self.t["recognitions"] if r["kind"] == kind),
        )

    # 互联网+教育, 特殊教育, 校园治理, 考试
    def wireless(self, d: Definition) -> None:
        self.section_ratio(d, "wireless_sections", "facility_sections", lambda stage: self._all_stages())

    def multimedia_upgrade(self, d: Definition) -> None:
        self.section_ratio(d, "upgraded", "classrooms", lambda stage: self._all_stages())

    def networked_classrooms(self, d: Definition) -> None:
        self.section_ratio(d, "networked", "classrooms", lambda stage: self._all_stages())

    def resource_rooms(self, d: Definition) -> None:
        """Among schools with ≥ 5 随班就读 disabled pupils (all stages), those with a resource room."""
        inclusive: Counter[int] = Counter()
        rooms: Counter[int] = Counter()
        for (sid, _), facts in self.section.items():
            inclusive[sid] += facts["inclusive"]
            rooms[sid] += facts["resource_rooms"]
        eligible = [sid for sid in self.schools if inclusive[sid] >= 5]
        self.school_share(d, eligible, lambda sid: rooms[sid] >= 1)

    def dangerous_area(self, d: Definition) -> None:
        self.count(d, ((sid, "", f["dangerous_area"]) for sid, _, f in self.sections(self._all_stages())))

    def dropouts_unreturned(self, d: Definition) -> None:
        self.count(d, ((sid, "", Fraction(f["unreturned"])) for sid, f in self.dropouts.items()))

    def exam_rooms(self, d: Definition) -> None:
        self.count(
            d, ((sid, "", Fraction(f["exam_rooms"])) for sid, _, f in self.sections(self._all_stages()))
        )

    # -- student health ----------------------------------------------------------------------------------
    #
    # Every value is over the students (or class records) of one organisation, stage and breakdown group:
    # the total, each grade, each sex and each grade × sex cell. A school has a row for a group where it has
    # a record; every town and the district have the total row always; a count has a total row for every
    # school, town and the district.

    @staticmethod
    def groups(record: Mapping[str, Any], dims: tuple[str, ...]) -> list[str]:
        """ "" and every combination of ``dims`` (in their order) as "grade=11,sex=M"."""
        keys = [""]
        for size in range(1, len(dims) + 1):
            for chosen in itertools.combinations(dims, size):
                keys.append(",".join(f"{dim}={record[dim]}" for dim in chosen))
        return keys

    def _tally(
        self, d: Definition, records: Rows, stages: Iterable[str]
    ) -> dict[tuple[str, str, str, str], Rows]:
        """The records per (level, org, stage key, group) — only records of ``stages`` in the total."""
        stages = tuple(stages)
        found: dict[tuple[str, str, str, str], Rows] = defaultdict(list)
        for r in records:
            if r["stage"] not in stages:
                continue
            for level in d.levels:
                org = self.org(level, r["school_id"], None)
                if org is None:
                    continue
                for stage in d.stage_keys:
                    if stage and r["stage"] != stage:
                        continue
                    for group in self.groups(r, d.dimensions):
                        found[(level, org, stage, group)].append(r)
        return found

    def student_ratio(
        self,
        d: Definition,
        records: Rows,
        numerator: Callable[[dict[str, Any]], int],
        denominator: Callable[[dict[str, Any]], int],
        *,
        stages: Iterable[str] = ("primary", "junior", "senior"),
        scale: Fraction = Fraction(1),
    ) -> None:
        found = self._tally(d, records, stages)
        for level in d.levels:
            if level != "school":
                for org in self.orgs(level):
                    for stage in d.stage_keys:
                        found.setdefault((level, org, stage, ""), [])
        for (level, org, stage, group), rows in found.items():
            num = sum((numerator(r) * scale for r in rows), Fraction(0))
            den = Fraction(sum(denominator(r) for r in rows))
            value = num * factor_of(d) / den if den else None
            self.put(d, level, org, stage, group, num, den, value, self.met(d, stage, value))

    def student_count(self, d: Definition, records: Rows, counted: Callable[[dict[str, Any]], int]) -> None:
        found = self._tally(d, records, ("primary", "junior", "senior"))
        for level in d.levels:
            for org in self.orgs(level):
                for stage in d.stage_keys:
                    found.setdefault((level, org, stage, ""), [])
        for (level, org, stage, group), rows in found.items():
            value = Fraction(sum(counted(r) for r in rows))
            met = self.met(d, stage, value) if not group else None
            self.put(d, level, org, stage, group, value, None, value, met)

    # 体质健康: 已评定 = a complete test with a 学年总分; 免测 and 项目不全 are outside the rates
    @staticmethod
    def assessed(r: Mapping[str, Any]) -> bool:
        return r["status"] == "complete" and r["total_centi"] is not None

    def fitness_excellent_good(self, d: Definition) -> None:
        self.student_ratio(
            d,
            self.t["fitness"],
            lambda r: self.assessed(r) and r["level"] in ("excellent", "good"),
            self.assessed,
        )

    def fitness_pass(self, d: Definition) -> None:
        self.student_ratio(
            d, self.t["fitness"], lambda r: self.assessed(r) and r["level"] != "fail", self.assessed
        )

    def fitness_excellent(self, d: Definition) -> None:
        self.student_ratio(
            d, self.t["fitness"], lambda r: self.assessed(r) and r["level"] == "excellent", self.assessed
        )

    def fitness_mean(self, d: Definition) -> None:
        self.student_ratio(
            d,
            self.t["fitness"],
            lambda r: r["total_centi"] if self.assessed(r) else 0,
            self.assessed,
            scale=Fraction(1, 100),
        )

    def fitness_incomplete(self, d: Definition) -> None:
        self.student_count(d, self.t["fitness"], lambda r: r["status"] != "exempt" and not self.assessed(r))

    def overweight(self, d: Definition) -> None:
        self.student_ratio(
            d, self.t["fitness"], lambda r: r["bmi_band"] == "overweight", lambda r: r["bmi_band"] != ""
        )

    def obesity(self, d: Definition) -> None:
        self.student_ratio(
            d, self.t["fitness"], lambda r: r["bmi_band"] == "obese", lambda r: r["bmi_band"] != ""
        )

    # 视力: 筛查性近视 per eye (acuity < 5.0 and SE at the cut-off; 串镜 where the poor eye has no SE),
    # ortho-k wearers myopic; the cut-off at exactly −0.50 D from the run's setting
    def _inclusive(self) -> bool:
        value = self.overrides.get("TISHENG_MYOPIA_SE_INCLUSIVE", True)
        return value if isinstance(value, bool) else str(value).lower() not in ("false", "0", "no", "off")

    def _eyes(self, r: Mapping[str, Any]) -> list[tuple[int, int | None]]:
        return [(r["acuity_left"], r["se_left_milli"]), (r["acuity_right"], r["se_right_milli"])]

    def myopic(self, r: Mapping[str, Any]) -> bool:
        if r["correction"] == "ortho_k":
            return True
        for acuity, se in self._eyes(r):
            if acuity >= 50:
                continue
            if se is not None:
                if se < -500 or (se == -500 and self._inclusive()):
                    return True
            elif r["trial_lens"] == "myopic":
                return True
        return False

    def undetermined(self, r: Mapping[str, Any]) -> bool:
        if self.myopic(r) or r["trial_lens"]:
            return False
        return any(acuity < 50 and se is None for acuity, se in self._eyes(r))

    def screenings(self, year: int) -> Rows:
        return [r for r in self.t["vision"] if r["year"] == year]

    def myopia_rate(self, d: Definition) -> None:
        self.student_ratio(d, self.screenings(self.year), self.myopic, lambda r: 1)

    def myopia_rate_previous(self, d: Definition) -> None:
        self.student_ratio(d, self.screenings(self.year - 1), self.myopic, lambda r: 1)

    def myopia_change(self, d: Definition) -> None:
        """This year's rate − last year's (percentage points), where both have screened students."""
        rates = {}
        for year in (self.year, self.year - 1):
            found = self._tally(d, self.screenings(year), ("primary", "junior", "senior"))
            for level in d.levels:
                if level != "school":
                    for org in self.orgs(level):
                        for stage in d.stage_keys:
                            found.setdefault((level, org, stage, ""), [])
            rates[year] = {
                key: Fraction(100 * sum(self.myopic(r) for r in rows), len(rows)) if rows else None
                for key, rows in found.items()
            }
        for key, now in rates[self.year].items():
            before = rates[self.year - 1].get(key)
            change = now - before if now is not None and before is not None else None
            level, org, stage, group = key
            self.put(
                d, level, org, stage, group, change or Fraction(0), None, change, self.met(d, stage, change)
            )

    def poor_vision(self, d: Definition) -> None:
        self.student_ratio(
            d,
            self.screenings(self.year),
            lambda r: r["acuity_left"] < 50 or r["acuity_right"] < 50,
            lambda r: 1,
        )

    def vision_undetermined(self, d: Definition) -> None:
        self.student_count(d, self.screenings(self.year), self.undetermined)

    # 五项管理: one record per class and semester
    @staticmethod
    def homework_ok(r: Mapping[str, Any]) -> bool:
        if r["grade"] in (11, 12):
            return r["homework_minutes"] == 0
        if r["stage"] == "primary":
            return r["homework_minutes"] <= 60
        return r["stage"] == "junior" and r["homework_minutes"] <= 90

    @staticmethod
    def sleep_ok(r: Mapping[str, Any]) -> bool:
        return r["sleep_minutes"] >= {"primary": 600, "junior": 540, "senior": 480}[r["stage"]]

    def homework(self, d: Definition) -> None:
        self.student_ratio(d, self.t["wuxiang"], self.homework_ok, lambda r: 1, stages=COMPULSORY)

    def sleep(self, d: Definition) -> None:
        self.student_ratio(d, self.t["wuxiang"], self.sleep_ok, lambda r: 1)

    def phones(self, d: Definition) -> None:
        self.student_ratio(d, self.t["wuxiang"], lambda r: r["phones_managed"], lambda r: 1)

    def reading(self, d: Definition) -> None:
        self.student_ratio(d, self.t["wuxiang"], lambda r: r["reading_reviewed"], lambda r: 1)

    def activity(self, d: Definition) -> None:
        self.student_ratio(d, self.t["wuxiang"], lambda r: r["activity_minutes"] >= 60, lambda r: 1)

    def all_five(self, d: Definition) -> None:
        def ok(r: Mapping[str, Any]) -> bool:
            homework = self.homework_ok(r) if r["stage"] in COMPULSORY else True  # 高中: not assessed
            return (
                homework
                and self.sleep_ok(r)
                and r["phones_managed"]
                and r["reading_reviewed"]
                and r["activity_minutes"] >= 60
            )

        self.student_ratio(d, self.t["wuxiang"], ok, lambda r: 1)


def _sqrt_holds(comparison: Comparison | None, square: Fraction) -> bool | None:
    """Whether √square satisfies ``comparison``, decided exactly on squares (bounds are ≥ 0)."""
    if comparison is None:
        return None
    assert comparison.bound >= 0
    return Comparison(comparison.op, comparison.bound**2).holds(square)


def compute(
    tables: Mapping[str, Rows],
    *,
    year: int,
    census_date: dt.date,
    year_end: dt.date,
    district: str,
    overrides: Mapping[str, Any] | None = None,
) -> dict[Key, Value]:
    """Every catalogue indicator at every level, from the snapshot tables as plain rows."""
    oracle = Oracle(
        tables, year=year, census_date=census_date, year_end=year_end, district=district, overrides=overrides
    )
    return oracle.run()
