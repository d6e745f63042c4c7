"""Checks for uploaded materials, by content and not by name, as Django form-field validators.

- `validate_material_file`: a PDF, JPEG or PNG no larger than REGISTRY_MAX_UPLOAD_BYTES, whose bytes are
  what its name says. A renamed .exe, an HTML page called .pdf or a truncated image is refused.
- `validate_two_inch_photo`: additionally a 2-inch ID photo (二寸免冠照片), see PHOTO_* below.
- `validate_new_material_file`, `validate_new_photo`: the same as model-field validators, so that every
  ModelForm, the admin's included, checks a file being uploaded; a file already stored was checked when
  it came in and is not read again.

Images are opened with Pillow, checked (`verify`) and decoded once, after their pixel count is checked
against REGISTRY_MAX_IMAGE_PIXELS, so a decompression bomb is refused before it is decoded. PDFs must start
with `%PDF-1.x` and have the trailer every PDF ends with (`startxref`, `%%EOF`); they are never rendered
here. Every message is a sentence a clerk can act on. Usage in a form:

    file = forms.FileField(validators=[validate_material_file])
    photo = forms.FileField(validators=[validate_two_inch_photo])
"""

import io
import re
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from PIL.ExifTags import Base as ExifTag

from common.text import invisible_characters

PDF, JPEG, PNG = "pdf", "jpeg", "png"
EXTENSIONS = {PDF: {".pdf"}, JPEG: {".jpg", ".jpeg"}, PNG: {".png"}}

# The 2-inch photo (二寸, 35 mm × 49 mm). Portrait, width:height within ±0.06 of 35:49 (0.714), so the
# common variants pass too: 小二寸 33×48 (0.69) and 大二寸 35×53 (0.66); 1-inch-like or square crops do
# not. At least 300 × 420 pixels, about 220 dpi at 35 × 49 mm: enough to print the certificate.
PHOTO_RATIO = 35 / 49
PHOTO_RATIO_TOLERANCE = 0.06
PHOTO_MIN_WIDTH, PHOTO_MIN_HEIGHT = 300, 420

_PDF_HEADER = re.compile(rb"^%PDF-[12]\.[0-9]")
_TAIL_BYTES = 2048
_EXIF_ORIENTATION_SWAPS = {5, 6, 7, 8}  # rotated by 90°: the stored width is the shown height


