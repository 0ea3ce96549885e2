"""Set-up of the census register tests: the URL map with /census/, evidence files kept in a temporary
folder, Chinese pages; a small register for school A and B; and file contents of every kind."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tisheng.census.choices import ActivityKind, Level, RecognitionKind
from tisheng.census.models import Activity, Recognition
from tisheng.core import evidence
from tisheng.core.evidence import Evidence


@pytest.fixture(autouse=True)
def _census_pages(settings: Any, tmp_path: Path) -> None:
    settings.ROOT_URLCONF = "tests.census.urls"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture
def media(settings: Any) -> Path:
    return Path(settings.MEDIA_ROOT)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- file contents ----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
#: The content of the fixture's evidence file (a PDF of its own, so other tests can upload ``PDF``).
CERTIFICATE = PDF + b"% certificate\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)


def png() -> bytes:
    """A real 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def docx() -> bytes:
    """A minimal Office Open XML word-processing package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["签到表"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- the register -----------------------------------------------------------------------------------


@dataclass
class Register:
    recognition_a: Recognition  # 文明校园, school A
    recognition_b: Recognition  # 德育示范校, school B
    activity_a: Activity  # 家长会, school A
    activity_person: Activity  # 教研员讲座, no school
    evidence_a: Evidence  # a PDF on recognition_a, uploaded by clerk_a


@pytest.fixture
def register(world: World) -> Register:
    recognition_a = Recognition.objects.create(
        kind=RecognitionKind.CIVILISED_CAMPUS,
        level=Level.REGION,
        year=2024,
        school=world.school_a,
        issuer="宁夏回族自治区教育厅",
    )
    recognition_b = Recognition.objects.create(
        kind=RecognitionKind.MORAL_EDUCATION_SCHOOL, level=Level.CITY, year=2023, school=world.school_b
    )
    activity_a = Activity.objects.create(
        kind=ActivityKind.PARENT_MEETING,
        date=dt.date(2025, 10, 10),
        school=world.school_a,
        title="一年级家长会",
        participants=80,
    )
    activity_person = Activity.objects.create(
        kind=ActivityKind.RESEARCHER_LECTURE, date=dt.date(2025, 11, 5), person="王教研员", title="示范课"
    )
    (evidence_a,) = evidence.attach(
        world.users["clerk_a"], recognition_a, [upload_file("文明校园证书.pdf", CERTIFICATE)], "证书扫描件"
    )
    return Register(recognition_a, recognition_b, activity_a, activity_person, evidence_a)


@pytest.fixture
def post_files(client_for: Callable[[str], Client]) -> Callable[..., Any]:
    """``post_files("clerk_a", url, [("证书.pdf", PDF)])`` → the response to the upload form."""

    def post(persona: str, url: str, files: list[tuple[str, bytes]], description: str = "") -> Any:
        data = {"files": [upload_file(n, c) for n, c in files], "description": description}
        return client_for(persona).post(url, data)

    return post
