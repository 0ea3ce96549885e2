"""The packaged national standards: a verbatim copy of shared/standards, referenced correctly by the
catalogue, parsed exactly, and honest about what could not be verified."""

from __future__ import annotations

from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from tisheng import standards
from tisheng.indicators.catalogue import catalogue, definition
from tisheng.standards import Comparison, StandardsError, parse_comparison

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared" / "standards").resolve()
PACKAGED = Path(str(resources.files("tisheng.standards") / "data"))
#: files of shared/standards deliberately not shipped in the package, and why
NOT_PACKAGED = {
    "fitness/build_fitness_tables.py": "the generator of the fitness tables is a tool, not data",
}


def _files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name != "__init__.py"
    }


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared/standards is not beside the checkout ({SHARED})")
def test_packaged_copy_is_byte_identical_to_shared_standards() -> None:
    shared, packaged = _files(SHARED), _files(PACKAGED)
    assert packaged == shared - set(NOT_PACKAGED), "files added to or missing from the packaged copy"
    differ = [
        name for name in sorted(packaged) if (PACKAGED / name).read_bytes() != (SHARED / name).read_bytes()
    ]
    assert differ == [], "packaged files that differ from shared/standards"


def _raw_definitions() -> list[dict[str, Any]]:
    text = (resources.files("tisheng.indicators.catalogue") / "definitions.yaml").read_text("utf-8")
    definitions: list[dict[str, Any]] = yaml.safe_load(text)["indicators"]
    return definitions


def test_every_catalogue_reference_to_a_standard_resolves() -> None:
    entries = standards.entries()
    for raw in _raw_definitions():
        ident = raw["id"]
        if "standard" in raw:
            assert raw["standard"] in entries, f"{ident}: unknown standard {raw['standard']}"
        threshold = raw.get("threshold")
        if not threshold:
            continue
        ref = threshold.get("standard")
        if ref is not None:
            assert ref in entries, f"{ident}: unknown standard {ref}"
        # `key` and the values of `by_stage` name thresholds of the standard; `value` is a literal comparison
        named = [threshold["key"]] if "key" in threshold else list((threshold.get("by_stage") or {}).values())
        for key in named:
            assert ref is not None, f"{ident}: threshold key {key!r} without a standard"
            assert key in entries[ref].thresholds, f"{ident}: {ref} has no threshold {key!r}"
            stage_thresholds = definition(ident).thresholds
            assert entries[ref].threshold(key) in [t.comparison for t in stage_thresholds.values()], ident
        if "value" in threshold:
            parse_comparison(threshold["value"])


def test_every_stage_of_an_indicator_with_thresholds_has_one() -> None:
    for d in catalogue().values():
        if d.thresholds:
            for stage in d.stage_keys:
                assert isinstance(d.threshold(stage), Comparison), (d.id, stage)


def test_catalogue_thresholds_are_the_national_values() -> None:
    assert str(definition("yzjh.resource.l1").threshold("primary")) == ">= 4.2"
    assert str(definition("yzjh.resource.l1").threshold("junior")) == ">= 5.3"
    assert definition("yzjh.cv.l4").threshold("primary") == Comparison("<=", Fraction(1, 2))
    assert definition("yzjh.cv.l4").threshold("junior") == Comparison("<=", Fraction(45, 100))
    assert str(definition("enrolment.preschool_gross_rate").threshold("")) == ">= 85"
    assert (
        str(
            definition("enrolment.preschool_gross_rate").threshold(
                "", {"enrolment.preschool_gross_rate": ">= 90"}
            )
        )
        == ">= 90"
    )
    by_stage = {"yzjh.resource.l4": {"primary": ">= 5"}}
    assert str(definition("yzjh.resource.l4").threshold("primary", by_stage)) == ">= 5"
    assert str(definition("yzjh.resource.l4").threshold("junior", by_stage)) == ">= 5.8"  # not overridden


