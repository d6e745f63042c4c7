"""Every figure of the yearly report, checked against a small data set built by hand for 2025.

The right answers are literal numbers worked out from the rows below, not recomputed by the code under
test. The working days are those of the official 2025 calendar seeded by the workdays migration (checked
against the State Council's notice in tests/workdays/test_workdays.py), which gives the data its holidays:

- 元旦 2025-01-01 (Wed) off;
- 清明 2025-04-04 (Fri) to 04-06 off;
- 劳动节 2025-05-01 (Thu) to 05-05 off;
- 国庆中秋 2025-10-01 (Wed) to 10-08 off, with Sunday 09-28 and Saturday 10-11 swapped working days;
- 元旦 2026-01-01 (Thu) to 01-03 off, with Sunday 2026-01-04 a swapped working day.

A working-day count is of the days in (start, end], as registry.deadlines counts them.

Applications (employer prefecture in brackets; H = Harbin, Q = Qiqihar, D = Daqing; L1/L2 = level):

    A1  initial        L2 H  received 03-03, accepted 03-05, approved 03-14, issued 03-18
    A2  initial        L1 H  received 09-26 (Fri), accepted 09-30, approved 10-14, issued 10-20
    A3  renewal        L2 Q  received 09-29, accepted 10-10, approved 10-20, issued 10-31
    A4  change spec.   L2 H  received 07-01, accepted 07-02, approved 07-18, issued 07-21
    A5  initial        L2 D  received 04-01, accepted late by a person on 04-14 → deemed (accepted_on =
                             received_on = 04-01), approved 04-16, issued 04-18
    A6  initial        L2 H  received 11-03, deemed accepted by the sweep (accepted_on 11-03), still open
    A7  initial        L2 Q  received 02-10, not accepted 02-12 "材料不符合要求"
    A8  initial        L1 Q  received 02-10, not accepted 02-21 "  材料不符合要求\\n" (same words)
    A9  renewal        L2 H  received 03-03, not accepted 03-07 "材料不符合要求"
    A10 initial        L2 D  received 03-10, not accepted 03-11 "照片不合格"
    A11 initial        L1 H  received 05-06, accepted 05-07, denied 05-20 "不符合注册条件"
    A12 initial        L2 Q  received 08-04, accepted 08-05, denied 08-22 "<script>alert(1)</script>"
    A13 employer name  L2 H  received 11-10, corrections requested 11-12 (waiting on the employer)
    A14 employer name  L1 H  corrections requested 11-05, resubmitted 11-17, accepted 11-19,
                             approved 11-28, issued 12-01
    A15 cancellation   L2 H  received 12-01, withdrawn 12-03
    A16 initial        L2 H' received 12-22, still submitted (a second Harbin employer)
    A17 initial        L1 D  received 12-29, still submitted
    A18 renewal        L1 H  received 12-15, accepted 12-16, approved 12-30, not issued yet
    A19 initial        L1 Q  received 2024-12-30, accepted 2025-01-02, approved 01-10, issued 01-14
    A20 initial        L2 H  a draft (never received)
    A21 initial        L2 H  received 2026-01-02 (after the period)
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from exams.models import MetrologyCategory
from people.models import Level, Prefecture
from registry.models import Application
from registry.workflow import ApplicationKind, ApplicationState, CertificateState
from reports.figures import Period, report_figures
from supervision.models import CheckResult, CheckState, MeasureKind, MeasureState, PlanKind
from supervision.models.checks import EmployerItem
from tests.factories import (
    ApplicationFactory,
    AssessmentCertificateFactory,
    AssessmentResultFactory,
    AssessmentSessionFactory,
    CheckFactory,
    EmployerFactory,
    FindingFactory,
    MeasureFactory,
    MetrologyProjectFactory,
    PersonFactory,
    PlanFactory,
    RecognisedCertificateFactory,
    RegistrationCertificateFactory,
    UserFactory,
)
from training.models import Activity, ActivityKind, Participation, ParticipationState, Subject
from workdays import working_days
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date
K = ApplicationKind
S = ApplicationState
C = CertificateState
L1, L2 = Level.ONE, Level.TWO
TODAY = D(2026, 1, 5)  # the report for 2025 is drawn up in the first days of 2026
OTHER = "Other reasons (each given fewer than 3 times)"


def utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC)  # noon in Heilongjiang


def app(kind, level, employer, *, state, **dates) -> Application:
    return ApplicationFactory(kind=kind, level=level, employer=employer, state=state, **dates)


def certificate(application, *, issued_on, valid_until=None, state=C.VALID, ended_on=None, **extra):
    return RegistrationCertificateFactory(
        application=application,
        issued_on=issued_on,
        valid_from=issued_on,
        valid_until=valid_until or issued_on.replace(year=issued_on.year + 5) - dt.timedelta(days=1),
        state=state,
        ended_on=ended_on,
        **extra,
    )


def earlier_certificate(employer, level, issued_on, **kwargs):
    """A certificate from before the period, through an application decided the day it was issued."""
    application = app(
        K.INITIAL,
        level,
        employer,
        state=S.ISSUED,
        received_on=issued_on,
        accepted_on=issued_on,
        approved_on=issued_on,
        issued_on=issued_on,
        closed_on=issued_on,
    )
    return certificate(application, issued_on=issued_on, **kwargs)


def issued(kind, level, employer, received, accepted, approved, issued_on, **extra):
    return app(
        kind,
        level,
        employer,
        state=S.ISSUED,
        received_on=received,
        accepted_on=accepted,
        approved_on=approved,
        issued_on=issued_on,
        closed_on=issued_on,
        **extra,
    )


@pytest.fixture
def data():
    harbin = EmployerFactory(prefecture=Prefecture.HARBIN)
    harbin2 = EmployerFactory(prefecture=Prefecture.HARBIN)
    qiqihar = EmployerFactory(prefecture=Prefecture.QIQIHAR)
    daqing = EmployerFactory(prefecture=Prefecture.DAQING)
    mechanics = MetrologyCategory.objects.get(code="12")
    heat = MetrologyCategory.objects.get(code="04")
    p1 = MetrologyProjectFactory(code="12.901", name="压力仪表", category=mechanics)
    p3 = MetrologyProjectFactory(code="12.902", name="衡器", category=mechanics)
    p2 = MetrologyProjectFactory(code="04.901", name="温度仪表", category=heat)

    # --- applications -----------------------------------------------------------------------------
    a1 = issued(K.INITIAL, L2, harbin, D(2025, 3, 3), D(2025, 3, 5), D(2025, 3, 14), D(2025, 3, 18))
    a2 = issued(K.INITIAL, L1, harbin, D(2025, 9, 26), D(2025, 9, 30), D(2025, 10, 14), D(2025, 10, 20))
    a3 = issued(K.RENEWAL, L2, qiqihar, D(2025, 9, 29), D(2025, 10, 10), D(2025, 10, 20), D(2025, 10, 31))
    a4 = issued(K.CHANGE_SPECIALTY, L2, harbin, D(2025, 7, 1), D(2025, 7, 2), D(2025, 7, 18), D(2025, 7, 21))
    deemed = {"deemed_accepted": True}
    a5 = issued(K.INITIAL, L2, daqing, D(2025, 4, 1), D(2025, 4, 1), D(2025, 4, 16), D(2025, 4, 18), **deemed)
    app(
        K.INITIAL,
        L2,
        harbin,
        state=S.ACCEPTED,
        received_on=D(2025, 11, 3),
        accepted_on=D(2025, 11, 3),
        deemed_accepted=True,
    )
    closed = {"state": S.NOT_ACCEPTED}
    app(
        K.INITIAL,
        L2,
        qiqihar,
        received_on=D(2025, 2, 10),
        closed_on=D(2025, 2, 12),
        decision_reason="材料不符合要求",
        **closed,
    )
    app(
        K.INITIAL,
        L1,
        qiqihar,
        received_on=D(2025, 2, 10),
        closed_on=D(2025, 2, 21),
        decision_reason="  材料不符合要求\n",
        **closed,
    )
    app(
        K.RENEWAL,
        L2,
        harbin,
        received_on=D(2025, 3, 3),
        closed_on=D(2025, 3, 7),
        decision_reason="材料不符合要求",
        **closed,
    )
    app(
        K.INITIAL,
        L2,
        daqing,
        received_on=D(2025, 3, 10),
        closed_on=D(2025, 3, 11),
        decision_reason="照片不合格",
        **closed,
    )
    app(
        K.INITIAL,
        L1,
        harbin,
        state=S.DENIED,
        received_on=D(2025, 5, 6),
        accepted_on=D(2025, 5, 7),
        closed_on=D(2025, 5, 20),
        decision_reason="不符合注册条件",
    )
    app(
        K.INITIAL,
        L2,
        qiqihar,
        state=S.DENIED,
        received_on=D(2025, 8, 4),
        accepted_on=D(2025, 8, 5),
        closed_on=D(2025, 8, 22),
        decision_reason="<script>alert(1)</script>",
    )
    app(
        K.CHANGE_EMPLOYER_NAME,
        L2,
        harbin,
        state=S.CORRECTIONS_REQUESTED,
        received_on=D(2025, 11, 10),
        corrections_requested_on=D(2025, 11, 12),
    )
    a14 = issued(
        K.CHANGE_EMPLOYER_NAME,
        L1,
        harbin,
        D(2025, 11, 17),
        D(2025, 11, 19),
        D(2025, 11, 28),
        D(2025, 12, 1),
        corrections_requested_on=D(2025, 11, 5),
    )
    app(K.CANCELLATION, L2, harbin, state=S.WITHDRAWN, received_on=D(2025, 12, 1), closed_on=D(2025, 12, 3))
    app(K.INITIAL, L2, harbin2, state=S.SUBMITTED, received_on=D(2025, 12, 22))
    app(K.INITIAL, L1, daqing, state=S.SUBMITTED, received_on=D(2025, 12, 29))
    app(
        K.RENEWAL,
        L1,
        harbin,
        state=S.APPROVED,
        received_on=D(2025, 12, 15),
        accepted_on=D(2025, 12, 16),
        approved_on=D(2025, 12, 30),
    )
    a19 = issued(K.INITIAL, L1, qiqihar, D(2024, 12, 30), D(2025, 1, 2), D(2025, 1, 10), D(2025, 1, 14))
    app(K.INITIAL, L2, harbin, state=S.DRAFT)
    app(K.INITIAL, L2, harbin, state=S.SUBMITTED, received_on=D(2026, 1, 2))

    # --- registration certificates ---------------------------------------------------------------
    c1 = certificate(a1, issued_on=D(2025, 3, 18), projects=[p1])
    certificate(a2, issued_on=D(2025, 10, 20), projects=[p1, p2, p3])
    certificate(a3, issued_on=D(2025, 10, 31))
    c0 = earlier_certificate(harbin, L2, D(2023, 7, 1), state=C.SUPERSEDED, ended_on=D(2025, 7, 21))
    certificate(a4, issued_on=D(2025, 7, 21), previous=c0)
    certificate(a5, issued_on=D(2025, 4, 18))
    certificate(a14, issued_on=D(2025, 12, 1))
    certificate(a19, issued_on=D(2025, 1, 14))
    earlier_certificate(harbin, L1, D(2024, 6, 1))
    earlier_certificate(harbin, L2, D(2022, 5, 1), state=C.CANCELLED, ended_on=D(2025, 11, 20))
    earlier_certificate(
        daqing, L2, D(2020, 3, 1), valid_until=D(2025, 2, 28), state=C.EXPIRED, ended_on=D(2025, 3, 1)
    )
    # Its last valid day was 2024-12-31; the nightly sweep marked it on 2025-01-01: it expired in 2024.
    earlier_certificate(
        qiqihar, L2, D(2019, 12, 31), valid_until=D(2024, 12, 31), state=C.EXPIRED, ended_on=D(2025, 1, 1)
    )
    earlier_certificate(qiqihar, L1, D(2024, 5, 10), state=C.REVOKED, ended_on=D(2025, 12, 10), projects=[p1])
    # Suspended on 11-01 by a supervision measure: still registered, so still in force (section 3's rule).
    earlier_certificate(daqing, L2, D(2024, 1, 15), state=C.SUSPENDED, ended_on=D(2025, 11, 1), projects=[p2])
    # Past its validity on 12-30, the expiry sweep not run yet: not in force on 12-31 although "valid".
    earlier_certificate(harbin, L2, D(2020, 12, 31), valid_until=D(2025, 12, 30))

    # --- assessments --------------------------------------------------------------------------------
    x, y, z = PersonFactory(), PersonFactory(), PersonFactory()
    spring = AssessmentSessionFactory(held_on=D(2025, 5, 20))
    autumn = AssessmentSessionFactory(held_on=D(2025, 11, 10))
    before = AssessmentSessionFactory(held_on=D(2024, 11, 10))
    result = AssessmentResultFactory
    result(session=spring, person=x, project=p1, skill_score=Decimal("85"), knowledge_score=Decimal("75"))
    result(session=spring, person=y, project=p1, skill_score=Decimal("65"), knowledge_score=Decimal("80"))
    result(session=spring, person=y, project=p2, skill_score=Decimal("70"), knowledge_score=Decimal("59.5"))
    result(session=autumn, person=z, project=p2, skill_score=Decimal("90"), knowledge_score=Decimal("60"))
    result(session=before, person=z, project=p1, skill_score=Decimal("10"), knowledge_score=Decimal("10"))
    AssessmentCertificateFactory(person=x, issued_on=D(2025, 6, 1))
    AssessmentCertificateFactory(person=z, issued_on=D(2025, 12, 1), revoked=True)
    AssessmentCertificateFactory(person=y, issued_on=D(2026, 1, 4))
    checker = UserFactory()
    recognised = [
        RecognisedCertificateFactory(region="shanghai", checked_by=checker, checked_at=utc(D(2025, 4, 1))),
        RecognisedCertificateFactory(region="jiangsu"),
        RecognisedCertificateFactory(region="zhejiang", checked_by=checker, checked_at=utc(D(2025, 1, 5))),
    ]
    for row, recorded_on in zip(recognised, (D(2025, 3, 1), D(2025, 12, 20), D(2024, 12, 20)), strict=True):
        type(row).objects.filter(pk=row.pk).update(created_at=utc(recorded_on))
    working_days.invalidate()
    return {"c1": c1}


def figures(period: Period) -> dict:
    with translation.override("en"):
        return report_figures(period)


def sections(result: dict) -> dict:
    return {s["key"]: s for s in result["sections"]}


def tables(section: dict) -> dict:
    return {t["key"]: t for t in section["tables"]}


def rows(table: dict) -> dict:
    return {r["key"]: r["cells"] for r in table["rows"]}


def numbers(table: dict) -> dict:
    """Each row's cells without its label."""
    return {r["key"]: r["cells"][1:] for r in table["rows"]}


