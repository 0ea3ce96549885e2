"""Synthetic people for the demo facts: Chinese names, 公民身份号码 with a valid GB 11643 check digit, the
national 学籍号 built from them, birth dates that fit a grade, and the small random helpers the fact
steps share. No step is registered here."""

from __future__ import annotations

import datetime as dt
import random

from tisheng.census import choices as c
from tisheng.intake.cells import mask_id

#: Surnames as common in Ningxia (Hui surnames 马, 海, 纳, 沙, 丁 among them); repeats weight them.
SURNAMES = (
    "王王王王李李李张张张刘刘马马马马杨杨陈陈赵赵黄周吴徐孙胡朱高林何郭罗海海丁丁纳沙冯田白金苏韩郑梁谢宋"
    "唐许邓曹彭曾董袁潘于蒋蔡余杜叶程魏吕任沈姚卢姜崔钟谭陆汪范石贾夏付方邹孟熊秦邱江尹薛闫段雷侯龙史陶"
    "贺顾毛郝龚邵万钱严武戴孔汤拓虎锁撒"
)
#: Given-name characters: leaning male, leaning female, and either.
GIVEN_MALE = "浩宇轩博涛杰鹏俊凯磊强伟斌辉勇毅诚睿哲航泽铭昊晨阳瑞峰"
GIVEN_FEMALE = "欣怡婷雪琳萱涵妍璐悦佳颖倩静慧娜丽芳梦瑶雯婧蕾洁茹彤露"
GIVEN_EITHER = "子一文思嘉明雨天子晓清新可安乐宁家梓若欣宇"

#: 户籍 of the district's students: mostly 本区; 随迁子女 from the rest of the city, the region and beyond.
HUKOU_WEIGHTS: tuple[tuple[str, int], ...] = (
    (c.Hukou.DISTRICT, 70),
    (c.Hukou.CITY, 11),
    (c.Hukou.PROVINCE, 12),
    (c.Hukou.OUTSIDE, 7),
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def person_name(rng: random.Random, sex: str) -> str:
    """A surname and one or two given-name characters fitting ``sex`` (``M`` or ``F``)."""
    leaning = GIVEN_MALE if sex == c.Sex.MALE else GIVEN_FEMALE
    first = rng.choice(leaning if rng.random() < 0.6 else GIVEN_EITHER)
    if rng.random() < 0.22:
        return rng.choice(SURNAMES) + rng.choice(leaning)
    second = rng.choice(leaning)
    while second == first and rng.random() < 0.9:
        second = rng.choice(leaning)
    return rng.choice(SURNAMES) + first + second


def check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of a 公民身份号码."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number(area: str, birth: dt.date, sequence: int) -> str:
    """An 18-character 公民身份号码: 6-digit area, birth date, 3-digit sequence (odd for men, even for
    women, as the standard has it) and the check character."""
    if not (len(area) == 6 and area.isdigit() and 0 <= sequence <= 999):
        raise ValueError(f"bad area {area!r} or sequence {sequence}")
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


class IdNumbers:
    """Hands out distinct 身份证 numbers for one area (a sequence is used once per birth date)."""

    def __init__(self, area: str) -> None:
        self.area = area
        self.used: dict[dt.date, set[int]] = {}

    def make(self, rng: random.Random, birth: dt.date, sex: str) -> str:
        taken = self.used.setdefault(birth, set())
        parity = 1 if sex == c.Sex.MALE else 0
        for _ in range(200):
            sequence = rng.randrange(0, 500) * 2 + parity
            if sequence not in taken:
                taken.add(sequence)
                return id_number(self.area, birth, sequence)
        for sequence in range(parity, 1000, 2):  # pragma: no cover (500 children born the same day)
            if sequence not in taken:
                taken.add(sequence)
                return id_number(self.area, birth, sequence)
        raise ValueError(f"no free 身份证 sequence left for {birth}")


def student_number(full_id: str) -> str:
    """The national 学籍号: ``G`` followed by the 公民身份号码."""
    return "G" + full_id


def masked(full_id: str) -> str:
    return mask_id(full_id)


def birth_for_age(rng: random.Random, age: int, census: dt.date) -> dt.date:
    """A birth date giving ``age`` full years on the 统计时点 ``census`` (9月1日)."""
    latest = dt.date(census.year - age, census.month, census.day)  # turns ``age`` on the day itself
    earliest = dt.date(census.year - age - 1, census.month, census.day) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A day from ``first`` to ``last``, both included."""
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    """One of the values of ``(value, weight)`` pairs, in proportion to the weights."""
    total = sum(w for _, w in table)
    pick = rng.randrange(total)
    for value, w in table:
        pick -= w
        if pick < 0:
            return value
    raise AssertionError("unreachable")
