"""Import speed (docs/performance.md, "Import speed"). Not a test: a measurement, run by hand.

    .venv/bin/python bench/import.py                          # both engines, ~200 000 sessions
    .venv/bin/python bench/import.py --engines sqlite --copies 4
    .venv/bin/python bench/import.py --invoices               # the invoices sheet too (slow)

The bundle is the Balvi pilots' (`atbalsts.demo.balvi`, 20 clients, 5 709 sessions) copied
--copies times (35: 700 clients, 199 815 sessions) under new personal codes, with their
representatives, support circles, consents, assessments, budgets, plans (their goals, lines
and guarantee letters) and invoice lines. For each engine — SQLite in a file under /tmp,
PostgreSQL at --database-url (dropped and created again) — in a fresh process with the local
settings:

1. migrate a new database and make the demo users; the head imports as in the demo;
2. import the bundle without sessions and invoices (providers … plans: row by row through
   the services), timed;
3. import the sessions sheet alone (the bundle path: `delivery.services.bulk`), timed;
4. the limit: in a transaction rolled back afterwards, the same Session rows deleted and
   inserted again by a plain `bulk_create` (no checks, no flags, no audit), timed;
5. a provider's session import (`delivery.services.sessions_import`) of the same sessions
   written as CSV files in its columns (5 000 rows each, the file limit), one after another
   in a transaction rolled back afterwards, timed;
6. with --invoices, the invoices sheets (each through the billing services), timed;
7. `audit_verify`.

Rows per second are wall-clock; the CPU seconds are this process's (on PostgreSQL the
server's work is not in them). Prints a table, and with --json the numbers.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQLITE = "/tmp/atbalsts-importbench.sqlite3"  # noqa: S108 - a benchmark's scratch file
POSTGRES = "postgres://postgres@127.0.0.1:5432/atbalsts_importbench"
CLIENT_COLUMNS = ("personal_code", "client_personal_code")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--copies", type=int, default=35)
    parser.add_argument("--sqlite-path", default=SQLITE)
    parser.add_argument("--database-url", default=POSTGRES)
    parser.add_argument("--invoices", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(work(args.worker, args.copies, args.invoices)), flush=True)
        return
    results = {}
    for engine in args.engines.split(","):
        url = f"sqlite:///{args.sqlite_path}" if engine == "sqlite" else args.database_url
        command = [sys.executable, __file__, "--worker", url, "--copies", str(args.copies)]
        if args.invoices:
            command.append("--invoices")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        env["DATABASE_URL"] = url
        print(f"{engine}: {url}", file=sys.stderr, flush=True)
        done = subprocess.run(  # noqa: S603 - this very script
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if done.returncode or not lines:
            sys.stderr.write(done.stdout[-4000:])
            raise SystemExit(f"{engine}: the worker failed")
        results[engine] = json.loads(lines[-1][len("RESULT ") :])
    if args.json:
        print(json.dumps(results, indent=2))
    table(results)


def table(results: dict[str, dict[str, Any]]) -> None:
    steps = (
        ("sessions", "bundle: sessions sheet (all rules, audit)"),
        ("session_import", "provider's session import (CSV, all rules)"),
        ("plain", "plain bulk_create of the same rows (the limit)"),
        ("history", "bundle: everything else but invoices"),
        ("invoices", "bundle: invoices sheets"),
    )
    engines = list(results)
    print()
    print("| step | rows | " + " | ".join(f"{e} s | {e} rows/s" for e in engines) + " |")
    print("|---|---:|" + "---:|---:|" * len(engines))
    for key, label in steps:
        if not all(key in results[e] for e in engines):
            continue
        rows = results[engines[0]][key]["rows"]
        cells = []
        for engine in engines:
            step = results[engine][key]
            cells.append(f"{step['seconds']:.1f} | {step['rows'] / step['seconds']:,.0f}")
        print(f"| {label} | {rows:,} | " + " | ".join(cells) + " |")
    for engine in engines:
        print(f"\n{engine}: {results[engine]['audit']}; load {results[engine]['load']}")


# --- the worker (one engine, in its own process) ---------------------------------------------


def _fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
            jobs = str(path).removesuffix(".sqlite3") + "-jobs.sqlite3"
            Path(f"{jobs}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _scaled(sheets: dict[str, list[list[Any]]], copies: int) -> dict[str, list[list[Any]]]:
    """The bundle with every client's rows repeated `copies` times under new codes."""
    rng = random.Random(2026)  # noqa: S311 - made-up codes, not secrets
    originals = {row[0] for row in sheets["clients"][1:]}
    used = set(originals)

    def new_code() -> str:
        while True:
            code = f"32{rng.randrange(10000):04d}-{rng.randrange(100000):05d}"
            if code not in used:
                used.add(code)
                return code

    codes = [{code: new_code() for code in sorted(originals)} for _copy in range(copies - 1)]
    result: dict[str, list[list[Any]]] = {}
    for name, (header, *rows) in sheets.items():
        column = next((header.index(c) for c in CLIENT_COLUMNS if c in header), None)
        out = [header, *rows]
        if column is not None:
            for mapping in codes:
                for row in rows:
                    copy = list(row)
                    copy[column] = mapping[row[column]]
                    out.append(copy)
        result[name] = out
    return result


