"""Backup and restore of the databases, byte for byte, with a manifest to verify against.

A backup is a directory:

- `default.sqlite3` (SQLite, through `sqlite3.Connection.backup`) or `default.dump`
  (PostgreSQL, `pg_dump --format=custom`), and `jobs.sqlite3` where the jobs alias is a
  separate SQLite file;
- `media/`, a copy of MEDIA_ROOT (uploaded documents), and `private/`, a copy of
  PRIVATE_MEDIA_ROOT (sessions' evidence files, never public), each when there is one;
- `manifest.json`: when and from which engine, the rows of every table, the applied
  migrations, the ledger's totals per municipality and month (`billing.MonthlySpend`), and
  each file's SHA-256.

The manifest is computed from the same snapshot as the copy: on SQLite from the copied file
itself, on PostgreSQL inside the repeatable-read transaction whose snapshot pg_dump exports.
Nothing goes through dumpdata/loaddata, so a restore gives back every value exactly (the
timestamps' microseconds too). `restore` replaces the configured database with the backup's
and then computes the same figures again from the restored database and compares them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from atbalsts.billing.models import MonthlySpend
from atbalsts.jobs.router import ALIAS as JOBS_ALIAS
from atbalsts.jobs.router import shares_default_database
from atbalsts.people.models import Municipality

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
# The file trees a backup carries beside the databases: its directory name → the setting.
FILE_TREES = {MEDIA_DIR: "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
FORMAT = 1
CENT = Decimal("0.01")
PG_TIMEOUT_S = 6 * 60 * 60

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


# --- what the databases hold ------------------------------------------------------------------


def engine_of(alias: str) -> str:
    engine = str(settings.DATABASES[alias]["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"The {alias} database's engine {engine} is not supported.")


def aliases() -> list[str]:
    """The databases a backup holds: the default one, and the jobs one when it is another."""
    found = ["default"]
    if JOBS_ALIAS in settings.DATABASES and not shares_default_database():
        found.append(JOBS_ALIAS)
    return found


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(str(row[0]) for row in cursor.fetchall())


def _money(value: Any) -> str:
    # SQLite keeps decimals as numbers (a float for 12.34): rounded to the cent it is exact.
    amount = value if isinstance(value, Decimal) else Decimal(str(value or 0))
    return str(amount.quantize(CENT))


def ledger_totals(cursor: Any) -> dict[str, str]:
    """The approved money per municipality and month, keyed "code YYYY-MM"."""
    spend, town = MonthlySpend._meta, Municipality._meta
    code, month = _quote(town.get_field("code").column), _quote(spend.get_field("month").column)
    amount = _quote(spend.get_field("amount").column)
    town_id = _quote(spend.get_field("municipality").column)
    cursor.execute(
        f"SELECT m.{code}, s.{month}, SUM(s.{amount}) "  # noqa: S608 - names from the models
        f"FROM {_quote(spend.db_table)} s JOIN {_quote(town.db_table)} m "
        f"ON m.{_quote(town.pk.column)} = s.{town_id} GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return {f"{code} {str(month)[:7]}": _money(total) for code, month, total in cursor.fetchall()}


def contents(cursor: Any, engine: str, *, ledger: bool) -> dict[str, Any]:
    """Rows per table and the applied migrations (and the ledger's totals, for default)."""
    tables = _tables(cursor, engine)
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a listed table
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    found: dict[str, Any] = {"tables": counts, "migrations": migrations}
    if ledger:
        found["ledger"] = ledger_totals(cursor) if MonthlySpend._meta.db_table in counts else {}
    return found


def live_contents(alias: str) -> dict[str, Any]:
    with connections[alias].cursor() as cursor:
        return contents(cursor, engine_of(alias), ledger=alias == "default")


def has_data(alias: str) -> bool:
    return any(live_contents(alias)["tables"].values())


# --- files ------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _pg_environment(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the environment,
    never on the command line where other users of the host could read it."""
    db = settings.DATABASES[alias]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(command: list[str], env: Mapping[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(  # noqa: S603 - a fixed tool, arguments from the settings
        command, env=dict(env), capture_output=True, text=True, timeout=PG_TIMEOUT_S
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")


# --- backup -----------------------------------------------------------------------------------


def _backup_sqlite(alias: str, target: Path) -> dict[str, Any]:
    source = Path(str(settings.DATABASES[alias]["NAME"]))
    if not source.exists():
        raise BackupError(f"The {alias} database file {source} does not exist.")
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(target)) as copy:
        # A file on its own: no -wal beside it, whatever the live database's journal mode.
        copy.execute("PRAGMA journal_mode=DELETE")
        return contents(copy.cursor(), "sqlite", ledger=alias == "default")


def _backup_postgresql(alias: str, target: Path) -> dict[str, Any]:
    """pg_dump reads the snapshot this transaction exports, so the figures in the manifest
    are those of exactly the data in the dump, while the site keeps working."""
    args, env = _pg_environment(alias)
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                *args,
            ],
            env,
        )
        return contents(cursor, "postgresql", ledger=alias == "default")


def backup(path: Path, *, log: Log = lambda _: None) -> dict[str, Any]:
    """Write a backup directory at `path` (which must not exist, or be empty). The work is
    done in a temporary directory beside it and renamed at the end: a failed backup leaves
    nothing that looks like one."""
    path = path.resolve()
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} already exists and is not an empty directory.")
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine_of("default"),
            "databases": {},
        }
        for alias in aliases():
            engine = engine_of(alias)
            name = f"{alias}.sqlite3" if engine == "sqlite" else f"{alias}.dump"
            log(f"{alias}: {engine} → {name}")
            found = (
                _backup_sqlite(alias, work / name)
                if engine == "sqlite"
                else _backup_postgresql(alias, work / name)
            )
            manifest["databases"][alias] = {
                "engine": engine,
                "file": name,
                "sha256": _sha256(work / name),
                **found,
            }
        for directory, setting in FILE_TREES.items():
            root = Path(str(getattr(settings, setting)))
            files = _media_files(root)
            if files:
                log(f"{directory}: {len(files)} files")
                shutil.copytree(root, work / directory)
            manifest[directory] = {
                "files": len(files),
                "bytes": sum(p.stat().st_size for p in files),
            }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if path.exists():
            path.rmdir()
        work.rename(path)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# --- restore ----------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} is not a backup: no readable {MANIFEST} ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path / MANIFEST} is not a manifest of format {FORMAT}.")
    databases = manifest.get("databases")
    if not isinstance(databases, dict) or "default" not in databases:
        raise BackupError(f"{path / MANIFEST} names no default database.")
    return manifest


def check_restorable(path: Path, manifest: Mapping[str, Any]) -> None:
    """Everything that can be checked before the first write: same engines, same databases,
    the files present and unchanged since the backup."""
    for alias, entry in manifest["databases"].items():
        if alias not in settings.DATABASES or (alias != "default" and alias not in aliases()):
            raise BackupError(f"The backup holds a {alias} database this site does not have.")
        if entry.get("engine") != engine_of(alias):
            raise BackupError(
                f"The backup's {alias} database is {entry.get('engine')}, "
                f"this site's is {engine_of(alias)}: restore into the same engine."
            )
        file = path / str(entry.get("file", ""))
        if not file.is_file():
            raise BackupError(f"{file} is missing.")
        if _sha256(file) != entry.get("sha256"):
            raise BackupError(f"{file} differs from the one the manifest describes.")
    for alias in aliases():
        if alias not in manifest["databases"]:
            raise BackupError(f"The backup has no {alias} database, which this site has.")


def _restore_sqlite(alias: str, source: Path) -> None:
    target = Path(str(settings.DATABASES[alias]["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        # One step, under the target's write lock: readers see the old or the new database.
        src.backup(dst)


def _restore_postgresql(alias: str, source: Path) -> None:
    args, env = _pg_environment(alias)
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )


def differences(expected: Mapping[str, Any], found: Mapping[str, Any]) -> list[str]:
    """What differs between the manifest's figures for one database and the restored ones."""
    problems: list[str] = []
    want, have = expected.get("tables", {}), found.get("tables", {})
    for table in sorted(set(want) | set(have)):
        if table not in have:
            problems.append(f"table {table} is missing")
        elif table not in want:
            problems.append(f"table {table} is not in the backup")
        elif want[table] != have[table]:
            problems.append(f"table {table}: {have[table]} rows, the backup had {want[table]}")
    if expected.get("migrations", []) != found.get("migrations", []):
        problems.append("the applied migrations differ from the backup's")
    want_ledger, have_ledger = expected.get("ledger", {}), found.get("ledger", {})
    for key in sorted(set(want_ledger) | set(have_ledger)):
        if want_ledger.get(key) != have_ledger.get(key):
            problems.append(
                f"ledger {key}: {have_ledger.get(key, 'none')}, "
                f"the backup had {want_ledger.get(key, 'none')}"
            )
    return problems


def verify(manifest: Mapping[str, Any]) -> dict[str, list[str]]:
    """The differences per database between the live databases and the manifest."""
    return {
        alias: differences(entry, live_contents(alias))
        for alias, entry in manifest["databases"].items()
    }


@contextmanager
def _no_connections() -> Iterator[None]:
    connections.close_all()
    try:
        yield
    finally:
        connections.close_all()


def restore(path: Path, *, replace: bool, log: Log = lambda _: None) -> dict[str, list[str]]:
    """Replace the configured databases with the backup's, then verify them against the
    manifest; returns the differences per database (all empty when the restore is exact).
    Refuses, before writing anything, a database that holds data unless `replace`."""
    path = path.resolve()
    manifest = read_manifest(path)
    check_restorable(path, manifest)
    if not replace:
        full = [alias for alias in manifest["databases"] if has_data(alias)]
        if full:
            raise BackupError(
                f"The {', '.join(full)} database already holds data: "
                "run again with --yes to replace it with the backup."
            )
    with _no_connections():
        for alias, entry in manifest["databases"].items():
            log(f"{alias}: {entry['file']} → {settings.DATABASES[alias]['NAME']}")
            if entry["engine"] == "sqlite":
                _restore_sqlite(alias, path / entry["file"])
            else:
                _restore_postgresql(alias, path / entry["file"])
    for directory, setting in FILE_TREES.items():
        tree = path / directory
        if tree.is_dir():
            target = Path(str(getattr(settings, setting)))
            log(f"{directory}: {len(_media_files(tree))} files → {target}")
            shutil.copytree(tree, target, dirs_exist_ok=True)
    return verify(manifest)


def summary(manifest: Mapping[str, Any]) -> str:
    created = dt.datetime.fromisoformat(str(manifest["created_at"]))
    parts = []
    for alias, entry in manifest["databases"].items():
        rows = sum(entry["tables"].values())
        parts.append(f"{alias}: {len(entry['tables'])} tables, {rows} rows")
    ledger = manifest["databases"]["default"].get("ledger", {})
    total = sum((Decimal(v) for v in ledger.values()), Decimal(0))
    return (
        f"{created.isoformat(timespec='seconds')}, {manifest['engine']}; " + "; ".join(parts) + "; "
        f"ledger: {len(ledger)} municipality-months, {total.quantize(CENT)} EUR"
    )