@pytest.mark.parametrize(
    ("text", "op", "bound"),
    [
        (">= 4.2", ">=", Fraction(21, 5)),
        ("<=0.50", "<=", Fraction(1, 2)),
        ("  > -1  ", ">", Fraction(-1)),
        ("< 0.15", "<", Fraction(3, 20)),
        ("= 0", "=", Fraction(0)),
        (">= 79.99", ">=", Fraction(7999, 100)),
        (">= 100", ">=", Fraction(100)),
    ],
)
def test_parse_comparison(text: str, op: str, bound: Fraction) -> None:
    assert parse_comparison(text) == Comparison(op, bound)


@pytest.mark.parametrize(
    "text",
    [
        "4.2",
        ">=",
        ">= 4.2.1",
        ">= 1e3",
        "≥ 4.2",
        "=> 4",
        ">= .5",
        "",
        ">= 4,2",
        "达到要求（佐证材料）",
        "students <= 2000",
    ],
)
def test_parse_comparison_rejects(text: str) -> None:
    with pytest.raises(StandardsError):
        parse_comparison(text)


def test_comparisons_are_exact() -> None:
    at_least = parse_comparison(">= 79.99")
    assert at_least.holds(Fraction(7999, 100))
    assert not at_least.holds(Fraction(7999, 100) - Fraction(1, 10**12))
    assert not parse_comparison(">= 80").holds(Fraction(7999, 100))
    assert parse_comparison("<= 0.45").holds(Fraction(45, 100))
    assert not parse_comparison("< 0.45").holds(Fraction(45, 100))
    assert parse_comparison(">= 4.2").reached_share(Fraction(357, 100)) == Fraction(85, 100)
    assert parse_comparison("<= 0.5").reached_share(Fraction(1, 4)) is None
    assert parse_comparison(">= 0").reached_share(Fraction(1)) is None
    assert str(parse_comparison(">= 4.50")) == ">= 4.5"
    assert parse_comparison("<= 0.50").symbol == "≤ 0.5"


def test_thresholds_that_are_not_comparisons_are_refused() -> None:
    with pytest.raises(StandardsError):
        standards.entry("yzjh.gov.G4").threshold("primary")  # "students <= 2000": prose, not a comparison
    with pytest.raises(StandardsError):
        standards.entry("yzjh.resource.L1").threshold("senior")
    with pytest.raises(StandardsError):
        standards.entry("no.such.entry")


def test_unverified_entries_are_reported_as_not_verified() -> None:
    text = (standards.DATA / "indicators.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    flagged = [
        item["id"]
        for item in [*raw["yzjh_rules"], *raw["indicators"]]
        if item.get("unverified")
        or item.get("unverified_parts")
        or item.get("verification", "unverified") in standards.WEAK_VERIFICATION
    ]
    assert flagged, "the standards are expected to flag some entries"
    for ident in flagged:
        assert not standards.entry(ident).is_verified, ident
    # flagged even where the level itself is strong: the 85% clause, the 学历 definition of L1
    assert standards.entry("yzjh.resource.school_rule").verification == "single_source"
    assert not standards.entry("yzjh.resource.school_rule").is_verified
    assert standards.entry("yzjh.resource.L1").verification == "multi_source"
    assert not standards.entry("yzjh.resource.L1").is_verified
    assert standards.entry("yzjh.resource.L2").is_verified
    assert standards.entry("defs.gonggu_junior3").verification_label == "未核实"


def test_indicators_resting_on_unverified_standards_say_so() -> None:
    assert not definition("yzjh.school_verdict").is_verified  # the 85% clause
    assert not definition("yzjh.resource.l1").is_verified
    assert not definition("yzjh.resource.l1").thresholds["primary"].is_verified
    assert not definition("enrolment.junior_retention_3yr").is_verified
    assert not definition("preschool.class_size_standard_share").is_verified
    assert definition("yzjh.resource.l2").is_verified
    # a threshold the plan sets itself is the plan's figure, not an unverified national one
    assert definition("teachers.info_literacy_rate").is_verified
    assert definition("teachers.info_literacy_rate").thresholds[""].is_verified
