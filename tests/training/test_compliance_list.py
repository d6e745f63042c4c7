"""The association's yearly compliance list: filters, shortfall wording, masked numbers, constant queries,
and the export (formula-safe XLSX, audited)."""

import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from tests.factories import EmployerFactory
from tests.training.admin_helpers import activity, entries, holder
from training import services
from training.models import Subject

pytestmark = pytest.mark.django_db
URL = reverse("admin:training_compliance")
EXPORT = reverse("admin:training_compliance_export")


@pytest.fixture
def assoc(client, association_user):
    client.force_login(association_user)
    return client


def _confirmed(act, people, by, hours):
    for entry in entries(act, people, hours=hours):
        services.participation_confirm(participation=entry, by=by)


@pytest.fixture
def ledger(association_user):
    """2026: one holder complies (90 h professional), one is short (60 h, 30 of them general)."""
    harbin = EmployerFactory(prefecture="harbin")
    daqing = EmployerFactory(prefecture="daqing")
    good, short = holder(harbin), holder(daqing)
    _confirmed(activity(hours="90"), [good.person], association_user, "90")
    _confirmed(activity(hours="30"), [short.person], association_user, "30")
    _confirmed(activity(hours="30", subject=Subject.GENERAL), [short.person], association_user, "30")
    return good, short


def test_the_list_shows_every_holder_with_masked_numbers_and_the_shortfall(assoc, ledger):
    good, short = ledger
    page = assoc.get(URL, {"year": 2026}).content.decode()
    for cert in (good, short):
        assert cert.person.name in page
        assert cert.person.masked_id_number in page
        assert cert.person.id_number not in page
    # 60 h, 30 professional: 30 more needed, all professional (90 total, 60 professional = 2/3).
    assert "30" in page
    assert 'class="overdue"' in page


def test_the_year_defaults_to_this_year(assoc, ledger):
    good, _short = ledger
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC)):
        assert good.person.name in assoc.get(URL).content.decode()
    with time_machine.travel(dt.datetime(2031, 2, 1, 12, tzinfo=dt.UTC)):
        assert good.person.name not in assoc.get(URL).content.decode()  # registered to 2029 only


def test_filters_short_only_prefecture_and_employer(assoc, ledger):
    good, short = ledger
    only_short = assoc.get(URL, {"year": 2026, "short": "on"}).content.decode()
    assert short.person.name in only_short
    assert good.person.name not in only_short
    daqing = assoc.get(URL, {"year": 2026, "prefecture": "daqing"}).content.decode()
    assert short.person.name in daqing
    assert good.person.name not in daqing
    by_code = assoc.get(URL, {"year": 2026, "employer": good.employer.uscc}).content.decode()
    assert good.person.name in by_code
    assert short.person.name not in by_code
    unknown = assoc.get(URL, {"year": 2026, "employer": "91230100MA00000000"})
    assert unknown.status_code == 200
    assert good.person.name not in unknown.content.decode()


def test_the_shortfall_names_the_professional_hours_still_needed():
    from training.admin.compliance import shortfall_text
    from training.selectors import YearCompliance

    D = __import__("decimal").Decimal
    row = YearCompliance(1, "张三", 1, "某公司", "harbin", 2026, 365, D(90), D(60), D(30), D(0))
    assert shortfall_text(row) == "还差 30 学时，其中专业科目至少 30 学时"
    row = YearCompliance(1, "张三", 1, "某公司", "harbin", 2026, 365, D(90), D(60), D(60), D(0))
    assert shortfall_text(row) == "还差 30 学时"
    row = YearCompliance(1, "张三", 1, "某公司", "harbin", 2026, 365, D(90), D(90), D(60), D(0))
    assert shortfall_text(row) == ""
    # Hours as people write them: 36, not 36.0; 7.5 stays 7.5.
    row = YearCompliance(1, "张三", 1, "某公司", "harbin", 2026, 365, D("90.0"), D("54.0"), D("24.0"), D(0))
    assert shortfall_text(row) == "还差 36 学时，其中专业科目至少 36 学时"
    row = YearCompliance(1, "张三", 1, "某公司", "harbin", 2026, 365, D("90.0"), D("82.5"), D("82.5"), D(0))
    assert shortfall_text(row) == "还差 7.5 学时"


def test_the_list_runs_in_constant_queries(assoc, association_user, workday_calendar):
    def queries(count: int) -> int:
        employer = EmployerFactory()
        people = [holder(employer).person for _ in range(count)]
        _confirmed(activity(hours="40"), people, association_user, "40")
        with CaptureQueriesContext(connection) as captured:
            assert assoc.get(URL, {"year": 2026, "employer": employer.uscc}).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_paging_keeps_the_filters(assoc, association_user):
    employer = EmployerFactory()
    for _ in range(51):
        holder(employer)
    page = assoc.get(URL, {"year": 2026, "employer": employer.uscc}).content.decode()
    assert f"employer={employer.uscc}" in page
    assert "p=2" in page
    second = assoc.get(URL, {"year": 2026, "employer": employer.uscc, "p": 2})
    assert second.status_code == 200


def test_the_export_is_formula_safe_masked_and_audited(assoc, association_user, ledger):
    good, _short = ledger
    good.person.name = '=HYPERLINK("http://evil","x")'
    good.person.save(update_fields=["name"])
    response = assoc.get(EXPORT, {"year": 2026, "prefecture": "harbin"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    name_cell = rows[0][1]
    assert name_cell.value == good.person.name
    assert name_cell.data_type == "s"
    assert name_cell.quotePrefix
    values = [c.value for c in rows[0]]
    assert good.person.masked_id_number in values
    assert good.person.id_number not in [str(v) for v in values]
    event = AuditEvent.objects.get(action=Action.EXPORTED)
    assert event.actor == association_user
    assert event.detail["rows"] == 1
    assert event.detail["filters"]["prefecture"] == "harbin"


def test_outsiders_get_neither_the_list_nor_the_export(
    client, enterprise_user, bureau_user, training_centre_user, ledger
):
    for user in (enterprise_user, bureau_user, training_centre_user):
        client.force_login(user)
        for url in (URL, EXPORT):
            assert client.get(url, {"year": 2026}).status_code in (302, 403)
    assert not AuditEvent.objects.filter(action=Action.EXPORTED).exists()


def test_the_training_index_links_to_the_list(assoc):
    page = assoc.get(reverse("admin:app_list", args=["training"])).content.decode()
    assert URL in page
