"""The certificate PDF: Chinese text in an embedded font, the photo, the QR code, and the non-valid marks.

The PDFs are read back with poppler (pdftotext, pdffonts, pdfimages, pdftoppm), the way a reader would
see them, not by inspecting reportlab's objects.
"""

import dataclasses
import datetime as dt
import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from registry.pdf import (
    TITLE,
    CertificateDocument,
    MissingGlyphsError,
    PrintedProject,
    PrintedState,
    render_certificate_pdf,
)
from registry.pdf.sample import SAMPLE_ID_NUMBER, SAMPLE_PRINTED_ID_NUMBER, sample_document
from tests.printed_qr import expected_qr_matrix, printed_qr_mismatches

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts, pdftoppm)"
)


def _poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _text(pdf: bytes, tmp_path: Path) -> str:
    return _poppler("pdftotext", pdf, tmp_path)


def _squash(text: str) -> str:
    return "".join(text.split())


def test_prints_title_rare_name_characters_masked_id_and_number_as_text(tmp_path):
    pdf = render_certificate_pdf(sample_document(holder_name="李喆堃"))
    text = _squash(_text(pdf, tmp_path))
    assert TITLE in text
    assert "李喆堃" in text
    assert SAMPLE_PRINTED_ID_NUMBER in text  # masked: the PDF travels (mail, print)
    assert SAMPLE_ID_NUMBER not in text
    assert "HLJ-ZC2-2026-00017" in text
    assert "黑龙江省计量协会" in text
    assert "0101量块检定" in text
    assert "2026年1月5日至2031年1月4日" in text


def test_labels_are_chinese_whatever_language_is_active(tmp_path):
    with translation.override("en"):
        pdf = render_certificate_pdf(sample_document())
    text = _squash(_text(pdf, tmp_path))
    for label in (
        "姓名",
        "身份证号码",
        "执业单位",
        "有效期",
        "注册计量专业项目",
        "发证日期",
        "扫码核验",
        "（二级）",
    ):
        assert label in text
    assert "Name" not in text


_MANY_PROJECTS = tuple(PrintedProject(f"{n:04d}", f"计量专业项目{n}号检定") for n in range(1, 25))


@pytest.mark.parametrize(
    "doc",
    [
        sample_document(),
        sample_document(state=PrintedState.REVOKED, with_photo=False),
        dataclasses.replace(sample_document(), projects=_MANY_PROJECTS),
    ],
    ids=["valid", "revoked-no-photo", "many-projects"],
)
def test_the_cjk_font_is_embedded_as_a_subset_and_no_font_is_left_to_the_reader(tmp_path, doc):
    fonts = _poppler("pdffonts", render_certificate_pdf(doc), tmp_path).splitlines()[2:]
    assert fonts, "the PDF lists no fonts"
    assert any("WenQuanYiMicroHei" in line for line in fonts)
    for line in fonts:
        # columns: name type encoding emb sub uni object-id
        emb, sub = line.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), line


def test_a_character_the_font_lacks_is_refused_not_printed_as_an_empty_box():
    with pytest.raises(MissingGlyphsError) as raised:
        render_certificate_pdf(sample_document(holder_name="王䶮"))
    assert raised.value.characters == "䶮"
    assert "U+4DAE" in str(raised.value)


def test_the_qr_code_printed_encodes_the_verification_url(tmp_path):
    """Sample the rendered page at the centre of every module and compare with the expected QR matrix."""
    url = "https://registry.example.cn/verify/?t=Zx81Q0wq_AbCdEfGhIjKlMn"
    pdf = render_certificate_pdf(sample_document(verification_url=url))
    count, mismatches = printed_qr_mismatches(pdf, tmp_path, url)
    expected = expected_qr_matrix(url)
    assert count == len(expected)
    assert mismatches == 0
    assert any(any(row) for row in expected)
    assert not all(all(row) for row in expected)


