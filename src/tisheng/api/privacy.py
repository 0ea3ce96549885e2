"""No full 身份证 number ever leaves the API.

The census stores only the masked number (``id_number_masked``), but a full number can still hide in two
places: the national 学籍号 is, for most students, ``G`` followed by the 公民身份号码; and an import
batch's findings quote the cell that was wrong (a 身份证号 with a bad check digit is quoted in full).
Both are masked here the way the intake pipeline masks a number before storing it: the first 6 and the
last 4 characters are kept (``G640105********123X``).
"""

from __future__ import annotations

import re
from typing import Any

from tisheng.intake.cells import id_checksum_ok, mask_id

#: An identifier that embeds a 公民身份号码: an optional letter prefix (学籍号 ``G``/``L``), 18 characters.
_EMBEDDED_ID = re.compile(r"^([A-Za-z]?)(\d{17}[\dX])$")
#: Anything in free text that looks like an 18-character 公民身份号码, valid or not (also inside a 学籍号).
_ID_IN_TEXT = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")


def mask_identifier(value: str) -> str:
    """``value`` with the 公民身份号码 it embeds masked; any other identifier unchanged.

    Only a number with a correct GB 11643 check digit counts as embedded, so a certificate or staff
    number that merely has 18 digits stays readable.
    """
    match = _EMBEDDED_ID.match(value)
    if match is None or not id_checksum_ok(match.group(2)):
        return value
    return match.group(1) + mask_id(match.group(2))


def mask_text(text: str) -> str:
    """``text`` with every 18-character run that looks like a 身份证 number masked."""
    return _ID_IN_TEXT.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(2)}", text)


def mask_values(data: Any) -> Any:
    """``data`` (JSON: dicts, lists, strings …) with :func:`mask_text` applied to every string."""
    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, list):
        return [mask_values(item) for item in data]
    if isinstance(data, dict):
        return {key: mask_values(value) for key, value in data.items()}
    return data