@pytest.fixture
def year_2025(data):
    return sections(figures(Period.of_year(2025, today=TODAY)))


def test_the_calendar_behind_the_hand_counts(data):
    """The hand counts below lean on these days; if the seeded calendar changed, say so here first."""
    calendar = working_days.current_calendar()
    assert calendar.working_days_between(D(2025, 9, 26), D(2025, 10, 14)) == 8
    assert calendar.is_working_day(D(2025, 9, 28))
    assert calendar.is_working_day(D(2025, 10, 11))
    assert not calendar.is_working_day(D(2025, 10, 8))
    assert calendar.add_working_days(D(2025, 12, 29), 5) == D(2026, 1, 6)


def test_period_of_the_report(year_2025, data):
    result = figures(Period.of_year(2025, today=TODAY))
    assert result["period"] == {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "as_of": "2025-12-31",  # the period is over: it speaks for its last day, not for today
        "year": 2025,
        "label": "Year 2025",
    }
    assert [s["number"] for s in result["sections"]] == [1, 2, 3, 4, 5]


def test_section_1_applications_received_and_decided(year_2025):
    section = year_2025["applications"]
    t = tables(section)
    # Received in 2025 (A1-A18; A19 was received in 2024, A20 never, A21 in 2026), columns L1, L2, total.
    assert numbers(t["received_by_kind"]) == {
        "initial": [4, 7, 11],  # L1: A2 A8 A11 A17; L2: A1 A5 A6 A7 A10 A12 A16
        "change_specialty": [0, 1, 1],  # A4
        "change_employer_name": [1, 1, 2],  # A14 (counted once, at its last receipt), A13
        "change_employer": [0, 0, 0],
        "renewal": [1, 2, 3],  # A18; A3 A9
        "cancellation": [0, 1, 1],  # A15, withdrawn but received
    }
    assert t["received_by_kind"]["total"] == ["Total", 6, 12, 18]
    # By month; columns: initial, change of specialty, of employer name, of employer, renewal, cancellation.
    by_month = rows(t["received_by_month"])
    assert [cells[0] for cells in by_month.values()][:3] == ["January", "February", "March"]
    assert {key: cells[1:] for key, cells in by_month.items()} == {
        "2025-01-01": [0, 0, 0, 0, 0, 0, 0],
        "2025-02-01": [2, 0, 0, 0, 0, 0, 2],  # A7 A8
        "2025-03-01": [2, 0, 0, 0, 1, 0, 3],  # A1 A10; A9
        "2025-04-01": [1, 0, 0, 0, 0, 0, 1],  # A5
        "2025-05-01": [1, 0, 0, 0, 0, 0, 1],  # A11
        "2025-06-01": [0, 0, 0, 0, 0, 0, 0],
        "2025-07-01": [0, 1, 0, 0, 0, 0, 1],  # A4
        "2025-08-01": [1, 0, 0, 0, 0, 0, 1],  # A12
        "2025-09-01": [1, 0, 0, 0, 1, 0, 2],  # A2; A3
        "2025-10-01": [0, 0, 0, 0, 0, 0, 0],
        "2025-11-01": [1, 0, 2, 0, 0, 0, 3],  # A6; A13 A14 (resubmitted 11-17)
        "2025-12-01": [2, 0, 0, 0, 1, 1, 4],  # A16 A17; A18; A15
    }
    assert t["received_by_month"]["total"] == ["Total", 11, 1, 2, 0, 3, 1, 18]
    assert numbers(t["outcomes"]) == {
        # L1: A2 A11 A14 A18 A19 (accepted 2025-01-02 though received in 2024); L2: A1 A3 A4 A5 A6 A12.
        "accepted": [5, 6, 11],
        "deemed": [0, 2, 2],  # A5 (a person accepted it late), A6 (the sweep)
        "not_accepted": [1, 3, 4],  # A8; A7 A9 A10
        "corrections": [1, 1, 2],  # A14 (before its resubmission), A13
        "approved": [4, 4, 8],  # A2 A14 A18 A19; A1 A3 A4 A5
        "denied": [1, 1, 2],  # A11; A12
        "withdrawn": [0, 1, 1],  # A15
        "issued": [3, 4, 7],  # A2 A14 A19; A1 A3 A4 A5
    }
    # The same words with other spacing are one reason (A8's); a reason given fewer than 3 times is not
    # printed (it could single someone out), not even a hostile one (A12's).
    assert [r["cells"] for r in t["reasons"]["rows"]] == [
        ["Not accepted", "材料不符合要求", 3],  # A7 A8 A9
        ["Not accepted", OTHER, 1],  # A10
        ["Denied", OTHER, 2],  # A11 A12
    ]
    charts = {c["key"]: c for c in section["charts"]}
    assert charts["received_by_month"]["series"][0]["data"] == [0, 2, 2, 1, 1, 0, 0, 1, 1, 0, 1, 2]
    assert "<script>" not in str(section)