def sniff_kind(head: bytes) -> str | None:
    """PDF, JPEG or PNG from a file's first bytes (its magic number), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _read_head_and_tail(file) -> tuple[bytes, bytes]:
    file.seek(0)
    head = file.read(1024)
    file.seek(max(0, file.size - _TAIL_BYTES))
    tail = file.read(_TAIL_BYTES)
    file.seek(0)
    return head, tail


def validate_upload_size(file) -> None:
    limit = settings.REGISTRY_MAX_UPLOAD_BYTES
    if file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Scan at a lower resolution or split it."),
            code="too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    if file.size == 0:
        raise ValidationError(_("The file is empty. Choose the file again."), code="empty")


def _check_pdf(head: bytes, tail: bytes) -> None:
    if not _PDF_HEADER.match(head) or b"%%EOF" not in tail or b"startxref" not in tail:
        raise ValidationError(
            _(
                "This file is not a complete PDF: it may be damaged or only renamed to .pdf. Save or scan it "
                "again as PDF."
            ),
            code="bad_pdf",
        )


def open_checked_image(file) -> Image.Image:
    """The decoded image, after checking it is whole and not a decompression bomb; the file rewound.

    Raises ValidationError otherwise.
    """
    limit = settings.REGISTRY_MAX_IMAGE_PIXELS
    damaged = ValidationError(
        _("This image cannot be read: it is damaged or not really a JPEG or PNG. Save it again as JPEG."),
        code="bad_image",
    )
    file.seek(0)
    data = file.read()  # within the upload size limit; Pillow may close the stream it is given
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > limit:
                    raise ValidationError(
                        _(
                            "The image is %(width)s × %(height)s pixels, too large to check. Reduce it to "
                            "under %(megapixels)s million pixels."
                        ),
                        code="too_many_pixels",
                        params={"width": width, "height": height, "megapixels": limit // 1_000_000},
                    )
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # Pillow's own limit
        raise ValidationError(
            _(
                "The image has far too many pixels to check. Reduce it to under %(megapixels)s million "
                "pixels."
            ),
            code="too_many_pixels",
            params={"megapixels": limit // 1_000_000},
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise damaged from exc
    file.seek(0)
    return image


def validate_material_file(file) -> str:
    """Accept a PDF, JPEG or PNG whose content matches its name; return its kind (`pdf`, `jpeg`, `png`)."""
    validate_upload_size(file)
    if invisible_characters(file.name or ""):  # e.g. U+202E makes "x\u202egpj.exe" read as "xexe.jpg"
        raise ValidationError(
            _("The file's name contains invisible control characters. Rename the file and choose it again."),
            code="file_name",
        )
    head, tail = _read_head_and_tail(file)
    kind = sniff_kind(head)
    if kind is None:
        raise ValidationError(
            _(
                "Only PDF, JPEG and PNG files are accepted, and this file is none of them (whatever its name "
                "says). Scan the document as PDF or photograph it as JPEG."
            ),
            code="file_type",
        )
    extension = PurePath(file.name or "").suffix.lower()
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(
            _(
                "The file is named “%(name)s” but its content is %(kind)s. Rename it to end in "
                "%(extension)s, or choose the right file."
            ),
            code="extension_mismatch",
            params={"name": file.name, "kind": kind.upper(), "extension": sorted(EXTENSIONS[kind])[0]},
        )
    if kind == PDF:
        _check_pdf(head, tail)
    else:
        open_checked_image(file).close()
    return kind


def validate_two_inch_photo(file) -> None:
    """A 2-inch ID photo, JPEG or PNG: portrait, about 35:49, at least PHOTO_MIN_WIDTH × PHOTO_MIN_HEIGHT."""
    kind = validate_material_file(file)
    if kind == PDF:
        raise ValidationError(_("A photo must be a JPEG or PNG image, not a PDF."), code="photo_type")
    image = open_checked_image(file)
    with image:
        width, height = image.size
        orientation = image.getexif().get(ExifTag.Orientation, 1)
    if orientation in _EXIF_ORIENTATION_SWAPS:
        width, height = height, width
    if width >= height:
        raise ValidationError(
            _(
                "A 2-inch photo is upright (portrait): taller than wide. This one is %(width)s × %(height)s "
                "pixels."
            ),
            code="photo_orientation",
            params={"width": width, "height": height},
        )
    if width < PHOTO_MIN_WIDTH or height < PHOTO_MIN_HEIGHT:
        raise ValidationError(
            _(
                "The photo is %(width)s × %(height)s pixels; at least %(min_width)s × %(min_height)s "
                "are needed to print it. Scan it at 300 dpi or more."
            ),
            code="photo_small",
            params={
                "width": width,
                "height": height,
                "min_width": PHOTO_MIN_WIDTH,
                "min_height": PHOTO_MIN_HEIGHT,
            },
        )
    if abs(width / height - PHOTO_RATIO) > PHOTO_RATIO_TOLERANCE:
        raise ValidationError(
            _(
                "A 2-inch photo is 35 mm wide and 49 mm high. This one is %(width)s × %(height)s pixels, a "
                "different shape: crop it to 35:49 (for example 413 × 579 pixels)."
            ),
            code="photo_ratio",
            params={"width": width, "height": height},
        )


def _being_uploaded(value):
    """The file a form is uploading, or None for one already in storage (a model's FieldFile, saved)."""
    if isinstance(value, FieldFile):
        return None if value._committed else value.file
    return value


def validate_new_material_file(value) -> None:
    """Model-field validator: validate_material_file for a file being uploaded."""
    file = _being_uploaded(value)
    if file is not None:
        validate_material_file(file)


def validate_new_photo(value) -> None:
    """Model-field validator: validate_two_inch_photo for a photo being uploaded."""
    file = _being_uploaded(value)
    if file is not None:
        validate_two_inch_photo(file)
