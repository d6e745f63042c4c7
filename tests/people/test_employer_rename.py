"""An employer's change of name (执业单位更名) goes through `people.services.employer_rename` only."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import Employer, EmployerNameChange
from people.services import employer_rename
from tests.factories import EmployerFactory

TODAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_a_rename_keeps_the_old_name_in_the_history_takes_the_new_one_and_is_recorded(association_user):
    employer = EmployerFactory(name="哈尔滨甲仪表厂")

    change = employer_rename(
        employer=employer,
        new_name="  哈尔滨甲仪表 有限公司 ",
        changed_on=dt.date(2026, 11, 1),
        by=association_user,
    )

    employer.refresh_from_db()
    assert employer.name == "哈尔滨甲仪表 有限公司"
    assert (change.old_name, change.new_name, change.changed_on) == (
        "哈尔滨甲仪表厂",
        "哈尔滨甲仪表 有限公司",
        dt.date(2026, 11, 1),
    )
    event = AuditEvent.objects.get(action=Action.EMPLOYER_RENAMED)
    assert (event.actor, event.target_type, event.target_id) == (
        association_user,
        "people.employer",
        str(employer.pk),
    )
    assert event.detail == {
        "old": "哈尔滨甲仪表厂",
        "new": "哈尔滨甲仪表 有限公司",
        "changed_on": "2026-11-01",
    }


@pytest.mark.parametrize(
    ("new_name", "changed_on", "field"),
    [
        ("哈尔滨甲仪表厂", dt.date(2026, 11, 1), "new_name"),  # the same name
        ("   ", dt.date(2026, 11, 1), "new_name"),
        ("", dt.date(2026, 11, 1), "new_name"),
        ("哈尔滨\u202e乙厂", dt.date(2026, 11, 1), "new_name"),  # a bidi override
        ("甲" * 201, dt.date(2026, 11, 1), "new_name"),
        ("哈尔滨乙厂", dt.date(2026, 11, 27), "changed_on"),  # tomorrow
        ("哈尔滨乙厂", dt.date(2026, 5, 31), "changed_on"),  # before the last recorded change
    ],
)
def test_a_wrong_rename_says_why_in_chinese_and_changes_nothing(
    association_user, new_name, changed_on, field
):
    employer = EmployerFactory(name="哈尔滨甲仪表厂")
    EmployerNameChange.objects.create(
        employer=employer, old_name="哈尔滨甲厂", new_name="哈尔滨甲仪表厂", changed_on=dt.date(2026, 6, 1)
    )

    with pytest.raises(ValidationError) as raised:
        employer_rename(employer=employer, new_name=new_name, changed_on=changed_on, by=association_user)

    assert field in raised.value.message_dict
    assert all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in raised.value.message_dict[field])
    employer.refresh_from_db()
    assert employer.name == "哈尔滨甲仪表厂"
    assert employer.name_changes.count() == 1
    assert not AuditEvent.objects.filter(action=Action.EMPLOYER_RENAMED).exists()


def test_staff_rename_on_the_employer_page_and_cannot_type_the_name_or_the_history_by_hand(
    client, association_user
):
    employer = EmployerFactory(name="哈尔滨甲仪表厂")
    client.force_login(association_user)
    change_url = reverse("admin:people_employer_change", args=[employer.pk])

    page = client.get(change_url).content.decode()
    assert reverse("admin:people_employer_rename", args=[employer.pk]) in page
    assert 'name="name"' not in page  # read-only once the employer exists

    url = reverse("admin:people_employer_rename", args=[employer.pk])
    form = client.get(url).content.decode()
    assert 'type="date"' in form
    assert 'value="2026-11-26"' in form  # today, in the form a date input reads
    refused = client.post(url, {"new_name": "哈尔滨甲仪表厂", "changed_on": "2026-11-01"})
    assert refused.status_code == 200
    assert "新名称与现名称相同" in refused.content.decode()

    done = client.post(url, {"new_name": "哈尔滨乙仪表有限公司", "changed_on": "2026-11-01"})
    assert done.status_code == 302
    assert Employer.objects.get(pk=employer.pk).name == "哈尔滨乙仪表有限公司"
    page = client.get(change_url).content.decode()
    assert "哈尔滨甲仪表厂" in page  # the history shows the old name, and cannot be edited there
    assert 'name="name_changes-0-old_name"' not in page


def test_the_training_centre_may_see_employers_but_not_rename_them(client, training_centre_user):
    employer = EmployerFactory(name="哈尔滨甲仪表厂")
    client.force_login(training_centre_user)
    url = reverse("admin:people_employer_rename", args=[employer.pk])

    assert client.post(url, {"new_name": "别的名字", "changed_on": "2026-11-01"}).status_code == 403
    assert Employer.objects.get(pk=employer.pk).name == "哈尔滨甲仪表厂"