def _timed(work: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return time.perf_counter() - wall, time.process_time() - cpu, value


class _Undo(Exception):
    pass


def _rolled_back(work: Any) -> tuple[float, float, Any]:
    from django.db import transaction

    found: list[tuple[float, float, Any]] = []
    try:
        with transaction.atomic():
            found.append(work())
            raise _Undo
    except _Undo:
        pass
    return found[0]


def _session_files(limit: int = 5000) -> tuple[list[bytes], int]:
    """Every stored session as a row of a provider's import file (its columns), in files of
    at most `limit` rows (what `core.tabular` reads in one file)."""
    from atbalsts.delivery.models import Session
    from atbalsts.plans.models import GuaranteeLetter

    letters = {letter.pk: letter for letter in GuaranteeLetter.objects.all()}
    numbers = {
        pk: {line["key"]: n for n, line in enumerate(letter.lines, start=1)}
        for pk, letter in letters.items()
    }
    header = "vēstule;rinda;datums;sākums;ilgums;statuss;veids;parakstīja;saņēmējs;km;biļete"
    rows: list[list[Any]] = []
    for s in Session.objects.select_related("recipient").order_by("id").iterator(5000):
        km = s.units if s.service_type_id and s.ticket_amount is None and _is_km(s) else ""
        rows.append(
            [
                letters[s.letter_id].number,
                numbers[s.letter_id][str(s.line_key)],
                s.date.isoformat(),
                s.start_time.strftime("%H:%M") if s.start_time else "",
                s.duration_minutes or "",
                s.status,
                s.mode,
                s.signed_by,
                str(s.recipient) if s.recipient else "",
                km,
                s.ticket_amount if s.ticket_amount is not None else "",
            ]
        )
    files = []
    for i in range(0, len(rows), limit):
        out = io.StringIO()
        out.write(header + "\n")
        csv.writer(out, delimiter=";").writerows(rows[i : i + limit])
        files.append(out.getvalue().encode())
    return files, len(rows)


_KM: dict[int, bool] = {}


def _is_km(session: Any) -> bool:
    from atbalsts.catalog.models import ServiceType, ServiceUnit

    if session.service_type_id not in _KM:
        unit = ServiceType.objects.get(pk=session.service_type_id).unit
        _KM[session.service_type_id] = unit == ServiceUnit.KM
    return _KM[session.service_type_id]


def work(url: str, copies: int, invoices: bool) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    _fresh_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from atbalsts.bundle.example import csv_files
    from atbalsts.bundle.services import bundle_import
    from atbalsts.core.audit import chain_verify
    from atbalsts.delivery import services as delivery_services
    from atbalsts.delivery.models import Session
    from atbalsts.demo import people
    from atbalsts.demo.balvi import MUNICIPALITY, pilot_sheets
    from atbalsts.people.models import Municipality

    call_command("migrate", verbosity=0)
    if url.startswith("sqlite"):
        call_command("migrate", database="jobs", verbosity=0)
    head = people.ensure_users()["vaditaja"]
    balvi = Municipality.objects.get(code=MUNICIPALITY)
    sheets = _scaled(pilot_sheets(), copies)
    later = ("sessions", "invoices", "invoice_lines")
    result: dict[str, Any] = {"load": os.getloadavg()}

    def bundle(names: Any) -> Any:
        part = {name: rows for name, rows in sheets.items() if name in names}
        return lambda: bundle_import(actor=head, municipality=balvi, files=csv_files(part))

    def rows(names: Any) -> int:
        return sum(len(sheets[name]) - 1 for name in names)

    first = [name for name in sheets if name not in later]
    wall, cpu, _report = _timed(bundle(first))
    result["history"] = {"rows": rows(first), "seconds": wall, "cpu": cpu}
    print("history", result["history"], file=sys.stderr, flush=True)
    wall, cpu, _report = _timed(bundle(["sessions"]))
    result["sessions"] = {"rows": rows(["sessions"]), "seconds": wall, "cpu": cpu}
    print("sessions", result["sessions"], file=sys.stderr, flush=True)

    stored = list(Session.objects.order_by("id"))

    def plain() -> tuple[float, float, Any]:
        Session.objects.all().delete()
        for session in stored:
            session.pk = None
        return _timed(lambda: Session.objects.bulk_create(stored, batch_size=1000))

    wall, cpu, _made = _rolled_back(plain)
    result["plain"] = {"rows": len(stored), "seconds": wall, "cpu": cpu}
    print("plain", result["plain"], file=sys.stderr, flush=True)

    files, count = _session_files()

    def file_import() -> tuple[float, float, Any]:
        Session.objects.all().delete()
        return _timed(
            lambda: sum(
                delivery_services.sessions_import(actor=head, name="b.csv", content=content)[
                    "created"
                ]
                for content in files
            )
        )

    wall, cpu, created = _rolled_back(file_import)
    if created != count:
        raise SystemExit(f"the session import created {created}, not {count}")
    result["session_import"] = {"rows": count, "seconds": wall, "cpu": cpu}
    print("session_import", result["session_import"], file=sys.stderr, flush=True)
    if invoices:
        names = ["invoices", "invoice_lines"]
        wall, cpu, _report = _timed(bundle(names))
        result["invoices"] = {"rows": rows(names), "seconds": wall, "cpu": cpu}
        print("invoices", result["invoices"], file=sys.stderr, flush=True)
    report = chain_verify()
    result["audit"] = f"audit chain: {report.events} events, {report.problem or 'verified'}"
    return result


if __name__ == "__main__":
    main()
