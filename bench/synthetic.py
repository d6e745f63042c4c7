"""Fictional identities for the benchmarks: valid check characters, unique per index, no randomness.

Every number is a pure function of an integer index and a region prefix, so two figures (or two runs of the
data generator) never collide as long as they use different regions, and a run is reproducible.
"""

import datetime as dt

from people.validators import resident_id_check_character, uscc_check_character

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰海波宇辉鹏飞晨阳欣怡子涵浩然"


def resident_id(n: int, *, region: str = "230102") -> str:
    """The n-th fictional resident ID number of `region`: unique for n < 10,000,000 (27 years of births)."""
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_character(first17)


def uscc(n: int, *, prefix: str = "91230100") -> str:
    """The n-th fictional unified social credit code (unique for n < 10**9)."""
    first17 = f"{prefix}{n:09d}"
    return first17 + uscc_check_character(first17)


def person_name(n: int) -> str:
    """A two- or three-character name that the certificate font can draw; repeats, as real names do."""
    surname = SURNAMES[n % len(SURNAMES)]
    given = GIVEN[(n // len(SURNAMES)) % len(GIVEN)]
    if n % 3:
        given += GIVEN[(n // 7) % len(GIVEN)]
    return surname + given


def xlsx_bytes(headers: list[str], rows: list[list[object]], *, sheet: str) -> bytes:
    """A one-sheet .xlsx in memory, written in openpyxl's streaming mode (large sheets stay cheap)."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
