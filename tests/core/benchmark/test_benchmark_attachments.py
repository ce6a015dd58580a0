"""관련자료: a file is judged by its first bytes as well as its name, and its name is made safe to keep."""

import hashlib

import pytest

from core.benchmark.attachments import (
    DOCUMENT,
    MAX_FILE_NAME,
    PHOTO,
    check_attachment,
)
from core.errors import InvalidInput
from core.files import MAX_FILE_BYTES

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # HWP 5 and legacy Office
ZIP = b"PK\x03\x04\x14\x00\x06\x00" + bytes(22)  # OOXML
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("name", "content", "kind", "mime"),
    [
        ("벤치마킹 결과보고.pdf", PDF, DOCUMENT, "application/pdf"),
        ("검토의견.hwp", OLE, DOCUMENT, "application/x-hwp"),
        ("추진계획.docx", ZIP, DOCUMENT, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("예산표.xlsx", ZIP, DOCUMENT, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("현장사진.jpg", JPEG, PHOTO, "image/jpeg"),
        ("현장사진.JPEG", JPEG, PHOTO, "image/jpeg"),
        ("안내문.png", PNG, PHOTO, "image/png"),
        ("메모.txt", "강동구 구내식당 페이백 문의처\r\n02-3425-5000\n".encode(), DOCUMENT, "text/plain"),
        ("메모(완성형).txt", "구내식당 페이백".encode("euc-kr"), DOCUMENT, "text/plain"),
        ("REPORT.PDF", PDF, DOCUMENT, "application/pdf"),
    ],
)
def test_office_documents_and_photos_are_accepted_by_their_content(name, content, kind, mime):
    checked = check_attachment(name, content)
    assert (checked.kind, checked.file_name, checked.mime_type) == (kind, name, mime)
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("setup.exe", b"MZ\x90\x00\x03", "attachment_kind"),
        ("보고서.pdf.exe", PDF, "attachment_kind"),
        ("보고서", PDF, "attachment_kind"),
        (None, PDF, "attachment_kind"),
        ("보고서.pdf", b"MZ\x90\x00\x03 not a pdf", "attachment_content"),
        ("보고서.pdf", ZIP, "attachment_content"),
        ("검토의견.hwp", ZIP, "attachment_content"),
        ("예산표.xlsx", OLE, "attachment_content"),
        ("사진.png", JPEG, "attachment_content"),
        ("메모.txt", b"MZ\x90\x00\x03\x00\x00", "attachment_content"),
        ("메모.txt", b"\xff\xfe\x00\x00\xc3\x28", "attachment_content"),
        ("보고서.pdf", b"", "attachment_empty"),
    ],
)
def test_other_kinds_renamed_programs_broken_and_empty_files_are_refused(name, content, code):
    with pytest.raises(InvalidInput) as refused:
        check_attachment(name, content)
    assert refused.value.code == code
    if code in {"attachment_kind", "attachment_content"}:
        assert "pdf" in str(refused.value.params["allowed"])


def test_a_file_over_the_telegram_download_limit_is_refused_and_one_at_the_limit_is_not():
    content = bytearray(MAX_FILE_BYTES + 1)  # the one large allocation, shrunk in place below
    content[: len(PDF)] = PDF
    with pytest.raises(InvalidInput) as refused:
        check_attachment("큰 보고서.pdf", content)
    assert refused.value.code == "attachment_too_large"
    assert refused.value.params == {"limit_mb": 20}
    del content[-1]
    assert check_attachment("큰 보고서.pdf", content).size == MAX_FILE_BYTES


@pytest.mark.parametrize(
    ("sent_as", "kept_as"),
    [
        ("../../etc/보고서.pdf", "보고서.pdf"),
        ("/home/user/보고서.pdf", "보고서.pdf"),
        ("C:\\Users\\기획\\Desktop\\보고서.pdf", "보고서.pdf"),
        ("..\\..\\보고서.pdf", "보고서.pdf"),
        ("  보고서<최종>?.pdf  ", "보고서최종.pdf"),
        ("보고\x00서\n.pdf", "보고서.pdf"),
    ],
)
def test_path_components_and_unsafe_characters_are_stripped_from_file_names(sent_as, kept_as):
    assert check_attachment(sent_as, PDF).file_name == kept_as


def test_an_overlong_name_is_shortened_keeping_its_extension():
    checked = check_attachment("가" * 300 + ".pdf", PDF)
    assert len(checked.file_name) == MAX_FILE_NAME
    assert checked.file_name.endswith("가.pdf")


def test_a_photo_sent_without_a_name_is_named_by_its_content():
    jpeg = check_attachment(None, JPEG, photo=True)
    png = check_attachment(None, PNG, photo=True)
    assert (jpeg.kind, jpeg.file_name, jpeg.mime_type) == (PHOTO, "사진.jpg", "image/jpeg")
    assert (png.kind, png.file_name, png.mime_type) == (PHOTO, "사진.png", "image/png")
    with pytest.raises(InvalidInput) as refused:
        check_attachment(None, PDF, photo=True)
    assert refused.value.code == "attachment_content"
