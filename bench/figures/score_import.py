"""Figure 4: importing 10,000 scores from a spreadsheet, beside django-import-export's default ModelResource.

Ours is exams.resources.ResultResource, the resource the admin's import page uses, on the confirm step
(dry_run=False: upload to saved rows): the .xlsx bytes are parsed as the admin parses them (through the
upload guard; config/settings/bench.py raises its row limit for this figure), then imported.
The baseline is a `ModelResource` with default settings for the same model, importing the same rows in the
shape its default fields expect (the foreign keys as primary keys, an empty `id`): it looks every row up by
`id`, fetches each foreign key, and saves row by row.

Both import into fresh sessions of their own, and what they saved is deleted (untimed) before each run, so
every run inserts the same rows. The fixture (people, sessions) is removed at the end.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from bench.harness import Figure, QueryCount, import_figure, measure
from bench.synthetic import person_name, resident_id, xlsx_bytes

ROWS = 10_000
PROJECTS_PER_PERSON = 2
REGION = "230199"  # people of this figure only: never collides with generate_bench_data's regions


def _xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    return xlsx_bytes(headers, rows, sheet="成绩")


def _scores(i: int) -> tuple[Decimal, Decimal]:
    return Decimal(50 + i * 7 % 50), Decimal(45 + i * 11 % 55) + Decimal("0.5") * (i % 2)


class _Fixture:
    """People, two sessions (ours, baseline) over the same projects, a training-centre user."""

    def __init__(self, rows: int) -> None:
        from accounts.models import User
        from exams.models import AssessmentSession, MetrologyProject
        from people.models import Person

        people_count = max(1, rows // PROJECTS_PER_PERSON)
        self.projects = list(MetrologyProject.objects.order_by("code")[:PROJECTS_PER_PERSON])
        numbers = [resident_id(n, region=REGION) for n in range(people_count)]
        Person.objects.with_id_numbers(numbers).delete()  # a run that was interrupted
        Person.objects.bulk_create(
            [Person(id_number=number, name=person_name(n)) for n, number in enumerate(numbers)],
            batch_size=2000,
        )
        self.people = list(Person.objects.with_id_numbers(numbers).order_by("pk"))
        self.sessions = []
        for label in ("ours", "baseline"):
            session = AssessmentSession.objects.create(
                name=f"bench score import ({label})", held_on=dt.date(2026, 5, 20), place="bench"
            )
            session.projects.set(self.projects)
            self.sessions.append(session)
        self.user, _created = User.objects.get_or_create(username="bench-training-centre")
        self.pairs = [(p, pr) for p in self.people for pr in self.projects][:rows]

    def ours_xlsx(self) -> bytes:
        from exams.resources import ResultResource

        rows = []
        for i, (person, project) in enumerate(self.pairs):
            skill, knowledge = _scores(i)
            rows.append([person.name, person.id_number, project.code, float(skill), float(knowledge)])
        return _xlsx(list(ResultResource.TEMPLATE_HEADERS), rows)

    def baseline_xlsx(self) -> bytes:
        from exams import rules

        session = self.sessions[1]
        headers = ["id", "session", "person", "project", "skill_score", "knowledge_score", "passed"]
        rows = []
        for i, (person, project) in enumerate(self.pairs):
            skill, knowledge = _scores(i)
            passed = rules.passed(skill, knowledge)
            rows.append(["", session.pk, person.pk, project.pk, float(skill), float(knowledge), int(passed)])
        return _xlsx(headers, rows)

    def clear(self, session) -> None:
        from exams.models import AssessmentResult

        AssessmentResult.objects.filter(session=session).delete()

    def drop(self) -> None:
        from exams.models import AssessmentResult, AssessmentSession
        from people.models import Person

        AssessmentResult.objects.filter(session__in=self.sessions).delete()
        AssessmentSession.objects.filter(pk__in=[s.pk for s in self.sessions]).delete()
        Person.objects.filter(pk__in=[p.pk for p in self.people]).delete()


def _dataset(data: bytes):
    from import_export.formats.base_formats import XLSX

    return XLSX().create_dataset(data)


def _import_ours(fixture: _Fixture, data: bytes, *, dry_run: bool = False):
    """Read as the admin reads an upload (the guarded format, registry/sheet_formats.py), then import."""
    from common.sheet_formats import SheetImport
    from exams.resources import ResultResource

    resource = ResultResource(session=fixture.sessions[0], create_people=False)
    result = resource.import_data(SheetImport().create_dataset(data), dry_run=dry_run, user=fixture.user)
    _check(result, "ours")
    return result


def _baseline_resource():
    from import_export import resources

    from exams.models import AssessmentResult

    class PlainResultResource(resources.ModelResource):
        class Meta:
            model = AssessmentResult

    return PlainResultResource()


def _import_baseline(data: bytes) -> None:
    result = _baseline_resource().import_data(_dataset(data), dry_run=False)
    _check(result, "baseline")


def _check(result, side: str) -> None:
    """A failed import would time the wrong work: stop the figure instead."""
    if result.has_errors() or result.has_validation_errors():
        raise RuntimeError(f"{side}: the benchmark file did not import cleanly")


def _queries(fn) -> QueryCount:
    with QueryCount() as counted:
        fn()
    return counted


def run(*, rows: int = ROWS, repeat: int = 3, baseline_repeat: int = 1) -> Figure:
    from exams.models import AssessmentResult

    fixture = _Fixture(rows)
    try:
        ours_data, base_data = fixture.ours_xlsx(), fixture.baseline_xlsx()
        ours_session, base_session = fixture.sessions

        mine = measure(
            lambda: _import_ours(fixture, ours_data),
            repeat=repeat,
            warmup=1,
            setup=lambda: fixture.clear(ours_session),
        )
        saved = AssessmentResult.objects.filter(session=ours_session).count()
        fixture.clear(ours_session)
        preview = measure(lambda: _import_ours(fixture, ours_data, dry_run=True), repeat=1, warmup=0)
        # Constant queries: the same import, all rows and a tenth of them, statement by statement.
        fixture.clear(ours_session)
        full = _queries(lambda: _import_ours(fixture, ours_data))
        dataset = _dataset(ours_data)
        small_data = _xlsx(list(dataset.headers), [list(r) for r in dataset[: max(1, rows // 10)]])
        fixture.clear(ours_session)
        small = _queries(lambda: _import_ours(fixture, small_data))
        fixture.clear(ours_session)

        base = measure(
            lambda: _import_baseline(base_data),
            repeat=baseline_repeat,
            warmup=0,
            setup=lambda: fixture.clear(base_session),
        )
        base_saved = AssessmentResult.objects.filter(session=base_session).count()
        if not saved == base_saved == rows:
            raise RuntimeError(f"saved {saved} (ours) and {base_saved} (baseline) of {rows} rows")
    finally:
        with transaction.atomic():
            fixture.drop()

    # Apart from the chunks SQLite splits one bulk insert into, the statements must not depend on rows.
    return import_figure(
        key="score_import",
        title=f"4. score import, {rows:,} rows",
        rows=rows,
        mine=mine,
        base=base,
        full=full,
        small=small,
        extra={"preview_dry_run_s": preview.median},
    )
