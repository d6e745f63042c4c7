"""seed_demo holds the yearly reports a newcomer should see (issue 17): last year's submitted (version 1
returned with the bureau's comments, version 2 awaiting its answer, each with its files), this year's in
draft with its written part begun; running it twice adds nothing."""

import hashlib

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.demo import RETURN_COMMENT, WORK_DONE
from reports.models import AnnualReport, ReportVersion, VersionState

pytestmark = pytest.mark.django_db


def test_the_demo_has_last_years_report_submitted_and_this_years_in_draft_and_seeds_once():
    call_command("seed_demo", force=True)
    versions = ReportVersion.objects.count()
    call_command("seed_demo", force=True)
    assert ReportVersion.objects.count() == versions == 2

    year = timezone.localdate().year
    last = AnnualReport.objects.get(year=year - 1)
    first, second = last.versions.order_by("number")
    assert (first.state, first.bureau_comment) == (VersionState.RETURNED, RETURN_COMMENT)
    assert second.state == VersionState.SUBMITTED
    assert second.work_done == WORK_DONE
    for version in (first, second):
        with version.pdf.open("rb") as pdf:
            assert hashlib.sha256(pdf.read()).hexdigest() == version.pdf_sha256
        with version.xlsx.open("rb") as workbook:
            assert hashlib.sha256(workbook.read()).hexdigest() == version.xlsx_sha256
    # The correction the bureau asked for is in version 2 and not in version 1.
    assert second.problems != first.problems
    draft = AnnualReport.objects.get(year=year)
    assert draft.work_done
    assert not draft.versions.exists()
