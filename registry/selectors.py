"""Read queries of the registry. Every query an enterprise user triggers is scoped to its employer here."""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from exams.models import MetrologyProject
from people.models import Employer, Person
from people.models.person import resident_id_digest
from people.validators import mask_resident_id, resident_id_check_character, uscc_check_character
from registry.elicence import elicence_identifier
from registry.eligibility import certificates_in_force
from registry.models import (
    Application,
    AuditEntry,
    Batch,
    CertificateChange,
    DecisionDocument,
    Material,
    RegistrationCertificate,
)
from registry.verification import holder_name_matches, verification_token_is_well_formed
from registry.workflow import OPEN_DEADLINE_FIELD

from .materials import MaterialKind, missing_materials


def applications_missing_materials(*, applications: Iterable[Application]) -> dict[int, dict[str, int]]:
    """{application id: {material kind: how many more needed}} for many applications, in two queries:
    the materials counted by kind (and, for assessment-certificate copies, by project), and the projects
    applied for, each of which needs its own copy (registry.materials.missing_materials)."""
    applications = list(applications)
    ids = [a.pk for a in applications]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    copies: dict[int, dict[int | None, int]] = defaultdict(dict)
    rows = (
        Material.objects.filter(application__in=ids)
        .values_list("application_id", "kind", "project_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for application_id, kind, project_id, n in rows:
        counts[application_id][kind] = counts[application_id].get(kind, 0) + n
        if kind == MaterialKind.ASSESSMENT_CERTIFICATE:
            copies[application_id][project_id] = n
    projects: dict[int, dict[int, str]] = defaultdict(dict)
    applied = (
        Application.projects.through.objects.filter(application_id__in=ids)
        .order_by("metrologyproject__code")
        .values_list(
            "application_id", "metrologyproject_id", "metrologyproject__code", "metrologyproject__name"
        )
    )
    for application_id, project_id, code, name in applied:
        projects[application_id][project_id] = f"{code} {name}"
    return {
        a.pk: missing_materials(
            a.kind, counts.get(a.pk, {}), projects=projects.get(a.pk), copies=copies.get(a.pk)
        )
        for a in applications
    }


def application_missing_materials(*, application: Application) -> dict[str, int]:
    return applications_missing_materials(applications=[application])[application.pk]


def application_corrections_requested_at(*, application: Application) -> dt.datetime | None:
    """When the one-time correction notice was sent: its audit row's time, else the start of its day."""
    if application.corrections_requested_on is None:
        return None
    at = (
        AuditEntry.objects.filter(application=application, transition="request_corrections")
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    if at is not None:
        return at
    return timezone.make_aware(dt.datetime.combine(application.corrections_requested_on, dt.time.min))


def application_items_not_replaced(*, application: Application) -> list[str]:
    """The material kinds the correction notice lists for which no file was uploaded since the notice
    (an upload or a replacement after it counts), in the notice's order. Two queries."""
    items = [kind for kind in application.correction_items if kind in MaterialKind.values]
    since = application_corrections_requested_at(application=application)
    if not items or since is None:
        return []
    replaced = set(
        Material.objects.filter(application=application, kind__in=items, uploaded_at__gt=since)
        .values_list("kind", flat=True)
        .distinct()
    )
    return [kind for kind in items if kind not in replaced]


def review_queue() -> QuerySet[Application]:
    """Applications for the association's queue, with what every row shows joined in (one query)."""
    return Application.objects.select_related("person", "employer", "target_certificate")


def applications_overdue(*, on: dt.date) -> QuerySet[Application]:
    """Open applications whose current working-day deadline ended before `on` (the stored, indexed
    `current_due_on`; the same rule as the review queue's "overdue" filter and the staff digest)."""
    return Application.objects.filter(state__in=list(OPEN_DEADLINE_FIELD), current_due_on__lt=on)


# --- the enterprise portal: every query below is scoped to one employer -----------------------------------


def employer_batches(*, employer: Employer) -> QuerySet:
    """The employer's batches, newest first, each with its applications counted by stage (one query)."""
    return (
        Batch.objects.filter(employer=employer)
        .annotate(
            total=Count("applications"),
            drafts=Count("applications", filter=Q(applications__state="draft")),
            waiting=Count("applications", filter=Q(applications__state="corrections_requested")),
        )
        .order_by("-created_at", "-id")
    )


def employer_applications(*, employer: Employer) -> QuerySet[Application]:
    return Application.objects.filter(employer=employer).select_related(
        "person", "batch", "target_certificate"
    )


def batch_applications(*, batch: Batch) -> list[Application]:
    """The batch's applications with person, target and projects loaded, each with `.missing` (what
    materials it still lacks) set: four queries whatever their number."""
    applications = list(
        Application.objects.filter(batch=batch, employer_id=batch.employer_id)
        .select_related("person", "target_certificate")
        .prefetch_related("projects")
        .order_by("pk")
    )
    missing = applications_missing_materials(applications=applications)
    for application in applications:
        application.missing = missing[application.pk]  # type: ignore[attr-defined]
    return applications


def employer_materials(*, employer: Employer) -> QuerySet[Material]:
    return Material.objects.filter(application__employer=employer)


def employer_decision_documents(*, employer: Employer) -> QuerySet[DecisionDocument]:
    """The written decisions on the employer's applications: the only ones its portal users may download."""
    return DecisionDocument.objects.filter(application__employer=employer)


def application_decision_documents(*, application: Application) -> QuerySet[DecisionDocument]:
    """An application's written decisions, in the order they were made."""
    return DecisionDocument.objects.filter(application=application).order_by("issued_on", "pk")


def employer_certificates(*, employer: Employer) -> QuerySet[RegistrationCertificate]:
    return RegistrationCertificate.objects.filter(employer=employer).select_related("person")


def employer_valid_certificates(*, employer: Employer, on: dt.date) -> QuerySet[RegistrationCertificate]:
    """The certificates the employer's people hold on day `on`, by name: the certificate holders page.

    In force on the day (registry.eligibility.certificates_in_force): valid by its dates, or past its end
    with a renewal being decided (`renewal_pending` True); a renewal issued early starts on its first day,
    the certificate it renews is listed until then.
    """
    return certificates_in_force(on, among=employer_certificates(employer=employer)).order_by(
        "person__name", "level", "pk"
    )


def application_history(*, application: Application) -> QuerySet:
    return AuditEntry.objects.filter(application=application).select_related("by").order_by("at", "id")


def active_projects_by_category() -> list[tuple[str, list]]:
    """[(category label, [project, ...]), ...] of the active metrology projects, in code order."""
    groups: dict[str, list] = {}
    for project in (
        MetrologyProject.objects.filter(is_active=True)
        .select_related("category")
        .order_by("category__code", "code")
    ):
        groups.setdefault(str(project.category), []).append(project)
    return list(groups.items())


# --- the review queue's search ---------------------------------------------------------------------------
_SEARCH_RESIDENT_ID = re.compile(r"^[0-9]{17}[0-9X]$")
_SEARCH_MASKED_ID = re.compile(r"^([0-9]{4})\*+([0-9]{3}[0-9X])$")
_SEARCH_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_SEARCH_CERTIFICATE = re.compile(r"^HLJ-ZC[12]-[0-9]{4}-[0-9]+$")
_SEARCH_APPLICATION = re.compile(r"^SQ0*([0-9]+)$")


def applications_matching(*, queryset: QuerySet[Application], term: str) -> QuerySet[Application]:
    """The applications a reviewer means by `term`, through ONE indexed lookup chosen by the term's shape.

    ORing a LIKE over six joined columns (the admin's default search) scans every application: seconds at
    1,000,000 rows. A resident ID, a masked ID, a credit code, a certificate or application number each has
    a recognisable shape; anything else is a name, looked up in the people and employers tables first.
    """
    raw = term.strip()
    code = raw.upper()
    if not raw:
        return queryset
    # 18 digits can be either number: each has its own check character, so ask both.
    is_id = bool(_SEARCH_RESIDENT_ID.match(code)) and resident_id_check_character(code[:17]) == code[17]
    is_uscc = bool(_SEARCH_USCC.match(code)) and uscc_check_character(code[:17]) == code[17]
    if is_id and is_uscc:
        return queryset.filter(
            Q(person__in=Person.objects.with_id_number(code).values("pk"))
            | Q(employer__in=Employer.objects.filter(uscc=code).values("pk"))
        )
    if is_id:
        return applications_with_id_digest(queryset=queryset, digest=resident_id_digest(code))
    if is_uscc:
        return queryset.filter(employer__uscc=code)
    if match := _SEARCH_MASKED_ID.match(code):
        head, tail = match.groups()
        return queryset.filter(person__in=Person.objects.with_masked_id(head, tail).values("pk"))
    if _SEARCH_CERTIFICATE.match(code):
        certificates = RegistrationCertificate.objects.filter(number=code)
        return queryset.filter(
            Q(pk__in=certificates.values("application_id"))
            | Q(target_certificate__in=certificates.values("pk"))
        )
    if match := _SEARCH_APPLICATION.match(code):
        return queryset.filter(pk=int(match.group(1)))
    named = Person.objects.filter(name__startswith=raw)
    employers = Employer.objects.filter(name__icontains=raw)
    if _at_most(named, SELECTIVE_NAME_PEOPLE) and _at_most(employers, SELECTIVE_NAME_EMPLOYERS):
        # A name that picks out a few people and employers (a full name, a company's name): their applications
        # through the foreign-key indexes, one union of ids. The planner cannot estimate an OR of two
        # subqueries and walks the whole queue in its order instead (670 ms at 1,000,000 applications; this
        # is 20 ms: docs/performance.md, figure 2).
        ids = (
            Application.objects.filter(person__in=named.values("pk"))
            .order_by()
            .values("pk")
            .union(Application.objects.filter(employer__in=employers.values("pk")).order_by().values("pk"))
        )
        return queryset.filter(pk__in=ids)
    # A broad term (one family name, a common word): matches are everywhere, so walking the queue in its
    # order finds a page of them at once.
    return queryset.filter(Q(person__in=named.values("pk")) | Q(employer__in=employers.values("pk")))


# A name search takes the union path when it matches at most this many people and employers (each of their
# applications is then read by its key; a broad term is cheaper to find by walking the queue in order).
SELECTIVE_NAME_PEOPLE = 2000
SELECTIVE_NAME_EMPLOYERS = 10


def _at_most(queryset: QuerySet, limit: int) -> bool:
    """Whether `queryset` has at most `limit` rows, counting no further than limit + 1 (one query)."""
    return queryset.order_by()[: limit + 1].count() <= limit


def applications_with_id_digest(*, queryset: QuerySet[Application], digest: str) -> QuerySet[Application]:
    """The applications of the person whose resident ID number has this blind index (an admin search that
    kept the number itself out of the URL)."""
    return queryset.filter(person__id_digest=digest)


# --- public verification and certificate downloads ---------------------------------------------------


def _verifiable_certificates() -> QuerySet[RegistrationCertificate]:
    return RegistrationCertificate.objects.select_related("person", "employer").prefetch_related("projects")


def certificate_by_token(*, token: str) -> RegistrationCertificate | None:
    """The certificate a QR code names, or None. Junk tokens are refused before any query."""
    if not verification_token_is_well_formed(token):
        return None
    return _verifiable_certificates().filter(verification_token=token).first()


def certificate_by_number_and_name(*, number: str, name: str) -> RegistrationCertificate | None:
    """The certificate with this number *if* `name` is its holder's; None otherwise, the same None as for
    an unknown number, and compared in constant time, so neither answer nor timing reveals valid numbers."""
    number = (number or "").strip().upper()
    certificate = _verifiable_certificates().filter(number=number).first() if number else None
    actual = certificate.person.name if certificate is not None else "\u0000" * 8
    matches = holder_name_matches(name, actual)  # compared even for an unknown number
    return certificate if certificate is not None and matches else None


def certificates_of_employer(*, employer: Employer) -> QuerySet[RegistrationCertificate]:
    """An employer's certificates: the only ones its portal users may download."""
    return RegistrationCertificate.objects.filter(employer=employer)


def registration_changes() -> QuerySet:
    """The registrations' change feed, oldest first, as plain values joined in one query (certificate,
    holder, employer): no model instances, so a page of 1,000 costs little more than its decryption of
    1,000 resident ID numbers. `registration_change_rows` completes a page of it."""
    return CertificateChange.objects.order_by("sequence").values(
        "sequence",
        "kind",
        "at",
        "certificate_id",
        number=F("certificate__number"),
        level=F("certificate__level"),
        state=F("certificate__state"),
        issued_on=F("certificate__issued_on"),
        valid_from=F("certificate__valid_from"),
        valid_until=F("certificate__valid_until"),
        ended_on=F("certificate__ended_on"),
        holder_name=F("certificate__person__name"),
        holder_id_number=F("certificate__person__id_number"),
        employer_name=F("certificate__employer_name"),
        employer_credit_code=F("certificate__employer__uscc"),
    )


def registration_change_rows(changes: Iterable[dict]) -> list[dict]:
    """A page of `registration_changes()` as the exchange API's rows, in one more query (the projects'
    codes, in code order). The holder's resident ID number leaves masked, always; `state` is the
    certificate's state now (the change says what happened then)."""
    rows = list(changes)
    if not rows:
        return rows
    codes: dict[int, list[str]] = defaultdict(list)
    through = RegistrationCertificate.projects.through.objects
    for certificate_id, code in (
        through.filter(registrationcertificate_id__in={row["certificate_id"] for row in rows})
        .order_by("metrologyproject__code")
        .values_list("registrationcertificate_id", "metrologyproject__code")
    ):
        codes[certificate_id].append(code)
    for row in rows:
        row["elicence_identifier"] = elicence_identifier(row["number"])
        row["holder_id_number_masked"] = mask_resident_id(row.pop("holder_id_number"))
        row["project_codes"] = codes[row.pop("certificate_id")]
    return rows


def registration_changes_after(*, after: int, limit: int) -> list[dict]:
    """The changes after sequence `after`, at most `limit` rows (issue 20). Keyset on the primary key
    (`WHERE sequence > after ORDER BY sequence LIMIT n`), so the page after sequence 999,000 costs what
    the first page costs, in the same two queries."""
    return registration_change_rows(registration_changes().filter(sequence__gt=after)[:limit])
