"""Back up a demo registry, drop it, restore it: every application, certificate and file comes back equal.

Runs scripts/backup.sh and scripts/restore.sh as an operator would, against a throwaway database on the
CI machine's PostgreSQL (never the database pytest-django uses for the other tests) and a temporary
storage directory. The demo is `seed_demo`: applications in every state, materials (real files),
certificate PDFs, written decisions, training evidence and report files.
"""

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]


def _server_url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    with psycopg.connect(_server_url("postgres"), autocommit=True) as connection:
        connection.execute(sql)


def _query(name: str, sql: str) -> list[tuple]:
    with psycopg.connect(_server_url(name)) as connection:
        return connection.execute(sql).fetchall()


def _files(root: Path) -> dict[str, str]:
    """Every file under root (relative name → SHA-256), hashed here, independently of the scripts."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _snapshot(name: str) -> dict[str, list[tuple]]:
    """What must come back: the rows that matter, the file names they hold, and every table's count."""
    tables = [row[0] for row in _query(name, "select tablename from pg_tables where schemaname = 'public'")]
    return {
        "applications": _query(
            name, "select id, state, employer_id, person_id from registry_application order by id"
        ),
        "certificates": _query(
            name, "select id, number, state, pdf from registry_registrationcertificate order by id"
        ),
        "materials": _query(
            name, "select id, application_id, file, checksum from registry_material order by id"
        ),
        "decisions": _query(
            name, "select id, application_id, kind, pdf from registry_decisiondocument order by id"
        ),
        "counts": sorted(
            (table, _query(name, f'select count(*) from "{table}"')[0][0])  # noqa: S608 — names from pg_tables
            for table in tables
        ),
    }


def _run(args: list[str], env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        pytest.fail(f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def throwaway(tmp_path):
    """A new empty database (dropped afterwards, whatever happens) and the environment of its processes."""
    name = f"registry_backup_test_{secrets.token_hex(4)}"
    _admin(f"create database {name}")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "PG")) and key != "REQUIRE_SERVICES"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _server_url(name),
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "storage"),
        "PYTHON": sys.executable,
    }
    (tmp_path / "storage").mkdir()
    try:
        yield name, env
    finally:
        _admin(f"drop database if exists {name} with (force)")


def test_backup_drop_restore_brings_back_every_application_certificate_and_file(throwaway, tmp_path):
    name, env = throwaway
    storage = tmp_path / "storage"
    backups = tmp_path / "backups"
    manage = [sys.executable, "manage.py"]
    _run([*manage, "migrate", "--verbosity", "0"], env)
    _run([*manage, "seed_demo", "--force"], env)

    before = _snapshot(name)
    files_before = _files(storage)
    # The demo must hold what the test is about, or it proves nothing.
    assert len(before["applications"]) >= 10
    assert len(before["materials"]) >= 10
    assert sum(1 for row in before["certificates"] if row[3]) >= 3
    assert len(before["decisions"]) >= 3
    named = {row[2] for row in before["materials"]} | {row[3] for row in before["certificates"] if row[3]}
    named |= {row[3] for row in before["decisions"]}
    assert named <= files_before.keys()

    # Retention: a complete backup older than the limit goes; a directory that is not one stays.
    old = backups / "registry-20000101T000000Z"
    old.mkdir(parents=True)
    (old / "SHA256SUMS").write_text("")
    stranger = backups / "registry-20000101T000001Z"
    stranger.mkdir()
    _run(["scripts/backup.sh", "--keep-days", "1", str(backups)], env)
    assert not old.exists()
    assert stranger.exists()
    backup = next(path for path in backups.glob("registry-*") if path != stranger)
    assert not list(backups.glob(".partial-*"))
    manifest = (backup / "MANIFEST").read_text()
    assert "commit: " in manifest
    assert "registry_application\t" in manifest
    assert "registry.0001_initial" in manifest

    # The disaster: the database and the storage are gone.
    _admin(f"drop database {name} with (force)")
    shutil.rmtree(storage)

    restore = _run(["scripts/restore.sh", str(backup), name, str(storage)], env)
    assert "exit status 0" in restore.stdout, restore.stdout
    assert "0 个缺失，0 个校验值不同" in restore.stdout  # manage.py stored_files --verify, in Chinese

    after = _snapshot(name)
    assert after == before
    assert _files(storage) == files_before
    for _id, _application, file, checksum in after["materials"]:
        assert hashlib.sha256((storage / file).read_bytes()).hexdigest() == checksum


def test_restore_refuses_a_damaged_backup_or_a_database_in_use_and_changes_nothing(throwaway, tmp_path):
    name, env = throwaway
    storage = tmp_path / "storage"
    _run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], env)
    _run([sys.executable, "manage.py", "seed_demo", "--force"], env)
    _run(["scripts/backup.sh", str(tmp_path / "backups")], env)
    (backup,) = (tmp_path / "backups").glob("registry-*")
    before = _snapshot(name)
    files_before = _files(storage)

    # Into a database that has tables, or a storage directory that is not empty: refused without --force.
    refused = _run(["scripts/restore.sh", str(backup), name, str(tmp_path / "elsewhere")], env, check=False)
    assert refused.returncode == 2
    assert f"database {name} has" in refused.stderr
    assert not (tmp_path / "elsewhere").exists()

    # A damaged archive: refused before anything is dropped, even with --force.
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    with (damaged / "storage.tar").open("r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    refused = _run(["scripts/restore.sh", "--force", str(damaged), name, str(storage)], env, check=False)
    assert refused.returncode == 2
    assert "damaged" in refused.stderr
    assert _snapshot(name) == before
    assert _files(storage) == files_before

    # A database name that could be anything else is refused as a name.
    refused = _run(
        ["scripts/restore.sh", str(backup), "x; drop database postgres", str(storage)], env, check=False
    )
    assert refused.returncode == 2
    assert _snapshot(name) == before

    # A file the database names went missing from the archive: the restore says so and fails.
    emptied = tmp_path / "emptied"
    shutil.copytree(backup, emptied)
    victim = before["materials"][0][2]
    subprocess.run(["tar", "--delete", "--file", str(emptied / "storage.tar"), f"./{victim}"], check=True)
    sums = (emptied / "SHA256SUMS").read_text().splitlines()
    digest = hashlib.sha256((emptied / "storage.tar").read_bytes()).hexdigest()
    (emptied / "SHA256SUMS").write_text(
        "\n".join(f"{digest}  storage.tar" if line.endswith("  storage.tar") else line for line in sums)
        + "\n"
    )
    broken = _run(
        ["scripts/restore.sh", "--force", str(emptied), name, str(tmp_path / "restored")], env, check=False
    )
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert f"{victim} (registry.Material.file" in broken.stderr
