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

    rate, size = certificate_pdf.run(seconds=0.01)

    assert rate.unit == "PDF/s"
    assert size.details["bytes_ours"] > 0


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
