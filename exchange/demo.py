"""The demo's exchange partner (a step of `python manage.py seed_demo`), written through the real services.

A partner region's registry (上海市计量协会注册平台) holding all three scopes and one key. The key is
printed once on the console, so that a newcomer can try the API at once (docs/partner-api.md); seed_demo
runs only with DEBUG on. Three submissions wait in Admin → 报送的证书: one for a person on record under
the same name (it can be accepted), one for someone not on record (the page says why it cannot be
accepted yet), and one already rejected with its reason, which the partner reads through the API.
Idempotent: nothing is written when the partner exists.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from exams.models import MetrologyProject
from people.models import Person
from people.validators import resident_id_check_character

from .models import Partner, Scope
from .services import api_key_issue, inbound_clean, inbound_reject, inbound_submit

PARTNER = "上海市计量协会注册平台"
AUTHORITY = "上海市市场监督管理局"


@transaction.atomic
def seed_exchange(sender: object = None, **kwargs: object) -> str:
    """Write the demo's partner once; a summary for the console (with the key, the one time it is shown).
    Takes a signal's arguments, so it can be connected to registry.signals.demo_seeded as it is."""
    if Partner.objects.filter(name=PARTNER).exists():
        return "Exchange API: already seeded (the demo key was shown when it was issued)."
    staff = User.objects.get(username="xiehui")
    partner = Partner.objects.create(
        name=PARTNER,
        kind=Partner.Kind.REGION,
        region="shanghai",
        contact="数据交换联系人 021-0000 0000",
        scopes=[Scope.VERIFY_READ, Scope.SYNC_READ, Scope.RECOGNITION_WRITE],
        created_by=staff,
    )
    _key, secret = api_key_issue(
        partner=partner, label="演示", expires_at=timezone.now() + dt.timedelta(days=365), by=staff
    )
    # The registry's demo (run before this step) has people, and the catalogue comes with the migrations.
    codes = [MetrologyProject.objects.order_by("code").values_list("code", flat=True)[0]]
    holder = Person.objects.order_by("pk")[0]
    stranger = "31010119850312003"
    stranger += resident_id_check_character(stranger)
    today = timezone.localdate()
    submissions = [
        ("SH-DEMO-0001", holder.name, holder.id_number),
        ("SH-DEMO-0002", "陈思远", stranger),
        ("SH-DEMO-0003", "陈思远", stranger),
    ]
    stored = []
    for index, (reference, name, id_number) in enumerate(submissions, start=1):
        data = inbound_clean(
            reference=reference,
            kind="assessment",
            holder_name=name,
            holder_id_number=id_number,
            number=f"SHKH-{today.year - 1}-{index:05d}",  # issued last year, as issued_on says
            issuing_authority=AUTHORITY,
            region="shanghai",
            issued_on=dt.date(today.year - 1, 6, 30),
            valid_until=None,
            projects=codes,
            today=today,
        )
        stored.append(inbound_submit(partner=partner, data=data)[0])
    inbound_reject(inbound=stored[2], reason="该证书编号在上海市平台查无记录，请核对后重新报送。", by=staff)
    base = settings.SITE_URL.rstrip("/")
    return (
        f"Exchange API: partner {PARTNER} with key {secret} (shown only now); try "
        f'curl -H "Authorization: Bearer {secret}" {base}/api/v1/registrations/changes — '
        "3 submissions in Admin → 报送的证书 (2 pending, 1 rejected); guide: docs/partner-api.md."
    )
