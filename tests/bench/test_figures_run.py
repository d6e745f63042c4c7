"""The benchmark figures still run (on tiny sizes): a smoke test, never a timing assertion."""

import pytest

from bench.figures import score_import
from bench.harness import Figure

pytestmark = pytest.mark.django_db


def test_score_import_figure_runs_and_leaves_nothing_behind():
    from exams.models import AssessmentResult, AssessmentSession

    figure = score_import.run(rows=20, repeat=1)

    assert isinstance(figure, Figure)
    assert figure.details["rows"] == 20
    assert not AssessmentResult.objects.exists()
    assert not AssessmentSession.objects.filter(place="bench").exists()


def test_certificate_pdf_figures_run():
    from bench.figures import certificate_pdf

    rate, size, signed = certificate_pdf.run(seconds=0.01)

    assert rate.unit == signed.unit == "PDF/s"
    assert size.details["bytes_ours"] > 0
    assert signed.details["bytes_signed"] > size.details["bytes_ours"]


def test_the_load_figure_parses_wrk_output():
    """The one part of figure 6 that can be checked without a server: wrk's JSON line becomes numbers."""
    from unittest import mock

    from bench import loadtest

    line = (
        '{"requests": 1000, "duration_us": 2000000, "status_errors": 10, "socket_errors": 0, '
        '"p50_us": 1500, "p90_us": 3000, "p95_us": 4000, "p99_us": 9000, "max_us": 12000}'
    )
    completed = mock.Mock(stdout="Running 2s test\n" + line + "\n")
    with (
        mock.patch.object(loadtest.shutil, "which", return_value="/usr/bin/wrk"),
        mock.patch.object(loadtest.subprocess, "run", return_value=completed),
    ):
        result = loadtest.wrk("http://127.0.0.1:8091/", seconds=2)

    assert result.per_second == 495.0
    assert result.p95_ms == 4.0
    assert result.failed == 10


def test_generated_data_is_reproducible_and_removable():
    from bench.generate import generate, generated_applications, remove_generated
    from registry.models import Application, AuditEntry

    first = generate(applications=60, seed=3, chunk=20)
    states = list(Application.objects.order_by("pk").values_list("state", "current_due_on"))
    remove_generated()
    again = generate(applications=60, seed=3, chunk=20)

    assert first.by_state == again.by_state
    assert list(Application.objects.order_by("pk").values_list("state", "current_due_on")) == states
    assert generated_applications() == 60
    assert AuditEntry.objects.count() == again.audit_entries
    remove_generated()
    assert not Application.objects.exists()


@pytest.mark.urls("bench.urls")  # the benchmark settings' URLs: the site plus the baseline admin
def test_review_queue_figure_runs_on_a_tiny_queue():
    from bench.figures import review_queue

    figures = review_queue.run(applications=40, repeat=1, baseline_repeat=1)

    assert len(figures) == 4
    assert all(f.details["queries"] for f in figures)


def test_batch_upload_figure_saves_every_row_and_leaves_nothing_behind():
    from bench.figures import batch_upload
    from people.models import Person
    from registry.models import Application

    figure = batch_upload.run(rows=20, repeat=1)

    assert figure.details["rows"] == 20
    # Constant statements apart from insert chunks: the same at 20 rows as at 2.
    assert (
        figure.details["queries_ours"] - figure.details["queries_ours_inserts"]
        == figure.details["queries_ours_at_tenth_of_rows"]
        - figure.details["queries_ours_inserts_at_tenth_of_rows"]
    )
    assert not Application.objects.exists()
    assert not Person.objects.filter(email=batch_upload.EMAIL).exists()


def test_the_generated_ledger_is_reproducible_holds_every_state_and_goes_with_the_generated_data():
    import datetime as dt

    from bench.generate import generate, remove_generated
    from bench.ledger import GENERATED_ORGANISER, generate_ledger, generated_participations, remove_ledger
    from training.models import Activity, Participation

    on = dt.date(2026, 11, 27)
    generate(applications=120, seed=3, on=on, chunk=40)

    def rows():
        return sorted(
            Participation.objects.values_list("activity__title", "person_id", "hours", "state", "employer_id")
        )

    first = generate_ledger(participations=700, seed=3, on=on, chunk=300)
    made = rows()
    remove_ledger()
    assert not Participation.objects.exists()
    again = generate_ledger(participations=700, seed=3, on=on, chunk=300)

    assert rows() == made
    assert first.by_state == again.by_state
    assert generated_participations() == 700
    assert set(first.by_state) == {"confirmed", "recorded", "rejected"}
    assert not Activity.objects.exclude(organiser=GENERATED_ORGANISER).exists()
    assert all(a.ends_on.year == 2026 and a.ends_on <= on for a in Activity.objects.all())
    for participation in Participation.objects.select_related("activity")[:50]:
        participation.full_clean()
        assert participation.hours <= participation.activity.hours
    remove_generated()  # the ledger refers to the generated people: removed with them
    assert not Participation.objects.exists()
    assert not Activity.objects.exists()


def test_the_compliance_list_figure_runs_in_two_queries_on_a_tiny_ledger():
    from bench.figures import compliance_list
    from bench.generate import remove_generated

    figures = compliance_list.run(applications=80, participations=400, repeat=1, baseline_holders=5)

    assert len(figures) == 4
    assert [f.details["queries"] for f in figures] == [2, 2, 2, 2]
    assert all(f.details["baseline_queries"] > 2 for f in figures[:3])
    assert figures[0].details["holders_listed"] == figures[0].details["holders_in_year"] > 0
    remove_generated()
