"""Masking of 身份证 numbers hidden in identifiers and in free text (tisheng.api.privacy)."""

from __future__ import annotations

import pytest

from tests.api.conftest import ID_FANG, ID_MING, id_number
from tisheng.api.privacy import mask_identifier, mask_text, mask_values


def masked(number: str) -> str:
    return f"{number[:6]}********{number[14:]}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"G{ID_MING}", f"G{masked(ID_MING)}"),  # the national 学籍号: G + 身份证号
        (f"L{ID_FANG}", f"L{masked(ID_FANG)}"),
        (ID_MING, masked(ID_MING)),
        ("T-A-001", "T-A-001"),
        ("20076400121000001", "20076400121000001"),  # 17 digits: a certificate number
        (
            ID_MING[:17] + ("1" if ID_MING[17] != "1" else "2"),
            ID_MING[:17] + ("1" if ID_MING[17] != "1" else "2"),
        ),
        ("", ""),
    ],
)
def test_identifiers_are_masked_only_when_they_embed_an_id(value: str, expected: str) -> None:
    assert mask_identifier(value) == expected


def test_a_check_digit_x_is_kept_in_the_visible_part() -> None:
    number = next(n for n in (id_number(f"64010520{i:02d}0101123") for i in range(100)) if n.endswith("X"))
    assert mask_identifier(f"G{number}") == f"G{number[:6]}********{number[14:]}"


def test_every_id_like_run_in_text_is_masked_valid_or_not() -> None:
    wrong = ID_MING[:17] + "0"
    text = f"找不到学籍号为 G{ID_MING} 的学生；身份证号 {wrong} 校验位不正确；电话 13912345678"
    assert mask_text(text) == (
        f"找不到学籍号为 G{masked(ID_MING)} 的学生；身份证号 {masked(wrong)} 校验位不正确；电话 13912345678"
    )


def test_longer_numbers_are_left_alone() -> None:
    assert mask_text("1234567890123456789012") == "1234567890123456789012"


def test_json_values_are_masked_throughout() -> None:
    data = {"value": ID_FANG, "row": 3, "nested": [ID_MING, None, {"x": f"({ID_MING})"}]}
    assert mask_values(data) == {
        "value": masked(ID_FANG),
        "row": 3,
        "nested": [masked(ID_MING), None, {"x": f"({masked(ID_MING)})"}],
    }
