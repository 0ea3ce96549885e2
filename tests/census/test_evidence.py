"""Evidence files (证明材料): what is accepted (by content, not by name), where it is stored, that every
upload and deletion is audited, that the Chinese file name comes back on download, and that the files
of a record follow the record's permissions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.census.conftest import CERTIFICATE, EXE, PDF, Register, docx, png, stored_files, upload_file, xlsx
from tests.conftest import PERSONAS, World
from tisheng.core import evidence
from tisheng.core.choices import AuditAction, ChangeSource
from tisheng.core.evidence import Evidence, may_attach, may_view
from tisheng.core.models import ChangeRecord

STORED_NAME = re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.(pdf|png|docx|xlsx|jpg|jpeg|doc|xls)$")


def text_of(response: Any) -> str:
    return response.content.decode()


def evidence_records(action: str) -> Any:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Evidence), action=action
    )


def upload_url(register: Register) -> str:
    return reverse("census:recognition-evidence", args=[register.recognition_a.pk])


# --- accepted files ---------------------------------------------------------------------------------


def test_a_pdf_and_a_png_are_stored_under_random_names_and_audited(
    post_files: Callable[..., Any], register: Register, world: World, media: Path
) -> None:
    image = png()
    response = post_files(
        "clerk_a", upload_url(register), [("证书.pdf", PDF), ("活动照片.PNG", image)], "证书和照片"
    )
    assert response.status_code == 302
    added = Evidence.objects.for_object(register.recognition_a).exclude(pk=register.evidence_a.pk)
    by_name = {e.original_name: e for e in added}
    assert set(by_name) == {"证书.pdf", "活动照片.PNG"}
    pdf, photo = by_name["证书.pdf"], by_name["活动照片.PNG"]
    assert (pdf.media_type, photo.media_type) == ("application/pdf", "image/png")
    assert (pdf.size, photo.size) == (len(PDF), len(image))
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    assert photo.sha256 == hashlib.sha256(image).hexdigest()
    assert pdf.uploaded_by == world.users["clerk_a"] and pdf.description == "证书和照片"
    for item, content in ((pdf, PDF), (photo, image)):
        assert STORED_NAME.match(item.path), item.path
        assert "证书" not in item.path and "照片" not in item.path  # never the user's name on disk
        assert (media / item.path).read_bytes() == content
    assert photo.path.endswith(".png")  # the suffix, lower-cased
    records = evidence_records(AuditAction.CREATE).filter(object_id__in=[str(pdf.pk), str(photo.pk)])
    assert records.count() == 2
    for record in records:
        assert record.user == world.users["clerk_a"]
        assert record.source == ChangeSource.WEB
        assert record.after["object_id"] == register.recognition_a.pk
        assert record.after["original_name"] in {"证书.pdf", "活动照片.PNG"}


def test_word_and_excel_files_are_accepted(post_files: Callable[..., Any], register: Register) -> None:
    response = post_files(
        "principal_a", upload_url(register), [("总结.docx", docx()), ("签到表.xlsx", xlsx())]
    )
    assert response.status_code == 302
    types = set(
        Evidence.objects.for_object(register.recognition_a).values_list("original_name", "media_type")
    )
    assert ("总结.docx", evidence.DOCX.media_type) in types
    assert ("签到表.xlsx", evidence.XLSX.media_type) in types


def test_the_page_lists_the_files_with_download_links(
    client_for: Callable[[str], Client], register: Register
) -> None:
    page = text_of(
        client_for("dept_user").get(reverse("census:recognition", args=[register.recognition_a.pk]))
    )
    assert "文明校园证书.pdf" in page and "证书扫描件" in page
    assert reverse("census:evidence-download", args=[register.evidence_a.pk]) in page
    assert "上传证明材料" not in page  # a reader gets no upload form and no delete links
    assert reverse("census:evidence-delete", args=[register.evidence_a.pk]) not in page
    own = text_of(client_for("clerk_a").get(reverse("census:recognition", args=[register.recognition_a.pk])))
    assert "上传证明材料" in own and 'type="file"' in own and "multiple" in own
    assert reverse("census:evidence-delete", args=[register.evidence_a.pk]) in own


# --- refused files ----------------------------------------------------------------------------------


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_stored(
    post_files: Callable[..., Any], register: Register, media: Path
) -> None:
    before = stored_files(media)
    response = post_files("clerk_a", upload_url(register), [("证书.pdf", EXE)])
    assert response.status_code == 400
    page = text_of(response)
    assert "文件“证书.pdf”的内容不是 PDF 文件" in page
    assert "扩展名与文件内容不符" in page
    assert Evidence.objects.count() == 1  # only the fixture's file
    assert stored_files(media) == before


def test_one_bad_file_refuses_the_whole_upload(
    post_files: Callable[..., Any], register: Register, media: Path
) -> None:
    before = stored_files(media)
    response = post_files("clerk_a", upload_url(register), [("好的.pdf", PDF + b"1"), ("坏的.xlsx", docx())])
    assert response.status_code == 400
    assert "文件“坏的.xlsx”的内容不是 Excel 文件" in text_of(response)
    assert Evidence.objects.count() == 1
    assert stored_files(media) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", EXE, "类型“.exe”不支持"),
        ("无扩展名", PDF, "类型“无扩展名”不支持"),
        ("照片.jpg", png(), "不是 JPG 图片 文件"),
        ("表格.xls", xlsx(), "不是 Excel 97-2003 文件"),
        ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "请取消密码"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_other_refusals_say_why_in_chinese(
    post_files: Callable[..., Any], register: Register, name: str, content: bytes, message: str
) -> None:
    response = post_files("clerk_a", upload_url(register), [(name, content)])
    assert response.status_code == 400
    assert message in text_of(response)
    assert Evidence.objects.count() == 1


def test_a_file_over_the_limit_is_refused(
    post_files: Callable[..., Any], register: Register, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence, "MAX_EVIDENCE_BYTES", 1024)
    before = stored_files(media)
    response = post_files("clerk_a", upload_url(register), [("大文件.pdf", PDF + b"0" * 2000)])
    assert response.status_code == 400
    assert "超过每个文件 1.0 KB 的上限" in text_of(response)
    assert Evidence.objects.count() == 1
    assert stored_files(media) == before
    assert post_files("clerk_a", upload_url(register), [("小文件.pdf", PDF + b"0")]).status_code == 302


def test_the_limit_is_twenty_megabytes() -> None:
    assert evidence.MAX_EVIDENCE_BYTES == 20 * 1024 * 1024


def test_the_same_file_twice_on_one_record_is_refused(
    post_files: Callable[..., Any], register: Register
) -> None:
    response = post_files("clerk_a", upload_url(register), [("再传一次.pdf", CERTIFICATE)])
    assert response.status_code == 400
    assert "已经上传过（与“文明校园证书.pdf”内容相同）" in text_of(response)
    other = reverse("census:activity-evidence", args=[register.activity_a.pk])
    assert (
        post_files("clerk_a", other, [("同一个文件.pdf", CERTIFICATE)]).status_code == 302
    )  # another record: fine


def test_uploading_nothing_is_refused(client_for: Callable[[str], Client], register: Register) -> None:
    response = client_for("clerk_a").post(upload_url(register), {"description": "没有文件"})
    assert response.status_code == 400
    assert "请选择要上传的文件" in text_of(response)


# --- download ---------------------------------------------------------------------------------------


def test_the_chinese_file_name_comes_back_on_download(
    client_for: Callable[[str], Client], register: Register
) -> None:
    response = client_for("leader").get(reverse("census:evidence-download", args=[register.evidence_a.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CERTIFICATE
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    match = re.search(r"filename\*=utf-8''(\S+)", disposition)
    assert match, disposition
    assert unquote(match.group(1)) == "文明校园证书.pdf"
    assert "文明校园" not in disposition  # encoded (RFC 5987), never raw bytes in a header
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_ascii_name_is_sent_plainly(
    post_files: Callable[..., Any], client_for: Callable[[str], Client], register: Register
) -> None:
    post_files("clerk_a", upload_url(register), [("certificate 2024.pdf", PDF + b"2")])
    item = Evidence.objects.get(original_name="certificate 2024.pdf")
    response = client_for("clerk_a").get(reverse("census:evidence-download", args=[item.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="certificate 2024.pdf"'


def test_a_file_missing_from_the_disk_is_a_404_not_an_error(
    client_for: Callable[[str], Client], register: Register, media: Path
) -> None:
    (media / register.evidence_a.path).unlink()
    response = client_for("admin").get(reverse("census:evidence-download", args=[register.evidence_a.pk]))
    assert response.status_code == 404


def test_media_files_are_not_served_by_url(client_for: Callable[[str], Client], register: Register) -> None:
    response = client_for("admin").get("/media/" + register.evidence_a.path)
    assert response.status_code == 404


# --- delete -----------------------------------------------------------------------------------------


def test_deleting_removes_the_file_and_is_audited(
    client_for: Callable[[str], Client],
    register: Register,
    world: World,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = register.evidence_a
    on_disk = media / item.path
    assert on_disk.exists()
    confirm = client_for("principal_a").get(reverse("census:evidence-delete", args=[item.pk]))
    assert "确定删除这个文件吗" in text_of(confirm) and on_disk.exists()  # GET only asks
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("principal_a").post(reverse("census:evidence-delete", args=[item.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=item.pk).exists()
    assert not on_disk.exists()
    record = evidence_records(AuditAction.DELETE).get(object_id=str(item.pk))
    assert record.user == world.users["principal_a"]
    assert record.before["original_name"] == "文明校园证书.pdf"
    assert record.before["sha256"] == hashlib.sha256(CERTIFICATE).hexdigest()
    page = text_of(client_for("leader").get(reverse("census:recognition", args=[register.recognition_a.pk])))
    assert "证明材料上传与删除记录" in page and "删除" in page and "principal_a" in page


def test_a_refused_delete_keeps_the_file(
    client_for: Callable[[str], Client],
    register: Register,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for("leader").post(reverse("census:evidence-delete", args=[register.evidence_a.pk]))
    assert (media / register.evidence_a.path).exists()


# --- scope ------------------------------------------------------------------------------------------


def test_evidence_of_a_record_you_cannot_see_is_404(
    client_for: Callable[[str], Client], register: Register
) -> None:
    client = client_for("principal_b")
    item = register.evidence_a
    assert client.get(reverse("census:evidence-download", args=[item.pk])).status_code == 404
    assert client.get(reverse("census:evidence-delete", args=[item.pk])).status_code == 404
    assert client.post(reverse("census:evidence-delete", args=[item.pk])).status_code == 404
    assert Evidence.objects.filter(pk=item.pk).exists()


def test_evidence_of_a_deleted_record_is_nobodys(
    client_for: Callable[[str], Client], register: Register
) -> None:
    item = register.evidence_a
    register.recognition_a.delete()
    assert client_for("admin").get(reverse("census:evidence-download", args=[item.pk])).status_code == 404


def test_restrict_follows_the_record(world: World, register: Register) -> None:
    person_file = evidence.attach(
        world.users["admin"], register.activity_person, [upload_file("讲座.pdf", PDF)]
    )[0]
    b_file = evidence.attach(world.users["principal_b"], register.recognition_b, [upload_file("B.pdf", PDF)])[
        0
    ]
    a_file = register.evidence_a

    def visible(persona: str, action: str = "view") -> set[int]:
        return set(Evidence.objects.restrict(world.users[persona], action).values_list("pk", flat=True))

    everything = {a_file.pk, b_file.pk, person_file.pk}
    for persona in ("admin", "inspector", "leader", "dept_user"):
        assert visible(persona) == everything, persona
    assert visible("principal_a") == visible("clerk_a") == {a_file.pk}
    assert visible("principal_b") == {b_file.pk}
    assert visible("admin", "delete") == everything
    assert visible("clerk_a", "delete") == {a_file.pk}
    assert visible("leader", "delete") == visible("dept_user", "add") == set()
    assert Evidence.objects.restrict(None).count() == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_may_attach_and_may_view(world: World, register: Register, persona: str) -> None:
    user = world.users[persona]
    own_school = persona in ("principal_a", "clerk_a")
    assert may_view(user, register.recognition_a) == (persona != "principal_b")
    assert may_attach(user, register.recognition_a) == (persona == "admin" or own_school)
    assert may_attach(user, register.activity_a) == (persona == "admin" or own_school)
    assert may_attach(user, register.recognition_b) == (persona in ("admin", "principal_b"))
    assert may_attach(user, register.activity_person) == (persona == "admin")
    # Only the census registers are maintained by the schools: their school's profile is not theirs to prove.
    assert may_attach(user, world.school_a) == (persona in ("admin", "principal_a"))


def test_the_service_checks_again(world: World, register: Register) -> None:
    with pytest.raises(PermissionDenied):
        evidence.attach(world.users["leader"], register.recognition_a, [upload_file("x.pdf", PDF + b"9")])
    with pytest.raises(PermissionDenied):
        evidence.detach(world.users["principal_b"], register.evidence_a)
    with pytest.raises(ValidationError):
        evidence.attach(world.users["clerk_a"], register.recognition_a, [upload_file("x.pdf", EXE)])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\张三\\证书.pdf", "证书.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("", "未命名"),
        ("长" * 300 + ".pdf", "长" * 251 + ".pdf"),
    ],
)
def test_file_names_are_cleaned_for_display(raw: str, clean: str) -> None:
    assert evidence.clean_name(raw) == clean
