"""Figure 3: a batch sheet of 1,000 applicants, from upload to saved drafts, beside a default ModelResource.

Ours is what the portal's confirm step does: `registry.services.intake.sheet_check` on the .xlsx bytes (parse,
then every registry check for the whole file at once) and `registry.services.intake.batch_import_rows`
(people, qualifications, applications and their projects in bulk, in one transaction). The baseline is a
django-import-export `ModelResource` with default settings for `Application`, importing the same applications
in the shape its default fields expect (foreign keys as primary keys): it checks none of the rules, looks
each row up by `id`, fetches every foreign key and saves row by row, so the comparison flatters the baseline.

The fixture (employer, people holding passed assessments) is made untimed and removed at the end; each run
saves into a fresh batch whose applications are deleted (untimed) before the next.
"""

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from bench.generate import synthetic_audit_removal
from bench.harness import Figure, QueryCount, import_figure, measure
from bench.synthetic import person_name, resident_id, uscc, xlsx_bytes

ROWS = 1_000
REGION = "230198"  # people of this figure only
EMAIL = "batch-upload@bench.invalid"  # marks them: their ID numbers are encrypted and cannot be filtered on


def _xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    return xlsx_bytes(headers, rows, sheet="申请人")


class _Fixture:
    def __init__(self, rows: int) -> None:
        from accounts.models import User
        from exams.models import AssessmentResult, AssessmentSession, MetrologyProject
        from exams.services import certificates_issue
        from people.models import Employer, Person
        from registry.models import Batch

        _purge()
        self.user, _ = User.objects.get_or_create(username="bench-clerk")
        self.employer, _ = Employer.objects.get_or_create(
            uscc=uscc(987_654, prefix="91230199"),
            defaults={"name": "基准测试企业", "prefecture": "harbin", "status": Employer.Status.ACTIVE},
        )
        self.project = MetrologyProject.objects.order_by("code").first()
        numbers = [resident_id(n, region=REGION) for n in range(rows)]
        Person.objects.bulk_create(
            [Person(id_number=number, name=person_name(n), email=EMAIL) for n, number in enumerate(numbers)],
            batch_size=2000,
        )
        self.people = list(Person.objects.with_id_numbers(numbers).order_by("pk"))
        self.session = AssessmentSession.objects.create(
            name="bench batch upload", held_on="2026-05-20", place="bench"
        )
        self.session.projects.set([self.project])
        AssessmentResult.objects.bulk_create(
            [
                AssessmentResult(
                    session=self.session,
                    person=p,
                    project=self.project,
                    skill_score=80,
                    knowledge_score=80,
                    passed=True,
                    recorded_by=self.user,
                    recorded_at=timezone.now(),
                )
                for p in self.people
            ],
            batch_size=2000,
        )
        certificates_issue(results=AssessmentResult.objects.filter(session=self.session), by=self.user)
        self.batches = [
            Batch.objects.create(employer=self.employer, title=f"bench {side}", created_by=self.user)
            for side in ("ours", "baseline")
        ]

    def ours_xlsx(self, count: int) -> bytes:
        from registry.spreadsheets import COLUMNS

        rows = [
            [
                p.name,
                p.id_number,
                f"139{n:08d}",
                "二级",
                f"BENCHZJ{n:06d}",
                "2020-06-01",
                self.project.code,
                "初始注册",
            ]
            for n, p in enumerate(self.people[:count])
        ]
        return _xlsx([c.header for c in COLUMNS], rows)

    def baseline_xlsx(self) -> bytes:
        headers = ["id", "kind", "person", "employer", "level", "batch"]
        rows = [["", "initial", p.pk, self.employer.pk, 2, self.batches[1].pk] for p in self.people]
        return _xlsx(headers, rows)

    def clear(self) -> None:
        from people.models import QualificationCertificate
        from registry.models import Application, AuditEntry

        apps = Application.objects.filter(batch__in=self.batches)
        with synthetic_audit_removal():
            AuditEntry.objects.filter(application__in=apps).delete()
        apps.delete()
        QualificationCertificate.objects.filter(number__startswith="BENCHZJ").delete()

    def drop(self) -> None:
        _purge()


def _purge() -> None:
    """Remove everything this figure makes, also what an interrupted run left behind."""
    from django.db.models import Q

    from exams.models import (
        AssessmentCertificate,
        AssessmentCertificateChange,
        AssessmentResult,
        AssessmentSession,
    )
    from people.models import Person, QualificationCertificate
    from registry.models import Application, AuditEntry, Batch

    people = Person.objects.filter(email=EMAIL)
    apps = Application.objects.filter(person__in=people)
    with synthetic_audit_removal():
        AuditEntry.objects.filter(application__in=apps).delete()
    apps.delete()
    Batch.objects.filter(title__in=["bench ours", "bench baseline"]).delete()
    QualificationCertificate.objects.filter(person__in=people).delete()
    sessions = AssessmentSession.objects.filter(name="bench batch upload")
    results = AssessmentResult.objects.filter(session__in=sessions)
    certificate_ids = [pk for pk in results.values_list("certificate_id", flat=True) if pk]
    results.delete()
    # The change-feed rows of the figure's own certificates (nothing else ever deletes feed rows).
    mine = AssessmentCertificate.objects.filter(Q(pk__in=certificate_ids) | Q(person__in=people))
    AssessmentCertificateChange.objects.filter(certificate__in=mine).delete()
    mine.delete()
    sessions.delete()
    people.delete()


def _upload_ours(fixture: _Fixture, data: bytes) -> int:
    from registry.services.intake import batch_import_rows, sheet_check

    checked = sheet_check(employer=fixture.employer, file=io.BytesIO(data), on=dt.date.today())
    if checked.errors:
        raise RuntimeError(f"the benchmark sheet did not check cleanly: {checked.errors[:3]}")
    with transaction.atomic():
        return len(batch_import_rows(batch=fixture.batches[0], rows=checked.rows, by=fixture.user))


def _upload_baseline(data: bytes) -> None:
    from import_export import resources
    from import_export.formats.base_formats import XLSX

    from registry.models import Application

    class PlainApplicationResource(resources.ModelResource):
        class Meta:
            model = Application

    result = PlainApplicationResource().import_data(XLSX().create_dataset(data), dry_run=False)
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError("baseline: the benchmark file did not import cleanly")


def run(*, rows: int = ROWS, repeat: int = 3) -> Figure:
    from registry.models import Application

    fixture = _Fixture(rows)
    try:
        full_data, small_data = fixture.ours_xlsx(rows), fixture.ours_xlsx(max(1, rows // 10))
        mine = measure(lambda: _upload_ours(fixture, full_data), repeat=repeat, warmup=1, setup=fixture.clear)
        saved = Application.objects.filter(batch=fixture.batches[0]).count()
        fixture.clear()
        with QueryCount() as full:
            _upload_ours(fixture, full_data)
        fixture.clear()
        with QueryCount() as small:
            _upload_ours(fixture, small_data)
        fixture.clear()
        base = measure(
            lambda: _upload_baseline(fixture.baseline_xlsx()), repeat=1, warmup=0, setup=fixture.clear
        )
        base_saved = Application.objects.filter(batch=fixture.batches[1]).count()
        if not saved == base_saved == rows:
            raise RuntimeError(f"saved {saved} (ours) and {base_saved} (baseline) of {rows} rows")
    finally:
        with transaction.atomic():
            fixture.drop()

    return import_figure(
        key="batch_upload",
        title=f"3. batch spreadsheet, {rows:,} applicants",
        rows=rows,
        mine=mine,
        base=base,
        full=full,
        small=small,
    )
