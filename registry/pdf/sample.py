"""A fictional certificate for the demo, the benchmarks and the layout tests. Nobody real is named."""

import datetime as dt
import io

from PIL import Image, ImageDraw

from people.validators import mask_resident_id

from .document import CertificateDocument, PrintedProject, PrintedState

SAMPLE_ID_NUMBER = "230102199001011230"  # fictional, with a correct check character
SAMPLE_PRINTED_ID_NUMBER = mask_resident_id(SAMPLE_ID_NUMBER)  # what a certificate prints


def sample_photo() -> bytes:
    """A drawn stand-in for a 2-inch photo: a head-and-shoulders silhouette on a blue background."""
    image = Image.new("RGB", (413, 579), (67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((126, 110, 286, 300), fill=(236, 214, 196))
    draw.rectangle((186, 290, 226, 340), fill=(236, 214, 196))
    draw.ellipse((46, 320, 366, 700), fill=(40, 48, 68))
    draw.polygon([(186, 330), (226, 330), (206, 420)], fill=(245, 245, 245))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def sample_document(
    *,
    state: PrintedState = PrintedState.VALID,
    with_photo: bool = True,
    holder_name: str = "王喆堃",
    verification_url: str = "http://127.0.0.1:8000/verify/?t=Yq3kX9v2Lm0pRt7sWc1eZa5b",
) -> CertificateDocument:
    changed = {PrintedState.VALID: None, PrintedState.EXPIRED: None}.get(state, dt.date(2027, 3, 15))
    return CertificateDocument(
        number="HLJ-ZC2-2026-00017",
        level=2,
        holder_name=holder_name,
        id_number=SAMPLE_PRINTED_ID_NUMBER,
        employer_name="哈尔滨龙江精密仪器制造有限公司",
        projects=(
            PrintedProject("0101", "量块检定"),
            PrintedProject("1201", "压力表检定"),
            PrintedProject("1502", "数字多用表校准"),
        ),
        valid_from=dt.date(2026, 1, 5),
        valid_until=dt.date(2031, 1, 4),
        issued_on=dt.date(2026, 1, 5),
        verification_url=verification_url,
        photo=sample_photo() if with_photo else None,
        state=state,
        state_changed_on=changed,
    )