def test_section_2_working_day_deadlines(year_2025):
    section = year_2025["deadlines"]
    stages = rows(tables(section)["stages"])
    # Columns: decided, on time, on time (%), median, 90th percentile, deemed, open on 12-31, overdue.
    #
    # Acceptance, working days from receipt to the decision (deemed A5 A6 are not counted in the days):
    #   1: A4 A10 A11 A12 A18; 2: A1 A7 A14 A19 (12-31 and 01-02 around New Year's Day);
    #   3: A2 (09-28 is a swapped working Sunday: 09-28, 09-29, 09-30),
    #      A3 (09-30, 10-09, 10-10: the National Day week 10-01..10-08 is off);
    #   4: A9; 9: A8 (late).
    # 13 decisions made, 12 within 5 days; with the 2 deemed ones 15 decided, 12 on time = 80.0 %.
    # Median: the 7th of 13 (sorted 1×5, 2×4, ...) is 2; 90th percentile: the ⌈11.7⌉ = 12th is 4.
    # Open on 12-31: A16 (due 12-29: overdue) and A17 (due 2026-01-06 after New Year: not yet);
    # A13 waits for the employer's corrections and is not open on the association's side.
    assert stages["acceptance"][1:] == [15, 12, 80.0, 2, 4, 2, 2, 1]
    # Approval, working days from the (last) receipt to the approval or denial:
    #   8: A2 (09-28, 09-29, 09-30, 10-09, 10-10, 10-11 Saturday swapped, 10-13, 10-14), A19;
    #   9: A1, A14 (from its resubmission 11-17, not its first receipt);
    #   10: A3, A5 (04-04 Qingming off), A11 (05-01..05-05 off);
    #   11: A18; 13: A4; 14: A12 (late).
    # 10 decided, 7 within 10 days = 70.0 %; median the 5th = 10; 90th percentile the 9th = 13.
    # Open on 12-31: A6, deemed accepted from 11-03, approval due 11-17: overdue.
    assert stages["approval"][1:] == [10, 7, 70.0, 10, 13, None, 1, 1]
    # Issue, working days from approval to issue: 1: A4 A14; 2: A1 A5 A19; 4: A2; 9: A3 (late).
    # 7 issued, 6 on time = 85.7 %; median the 4th = 2; 90th percentile the ⌈6.3⌉ = 7th = 9.
    # Open on 12-31: A18, approved 12-30, due 2026-01-07 (01-01..01-03 off, 01-04 swapped): not overdue.
    assert stages["issuance"][1:] == [7, 6, 85.7, 2, 9, None, 1, 0]
    charts = {c["key"]: c for c in section["charts"]}
    assert [s["data"] for s in charts["on_time"]["series"]] == [[12, 7, 6], [3, 3, 1]]
    # The spread of days used: bars 0..13 (the longest stay, 14 days, is drawn in the last bar).
    spread = charts["days_used"]
    assert spread["categories"] == [str(d) for d in range(15)]
    assert [s["data"] for s in spread["series"]] == [
        [0, 5, 4, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 3, 1, 0, 1, 1],
        [0, 2, 3, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    ]
    assert "Open and overdue are counted on 2025-12-31." in section["notes"]


def test_section_3_certificates(year_2025):
    section = year_2025["certificates"]
    t = tables(section)
    # In force on 12-31 (columns L1, L2, total):
    #   Harbin  L1: A2's, A14's, the 2024 one; L2: A1's, A4's (the one it superseded ended 07-21; the one
    #           past its validity on 12-30 is out although still marked valid)        → 3, 2, 5
    #   Qiqihar L1: A19's (the revoked one ended 12-10); L2: A3's (renewed)             → 1, 1, 2
    #   Daqing  L2: A5's and the suspended one (a suspended registration still counts)  → 0, 2, 2
    # Counts of 1 or 2 people are hidden; in the L1 column only Qiqihar's 1 is, so the smallest other
    # non-zero count (Harbin's 3) is hidden too, else the total 4 would give it away.
    by_prefecture = numbers(t["in_force_by_prefecture"])
    assert by_prefecture.pop("harbin") == ["<3", "<3", 5]
    assert by_prefecture.pop("qiqihar") == ["<3", "<3", "<3"]
    assert by_prefecture.pop("daqing") == [0, "<3", "<3"]
    assert set(by_prefecture) == set(Prefecture.values) - {"harbin", "qiqihar", "daqing"}
    assert all(cells == [0, 0, 0] for cells in by_prefecture.values())
    assert t["in_force_by_prefecture"]["total"] == ["Total", 4, 5, 9]
    # By category: 12 力学 counts A2's certificate once although it has two of the category's projects.
    by_category = {key: cells[2] for key, cells in rows(t["in_force_by_category"]).items()}
    assert by_category.pop("04") == 2  # A2's, the suspended one
    assert by_category.pop("12") == 2  # A1's, A2's (the revoked one is not in force)
    assert {"01", "15", "46"} <= set(by_category)  # every other seeded category is listed, with 0
    assert set(by_category.values()) == {0}
    assert [r["cells"] for r in t["in_force_by_project"]["rows"]] == [
        ["04.901", "温度仪表", "热学", 2],
        ["12.901", "压力仪表", "力学", 2],
        ["12.902", "衡器", "力学", 1],
    ]
    assert numbers(t["changes"]) == {
        "new": [2, 2, 4],  # A2 A19; A1 A5
        "changed": [1, 1, 2],  # A14 (employer renamed); A4 (specialty), which superseded an older one
        "renewed": [0, 1, 1],  # A3
        "cancelled": [0, 1, 1],
        "expired": [0, 1, 1],  # Daqing's, last valid 02-28 (Qiqihar's expired on 2024-12-31)
        "revoked": [1, 0, 1],
        "lapsed": [0, 0, 0],
    }
    # Employers (not people: never hidden): with a certificate in force on 12-31 / applied in 2025.
    employers = numbers(t["employers"])
    assert employers.pop("harbin") == [1, 2]  # the second Harbin employer only applied (A16)
    assert employers.pop("qiqihar") == [1, 1]
    assert employers.pop("daqing") == [1, 1]
    assert all(cells == [0, 0] for cells in employers.values())
    assert t["employers"]["total"] == ["Total", 3, 4]
    charts = {c["key"]: c for c in section["charts"]}
    # The chart draws the numbers it may show and leaves the hidden ones out.
    harbin_index = charts["in_force_by_prefecture"]["categories"].index("Harbin")
    daqing_index = charts["in_force_by_prefecture"]["categories"].index("Daqing")
    assert [s["data"][harbin_index] for s in charts["in_force_by_prefecture"]["series"]] == [None, None]
    assert [s["data"][daqing_index] for s in charts["in_force_by_prefecture"]["series"]] == [0, None]


def test_section_4_assessments(year_2025):
    section = year_2025["assessments"]
    t = tables(section)
    # Results in 2025's two sessions (the 2024 one is out):
    #   x  12.901 skill 85 knowledge 75   both passed
    #   y  12.901 skill 65 knowledge 80   knowledge only
    #   y  04.901 skill 70 knowledge 59.5 skill only (70 is a pass, 59.5 is not)
    #   z  04.901 skill 90 knowledge 60   both passed (60 is a pass)
    assert numbers(t["overview"]) == {
        "sessions": [2],
        "candidates": [3],
        "results": [4],
        "skill": [75.0],
        "knowledge": [75.0],
        "both": [50.0],
        "certificates": [2],  # the one issued on 2026-01-04 is out
        "certificates_revoked": [1],
    }
    assert [r["cells"] for r in t["by_category"]["rows"]] == [
        ["04 热学", 2, 100.0, 50.0, 50.0],
        ["12 力学", 2, 50.0, 100.0, 50.0],
    ]
    assert [r["cells"] for r in t["by_project"]["rows"]] == [
        ["04 热学", "04.901", "温度仪表", 2, 100.0, 50.0, 50.0],
        ["12 力学", "12.901", "压力仪表", 2, 50.0, 100.0, 50.0],
    ]
    # Recorded in 2025: Shanghai's (03-01), Jiangsu's (12-20); recognised in 2025: Shanghai's (04-01) and
    # Zhejiang's (recorded 2024-12-20, checked 2025-01-05).
    assert numbers(t["recognised"]) == {
        "shanghai": [1, 1],
        "jiangsu": [1, 0],
        "zhejiang": [0, 1],
        "anhui": [0, 0],
    }
    assert t["recognised"]["total"] == ["Total", 2, 2]
    assert section["empty"] == ""


def test_section_5_says_plainly_that_nothing_is_recorded_yet(year_2025):
    section = year_2025["followup"]
    assert section["tables"] == []
    assert section["charts"] == []
    assert section["empty"] == (
        "Neither continuing education nor supervision has been recorded for this period yet."
    )


def test_a_day_off_entered_by_staff_changes_the_counts(data):
    """The figures count on the calendar in the database, not on a fixed list: a made-up day off on
    Tuesday 2025-03-04 shortens A1's acceptance (03-03 to 03-05) from 2 working days to 1 and A9's
    (03-03 to 03-07) from 4 to 3. The acceptance histogram becomes 1×6, 2×3, 3×3, 9×1: the median (7th)
    stays 2, the 90th percentile (12th) drops from 4 to 3. A1's approval drops from 9 to 8 days, which
    leaves the approval median (the 5th of 8, 8, 8, 9, 10, ...) at 10."""
    CalendarDay.objects.create(day=D(2025, 3, 4), kind=CalendarDay.Kind.DAY_OFF, note="假设的休息日")
    working_days.invalidate()
    stages = rows(tables(sections(figures(Period.of_year(2025, today=TODAY)))["deadlines"])["stages"])
    assert stages["acceptance"][1:] == [15, 12, 80.0, 2, 3, 2, 2, 1]
    assert stages["approval"][1:] == [10, 7, 70.0, 10, 13, None, 1, 1]


def test_a_range_over_two_years(data):
    """2024-12-01 to 2025-03-31: months are labelled with their year, and the decisions of both years
    in it count."""
    result = figures(Period.between(D(2024, 12, 1), D(2025, 3, 31), today=TODAY))
    assert result["period"]["year"] is None
    assert result["period"]["as_of"] == "2025-03-31"
    assert result["period"]["label"] == "2024-12-01 to 2025-03-31"
    s = sections(result)
    by_month = rows(tables(s["applications"])["received_by_month"])
    assert by_month == {
        "2024-12-01": ["2024-12", 1, 0, 0, 0, 0, 0, 1],  # A19
        "2025-01-01": ["2025-01", 0, 0, 0, 0, 0, 0, 0],
        "2025-02-01": ["2025-02", 2, 0, 0, 0, 0, 0, 2],  # A7 A8
        "2025-03-01": ["2025-03", 2, 0, 0, 0, 1, 0, 3],  # A1 A10; A9
    }
    stages = rows(tables(s["deadlines"])["stages"])
    # Acceptance: A1 2, A19 2, A7 2, A8 9, A9 4, A10 1 → 6 decided, 5 on time = 83.3 %, median the 3rd
    # = 2, 90th percentile the 6th = 9. Approval: A19 8, A1 9. Issue: A19 2, A1 2. Nothing open on 03-31
    # (A5 is received on 04-01).
    assert stages["acceptance"][1:] == [6, 5, 83.3, 2, 9, 0, 0, 0]
    assert stages["approval"][1:] == [2, 2, 100.0, 8, 9, None, 0, 0]
    assert stages["issuance"][1:] == [2, 2, 100.0, 2, 2, None, 0, 0]
    assert numbers(tables(s["certificates"])["changes"]) == {
        "new": [1, 1, 2],  # A19's; A1's
        "changed": [0, 0, 0],
        "renewed": [0, 0, 0],
        "cancelled": [0, 0, 0],
        "expired": [0, 2, 2],  # last valid 2025-02-28, and 2024-12-31 (marked by the sweep on 2025-01-01)
        "revoked": [0, 0, 0],
        "lapsed": [0, 0, 0],
    }
    assert numbers(tables(s["assessments"])["recognised"])["zhejiang"] == [1, 1]


def test_a_running_period_speaks_for_today(data):
    """While 2025 runs, on 12-10, open items and certificates in force are counted on 12-10."""
    result = figures(Period.of_year(2025, today=D(2025, 12, 10)))
    assert result["period"]["as_of"] == "2025-12-10"
    s = sections(result)
    stages = rows(tables(s["deadlines"])["stages"])
    # Nothing waits for acceptance on 12-10 (A16, A17 come later); A6 waits for approval, overdue.
    assert stages["acceptance"][-2:] == [0, 0]
    assert stages["approval"][-2:] == [1, 1]
    assert stages["issuance"][-2:] == [0, 0]
    assert "Open and overdue are counted on 2025-12-10." in s["deadlines"]["notes"]
    # On 12-10 the revoked one has ended (that day), the one valid to 12-30 is still in force.
    in_force = tables(s["certificates"])["in_force_by_prefecture"]
    assert in_force["total"] == ["Total", 4, 6, 10]
    assert rows(in_force)["harbin"][1:] == ["<3", 3, 6]


# --- section 5 with data --------------------------------------------------------------------------------


def hours(person, amount: str, subject, ends_on: dt.date) -> None:
    activity = Activity.objects.create(
        title="计量培训",
        kind=ActivityKind.COURSE,
        organiser="省计量协会",
        starts_on=ends_on,
        ends_on=ends_on,
        place="哈尔滨",
        hours=Decimal(amount),
        subject=subject,
    )
    Participation.objects.create(
        activity=activity, person=person, hours=Decimal(amount), state=ParticipationState.CONFIRMED
    )


def test_section_5_continuing_education_and_supervision():
    harbin = EmployerFactory(prefecture=Prefecture.HARBIN)
    # Three holders registered all of 2025 (certificates issued before it), one more from 07-01.
    a, b, c = (earlier_certificate(harbin, L2, D(2024, 6, 1)).person for _i in range(3))
    late = earlier_certificate(harbin, L1, D(2025, 7, 1)).person
    hours(a, "60", Subject.PROFESSIONAL, D(2025, 5, 1))
    hours(a, "30", Subject.GENERAL, D(2025, 6, 1))  # 90 hours, 60 professional = 2/3: met
    hours(b, "50", Subject.PROFESSIONAL, D(2025, 5, 1))
    hours(b, "40", Subject.GENERAL, D(2025, 6, 1))  # 90 hours but only 50 professional: short
    hours(c, "89.5", Subject.PROFESSIONAL, D(2025, 5, 1))  # half an hour short
    hours(late, "45.5", Subject.PROFESSIONAL, D(2025, 9, 1))  # 184 of 365 days: 45 hours required
    inspector = UserFactory()
    plan = PlanFactory(kind=PlanKind.EMPLOYERS)
    type(plan).objects.filter(pk=plan.pk).update(drawn_at=utc(D(2025, 6, 1)))
    completed = {"state": CheckState.COMPLETED, "checked_on": D(2025, 6, 10), "inspectors": [inspector]}
    problems = CheckFactory(
        plan=plan, result=CheckResult.PROBLEMS, completed_at=utc(D(2025, 6, 10)), **completed
    )
    CheckFactory(plan=plan, result=CheckResult.NO_PROBLEM, completed_at=utc(D(2025, 6, 11)), **completed)
    CheckFactory(plan=plan, inspectors=[inspector])  # drawn, not done yet
    FindingFactory(check_row=problems, item=EmployerItem.AFFILIATION)
    FindingFactory(check_row=problems, item=EmployerItem.RENTING, found=False)
    measure = MeasureFactory(check_row=problems, kind=MeasureKind.RECTIFICATION, state=MeasureState.DONE)
    type(measure).objects.filter(pk=measure.pk).update(created_at=utc(D(2025, 6, 12)))
    working_days.invalidate()

    s = sections(figures(Period.of_year(2025, today=TODAY)))["followup"]
    assert s["empty"] == ""
    t = tables(s)
    # 4 holders; a met it, b fell short of 2/3 professional, c of 90 hours, `late` met the pro-rata 45.
    assert rows(t["ce_years"])["2025"] == ["2025", 4, 2, 2, 50.0, 90 + 90 + 89.5 + 45.5]
    harbin_ce = rows(t["ce_by_prefecture"])["harbin"]
    assert harbin_ce == ["Harbin", 4, "<3", "<3"]  # 2 met and 2 short are counts of people: hidden
    assert t["ce_by_prefecture"]["total"] == ["Total", 4, 2, 2]
    assert rows(t["spot_checks"])["employers"][1:] == [1, 3, 2, 1]
    assert [r["cells"][2] for r in t["findings"]["rows"]] == [1]  # only the item found counts
    assert rows(t["measures"])["rectification"][1:] == [1, 1]
    assert t["visits"]["total"] == ["Total", 0]
    assert t["feedback"]["total"] == ["Total", 0, 0]
    # Frozen as JSON when submitted: no lazy translation may hide in a cell (a checklist label is one).
    with translation.override("zh-hans"):
        frozen = json.loads(json.dumps(report_figures(Period.of_year(2025, today=TODAY))))
    assert tables(sections(frozen)["followup"])["findings"]["rows"][0]["cells"][1] == "挂靠"
