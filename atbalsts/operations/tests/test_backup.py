"""Backup → restore round trips on a real file database and on PostgreSQL: every row comes
back exactly (timestamps to the microsecond), and the restore verifies itself against the
manifest. Each runs manage.py in subprocesses against a database of its own."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[3]
SEED = "from atbalsts.operations.tests.seed import seed; seed()"
EXACT = "2026-03-04 05:06:07.123456"
DELETE_AUDIT = """
from django.db import connection
try:
    connection.cursor().execute("DELETE FROM core_auditevent")
except Exception as error:
    print("refused:", error)
"""

pytestmark = pytest.mark.slow


def _manage(env, *args, check=True):
    result = subprocess.run(  # noqa: S603 - this project's manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
    return result


def _environment(database_url, media):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "atbalsts.operations.tests.roundtrip_settings",
            "DATABASE_URL": database_url,
            "ATBALSTS_TEST_MEDIA_ROOT": str(media),
        }
    )
    return env


def _private(env):
    """A session's evidence file: kept in PRIVATE_MEDIA_ROOT, beside MEDIA_ROOT."""
    media = Path(env["ATBALSTS_TEST_MEDIA_ROOT"])
    return media.with_name(media.name + "-private") / "delivery" / "secret.pdf"


def _prepare(env, *, jobs_database):
    _manage(env, "migrate", "-v0")
    if jobs_database:
        _manage(env, "migrate", "--database", "jobs", "-v0")
    _manage(env, "shell", "-c", SEED)


def _sqlite_dump(path):
    with sqlite3.connect(path) as db:
        return list(db.iterdump())


def _round_trip_checks(env, tmp_path, snapshot, damage):
    """Back up, damage the data, refuse without --yes, restore, compare, then a tampered
    manifest must fail the verification."""
    assert "The audit log verifies" in _manage(env, "audit_verify").stdout
    before = snapshot()
    assert any(EXACT in line for line in before), "the seed wrote the exact timestamp"
    backup = tmp_path / "backup"
    out = _manage(env, "backup", str(backup)).stdout
    assert "Backup written" in out
    manifest = json.loads((backup / "manifest.json").read_text())
    ledger = manifest["databases"]["default"]["ledger"]
    assert {key.split()[0] for key in ledger} == {"balvi", "tukums"}
    assert ledger["tukums 2025-11"] == "133.07"
    assert ledger["tukums 2025-12"] == "233.07"
    assert manifest["databases"]["default"]["tables"]["people_client"] == 3
    assert manifest["media"]["files"] == 1
    assert (backup / "media" / "evidence" / "roundtrip.txt").read_bytes() == b"evidence"
    assert manifest["private"]["files"] == 1
    assert (backup / "private" / "delivery" / "secret.pdf").read_bytes() == b"private"

    damage()
    (Path(env["ATBALSTS_TEST_MEDIA_ROOT"]) / "evidence" / "roundtrip.txt").unlink()
    _private(env).unlink()
    assert snapshot() != before

    refused = _manage(env, "restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert "Traceback" not in refused.stderr

    restored = _manage(env, "restore", str(backup), "--yes")
    assert "Restored and verified." in restored.stdout, restored.stdout + restored.stderr
    assert snapshot() == before
    # The audit chain hashes each event's time to the microsecond: it verifies only if the
    # restore gave back every event exactly.
    verified = _manage(env, "audit_verify")
    assert "The audit log verifies" in verified.stdout
    # and the restored audit log is still append-only
    assert "append-only" in _manage(env, "shell", "-c", DELETE_AUDIT).stdout
    media = Path(env["ATBALSTS_TEST_MEDIA_ROOT"]) / "evidence" / "roundtrip.txt"
    assert media.read_bytes() == b"evidence"
    assert _private(env).read_bytes() == b"private"

    manifest["databases"]["default"]["ledger"]["tukums 2025-11"] = "134.07"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    mismatch = _manage(env, "restore", str(backup), "--yes", check=False)
    assert mismatch.returncode != 0
    assert "ledger tukums 2025-11: 133.07, the backup had 134.07" in mismatch.stderr
    assert "Traceback" not in mismatch.stderr


def test_sqlite_round_trip(tmp_path):
    database = tmp_path / "db" / "atbalsts.sqlite3"
    database.parent.mkdir()
    jobs = tmp_path / "db" / "atbalsts-jobs.sqlite3"
    env = _environment(f"sqlite:///{database}", tmp_path / "media")
    _prepare(env, jobs_database=True)

    def snapshot():
        return _sqlite_dump(database) + _sqlite_dump(jobs)

    def damage():
        with sqlite3.connect(database) as db:
            db.execute("UPDATE people_client SET created_at = '2020-01-01 00:00:00'")
            db.execute("UPDATE billing_monthlyspend SET amount = amount + 1")
        with sqlite3.connect(jobs) as db:
            db.execute("DELETE FROM jobs_workerheartbeat")

    _round_trip_checks(env, tmp_path, snapshot, damage)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert set(manifest["databases"]) == {"default", "jobs"}
    assert manifest["databases"]["jobs"]["tables"]["jobs_workerheartbeat"] == 1


def test_backup_refuses_a_directory_that_holds_files(tmp_path):
    database = tmp_path / "atbalsts.sqlite3"
    env = _environment(f"sqlite:///{database}", tmp_path / "media")
    _manage(env, "migrate", "-v0")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = _manage(env, "backup", str(tmp_path / "full"), check=False)
    assert result.returncode != 0
    assert "not an empty directory" in result.stderr
    result = _manage(env, "restore", str(tmp_path / "full"), check=False)
    assert result.returncode != 0
    assert "is not a backup" in result.stderr
    assert "Traceback" not in result.stderr


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (CI runs this on PostgreSQL)")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} (Debian: postgresql-client)")
    return url


def test_postgresql_round_trip(tmp_path):
    import psycopg

    url = _postgres_url()
    parts = urlparse(url)
    name = f"atbalsts_ops_{uuid.uuid4().hex[:10]}"
    server = urlunparse(parts._replace(path="/postgres", scheme="postgresql"))
    own = urlunparse(parts._replace(path=f"/{name}", scheme="postgresql"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _environment(urlunparse(parts._replace(path=f"/{name}")), tmp_path / "media")
        _prepare(env, jobs_database=False)

        def snapshot():
            with psycopg.connect(own, options="-c TimeZone=UTC") as conn:
                tables = [
                    row[0]
                    for row in conn.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                    )
                ]
                return sorted(
                    f"{table}: {row[0]}"
                    for table in tables
                    for row in conn.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608
                )

        def damage():
            with psycopg.connect(own) as conn:
                conn.execute("UPDATE people_client SET created_at = '2020-01-01 00:00:00+00'")
                conn.execute("UPDATE billing_monthlyspend SET amount = amount + 1")
                conn.execute("DELETE FROM jobs_workerheartbeat")

        _round_trip_checks(env, tmp_path, snapshot, damage)
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
