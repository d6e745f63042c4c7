"""Figure 2: the association's review queue (the real admin changelist), beside a plain ModelAdmin.

Both pages are requested through Django's test client as an association user, on the same generated data
(bench.generate; made here if the database does not hold exactly N generated applications): the default
view, the overdue deadline filter, a search for a person's name, and sorting by the due date (urgency).
Each is requested warmup + REPEAT times; the figure is the median, with the 95th percentile and the
queries of one request in the details. The baseline (bench/baseline_admin.py) has the same columns and
search fields, 50 rows a page, and no query tuning.
"""

import datetime as dt

from django.utils import timezone

from bench.harness import Figure, measure

REPEAT = 15
BASELINE_REPEAT = 5
QUERY_LIMIT = 15
MEDIAN_LIMIT_MS = 300


def _views(today: dt.date) -> list[tuple[str, str, str]]:
    """(name, our query string, the baseline's query string for the same question)."""
    from bench.synthetic import person_name

    name = person_name(4242)
    return [
        ("default view", "", ""),
        ("overdue filter", "?deadline=overdue", f"?current_due_on__lt={today.isoformat()}"),
        ("search by name", f"?q={name}", f"?q={name}"),
        ("sort by urgency", "?o=9", "?o=8"),  # the due-date column, ascending, in each list_display
    ]


def _ensure_data(applications: int) -> None:
    from bench.generate import generate, generated_applications, remove_generated

    if generated_applications() != applications:
        remove_generated()
        generate(applications=applications)


def _association_user():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role, sync_roles

    user, _ = User.objects.get_or_create(username="bench-association", defaults={"is_staff": True})
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if not Group.objects.filter(name=str(Role.ASSOCIATION)).exists():
        sync_roles()
    user.groups.add(Group.objects.get(name=str(Role.ASSOCIATION)))
    return user


def _signed_in(user):
    """A client signed in as `user` with the second factor passed, as after the code page: staff must give
    one (accounts/two_factor.py), and force_login alone lands on the enrolment page (302)."""
    import django_otp
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def verified(sender, request, user, **kwargs):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        request.user = user
        django_otp.login(request, device)

    client = Client()
    user_logged_in.connect(verified, dispatch_uid="bench.review_queue")
    try:
        client.force_login(user)
    finally:
        user_logged_in.disconnect(dispatch_uid="bench.review_queue")
    return client


def run(*, applications: int = 100_000, repeat: int = REPEAT, baseline_repeat: int = BASELINE_REPEAT):
    from django.db import connection

    from workdays import working_days

    _ensure_data(applications)
    client = _signed_in(_association_user())
    working_days.add_working_days(timezone.localdate(), 1)  # a running process has its calendar loaded
    figures = []
    large_pg = connection.vendor == "postgresql" and applications >= 1_000_000

    def get(url: str):
        def request():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return response

        return request

    for name, ours_qs, base_qs in _views(timezone.localdate()):
        mine = measure(get("/admin/registry/application/" + ours_qs), repeat=repeat)
        base = measure(get("/bench-baseline/registry/application/" + base_qs), repeat=baseline_repeat)
        ratio = base.median / mine.median
        met = mine.queries is not None and mine.queries <= QUERY_LIMIT and ratio >= 3
        if large_pg:
            met = met and mine.median * 1000 <= MEDIAN_LIMIT_MS
        figures.append(
            Figure(
                key=f"review_queue_{name.replace(' ', '_')}",
                title=f"2. review queue, {name} ({applications:,}, {connection.vendor})",
                unit="ms",
                ours=mine.median * 1000,
                baseline=base.median * 1000,
                target=f"≤ {QUERY_LIMIT} queries, ≥ 3x"
                + (f", median ≤ {MEDIAN_LIMIT_MS} ms" if large_pg else " (300 ms: at 1M on PG)"),
                met=met,
                details={
                    "applications": applications,
                    "p95_ms": mine.p95 * 1000,
                    "baseline_p95_ms": base.p95 * 1000,
                    "queries": mine.queries,
                    "baseline_queries": base.queries,
                    "url": "/admin/registry/application/" + ours_qs,
                },
            )
        )
    return figures
