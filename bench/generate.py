"""Synthetic registry data at scale (`python manage.py generate_bench_data --applications N --seed S`).

Employers, people with their qualification certificates, batches, applications in every state with the
dates and stored deadlines the workflow would have written (computed by registry.deadlines on the real
working-day calendar), registration certificates for the issued ones (with their projects), and one audit
row per transition each application went through. Everything is written in chunks, one transaction per
chunk, with PostgreSQL's COPY (common.copy_insert; bulk_create on SQLite), and on PostgreSQL by several
processes at once (`jobs`), so memory stays flat and 1,000,000 applications take minutes, not hours.

Reproducible: the same N, seed and anchor day (`on`, default today) give the same rows, whatever the
number of processes (only ids and the order of certificate numbers follow the order in which chunks
finish). The rows are recognisable (employer credit codes start with GENERATED_USCC_PREFIX, qualification
certificate numbers with GENERATED_QUALIFICATION_PREFIX; resident ID numbers start with GENERATED_REGION
but are encrypted), so remove_generated() deletes exactly them and nothing else.

This writes around the services on purpose: it fabricates history that the services would have written
over years, at a speed no per-row path could reach. It is never called by the application itself.
"""

import contextlib
import datetime as dt
import multiprocessing
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pgtrigger
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from bench.synthetic import person_name, resident_id, uscc
from common.copy_insert import copy_insert, unsaved

GENERATED_USCC_PREFIX = "91239900"
GENERATED_REGION = "239900"
GENERATED_QUALIFICATION_PREFIX = f"GQ{GENERATED_REGION}"
APPLICATIONS_PER_EMPLOYER = 200
BATCH_SIZE = 20  # applications per batch

_COMPANY_WORDS = ("精密", "龙江", "北方", "松花江", "寒地", "华瑞", "恒信", "东方", "兴安", "远航")
_COMPANY_KINDS = ("仪器仪表", "石化", "电力", "机械制造", "计量检测", "食品", "医药", "汽车零部件")


@dataclass
class Generated:
    """How many rows of each kind one run wrote, and how long it took."""

    employers: int = 0
    people: int = 0
    qualifications: int = 0
    batches: int = 0
    applications: int = 0
    certificates: int = 0
    audit_entries: int = 0
    seconds: float = 0.0
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return (
            self.employers
            + self.people
            + self.qualifications
            + self.batches
            + self.applications
            + self.certificates
            + self.audit_entries
        )


def _weights():
    from registry.workflow import ApplicationKind as K
    from registry.workflow import ApplicationState as S

    states = {
        S.DRAFT: 4,
        S.SUBMITTED: 12,
        S.CORRECTIONS_REQUESTED: 5,
        S.ACCEPTED: 14,
        S.NOT_ACCEPTED: 3,
        S.APPROVED: 6,
        S.DENIED: 2,
        S.ISSUED: 50,
        S.WITHDRAWN: 4,
    }
    kinds = {
        K.INITIAL: 70,
        K.CHANGE_SPECIALTY: 10,
        K.CHANGE_EMPLOYER_NAME: 5,
        K.RENEWAL: 10,
        K.CANCELLATION: 5,
    }
    return list(states), list(states.values()), list(kinds), list(kinds.values())


# Transitions an application in each state has been through (names of the workflow's methods).
def _path(state: str) -> list[tuple[str, str, str]]:
    from registry.workflow import ApplicationState as S

    submit = ("submit", S.DRAFT, S.SUBMITTED)
    accept = ("accept", S.SUBMITTED, S.ACCEPTED)
    approve = ("approve", S.ACCEPTED, S.APPROVED)
    return {
        S.DRAFT: [],
        S.SUBMITTED: [submit],
        S.CORRECTIONS_REQUESTED: [submit, ("request_corrections", S.SUBMITTED, S.CORRECTIONS_REQUESTED)],
        S.ACCEPTED: [submit, accept],
        S.NOT_ACCEPTED: [submit, ("not_accept", S.SUBMITTED, S.NOT_ACCEPTED)],
        S.APPROVED: [submit, accept, approve],
        S.DENIED: [submit, accept, ("deny", S.ACCEPTED, S.DENIED)],
        S.ISSUED: [submit, accept, approve, ("issue", S.APPROVED, S.ISSUED)],
        S.WITHDRAWN: [submit, ("withdraw", S.SUBMITTED, S.WITHDRAWN)],
    }[state]


_SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # no daylight saving: a fixed offset is exact and fast


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, minute, tzinfo=_SHANGHAI)


def _application(app, rng: random.Random, on: dt.date, reviewer) -> None:
    """Fill the dates and deadlines `app`'s state implies, as its transitions would (registry/workflow.py).

    The state itself is given when the row is constructed: it is protected, so never assigned.
    """
    from registry import deadlines
    from registry.workflow import ApplicationState as S

    state = app.state
    if state == S.DRAFT:
        return
    closed = state in (S.NOT_ACCEPTED, S.DENIED, S.ISSUED, S.WITHDRAWN)
    received = on - dt.timedelta(days=rng.randint(30, 700) if closed else rng.randint(0, 24))
    app.received_on = received

    def later(days: int) -> dt.date:
        return min(received + dt.timedelta(days=days), on)

    if state == S.SUBMITTED:
        app.acceptance_due_on = app.current_due_on = deadlines.acceptance_due(received)
    elif state == S.CORRECTIONS_REQUESTED:
        app.corrections_requested_on = later(rng.randint(1, 4))
        app.correction_items = ["photo"]
        app.correction_note = "请补交近期二寸照片。"
    elif state == S.NOT_ACCEPTED:
        app.closed_on = later(3)
        app.decision_reason = "申请人所在单位为授权计量检定机构。"
    elif state == S.WITHDRAWN:
        app.closed_on = later(1)
    else:  # accepted and beyond
        app.accepted_on = later(rng.randint(0, 4))
        app.accepted_by_id = reviewer.pk
        if state == S.ACCEPTED:
            app.approval_due_on = app.current_due_on = deadlines.approval_due(received)
        elif state == S.DENIED:
            app.closed_on = later(8)
            app.decision_reason = "考核合格证明与申请项目不符。"
        else:
            app.approved_on = later(rng.randint(5, 12))
            if state == S.APPROVED:
                app.issuance_due_on = app.current_due_on = deadlines.issuance_due(app.approved_on)
            else:
                app.issued_on = app.closed_on = later(14)


def _bulk(model, objs, batch_size: int = 2000):
    return model.objects.bulk_create(objs, batch_size=batch_size)


def _copy(model, objs, batch_size: int = 0):
    return copy_insert(model, objs)


def _construct(model, values):
    return model(**values)


def _save_each(model, objs, batch_size: int = 0):
    objs = list(objs)
    for obj in objs:
        obj.save(force_insert=True)
    return objs


@dataclass
class _Plan:
    """What every chunk needs, whichever process writes it (pickled once per worker process)."""

    seed: int
    on: dt.date
    copy: bool
    one_by_one: bool
    employer_ids: list[int]
    employer_names: dict[int, str]
    reviewer: Any
    project_ids: list[int]


