"""Section 3: registration certificates in force at the end of the period, what changed in it, and the
employers taking part. Grouped queries only.

In force on a day: issued on or before it, valid on it (valid_from ≤ day ≤ valid_until), and not ended
by then (no end date, or ended after it). A suspended certificate is still registered and counts here;
section 5 counts the suspensions. A certificate with several projects counts once per project in the
project table and once in its category.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from exams.models import MetrologyCategory, MetrologyProject
from people.models import Employer, Prefecture
from registry.models import Application, RegistrationCertificate
from registry.workflow import ApplicationKind, CertificateState

from .applications import ApplicationPass, _levels, application_pass
from .common import Period, by_level, chart, column_sums, section, suppress_small, table

CHANGE_KINDS = (
    ApplicationKind.CHANGE_SPECIALTY,
    ApplicationKind.CHANGE_EMPLOYER_NAME,
    ApplicationKind.CHANGE_EMPLOYER,
)


def in_force_on(day) -> Q:
    # A suspension stores its start in `ended_on` too, but the registration is not ended by it: a
    # certificate still suspended counts (a reinstated one has no end date again).
    return Q(issued_on__lte=day, valid_from__lte=day, valid_until__gte=day) & (
        Q(ended_on__isnull=True) | Q(ended_on__gt=day) | Q(state=CertificateState.SUSPENDED)
    )


def certificates_section(period: Period, counts: ApplicationPass | None = None) -> dict[str, Any]:
    levels = _levels()
    level_names = [label for _v, label in levels]
    day = period.as_of
    in_force = RegistrationCertificate.objects.filter(in_force_on(day))

    # By prefecture (of the employer the certificate names) and level; small counts of people hidden.
    # Grouped by employer too, so that the same pass says which employers hold a certificate in force.
    cells: Counter[tuple[str, int]] = Counter()
    holders: dict[str, set[int]] = {}
    for prefecture, employer_id, level, n in (
        in_force.values_list("employer__prefecture", "employer_id", "level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        cells[prefecture, level] += n
        holders.setdefault(prefecture, set()).add(employer_id)
    prefectures = [(str(v), str(label)) for v, label in Prefecture.choices]
    known = {v for v, _l in prefectures}
    prefectures += sorted({(p, p) for p, _lv in cells if p not in known})
    rows = [
        [label, *(cells[p, lv] for lv, _l in levels), sum(cells[p, lv] for lv, _l in levels)]
        for p, label in prefectures
    ]
    totals = column_sums(rows, len(levels) + 2)
    chart_rows = [list(r) for r in rows]
    suppress_small(rows, range(1, len(levels) + 2))
    by_prefecture = table(
        "in_force_by_prefecture",
        _("Certificates in force on %(day)s, by prefecture and level") % {"day": day.isoformat()},
        [_("Prefecture"), *level_names, _("Total")],
        [(p, row) for (p, _l), row in zip(prefectures, rows, strict=True)],
        total=[_("Total"), *totals[1:]],
    )
    prefecture_chart = chart(
        "in_force_by_prefecture",
        _("Certificates in force, by prefecture"),
        "stacked",
        [row[0] for row in chart_rows],
        [
            (
                name,
                [
                    row[1 + i] if not isinstance(rows[j][1 + i], str) else None
                    for j, row in enumerate(chart_rows)
                ],
            )
            for i, name in enumerate(level_names)
        ],
    )

    # By category (JJF 1022) and project: through the certificates' projects.
    through = RegistrationCertificate.projects.through.objects.filter(
        registrationcertificate__in=in_force.values("pk")
    )
    by_project = dict(
        through.values_list("metrologyproject_id").annotate(n=Count("registrationcertificate_id")).order_by()
    )
    by_category = dict(
        through.values_list("metrologyproject__category_id")
        .annotate(n=Count("registrationcertificate_id", distinct=True))
        .order_by()
    )
    categories = list(MetrologyCategory.objects.order_by("code").values_list("pk", "code", "name"))
    category_table = table(
        "in_force_by_category",
        _("Certificates in force, by metrology category"),
        [_("Code"), _("Metrology category"), _("Certificates")],
        [(code, [code, name, by_category.get(pk, 0)]) for pk, code, name in categories],
    )
    projects = (
        MetrologyProject.objects.filter(pk__in=list(by_project))
        .order_by("code")
        .values_list("pk", "code", "name", "category__name")
    )
    project_table = table(
        "in_force_by_project",
        _("Certificates in force, by metrology project"),
        [_("Code"), _("Metrology project"), _("Metrology category"), _("Certificates")],
        [(code, [code, name, category, by_project[pk]]) for pk, code, name, category in projects],
    )
    category_chart = chart(
        "in_force_by_category",
        _("Certificates in force, by metrology category"),
        "hbar",
        [f"{code} {name}" for _pk, code, name in categories],
        [(_("Certificates"), [by_category.get(pk, 0) for pk, _c, _n in categories])],
    )

    # What happened to certificates in the period, by level. Those issued, by the kind of application
    # that issued them, come from section 1's pass over the applications (one certificate per issued
    # application but a cancellation); those ended, from one pass over the certificates.
    counts = counts or application_pass(period)
    issued_kinds = {
        "new": (ApplicationKind.INITIAL,),
        "changed": CHANGE_KINDS,
        "renewed": (ApplicationKind.RENEWAL,),
    }
    ended = Q(ended_on__range=period.range)
    endings = [
        ("cancelled", _("Cancelled"), ended & Q(state=CertificateState.CANCELLED)),
        # Expired on its last valid day, not on the (later) day the nightly sweep noticed it.
        ("expired", _("Expired"), Q(state=CertificateState.EXPIRED, valid_until__range=period.range)),
        ("revoked", _("Revoked"), ended & Q(state=CertificateState.REVOKED)),
        ("lapsed", _("Lapsed"), ended & Q(state=CertificateState.LAPSED)),
    ]
    ended_counts = {
        row[0]: row[1:]
        for row in RegistrationCertificate.objects.filter(
            ended | Q(state=CertificateState.EXPIRED, valid_until__range=period.range)
        )
        .values_list("level")
        .annotate(**{key: Count("id", filter=condition) for key, _l, condition in endings})
        .order_by()
    }
    labels = {
        "new": _("Newly registered"),
        "changed": _("Changed (new certificate after a change)"),
        "renewed": _("Renewed"),
    }
    counted = {
        level: [
            *(sum(counts.issued[str(kind), level] for kind in kinds) for kinds in issued_kinds.values()),
            *ended_counts.get(level, (0,) * len(endings)),
        ]
        for level, _l in levels
    }
    change_table, change_chart = by_level(
        "changes",
        _("Certificates issued and ended in the period, by level"),
        _("Certificates issued and ended in the period"),
        _("Change"),
        levels,
        [(key, labels[key]) for key in issued_kinds] + [(key, label) for key, label, _c in endings],
        counted,
    )

    # Employers taking part, by prefecture: with a certificate in force at the end, or an application
    # received in the period. Employers are not people: their counts are shown whatever their size.
    # Counted over the employers (a semi-join on the ids) rather than COUNT(DISTINCT) over the joined
    # rows: the same numbers, without sorting every certificate or application of the period.
    def employers_of(rows) -> dict[str, int]:
        return dict(
            Employer.objects.filter(pk__in=rows.values("employer_id"))
            .values_list("prefecture")
            .annotate(n=Count("id"))
            .order_by()
        )

    holding = {prefecture: len(ids) for prefecture, ids in holders.items()}
    applying = employers_of(Application.objects.filter(received_on__range=period.range))
    employer_rows = [(p, [label, holding.get(p, 0), applying.get(p, 0)]) for p, label in prefectures]
    employer_totals = [_("Total"), sum(holding.values()), sum(applying.values())]
    employer_table = table(
        "employers",
        _("Employers taking part, by prefecture"),
        [_("Prefecture"), _("With certificates in force"), _("Applied in the period")],
        employer_rows,
        total=employer_totals,
    )
    return section(
        "certificates",
        3,
        _("Registration certificates"),
        tables=[by_prefecture, category_table, project_table, change_table, employer_table],
        charts=[prefecture_chart, category_chart, change_chart],
        notes=[
            _(
                "In force: valid on %(day)s and not ended by then; a suspended registration still counts. "
                "A certificate counts once in each of its projects and once in its category."
            )
            % {"day": day.isoformat()},
            _(
                "A count of fewer than 3 people in a prefecture is shown "
                "as <3 (and one more where the total would reveal it)."
            ),
        ],
    )
