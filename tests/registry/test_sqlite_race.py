"""Two staff approving one application at once on the embedded default (SQLite): the loser gets the same
clear refusal as on PostgreSQL, not a 500 "database is locked" (issue 11, item 10).

SQLite has no row locks (`select_for_update` does nothing there); the settings open every transaction
with BEGIN IMMEDIATE, taking the database's write lock before the first read, so the second waits (busy
timeout 20 s), then reads the first's result and is refused by the state machine. The race runs in a
subprocess on a SQLite file (tests/registry/sqlite_race.py): the suite's in-memory database does not lock
like a file. The control runs it without the transaction mode and sees "database is locked".
"""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.registry.sqlite_race import race

REFUSAL = "该申请当前状态为“已批准”，无法执行“批准”。可能有其他人同时处理了该申请，请刷新页面查看最新状态。"
DONE = "操作成功：申请当前状态为“已批准”。"


@pytest.fixture(scope="module")
def sqlite_file_race(tmp_path_factory):
    """Run the race script in each mode on a fresh SQLite file (migrated once, then copied)."""
    folder = tmp_path_factory.mktemp("sqlite-race")
    results = {}
    for mode in ("immediate", "deferred"):
        script = ["-m", "tests.registry.sqlite_race", str(folder / f"{mode}.sqlite3"), mode]
        completed = subprocess.run(
            [sys.executable, *script, "--template", str(folder / "template.sqlite3")],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        results[mode] = json.loads(completed.stdout)["rounds"]
    return results


def _admin_rounds(rounds):
    return [r for r in rounds if r["kind"] == "admin"]


def _service_rounds(rounds):
    return [r for r in rounds if r["kind"] == "service"]


def test_with_immediate_transactions_the_loser_sees_the_clear_refusal_in_the_admin(sqlite_file_race):
    for round_ in _admin_rounds(sqlite_file_race["immediate"]):
        assert (round_["state"], round_["approvals"]) == ("approved", 1)
        outcomes = round_["outcomes"]
        assert all(o["status"] == 302 and o["page"] == 200 for o in outcomes), outcomes  # no 500
        assert sorted(o["messages"][0] for o in outcomes) == sorted([DONE, REFUSAL])


def test_with_immediate_transactions_the_service_refuses_the_loser_with_its_code(sqlite_file_race):
    for round_ in _service_rounds(sqlite_file_race["immediate"]):
        assert (round_["state"], round_["approvals"]) == ("approved", 1)
        outcomes = sorted(round_["outcomes"], key=lambda o: "refused" in o)
        assert outcomes == [{"done": True}, {"refused": "transition_not_allowed", "messages": [REFUSAL]}]


def test_without_them_the_same_race_gives_database_is_locked(sqlite_file_race):
    """The control: SQLite's default (deferred) transactions. Both read, then both try to write: the
    second cannot upgrade its read lock while the first holds the write lock, and SQLite answers at once,
    without waiting out the busy timeout."""
    for round_ in _admin_rounds(sqlite_file_race["deferred"]):
        statuses = sorted(o["status"] for o in round_["outcomes"])
        assert statuses == [302, 500]
        loser = next(o for o in round_["outcomes"] if o["status"] == 500)
        assert loser["server_error"] == "OperationalError: database is locked"
    for round_ in _service_rounds(sqlite_file_race["deferred"]):
        assert {"exception": "OperationalError: database is locked"} in round_["outcomes"]
        assert round_["approvals"] == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_gives_the_loser_the_very_same_answers(sqlite_file_race):
    """The same race, in-process on PostgreSQL (row locks, select_for_update): the same outcomes."""

    def answers(rounds):
        as_text = lambda o: json.dumps(o, ensure_ascii=False, sort_keys=True)  # noqa: E731
        return [sorted(as_text(o) for o in r["outcomes"]) for r in rounds]

    on_postgresql = race()
    assert all((r["state"], r["approvals"]) == ("approved", 1) for r in on_postgresql)
    assert answers(on_postgresql) == answers(sqlite_file_race["immediate"])
