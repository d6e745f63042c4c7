"""The security auditor's pages: filters, links to the records, the detail in Chinese, a CSV export of the
filtered list that is itself recorded, and a list that costs the same queries for 3 or 20 events of each
kind."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit.models import Action, AuditEvent
from audit.services import audit_log
from people.models import Person
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:audit_auditevent_changelist")
EXPORT = reverse("admin:audit_auditevent_export")


@pytest.fixture
def auditor(client):
    client.force_login(UserFactory(username="shenji", role=Role.AUDITOR))
    return client


def some_events(count: int, actor) -> None:
    """`count` events of each of several kinds, with and without targets and people."""
    for i in range(count):
        person = PersonFactory()
        audit_log(
            action=Action.RECORD_CHANGED,
            actor=actor,
            target=person,
            detail={"operation": "changed", "fields": ["phone"]},
        )
        audit_log(
            action=Action.RESULT_CORRECTED,
            actor=actor,
            target=person,
            detail={
                "old": {"skill": "85.0", "knowledge": "75.5", "passed": True},
                "new": {"skill": "65", "knowledge": "75.5", "passed": False},
                "reason": "录入有误",
                "certificate": None,
            },
        )
        audit_log(action=Action.DOWNLOADED, actor=actor, target=person, detail={"file": "certificate_pdf"})
        audit_log(
            action=Action.CALENDAR_CHANGED,
            system=True,
            target_label="2027",
            detail={
                "change": "year_status",
                "year": 2027,
                "old": "provisional",
                "new": "official",
                "days_changed": 3,
            },
        )
        audit_log(action=Action.LOGIN_FAILED, actor_label=f"nobody{i}")


def test_the_list_runs_in_constant_queries(auditor, workday_calendar):
    actor = UserFactory()

    def queries(count: int) -> int:
        some_events(count, actor)
        with CaptureQueriesContext(connection) as captured:
            assert auditor.get(LIST).status_code == 200
        return len(captured.captured_queries)

    assert queries(3) == queries(20)


def test_the_detail_reads_in_chinese_not_json(auditor):
    some_events(1, UserFactory())

    listing = auditor.get(LIST).content.decode()
    assert "字段：手机号码" in listing
    assert "操作技能成绩：85.0 → 65" in listing
    assert "是否合格：是 → 否" in listing
    assert "文件：注册证 PDF 文件" in listing
    assert "变更前：暂定；变更后：正式；工作状态变化的日期：3" in listing
    assert '{"' not in listing
    assert "'operation'" not in listing

    correction = AuditEvent.objects.get(action=Action.RESULT_CORRECTED)
    page = auditor.get(reverse("admin:audit_auditevent_change", args=[correction.pk])).content.decode()
    assert "<dt>操作技能成绩</dt><dd>85.0 → 65</dd>" in page
    assert "<dt>理由</dt><dd>录入有误</dd>" in page


def test_records_link_to_their_page_when_the_reader_may_see_it_and_always_to_their_events(client):
    person = PersonFactory()
    audit_log(
        action=Action.RECORD_CHANGED, target=person, detail={"operation": "changed", "fields": ["name"]}
    )
    person_url = reverse("admin:people_person_change", args=[person.pk])
    events_link = f"?record=people.person:{person.pk}"

    client.force_login(UserFactory(role=Role.AUDITOR))
    as_auditor = client.get(LIST).content.decode()
    assert events_link in as_auditor
    assert person_url not in as_auditor  # the auditor reads the trail, not the people

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert person_url in client.get(LIST).content.decode()


def _shown(client, query: str) -> set[int]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return {event.pk for event in response.context["cl"].result_list}


def test_filters_by_action_date_account_record_type_and_record(auditor):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    person, other = PersonFactory(), PersonFactory()
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        march = audit_log(action=Action.DOWNLOADED, actor=alice, target=person)
    with time_machine.travel(dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC), tick=False):
        april = audit_log(action=Action.RECORD_CHANGED, actor=bob, target=other)
        failed = audit_log(action=Action.LOGIN_FAILED, actor_label="mallory")

    assert _shown(auditor, "?action__exact=downloaded") == {march.pk}
    assert _shown(auditor, "?from=2026-04-01&to=2026-04-30") == {april.pk, failed.pk}
    assert _shown(auditor, "?to=2026-03-10") == {march.pk}
    assert _shown(auditor, "?account=mallory") == {failed.pk}
    assert _shown(auditor, "?account=bob&from=2026-04-01") == {april.pk}
    assert _shown(auditor, "?record_type=people.person") == {march.pk, april.pk}
    assert _shown(auditor, f"?record=people.person:{person.pk}") == {march.pk}


@pytest.mark.parametrize("query", ["?from=2026-13-45", "?to=yesterday"])
def test_a_bad_date_gives_a_chinese_message_not_an_error(auditor, query):
    audit_log(action=Action.LOGIN_FAILED, actor_label="x")
    response = auditor.get(LIST + query)
    assert response.status_code == 200
    assert "不是有效日期" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["?from=%00", "?record=%00:%00", "?account=%00", "?q=%00", "?action__exact=%00", "?record_type=%00"],
)
@pytest.mark.parametrize("url", [LIST, EXPORT])
def test_a_nul_character_in_a_filter_gives_a_chinese_message_not_an_error(auditor, query, url):
    audit_log(action=Action.LOGIN_FAILED, actor_label="x")
    response = auditor.get(url + query, follow=True)
    assert response.status_code == 200
    assert "无效字符" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORTED).exists()


@pytest.mark.parametrize("query", ["?record_type=nonsense", "?action__exact=nonsense", "?record=a:b:c"])
def test_unknown_filter_values_find_nothing_and_do_not_fail(auditor, query):
    audit_log(action=Action.LOGIN_FAILED, actor_label="x")
    assert _shown(auditor, query) == set()


def test_the_csv_export_has_the_filtered_rows_escaped_and_is_itself_recorded(auditor):
    person = PersonFactory()
    audit_log(action=Action.DOWNLOADED, target=person, target_label='=HYPERLINK("http://x")')
    audit_log(action=Action.DOWNLOADED, target=person, target_label=" \n=1+1")
    audit_log(action=Action.LOGIN_FAILED, actor_label="nobody")

    response = auditor.get(EXPORT + "?action__exact=downloaded")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["时间", "操作", "账号"]
    assert [r[1] for r in rows[1:]] == ["下载文件", "下载文件"]
    assert {r[7] for r in rows[1:]} == {'\'=HYPERLINK("http://x")', "' \n=1+1"}
    export = AuditEvent.objects.get(action=Action.EXPORTED)
    assert export.actor.username == "shenji"
    assert export.detail["rows"] == 2
    assert export.detail["filters"] == {"action__exact": "downloaded"}


def test_the_export_link_carries_the_lists_filters(auditor):
    page = auditor.get(LIST + "?action__exact=downloaded").content.decode()
    assert f"{EXPORT}?action__exact=downloaded" in page


def test_only_readers_of_the_trail_may_export(client, association_user):
    client.force_login(association_user)
    assert client.get(EXPORT).status_code == 403
    assert client.get(LIST).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORTED).exists()


def test_the_auditor_cannot_change_or_delete_events(auditor):
    event = audit_log(action=Action.LOGIN_FAILED, actor_label="x")
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    auditor.post(url, {"actor_label": "y"})
    assert (
        auditor.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert event.actor_label == "x"


def test_the_list_offers_no_per_choice_counts_over_the_whole_trail(auditor):
    audit_log(action=Action.LOGIN_FAILED, actor_label="x")
    response = auditor.get(LIST + "?_facets=1")
    assert response.status_code == 200
    assert response.context["cl"].add_facets is False


def test_events_stored_before_a_model_moved_app_are_still_its_events(auditor):
    """Person moved from `registry` to `people` keeping its table (docs/decisions/0080-layers.md). Events
    written before the move name `registry.person` and are chained, so never rewritten: the auditor still
    finds them under the person, by record and by record type, and reads the record's kind."""
    from audit.chain import chain_append
    from audit.describe import target_labels, target_model

    person = PersonFactory()
    before = chain_append(
        AuditEvent,
        action=Action.DOWNLOADED,
        actor_label="alice",
        target_type="registry.person",
        target_id=str(person.pk),
        target_label=str(person),
        detail={},
    )
    after = audit_log(action=Action.RECORD_CHANGED, actor_label="bob", target=person)

    assert target_model("registry.person") is Person
    assert target_labels("people.person") == ["people.person", "registry.person"]
    assert target_labels("registry.application") == ["registry.application"]
    assert target_model("registry.nosuchmodel") is None
    assert _shown(auditor, f"?record=people.person:{person.pk}") == {before.pk, after.pk}
    assert _shown(auditor, "?record_type=people.person") == {before.pk, after.pk}
    assert "人员" in auditor.get(LIST + f"?record=registry.person:{person.pk}").content.decode()
