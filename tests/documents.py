"""Shared by the document tests: a .docx converted to PDF by LibreOffice, as a reader's office suite
would open it. Where LibreOffice is missing the test is skipped with that reason, except in CI
(``TISHENG_REQUIRE_LIBREOFFICE=1``), where it fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS


def convert_to_pdf(content: bytes, name: str) -> bytes:
    """``content`` (a .docx) saved as test-artifacts/<name>.docx and converted beside it; the PDF's bytes."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        message = "LibreOffice (soffice) is not installed (apt-get install libreoffice-writer-nogui); .ci/run installs it"
        if os.environ.get("TISHENG_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.docx"
    source.write_bytes(content)
    # a profile of its own: conversions on parallel test workers would otherwise lock each other out
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                office,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(ARTIFACTS),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return (ARTIFACTS / f"{name}.pdf").read_bytes()


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF as LibreOffice writes it (one ``/Type/Page`` object each)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
