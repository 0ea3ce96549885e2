"""The Chinese catalogue is complete, compiled, and covers every message id in the code."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "tisheng"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    cat = catalogue()
    assert len(cat) > 100, "the scan found almost no messages: is this the right file?"
    problems = []
    for message in cat:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy: {problems[:10]}"


def test_compiled_catalogue_matches_the_source() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in catalogue():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(message.id[0], message.id[1], 1) == message.string[0], message.id
        elif message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        else:
            assert compiled.gettext(message.id) == message.string, f"{message.id!r}: run make messages"


def test_catalogue_covers_every_message_id_in_the_code(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is missing; .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) is not installed: cannot extract message ids")
    copy = tmp_path / "tisheng"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "migrations"))
    django_admin = Path(sys.executable).with_name("django-admin")
    subprocess.run(
        [str(django_admin), "makemessages", "--locale", "zh_Hans", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    with (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").open("rb") as f:
        extracted = {(m.context, m.id) for m in read_po(f) if m.id}
    known = {(m.context, m.id) for m in catalogue() if m.id}
    missing = extracted - known
    assert not missing, (
        f"message ids without a translation (run make messages): {sorted(map(str, missing))[:10]}"
    )
