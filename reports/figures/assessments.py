"""Section 4: the training centre's assessments (专业项目考核) in the period, and the certificates from other
regions recognised. Grouped queries only.

A result counts in the period of its session. Pass marks are the pilot plan's (exams.rules): operational
skill at least 70, knowledge at least 60, and a project is passed with both.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from exams import rules
from exams.models import AssessmentCertificate, AssessmentResult, AssessmentSession, RecognisedCertificate

from .common import Period, chart, percent, section, table


def assessments_section(period: Period) -> dict[str, Any]:
    sessions = AssessmentSession.objects.filter(held_on__range=period.range)
    results = AssessmentResult.objects.filter(session__held_on__range=period.range)
    counts = {
        "skill": Count("id", filter=Q(skill_score__gte=rules.SKILL_PASS_MARK)),
        "knowledge": Count("id", filter=Q(knowledge_score__gte=rules.KNOWLEDGE_PASS_MARK)),
        "both": Count("id", filter=Q(passed=True)),
    }
    summary = results.aggregate(n=Count("id"), candidates=Count("person_id", distinct=True), **counts)
    session_count = sessions.count()
    certificates = AssessmentCertificate.objects.filter(issued_on__range=period.range)
    certificate_counts = certificates.aggregate(
        n=Count("id"), revoked=Count("id", filter=Q(revoked_at__isnull=False))
    )
    overview = table(
        "overview",
        _("Assessments in the period"),
        [_("Figure"), _("Number")],
        [
            ("sessions", [_("Assessment sessions held"), session_count]),
            ("candidates", [_("Candidates (people assessed)"), summary["candidates"]]),
            ("results", [_("Project results recorded"), summary["n"]]),
            ("skill", [_("Operational skill passed (%)"), percent(summary["skill"], summary["n"])]),
            ("knowledge", [_("Knowledge passed (%)"), percent(summary["knowledge"], summary["n"])]),
            ("both", [_("Project passed, both parts (%)"), percent(summary["both"], summary["n"])]),
            ("certificates", [_("Assessment certificates issued"), certificate_counts["n"]]),
            ("certificates_revoked", [_("of which since revoked"), certificate_counts["revoked"]]),
        ],
    )
    by_project = list(
        results.values_list(
            "project__category__code", "project__category__name", "project__code", "project__name"
        )
        .annotate(n=Count("id"), **counts)
        .order_by("project__category__code", "project__code")
    )
    project_rows = [
        (
            code,
            [
                f"{category_code} {category}",
                code,
                name,
                n,
                percent(skill, n),
                percent(knowledge, n),
                percent(both, n),
            ],
        )
        for category_code, category, code, name, n, skill, knowledge, both in by_project
    ]
    by_category: dict[str, list[int]] = {}
    for category_code, category, _code, _name, n, skill, knowledge, both in by_project:
        sums = by_category.setdefault(f"{category_code} {category}", [0, 0, 0, 0])
        for i, value in enumerate((n, skill, knowledge, both)):
            sums[i] += value
    category_rows = [
        (label, [label, n, percent(skill, n), percent(knowledge, n), percent(both, n)])
        for label, (n, skill, knowledge, both) in by_category.items()
    ]
    rate_columns = [_("Results"), _("Skill passed (%)"), _("Knowledge passed (%)"), _("Both passed (%)")]
    category_table = table(
        "by_category",
        _("Pass rates by metrology category"),
        [_("Metrology category"), *rate_columns],
        category_rows,
    )
    project_table = table(
        "by_project",
        _("Pass rates by metrology project"),
        [_("Metrology category"), _("Code"), _("Metrology project"), *rate_columns],
        project_rows,
    )
    rates_chart = chart(
        "pass_rates",
        _("Pass rates by metrology category"),
        "bar",
        [cells[0] for _k, cells in category_rows],
        [
            (_("Skill passed (%)"), [cells[2] for _k, cells in category_rows]),
            (_("Knowledge passed (%)"), [cells[3] for _k, cells in category_rows]),
            (_("Both passed (%)"), [cells[4] for _k, cells in category_rows]),
        ],
        unit="%",
    )

    # Certificates from the Yangtze River Delta regions: recorded in the period, and recognised (checked).
    recorded = dict(
        RecognisedCertificate.objects.filter(created_at__date__range=period.range)
        .values_list("region")
        .annotate(n=Count("id"))
        .order_by()
    )
    recognised = dict(
        RecognisedCertificate.objects.filter(checked_at__date__range=period.range)
        .values_list("region")
        .annotate(n=Count("id"))
        .order_by()
    )
    regions = [(str(v), str(label)) for v, label in RecognisedCertificate.Region.choices]
    region_rows = [(v, [label, recorded.get(v, 0), recognised.get(v, 0)]) for v, label in regions]
    region_table = table(
        "recognised",
        _("Certificates from other regions"),
        [_("Issuing region"), _("Recorded"), _("Recognised after checking")],
        region_rows,
        total=[_("Total"), sum(recorded.values()), sum(recognised.values())],
    )
    region_chart = chart(
        "recognised",
        _("Certificates from other regions"),
        "bar",
        [cells[0] for _k, cells in region_rows],
        [
            (_("Recorded"), [c[1] for _k, c in region_rows]),
            (_("Recognised after checking"), [c[2] for _k, c in region_rows]),
        ],
    )
    empty = ""
    if not summary["n"] and not session_count and not any(recorded.values()) and not certificate_counts["n"]:
        empty = _("No assessment was held and no certificate recorded in this period.")
    return section(
        "assessments",
        4,
        _("Assessments by the training centre"),
        tables=[overview, category_table, project_table, region_table],
        charts=[rates_chart, region_chart],
        notes=[
            _(
                "Pass marks: operational skill at least %(skill)s, "
                "knowledge at least %(knowledge)s; a project is "
                "passed with both. Rates are of the project results recorded."
            )
            % {"skill": rules.SKILL_PASS_MARK, "knowledge": rules.KNOWLEDGE_PASS_MARK}
        ],
        empty=empty,
    )
