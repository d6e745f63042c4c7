"""`python -m bench` reports a figure that cannot run and still prints and saves the others (issue 21)."""

import importlib
import json
import types
from unittest import mock

import pytest

from bench import __main__ as runner
from bench import loadtest
from bench.figures import verification_load
from bench.harness import Figure

pytestmark = pytest.mark.django_db


def _figure(key: str) -> Figure:
    return Figure(key=key, title=key, unit="s", ours=1.0, baseline=2.0, target="-", met=True)


def test_a_missing_tool_and_a_failing_figure_are_skipped_with_reasons_and_the_rest_saved(tmp_path, capsys):
    modules = {
        "bench.figures.generate_data": types.SimpleNamespace(
            __doc__="Figure 1: generated.", run=lambda: _figure("generate_data")
        ),
        "bench.figures.verification_load": types.SimpleNamespace(
            __doc__="Figure 6: /verify/ under load.\n\nmore",
            missing=lambda: "wrk is not installed",
            run=None,
        ),
        "bench.figures.workdays": types.SimpleNamespace(
            __doc__="Figure 7: working days.", run=mock.Mock(side_effect=RuntimeError("boom"))
        ),
    }
    real_import = importlib.import_module

    def import_module(name, *args):
        return modules[name] if name in modules else real_import(name, *args)

    with (
        mock.patch.object(runner.importlib, "import_module", side_effect=import_module),
        mock.patch("bench.harness.RESULTS", tmp_path),
    ):
        status = runner.main(["--only", "generate_data", "verification_load", "workdays"])

    out = capsys.readouterr().out
    assert status == 1
    assert "skipped: wrk is not installed" in out
    assert "skipped: failed: RuntimeError: boom" in out
    saved = json.loads(next(tmp_path.glob("latest*.json")).read_text())
    by_key = {f["key"]: f for f in saved["figures"]}
    assert by_key["generate_data"]["ours"] == 1.0
    assert by_key["verification_load"]["details"] == {"skipped": "wrk is not installed"}
    assert by_key["verification_load"]["title"] == "Figure 6: /verify/ under load"
    assert by_key["workdays"]["met"] is None


def test_the_load_figure_says_when_wrk_is_missing():
    with mock.patch.object(loadtest.shutil, "which", return_value=None):
        assert "wrk is not installed" in verification_load.missing()
    with mock.patch.object(loadtest.shutil, "which", return_value="/usr/bin/wrk"):
        assert verification_load.missing() is None