def generate(
    *,
    applications: int,
    seed: int = 1,
    on: dt.date | None = None,
    chunk: int = 10_000,
    progress: Callable[[Generated], None] | None = None,
    one_by_one: bool = False,
    copy: bool | None = None,
    jobs: int = 1,
) -> Generated:
    """Write `applications` applications and everything around them; see the module docstring.

    `one_by_one` is the benchmark's baseline: the same rows, each saved on its own in autocommit, as a
    script calling `.save()` would. `copy` (default: on PostgreSQL) writes every table with COPY
    (common.copy_insert): the same rows, several times faster; elsewhere bulk_create.

    `jobs` > 1 (PostgreSQL, COPY) writes the chunks in that many processes at once. Each chunk draws from
    its own random generator (seeded by the seed and the chunk's first index), so the rows are the same
    whatever `jobs`; only their ids, and which certificate gets which sequence number, follow the order in
    which chunks finish. The audit chain stays one chain: each chunk appends under the chain's lock.
    """
    if copy is None:
        copy = connection.vendor == "postgresql" and not one_by_one
    if jobs > 1 and not copy:
        raise ValueError("several jobs need PostgreSQL's COPY path (SQLite has one writer)")
    write = _save_each if one_by_one else _copy if copy else _bulk
    new = unsaved if copy else _construct
    atomic = contextlib.nullcontext if one_by_one else transaction.atomic
    from accounts.models import User
    from exams.models import MetrologyProject
    from people.models import Employer, Prefecture

    started = time.perf_counter()
    on = on or timezone.localdate()
    chunk = max(BATCH_SIZE, chunk - chunk % BATCH_SIZE)
    done = Generated()
    prefectures = list(Prefecture.values)
    reviewer, _ = User.objects.get_or_create(username="bench-association", defaults={"is_staff": True})
    if Employer.objects.filter(uscc__startswith=GENERATED_USCC_PREFIX).exists():
        raise RuntimeError("generated data is already present: remove it first (--replace)")

    employer_count = max(1, -(-applications // APPLICATIONS_PER_EMPLOYER))
    with atomic():
        employers = write(
            Employer,
            [
                new(
                    Employer,
                    {
                        "name": f"{_COMPANY_WORDS[n % 10]}{_COMPANY_KINDS[n // 10 % 8]}有限公司{n:06d}",
                        "uscc": uscc(n, prefix=GENERATED_USCC_PREFIX),
                        "prefecture": prefectures[n % len(prefectures)],
                        "contact_name": person_name(n + 7),
                        "status": Employer.Status.ACTIVE,
                    },
                )
                for n in range(employer_count)
            ],
            batch_size=2000,
        )
    done.employers = len(employers)
    _counters_from_issued(on)
    plan = _Plan(
        seed=seed,
        on=on,
        copy=copy,
        one_by_one=one_by_one,
        employer_ids=[e.pk for e in employers],
        employer_names={e.pk: e.name for e in employers},
        reviewer=reviewer,
        project_ids=list(MetrologyProject.objects.order_by("pk").values_list("pk", flat=True)),
    )
    chunks = [(first, min(applications, first + chunk)) for first in range(0, applications, chunk)]

    def add(part: Generated) -> None:
        for name in ("people", "qualifications", "batches", "applications", "certificates", "audit_entries"):
            setattr(done, name, getattr(done, name) + getattr(part, name))
        for state, count in part.by_state.items():
            done.by_state[state] = done.by_state.get(state, 0) + count
        done.seconds = time.perf_counter() - started
        if progress is not None:
            progress(done)

    if jobs > 1:
        connections.close_all()  # each process opens its own connection; none inherits this one's
        with multiprocessing.get_context("fork").Pool(jobs, _worker_start, (plan,)) as pool:
            for part in pool.imap_unordered(_worker_chunk, chunks):
                add(part)
    else:
        for first, last in chunks:
            add(_write_chunk(plan, first, last))

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give tables this size
    done.seconds = time.perf_counter() - started
    return done


def default_jobs() -> int:
    """One writing process per CPU core on PostgreSQL (COPY), one on SQLite (a single writer)."""
    return max(1, os.cpu_count() or 1) if connection.vendor == "postgresql" else 1


_worker_plan: _Plan | None = None


def _worker_start(plan: _Plan) -> None:
    global _worker_plan
    _worker_plan = plan


def _worker_chunk(bounds: tuple[int, int]) -> Generated:
    assert _worker_plan is not None
    return _write_chunk(_worker_plan, *bounds)


def _counters_from_issued(on: dt.date) -> None:
    """Certificate counters for every (year, level) a generated certificate can fall in, continuing after
    whatever the registry already issued (chunks then reserve blocks of numbers from them)."""
    from registry.models import CertificateCounter, RegistrationCertificate

    issued = {
        (row["year"], row["level"]): row["last"]
        for row in RegistrationCertificate.objects.values("year", "level").annotate(last=Max("sequence"))
    }
    with transaction.atomic():
        for year in range(on.year - 2, on.year + 1):  # received up to 700 days ago, issued within 14
            for level in (1, 2):
                counter, _ = CertificateCounter.objects.select_for_update().get_or_create(
                    year=year, level=level
                )
                if issued.get((year, level), 0) > counter.last:
                    counter.last = issued[(year, level)]
                    counter.save(update_fields=["last"])


def _reserve_sequences(needed: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """The first of `needed[key]` consecutive sequence numbers per (year, level), taken from the counters
    in a short transaction of its own (so parallel chunks never wait on each other for long)."""
    from registry.models import CertificateCounter

    first: dict[tuple[int, int], int] = {}
    with transaction.atomic():
        for (year, level), count in sorted(needed.items()):
            counter = CertificateCounter.objects.select_for_update().get(year=year, level=level)
            first[(year, level)] = counter.last + 1
            counter.last += count
            counter.save(update_fields=["last"])
    return first


def _write_chunk(plan: _Plan, start: int, end: int) -> Generated:
    """Applications start..end-1 with their people, qualifications, batches, certificates and audit rows,
    in one transaction (bulk_create or COPY) or row by row (the baseline)."""
    from people.models import Person, QualificationCertificate
    from registry.models import Application, Batch, RegistrationCertificate
    from registry.models.certificate import certificate_number, validity_end
    from registry.services.audit import audit_record_many
    from registry.workflow import ApplicationState as S
    from registry.workflow import CertificateState

    write = _save_each if plan.one_by_one else _copy if plan.copy else _bulk
    new = unsaved if plan.copy else _construct
    atomic = contextlib.nullcontext if plan.one_by_one else transaction.atomic
    rng = random.Random(f"{plan.seed}/{start}")  # noqa: S311 - reproducible fiction, not secrets
    on = plan.on
    states, state_weights, kinds, kind_weights = _weights()
    employer_ids = plan.employer_ids
    done = Generated()

    # What each application is (its kind, state, level and dates) is drawn first, so the certificate
    # numbers it needs can be reserved before the chunk's transaction.
    batch_employers = [
        employer_ids[(n // BATCH_SIZE) % len(employer_ids)] for n in range(start, end, BATCH_SIZE)
    ]
    apps = []
    for i in range(end - start):
        kind = rng.choices(kinds, kind_weights)[0]  # drawn before the state: same data per seed
        app = new(
            Application,
            {
                "state": rng.choices(states, state_weights)[0],
                "kind": kind,
                "employer_id": batch_employers[i // BATCH_SIZE],
                "level": 1 if rng.random() < 0.3 else 2,
            },
        )
        _application(app, rng, on, plan.reviewer)
        done.by_state[app.state] = done.by_state.get(app.state, 0) + 1
        apps.append(app)
    issued = [app for app in apps if app.state == S.ISSUED]
    needed: dict[tuple[int, int], int] = {}
    for app in issued:
        key = (app.issued_on.year, app.level)
        needed[key] = needed.get(key, 0) + 1
    sequences = _reserve_sequences(needed)

    with atomic():
        people = write(
            Person,
            [
                new(Person, {"id_number": resident_id(n, region=GENERATED_REGION), "name": person_name(n)})
                for n in range(start, end)
            ],
            batch_size=2000,
        )
        write(
            QualificationCertificate,
            [
                new(
                    QualificationCertificate,
                    {
                        "person": person,
                        "level": app.level,
                        "number": f"{GENERATED_QUALIFICATION_PREFIX}{start + i:09d}",
                        "issued_on": dt.date(2015, 6, 1) + dt.timedelta(days=(start + i) % 3000),
                        "issuer": "人力资源社会保障部",
                    },
                )
                for i, (person, app) in enumerate(zip(people, apps, strict=True))
            ],
            batch_size=2000,
        )
        batches = write(
            Batch,
            [
                new(
                    Batch,
                    {
                        "employer_id": e,
                        "title": f"{on.year}年度注册申请（第{start // BATCH_SIZE + i + 1}批）",
                    },
                )
                for i, e in enumerate(batch_employers)
            ],
            batch_size=2000,
        )
        for i, (person, app) in enumerate(zip(people, apps, strict=True)):
            app.person_id = person.pk
            app.batch_id = batches[i // BATCH_SIZE].pk
        write(Application, apps, batch_size=2000)

        certificates = []
        for app in issued:
            key = (app.issued_on.year, app.level)
            sequence = sequences[key]
            sequences[key] += 1
            until = validity_end(app.issued_on)
            certificates.append(
                new(
                    RegistrationCertificate,
                    {
                        "number": certificate_number(year=key[0], level=key[1], sequence=sequence),
                        "year": key[0],
                        "sequence": sequence,
                        "person_id": app.person_id,
                        "employer_id": app.employer_id,
                        "employer_name": plan.employer_names[app.employer_id],
                        "level": app.level,
                        "issued_on": app.issued_on,
                        "valid_from": app.issued_on,
                        "valid_until": until,
                        "application": app,
                        "state": CertificateState.VALID if until >= on else CertificateState.EXPIRED,
                    },
                )
            )
        write(RegistrationCertificate, certificates, batch_size=2000)
        cert_projects = RegistrationCertificate.projects.through
        write(
            cert_projects,
            [
                new(cert_projects, {"registrationcertificate_id": c.pk, "metrologyproject_id": project})
                for c in certificates
                for project in rng.sample(plan.project_ids, k=min(len(plan.project_ids), rng.randint(1, 2)))
            ],
            batch_size=5000,
        )

        entries = []
        for app in apps:
            day = app.received_on
            for step, (name, source, target) in enumerate(_path(app.state)):
                when = (
                    {
                        "submit": app.received_on,
                        "accept": app.accepted_on,
                        "approve": app.approved_on,
                        "issue": app.issued_on,
                        "request_corrections": app.corrections_requested_on,
                    }.get(name)
                    or app.closed_on
                    or day
                )
                entries.append(
                    {
                        "application_id": app.pk,
                        "transition": name,
                        "from_state": source,
                        "to_state": target,
                        "at": _at(when, step),
                        "by": None if name == "submit" else plan.reviewer,  # None: the system's act
                        "comment": app.decision_reason if name in ("deny", "not_accept") else "",
                    }
                )
        # Through the one writer of audit rows (sealed into the chain, under its lock): 5,000 a statement,
        # one COPY, or one at a time for the baseline, as a script calling the service per transition would.
        per_statement = 1 if plan.one_by_one else max(1, len(entries)) if plan.copy else 5000
        for first in range(0, len(entries), per_statement):
            audit_record_many(entries[first : first + per_statement], copy=plan.copy)

    done.people = done.qualifications = len(people)
    done.batches = len(batches)
    done.applications = len(apps)
    done.certificates = len(certificates)
    done.audit_entries = len(entries)
    return done


def generated_applications() -> int:
    """How many generated applications the database holds now."""
    from registry.models import Application

    return Application.objects.filter(employer__uscc__startswith=GENERATED_USCC_PREFIX).count()


def synthetic_audit_removal():
    """The audit tables are append-only (a PostgreSQL trigger); the benchmark's own synthetic rows are the one
    thing ever removed, inside this context only. That breaks the audit chain of a benchmark database, never
    of a real one."""
    return pgtrigger.ignore(
        "registry.AuditEntry:auditentry_append_only", "audit.AuditEvent:auditevent_append_only"
    )


@transaction.atomic
def remove_generated() -> None:
    """Delete the generated rows, and only them (by their credit-code and qualification-number prefixes),
    and the generated continuing-education ledger over them (bench.ledger).

    Every generated person holds exactly one generated qualification certificate; people are deleted
    through it first (foreign keys are checked at commit), because their ID numbers are encrypted.
    """
    from django.db import router

    from bench.ledger import remove_ledger  # here: bench.ledger imports this module's prefixes
    from people.models import Employer, Person, QualificationCertificate
    from registry.models import (
        Application,
        AuditEntry,
        Batch,
        CertificateChange,
        Material,
        RegistrationCertificate,
    )

    mine = {"employer__uscc__startswith": GENERATED_USCC_PREFIX}
    db = router.db_for_write(Application)
    querysets = [
        AuditEntry.objects.filter(application__employer__uscc__startswith=GENERATED_USCC_PREFIX),
        AuditEntry.objects.filter(certificate__employer__uscc__startswith=GENERATED_USCC_PREFIX),
        Material.objects.filter(application__employer__uscc__startswith=GENERATED_USCC_PREFIX),
        # The change feed's rows of generated certificates (bench/figures/sync_feed.py writes them).
        CertificateChange.objects.filter(certificate__employer__uscc__startswith=GENERATED_USCC_PREFIX),
        RegistrationCertificate.projects.through.objects.filter(
            registrationcertificate__employer__uscc__startswith=GENERATED_USCC_PREFIX
        ),
        Application.projects.through.objects.filter(
            application__employer__uscc__startswith=GENERATED_USCC_PREFIX
        ),
        RegistrationCertificate.objects.filter(**mine),
        Application.objects.filter(**mine),
        Batch.objects.filter(**mine),
        Person.objects.filter(
            pk__in=QualificationCertificate.objects.filter(
                number__startswith=GENERATED_QUALIFICATION_PREFIX
            ).values("person_id")
        ),
        QualificationCertificate.objects.filter(number__startswith=GENERATED_QUALIFICATION_PREFIX),
        Employer.objects.filter(uscc__startswith=GENERATED_USCC_PREFIX),
    ]
    remove_ledger()  # its participations refer to the generated people
    with synthetic_audit_removal():
        for queryset in querysets:
            queryset._raw_delete(db)  # no per-row collection: these rows reference only each other
