"""seed_demo holds a year of continuing education: compliant and short holders, hours awaiting
confirmation and one rejection with its reason; running it twice changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from training.demo import DEMO_REJECTION_REASON
from training.models import Activity, Participation, ParticipationState
from training.selectors import yearly_compliance

pytestmark = pytest.mark.django_db


def test_the_demo_year_shows_compliant_and_short_holders_and_seeding_twice_adds_nothing():
    call_command("seed_demo", force=True)
    counts = (Activity.objects.count(), Participation.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo", force=True)
    assert (Activity.objects.count(), Participation.objects.count(), AuditEvent.objects.count()) == counts

    rows = {r.person_name: r for r in yearly_compliance(years=[timezone.localdate().year])}
    assert {name for name, r in rows.items() if r.complies} == {"郑立新", "徐红梅"}
    assert {name for name, r in rows.items() if not r.complies} == {"王建国", "黄海涛"}
    # 王建国 lacks hours (his await confirmation); 黄海涛 has them but too few professional.
    assert rows["王建国"].pending
    assert not rows["王建国"].total
    assert rows["黄海涛"].total >= rows["黄海涛"].required
    assert rows["黄海涛"].shortfall.professional == rows["黄海涛"].shortfall.hours > 0

    states = list(Participation.objects.values_list("state", "rejection_reason"))
    assert states.count((ParticipationState.REJECTED, DEMO_REJECTION_REASON)) == 1
    assert sum(1 for s, _r in states if s == ParticipationState.RECORDED) >= 2
    # The employer's clerk recorded some entries itself (with evidence), the association the rest.
    assert Participation.objects.filter(employer__isnull=False).exclude(evidence="").exists()
    assert Activity.objects.filter(employer__isnull=True).exists()
    for activity in Activity.objects.all():
        activity.full_clean()
