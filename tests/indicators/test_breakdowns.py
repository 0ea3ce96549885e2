"""The catalogue's breakdown keys and small-group rule (the contract the pages build on)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tisheng.indicators.catalogue import (
    CatalogueError,
    _definition,
    breakdown_key,
    catalogue,
    parse_breakdown,
)


def test_breakdown_keys_round_trip() -> None:
    assert breakdown_key({}) == ""
    assert breakdown_key({"grade": 11}) == "grade=11"
    assert breakdown_key({"grade": 11, "sex": "M"}) == "grade=11,sex=M"
    assert parse_breakdown("grade=11,sex=M") == {"grade": "11", "sex": "M"}
    assert parse_breakdown("sex=F") == {"sex": "F"}
    assert parse_breakdown("") == {}
    # the recognitions' and honours' level keys stay bare
    assert parse_breakdown("national") == {"level": "national"}


def _raw(**extra: object) -> dict[str, object]:
    return {"id": "t.x", "name_zh": "测试", "name_en": "Test", "group": "测试", **extra}


def test_by_and_min_group_are_read_and_checked() -> None:
    d = _definition(_raw(by=["grade", "sex"], min_group=10, numerator=["a"], denominator=["b"]))
    assert (d.by, d.dimensions, d.min_group) == ("grade,sex", ("grade", "sex"), 10)
    assert _definition(_raw()).min_group == 0 and _definition(_raw()).dimensions == ()
    with pytest.raises(CatalogueError, match="未知的分列维度"):
        _definition(_raw(by=["class"]))
    with pytest.raises(CatalogueError, match="按级别"):
        _definition(_raw(by=["level", "sex"]))


def test_small_groups() -> None:
    ratio = _definition(_raw(min_group=10, numerator=["a"], denominator=["b"]))
    assert ratio.small_group(9, Fraction(9)) is True
    assert ratio.small_group(12, Fraction(9)) is True  # 12 students tested, 9 of them in the denominator
    assert ratio.small_group(10, Fraction(10)) is False
    count = _definition(_raw(kind="count", min_group=10, numerator=["a"]))
    assert count.small_group(10, None) is False and count.small_group(9, None) is True
    assert _definition(_raw()).small_group(1, Fraction(1)) is False  # no rule: never suppressed
    assert catalogue()["teachers.famous_teachers"].dimensions == ("level",)


def test_breakdown_labels_in_chinese() -> None:
    from tisheng.indicators.present import breakdown_label

    assert breakdown_label("grade=11,sex=M") == "一年级·男"
    assert breakdown_label("grade=23") == "初三"
    assert breakdown_label("sex=F") == "女"
    assert breakdown_label("national") == "国家级"