def _noisy_photo(width: int, height: int, fmt: str) -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def test_any_photo_is_embedded_as_one_bounded_2_inch_jpeg(tmp_path):
    """Even a 12-megapixel PNG of pure noise (the worst case for compression) keeps the PDF under 200 KB."""
    huge = _noisy_photo(3000, 4000, "PNG")
    pdf = render_certificate_pdf(dataclasses.replace(sample_document(), photo=huge))
    assert len(pdf) <= 200 * 1024
    images = _poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:]
    assert len(images) == 1
    columns = images[0].split()
    assert (columns[3], columns[4], columns[8]) == ("413", "579", "jpeg")


def test_without_a_photo_an_empty_box_is_printed(tmp_path):
    pdf = render_certificate_pdf(sample_document(with_photo=False))
    assert _poppler("pdfimages", pdf, tmp_path, "-list").splitlines()[2:] == []
    assert "二寸照片" in _squash(_text(pdf, tmp_path))


def test_a_photo_that_is_not_an_image_is_refused():
    with pytest.raises(ValueError, match="photo"):
        render_certificate_pdf(dataclasses.replace(sample_document(), photo=b"not an image"))


@pytest.mark.parametrize(
    ("state", "changed_on", "word", "line"),
    [
        (PrintedState.SUPERSEDED, dt.date(2027, 3, 15), "已变更", "本证已于2027年3月15日变更注册而失效"),
        (PrintedState.CANCELLED, dt.date(2027, 3, 15), "已注销", "本证已于2027年3月15日注销"),
        (PrintedState.REVOKED, dt.date(2027, 3, 15), "已撤销", "本证已于2027年3月15日撤销"),
        (PrintedState.EXPIRED, None, "已过期", "已于2031年1月5日失效"),
    ],
)
def test_a_certificate_no_longer_valid_says_so_and_since_when(tmp_path, state, changed_on, word, line):
    doc = dataclasses.replace(sample_document(), state=state, state_changed_on=changed_on)
    text = _squash(_text(render_certificate_pdf(doc), tmp_path))
    assert word in text
    assert line in text


def test_a_valid_certificate_carries_no_invalid_mark(tmp_path):
    text = _squash(_text(render_certificate_pdf(sample_document()), tmp_path))
    for word in ("已变更", "已注销", "已撤销", "已过期", "失效"):
        assert word not in text


def test_many_projects_still_fit_in_smaller_type_and_too_many_are_refused(tmp_path):
    pdf = render_certificate_pdf(dataclasses.replace(sample_document(), projects=_MANY_PROJECTS))
    text = _squash(_text(pdf, tmp_path))
    assert "0001计量专业项目1号检定" in text
    assert "0024计量专业项目24号检定" in text
    too_many = [PrintedProject(f"{n:04d}", "项目") for n in range(200)]
    with pytest.raises(ValueError, match="do not fit"):
        render_certificate_pdf(dataclasses.replace(sample_document(), projects=too_many))


def test_the_same_document_renders_the_same_bytes():
    """Regenerating a PDF gives the identical file, so regeneration is safe and comparable."""
    assert render_certificate_pdf(sample_document()) == render_certificate_pdf(sample_document())


def test_document_repr_hides_the_resident_id_number():
    assert SAMPLE_PRINTED_ID_NUMBER not in repr(sample_document())


def test_document_rejects_a_level_other_than_1_or_2():
    with pytest.raises(ValueError, match="level"):
        dataclasses.replace(sample_document(), level=3)


def test_render_sample_certificate_command_writes_a_pdf(tmp_path):
    out = tmp_path / "sample.pdf"
    call_command("render_sample_certificate", str(out), "--state", "cancelled", stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF")
    assert "已注销" in _squash(_text(out.read_bytes(), tmp_path))


def test_a_certificate_document_is_immutable():
    doc: CertificateDocument = sample_document()
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.holder_name = "别人"  # type: ignore[misc]
