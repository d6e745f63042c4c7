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
