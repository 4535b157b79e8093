"""CPU cost of each page of the load test (docs/performance.md, "Load test"): the CPU time of
the Django process (`time.process_time`) and of the PostgreSQL backend serving it (read from
/proc/<pid>/stat, so the database must run on this machine) per view, through Django's test
client with the production settings. Unlike wall-clock time it does not grow with other work
on the machine, so it tells what a page costs on a dedicated core. Not a test: run by hand,
after `bench/load.py` has made the country.

    .venv/bin/python bench/page_cost.py                 # atbalsts_load, 10 views of each page
    .venv/bin/python bench/page_cost.py --runs 20 --database-url postgres://…/atbalsts_load
    .venv/bin/python bench/page_cost.py --evaluated     # and the evaluated pilot report alone
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def _ticks(pid: int) -> int:
    """User + system CPU of a process in clock ticks (1/100 s on Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cost(run: Any, runs: int) -> tuple[float, float]:
    """(Python ms, database ms) of one call of `run`, averaged over `runs`."""
    pid = _backend_pid()
    python, database = time.process_time(), _ticks(pid)
    for _ in range(runs):
        run()
    return (
        (time.process_time() - python) / runs * 1000,
        (_ticks(pid) - database) / runs * 10,
    )


def pages(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from load import LOOPBACK, _client_pages, _pages_for

    from atbalsts.core.roles import Role
    from atbalsts.people.models import Client as Person
    from atbalsts.people.models import Municipality

    user_model = get_user_model()
    town = Municipality.objects.annotate(n=Count("clients")).order_by("-n", "code").first()
    if town is None:
        raise SystemExit("no municipality: make the country with bench/load.py first")
    users: list[Any] = [
        user_model.objects.filter(municipality=town, role=role).first()
        for role in (Role.SOCIAL_WORKER, Role.HEAD, Role.ACCOUNTANT)
    ]
    for role in ("analyst", "auditor"):
        user, _ = user_model.objects.get_or_create(
            username=f"load-{role}", defaults={"role": role, "municipality": None}
        )
        users.append(user)
    candidates = list(
        Person.objects.filter(municipality=town, support_plans__isnull=False)
        .distinct()
        .order_by("pk")[:40]
    )
    headers = {"host": LOOPBACK}
    print(f"{'role':14} {'page':24} {'CPU ms':>7} {'Python':>7} {'database':>9} {'queries':>8}")
    for user in users:
        if user is None:
            continue
        browser = Client()
        browser.force_login(user)
        todo = _pages_for(user)
        for person in candidates:
            first, *rest = _client_pages(person)
            if browser.get(first[1], secure=True, headers=headers).status_code == 200:
                todo += [first, *rest]
                break
        for name, url in todo:
            if browser.get(url, secure=True, headers=headers).status_code != 200:
                continue  # a page this role may not open

            def view(url: str = url, browser: Any = browser) -> None:
                browser.get(url, secure=True, headers=headers)

            python, database = _cost(view, runs)
            with CaptureQueriesContext(connection) as queries:
                view()
            print(
                f"{user.role:14} {name:24} {python + database:7.0f} {python:7.0f} "
                f"{database:9.0f} {len(queries):8}"
            )


def evaluated(runs: int) -> None:
    from atbalsts.people.models import Municipality
    from atbalsts.reporting.policies import SYSTEM_READER
    from atbalsts.reporting.selectors import pilot_report_evaluated

    largest = Municipality.objects.order_by("code")
    scopes = [("national", None)] + [
        (m.code, [m]) for m in largest.filter(code__in=["riga", "balvi"])
    ]
    for label, municipalities in scopes:
        for group in (None, "adult_grt"):
            arguments: dict[str, Any] = {
                "user": SYSTEM_READER,
                "municipalities": municipalities,
                "target_group": group,
                "date_from": dt.date(2023, 1, 1),
                "date_to": dt.date(2025, 12, 31),
            }
            pilot_report_evaluated(**arguments)  # warm-up

            def run(arguments: dict[str, Any] = arguments) -> None:
                pilot_report_evaluated(**arguments)

            python, database = _cost(run, runs)
            print(
                f"evaluated {label}, {group or 'both groups'}: {python + database:.0f} ms CPU "
                f"(Python {python:.0f}, database {database:.0f}; parallel workers not counted)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/atbalsts_load"
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--evaluated", action="store_true", help="the evaluated report too")
    args = parser.parse_args()
    if urlparse(args.database_url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the backend's CPU is read from /proc: a database on this machine only")
    if not 1 <= args.runs <= 100:
        raise SystemExit("--runs is bounded: 1 to 100")
    from load import production_env

    os.environ.update(production_env(args.database_url))
    import django

    django.setup()
    pages(args.runs)
    if args.evaluated:
        evaluated(args.runs)


if __name__ == "__main__":
    main()
