"""Upload checks: PDF, JPEG and PNG by content; size and pixel limits; the 2-inch photo."""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.uploads import validate_material_file, validate_two_inch_photo

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \ntrailer<</Size 3/Root 1 0 R>>\nstartxref\n60\n%%EOF\n"
)


def image_bytes(size=(413, 579), fmt="JPEG", exif_orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 220, 240))
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header declares width × height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def codes(validator, file) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        validator(file)
    return [e.code for e in raised.value.error_list]


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("证书.pdf", MINIMAL_PDF, "pdf"),
        ("scan.JPG", image_bytes(fmt="JPEG"), "jpeg"),
        ("scan.jpeg", image_bytes(fmt="JPEG"), "jpeg"),
        ("scan.png", image_bytes(fmt="PNG"), "png"),
    ],
)
def test_pdf_jpeg_and_png_pass_and_are_told_by_content(name, data, kind):
    file = upload(name, data)
    assert validate_material_file(file) == kind
    assert file.tell() == 0  # rewound for whoever saves it


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "file_type"),  # a renamed .exe
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "file_type"),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 100, "file_type"),
        ("truncated.pdf", MINIMAL_PDF[:80], "bad_pdf"),  # no trailer
        ("fake.pdf", b"%PDF-garbage without version\nstartxref\n%%EOF", "bad_pdf"),
        ("photo.pdf", image_bytes(fmt="PNG"), "extension_mismatch"),
        ("doc.jpg", MINIMAL_PDF, "extension_mismatch"),
        ("broken.jpg", image_bytes(fmt="JPEG")[:300], "bad_image"),
        ("broken.png", image_bytes(fmt="PNG")[:60], "bad_image"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_files_whose_content_is_not_what_they_claim_are_refused(name, data, code):
    assert codes(validate_material_file, upload(name, data)) == [code]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.REGISTRY_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        validate_material_file(upload("big.pdf", MINIMAL_PDF + b" " * 1000))
    assert error.value.code == "too_large"


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings):
    settings.REGISTRY_MAX_IMAGE_PIXELS = 1_000_000
    png = bomb_png(2000, 2000)  # 4 megapixels: over our limit, under Pillow's
    assert codes(validate_material_file, upload("bomb.png", png)) == ["too_many_pixels"]


@pytest.mark.parametrize(
    ("size", "fmt", "exif"),
    [
        ((413, 579), "JPEG", None),
        ((390, 567), "PNG", None),
        ((354, 531), "JPEG", None),
        ((579, 413), "JPEG", 6),
    ],
)
def test_two_inch_photos_pass(size, fmt, exif):
    # 413×579 is 35×49 mm at 300 dpi; 390×567 is 小二寸; 354×531 大二寸; the last is stored sideways.
    validate_two_inch_photo(upload(f"photo.{fmt.lower()}", image_bytes(size, fmt, exif)))


@pytest.mark.parametrize(
    ("size", "code"),
    [
        ((579, 413), "photo_orientation"),  # landscape
        ((500, 500), "photo_orientation"),  # square
        ((250, 350), "photo_small"),
        ((300, 600), "photo_ratio"),  # 1:2 is not a 2-inch photo
    ],
)
def test_photos_of_the_wrong_shape_or_size_are_refused(size, code):
    assert codes(validate_two_inch_photo, upload("photo.jpg", image_bytes(size))) == [code]


def test_a_pdf_is_not_a_photo():
    assert codes(validate_two_inch_photo, upload("photo.pdf", MINIMAL_PDF)) == ["photo_type"]


def test_the_validators_work_in_a_form_field_with_a_chinese_message():
    class MaterialForm(forms.Form):
        file = forms.FileField(validators=[validate_material_file])

    form = MaterialForm(files={"file": upload("资格证书.pdf", b"<html>not a pdf</html>")})
    assert not form.is_valid()
    assert "只接受 PDF、JPEG 和 PNG" in form.errors["file"][0]


def test_an_image_beyond_pillows_own_bomb_limit_is_refused_with_the_same_message(settings):
    settings.REGISTRY_MAX_IMAGE_PIXELS = 10**12  # our limit off: Pillow's own guard still holds
    png = bomb_png(20000, 20000)
    assert codes(validate_material_file, upload("bomb.png", png)) == ["too_many_pixels"]
