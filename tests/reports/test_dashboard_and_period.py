"""The bureau's dashboard (/reports/) and the report on any period (/reports/period/): the dashboard's
figures against a small hand-built data set, the charts' data on the page, the vendored chart library,
the period form's validation (hostile input included), the exports' wiring, and who may open them."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from people.models import Level
from registry.workflow import ApplicationState
from reports.figures import Period, report_figures
from reports.figures.applications import deadlines_section
from reports.figures.dashboard import dashboard_figures, dashboard_periods, same_day_a_year_before
from reports.views import analysis
from tests.factories import ApplicationFactory, RegistrationCertificateFactory

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 6, 30)
URLS = ("reports:home", "reports:period", "reports:period_pdf", "reports:period_xlsx")


def _accepted(received, accepted, *, deemed=False, level=Level.TWO):
    return ApplicationFactory(
        state=ApplicationState.ACCEPTED,
        received_on=received,
        accepted_on=accepted,
        deemed_accepted=deemed,
        level=level,
    )


def _not_accepted(received, closed):
    return ApplicationFactory(
        state=ApplicationState.NOT_ACCEPTED,
        received_on=received,
        closed_on=closed,
        decision_reason="材料不全",
    )


def _certificate(issued, level=Level.TWO):
    return RegistrationCertificateFactory(issued_on=issued, valid_from=issued, level=level)


@pytest.fixture
def data(workday_calendar):
    """2026 to 30 June beside 2025 to 30 June. Working days: March 2026 and 2025 have no holidays."""
    _accepted(D(2026, 3, 2), D(2026, 3, 4))  # on time (2 working days)
    _accepted(D(2026, 3, 2), D(2026, 3, 16), level=Level.ONE)  # late (10 working days)
    _accepted(D(2026, 4, 1), D(2026, 4, 9), deemed=True)  # deemed: decided, late
    ApplicationFactory(state=ApplicationState.SUBMITTED, received_on=D(2026, 6, 1))  # open and overdue
    _accepted(D(2025, 3, 3), D(2025, 3, 5))  # last year's span: on time
    _not_accepted(D(2025, 8, 1), D(2025, 8, 4))  # after last year's span: not counted
    _not_accepted(D(2025, 12, 1), D(2025, 12, 2))  # after last year's span: not counted
    _certificate(D(2026, 5, 11))
    _certificate(D(2025, 5, 12), level=Level.ONE)
    _certificate(D(2025, 9, 1))  # issued outside last year's span; in force today only


def _section(figures, key):
    return next(s for s in figures["sections"] if s["key"] == key)


def _table(section, key):
    return next(t for t in section["tables"] if t["key"] == key)


def _rows(table):
    return {row["key"]: row["cells"] for row in table["rows"]}


def test_the_periods_compared():
    this, last = dashboard_periods(TODAY)
    assert (this.start, this.end, last.start, last.end) == (
        D(2026, 1, 1),
        TODAY,
        D(2025, 1, 1),
        D(2025, 6, 30),
    )
    assert same_day_a_year_before(D(2028, 2, 29)) == D(2027, 2, 28)


def test_received_and_issued_by_month(data):
    figures = dashboard_figures(TODAY)
    activity = _section(figures, "activity")
    table = _table(activity, "activity_by_month")
    rows = _rows(table)
    assert len(rows) == 6  # January to June
    # Month | received 2026 | received 2025 | issued 2026 | issued 2025
    assert rows["2026-03-01"][1:] == [2, 1, 0, 0]
    assert rows["2026-04-01"][1:] == [1, 0, 0, 0]
    assert rows["2026-05-01"][1:] == [0, 0, 1, 1]
    assert rows["2026-06-01"][1:] == [1, 0, 0, 0]
    assert table["total"][1:] == [4, 1, 1, 1]
    received = next(c for c in activity["charts"] if c["key"] == "received_by_month")
    assert received["type"] == "line"
    assert [s["name"] for s in received["series"]] == ["2026", "2025"]
    assert received["series"][0]["data"] == [0, 0, 2, 1, 0, 1]
    assert received["series"][1]["data"] == [0, 0, 1, 0, 0, 0]


def test_on_time_by_stage_and_month_and_open_now(data):
    figures = dashboard_figures(TODAY)
    deadlines = _section(figures, "on_time")
    stages = _rows(_table(deadlines, "stages_to_date"))
    # Stage | decided 2026 | on time 2026 % | decided 2025 | on time 2025 % | open today | overdue
    assert stages["acceptance"][1:] == [3, 33.3, 1, 100.0, 1, 1]
    assert stages["approval"][1:] == [0, None, 0, None, 4, 4]
    assert stages["issuance"][1:] == [0, None, 0, None, 0, 0]
    months = _rows(_table(deadlines, "on_time_by_month"))
    assert months["2026-03-01"][1:3] == [50.0, 100.0]  # acceptance: 2026, 2025
    assert months["2026-04-01"][1:3] == [0.0, None]
    assert months["2026-05-01"][1:3] == [None, None]
    by_month = next(c for c in deadlines["charts"] if c["key"] == "on_time_by_month")
    assert by_month["series"][0]["data"] == [None, None, 50.0, 0.0, None, None]
    assert by_month["unit"] == "%"


def test_the_dashboards_rates_agree_with_the_yearly_reports_section(data):
    this, _last = dashboard_periods(TODAY)
    report = _rows(deadlines_section(this)["tables"][0])
    dashboard = _rows(_table(_section(dashboard_figures(TODAY), "on_time"), "stages_to_date"))
    for stage in ("acceptance", "approval", "issuance"):
        assert dashboard[stage][1] == report[stage][1]  # decided
        assert dashboard[stage][2] == report[stage][3]  # on time (%)


def test_certificates_in_force_now_and_a_year_ago(data):
    in_force = _section(dashboard_figures(TODAY), "in_force")
    table = _table(in_force, "in_force_by_level")
    rows = _rows(table)
    assert rows[str(Level.ONE.value)][1:] == [1, 1, 0]
    assert rows[str(Level.TWO.value)][1:] == [2, 0, 2]
    assert table["total"][1:] == [3, 1, 2]
    assert table["columns"][1:3] == ["2026-06-30", "2025-06-30"]


def test_the_dashboard_runs_a_fixed_number_of_queries(data):
    with CaptureQueriesContext(connection) as small:
        dashboard_figures(TODAY)
    for day in (D(2026, 2, 2), D(2026, 5, 5), D(2025, 4, 7)):
        _accepted(day, day + dt.timedelta(days=1))
        _not_accepted(day, day + dt.timedelta(days=2))
        _certificate(day)
    with CaptureQueriesContext(connection) as large:
        dashboard_figures(TODAY)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 25


# --- the pages ---------------------------------------------------------------------------------------


def _json_scripts(html: str) -> dict[str, object]:
    found = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.S)
    return {key: json.loads(unescape(body)) for key, body in found}


def test_the_dashboard_draws_every_chart_from_its_data(client, bureau_user, data):
    client.force_login(bureau_user)
    response = client.get(reverse("reports:home"))
    assert response.status_code == 200
    html = response.content.decode()
    scripts = _json_scripts(html)
    expected = dashboard_figures(timezone.localdate())
    charts = [(s["key"], c) for s in expected["sections"] for c in s["charts"]]
    assert len(charts) == 5
    for section_key, chart in charts:
        element = f"chart-{section_key}-{chart['key']}"
        assert scripts[element] == chart
        assert f'data-chart="{element}"' in html
    # The old bureau page's content lives on here.
    for name in (
        "training_reports:compliance",
        "supervision:visits",
        "supervision:feedback",
        "reports:period",
    ):
        assert f'href="{reverse(name)}"' in html
    assert 'href="/reports/annual/"' in html
    assert 'data-testid="employers-by-prefecture"' in html


def test_the_chart_library_is_served_from_this_site(client, association_user):
    client.force_login(association_user)
    html = client.get(reverse("reports:home")).content.decode()
    assert '<script src="/static/vendor/echarts/echarts.min.js" defer></script>' in html
    assert '<script src="/static/js/report-charts.js" defer></script>' in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)  # no CDN, no other site
    assert "<script>" not in html  # no inline code (the CSP refuses it)
    library = finders.find("vendor/echarts/echarts.min.js")
    assert library
    with open(library, encoding="utf-8") as file:
        assert "Apache" in file.read(2000)
    for name in ("LICENSE", "NOTICE", "report-charts.js"):
        path = "js/report-charts.js" if name.endswith(".js") else f"vendor/echarts/{name}"
        assert finders.find(path), path


def test_the_pages_show_no_names_or_id_numbers(client, bureau_user, data):
    application = ApplicationFactory(state=ApplicationState.SUBMITTED, received_on=timezone.localdate())
    client.force_login(bureau_user)
    for url in (reverse("reports:home"), reverse("reports:period")):
        html = client.get(url).content.decode()
        assert application.person.name not in html
        assert application.person.id_number not in html
        assert application.employer.name not in html


def test_the_period_page_shows_the_whole_report(client, association_user, data):
    client.force_login(association_user)
    response = client.get(reverse("reports:period"), {"start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    for number in range(1, 6):
        assert f'data-testid="section-{number}"' in html
    figures = report_figures(Period.between(D(2026, 1, 1), D(2026, 6, 30), today=timezone.localdate()))
    scripts = _json_scripts(html)
    received = figures["sections"][0]["charts"][0]
    assert scripts["chart-applications-received_by_month"] == received
    assert received["series"][0]["data"] == [0, 0, 2, 1, 0, 1]  # initial applications, January to June
    assert "start=2026-01-01&amp;end=2026-06-30" in html  # the exports of the same period


def test_the_period_page_defaults_to_the_pilot_window(client, bureau_user, settings):
    settings.REGISTRY_PILOT_START, settings.REGISTRY_PILOT_END = D(2000, 1, 1), D(2099, 12, 31)
    client.force_login(bureau_user)
    html = client.get(reverse("reports:period")).content.decode()
    assert 'value="2000-01-01"' in html
    assert 'value="2099-12-31"' in html
    assert 'data-testid="period-errors"' in html  # a hundred years is too long: said, not computed
    settings.REGISTRY_PILOT_START, settings.REGISTRY_PILOT_END = D(2001, 1, 1), D(2001, 12, 31)
    html = client.get(reverse("reports:period")).content.decode()
    year = timezone.localdate().year
    assert f'value="{year}-01-01"' in html
    assert f'value="{year}-12-31"' in html
    assert 'data-testid="section-1"' in html


BAD_DATE = "Enter a date as YYYY-MM-DD, for example 2025-01-01."


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-06-30", "2026-01-01", "The last day is before the first day."),
        ("2019-01-01", "2026-01-01", "Choose a period of at most %(years)s years."),
        ("2026-13-01", "2026-12-31", BAD_DATE),
        ("2026-02-30", "2026-12-31", BAD_DATE),
        ("2026/01/01", "2026-12-31", BAD_DATE),
        ("'; DROP TABLE registry_application; --", "2026-12-31", BAD_DATE),
        ("<script>alert(1)</script>", "2026-12-31", BAD_DATE),
        ("9" * 5000, "2026-12-31", BAD_DATE),
        ("２０２６-０１-０１", "2026-12-31", BAD_DATE),
        ("0001-01-01", "0001-12-31", "The registry has no data before %(day)s."),
        ("", "", "Enter the first and the last day."),
        ("2026-01-01\x00", "2026-12-31", BAD_DATE),
    ],
)
def test_a_bad_period_is_said_plainly(client, bureau_user, start, end, message):
    client.force_login(bureau_user)
    response = client.get(reverse("reports:period"), {"start": start, "end": end})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="period-errors"' in html
    assert 'data-testid="section-1"' not in html
    with translation.override("zh-hans"):
        assert _(message).split("%")[0].split("，")[0][:12] in unescape(html)
    assert "<script>alert(1)</script>" not in html


def test_the_exports_draw_the_chosen_period(client, bureau_user, monkeypatch, data):
    drawn = []
    monkeypatch.setattr(analysis, "render_pdf", lambda document: drawn.append(document) or b"%PDF-1.7 fake")
    monkeypatch.setattr(analysis, "render_xlsx", lambda document: drawn.append(document) or b"PK fake")
    client.force_login(bureau_user)
    query = {"start": "2026-01-01", "end": "2026-06-30"}
    pdf = client.get(reverse("reports:period_pdf"), query)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == b"%PDF-1.7 fake"
    assert 'filename="report-2026-01-01-2026-06-30-draft.pdf"' in pdf["Content-Disposition"]
    xlsx = client.get(reverse("reports:period_xlsx"), query)
    assert xlsx.status_code == 200
    assert xlsx.content == b"PK fake"
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    assert len(drawn) == 2
    for document in drawn:
        assert document.period["start"] == "2026-01-01"
        assert document.period["end"] == "2026-06-30"
        assert [s["number"] for s in document.sections] == [1, 2, 3, 4, 5]
        assert (document.work_done, document.version) == ("", None)
    # Without a period: the form. With a bad one: the form and its message, nothing drawn.
    assert client.get(reverse("reports:period_pdf")).url == reverse("reports:period")
    bad = client.get(reverse("reports:period_xlsx"), {"start": "2026-06-30", "end": "2026-01-01"})
    assert bad.status_code == 200
    assert 'data-testid="period-errors"' in bad.content.decode()
    assert len(drawn) == 2


@pytest.mark.parametrize("role", ["enterprise_user", "training_centre_user", "inspector_user"])
def test_other_roles_get_404(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for name in URLS:
        assert client.get(reverse(name), {"start": "2026-01-01", "end": "2026-06-30"}).status_code == 404, (
            name
        )


def test_a_visitor_is_sent_to_sign_in(client):
    for name in URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert "login" in response.url, name
