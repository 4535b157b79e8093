"""National-scale benchmark of the pilot report (docs/performance.md). Not a test.

    .venv/bin/python bench/national_report.py                      # 40 000 clients, 10 M sessions
    .venv/bin/python bench/national_report.py --clients 4000 --sessions 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/atbalsts_bench_10

Creates the PostgreSQL database if it is missing, migrates it, generates the synthetic country
(`manage.py country_generate`) unless a country of that size is already there (or
--regenerate), and a small country in `<database>_small` for the query counts. Then, median of
--runs runs after one warm-up: the national report (all municipalities; both target groups
together and each alone; the three years), a one-municipality report (the largest one and
Balvi), and the same figures by a plain SQL aggregate over the raw session table; checks that
all agree to the cent; counts the queries of each report at both data sizes; and measures the
peak memory of a fresh process that runs one report. Two engines of the product: `report`
(`pilot_report`, the figures alone) and `evaluated` (`pilot_report_evaluated`: what the page,
the API, the exports and the command call — the report with its outcomes and the budget needed
per band); both read the roll-ups billing keeps (billing.ledger). The same report computed over
the MonthlySpend ledger rows (as it was before the roll-ups) is measured next to them as a
second cross-check, and the budget needed per band is checked against the ledger rows too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atbalsts_bench"
START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)


def _with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def ensure_database(url: str, *, drop: bool) -> bool:
    """Create the database if it is missing (drop it first with `drop`). True if created."""
    import psycopg

    name = urlparse(url).path.lstrip("/")
    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            return True
    return False


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def manage(url: str, *args: str) -> None:
    """Run a management command in its own process (so its memory is not counted here)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT
    )


def prepare(url: str, *, clients: int, sessions: int, seed: int, regenerate: bool) -> None:
    ensure_database(url, drop=regenerate)
    manage(url, "migrate", "-v0")
    check = (
        "from atbalsts.demo.country import is_generated; "
        f"print(is_generated(clients={clients}, sessions={sessions}))"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = (
        subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), "shell", "-c", check],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if done == "True":
        print(f"{url}: the country is already there ({clients} clients, {sessions} sessions)")
        return
    if done != "False":  # pragma: no cover - a broken environment
        raise SystemExit(done)
    ensure_database(url, drop=True)
    manage(url, "migrate", "-v0")
    print(f"{url}: generating {clients} clients, {sessions} sessions …", flush=True)
    manage(
        url,
        "country_generate",
        f"--clients={clients}",
        f"--sessions={sessions}",
        f"--seed={seed}",
        f"--start={START.isoformat()}",
    )


# --- the reports under test -------------------------------------------------------------------


def cases() -> list[tuple[str, dict[str, Any]]]:
    """(label, arguments) of the reports measured, after Django is set up."""
    from django.db.models import Count

    from atbalsts.people.models import Municipality

    largest = Municipality.objects.annotate(n=Count("clients")).order_by("-n", "code").first()
    if largest is None:
        raise SystemExit("no municipality: generate the country first")
    balvi = Municipality.objects.get(code="balvi")
    return [
        ("national, both groups", {"municipalities": None, "target_group": None}),
        ("national, child_ft", {"municipalities": None, "target_group": "child_ft"}),
        ("national, adult_grt", {"municipalities": None, "target_group": "adult_grt"}),
        (f"{largest.code}, both groups", {"municipalities": [largest], "target_group": None}),
        (f"{largest.code}, adult_grt", {"municipalities": [largest], "target_group": "adult_grt"}),
        ("balvi, both groups", {"municipalities": [balvi], "target_group": None}),
    ]


def ledger_report(**arguments: Any) -> Any:
    """The pilot report computed over the MonthlySpend ledger rows with COUNT(DISTINCT …): the
    design the roll-ups replaced, kept here as a cross-check and for comparison."""
    from django.db.models import BigIntegerField, Case, Count, F, Sum, Value, When

    from atbalsts.reporting.selectors import (
        ZERO,
        MonthSpend,
        PilotReport,
        ServiceSpend,
        SourceSpend,
        months_in,
        spend_rows,
    )

    rows = spend_rows(**arguments)
    person = Case(
        When(recipient_id=0, then=F("client_id")),
        default=Value(0) - F("recipient_id"),
        output_field=BigIntegerField(),
    )
    by_source = [
        SourceSpend(r["funding_source"], "", r["amount"])
        for r in rows.values("funding_source").annotate(amount=Sum("amount"))
    ]
    people = (
        rows.values("client_id")
        .annotate(months=Count("month", distinct=True))
        .aggregate(clients=Count("client_id"), client_months=Sum("months"))
    )
    services = [
        ServiceSpend(r["service_type_id"], "", "", r["persons"], r["amount"])
        for r in rows.values("service_type_id").annotate(
            amount=Sum("amount"), persons=Count(person, distinct=True)
        )
    ]
    per_month = {
        r["month"]: r["amount"] for r in rows.values("month").annotate(amount=Sum("amount"))
    }
    months = months_in(arguments["date_from"], arguments["date_to"])
    return PilotReport(
        municipalities=[],
        target_group=arguments["target_group"],
        date_from=arguments["date_from"],
        date_to=arguments["date_to"],
        total=sum((s.amount for s in by_source), ZERO),
        by_source=by_source,
        clients=people["clients"] or 0,
        client_months=people["client_months"] or 0,
        services=services,
        monthly=[MonthSpend(m, per_month.get(m, ZERO)) for m in months],
    )


def ledger_needed(**arguments: Any) -> dict[str, Any]:
    """The budget needed per band computed over the MonthlySpend ledger rows, client by client
    (each client's money ÷ their distinct months, as `budget_needed_by_band` did before it
    grouped in the database): the cross-check of the evaluated report. The monthly spends are
    added as exact fractions and the average and the maximum rounded once, half up. The
    synthetic country has no budget periods, so every client is in the band "none" of their
    target group."""
    from django.db.models import Count, Sum

    from atbalsts.reporting.selectors import spend_rows

    def cents(value: Fraction) -> Decimal:
        with localcontext(prec=100):
            exact = Decimal(value.numerator) / Decimal(value.denominator)
            return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    groups: dict[str, list[Fraction]] = {}
    for r in (
        spend_rows(**arguments)
        .values("client_id", "target_group")
        .annotate(amount=Sum("amount"), months=Count("month", distinct=True))
    ):
        groups.setdefault(r["target_group"], []).append(Fraction(r["amount"]) / r["months"])
    return {
        group: (len(v), cents(sum(v, Fraction(0)) / len(v)), cents(max(v)))
        for group, v in sorted(groups.items())
    }


def needed_figures(report: Any) -> dict[str, Any]:
    return {
        b.target_group: (b.clients, b.average, b.maximum)
        for b in report.budget_needed
        if b.band_code == ""
    }


def engines() -> dict[str, Callable[..., Any]]:
    """`report` is the pilot report alone; `evaluated` what the page, the API, the exports and
    the command call (the report, the outcomes and the budget needed per band)."""
    from atbalsts.reporting.selectors import pilot_report, pilot_report_evaluated

    return {"report": pilot_report, "evaluated": pilot_report_evaluated, "ledger": ledger_report}


def run_report(engine: str, arguments: dict[str, Any]) -> Any:
    from atbalsts.reporting.policies import SYSTEM_READER

    return engines()[engine](user=SYSTEM_READER, date_from=START, date_to=END, **arguments)


def figures(report: Any) -> dict[str, Any]:
    """What must agree: the totals to the cent, persons and money per service, months."""
    return {
        "total": report.total,
        "by_source": {s.funding_source: s.amount for s in report.by_source if s.amount},
        "clients": report.clients,
        "client_months": report.client_months,
        "services": {s.service_type_id: (s.persons, s.amount) for s in report.services},
        "monthly": {m.month: m.amount for m in report.monthly if m.amount},
    }


RAW_SQL = """
WITH ledger AS (
    SELECT s.client_id, COALESCE(s.recipient_id, 0) AS recipient_id, s.service_type_id,
           s.funding_source, date_trunc('month', s.date)::date AS month,
           c.municipality_id, c.target_group, SUM(s.amount) AS amount
    FROM delivery_session s
    JOIN billing_invoicedsession x ON x.session_id = s.id
    JOIN billing_invoiceline l ON l.id = x.line_id
    JOIN billing_invoice i ON i.id = l.invoice_id
    JOIN people_client c ON c.id = s.client_id
    WHERE i.status IN ('approved', 'paid') AND s.date BETWEEN %(start)s AND %(end)s
      {filters}
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING SUM(s.amount) <> 0
)
SELECT 'source', funding_source, NULL, SUM(amount) FROM ledger GROUP BY funding_source
UNION ALL
SELECT 'service', service_type_id::text,
       COUNT(DISTINCT CASE WHEN recipient_id = 0 THEN client_id ELSE -recipient_id END),
       SUM(amount)
FROM ledger GROUP BY service_type_id
UNION ALL
SELECT 'month', month::text, NULL, SUM(amount) FROM ledger GROUP BY month
UNION ALL
SELECT 'clients', NULL, COUNT(DISTINCT client_id), NULL FROM ledger
UNION ALL
SELECT 'client_months', NULL, COUNT(*), NULL FROM (SELECT DISTINCT client_id, month FROM ledger) m
"""


def raw_figures(arguments: dict[str, Any]) -> dict[str, Any]:
    """The same figures straight from the session table: the sessions invoiced on approved or
    paid invoices, in the period, summed per client × recipient × service × source × month."""
    from django.db import connection

    filters = ""
    params: dict[str, Any] = {"start": START, "end": END}
    if arguments["municipalities"]:
        filters += " AND c.municipality_id = ANY(%(municipalities)s)"
        params["municipalities"] = [m.pk for m in arguments["municipalities"]]
    if arguments["target_group"]:
        filters += " AND c.target_group = %(group)s"
        params["group"] = arguments["target_group"]
    result: dict[str, Any] = {
        "total": Decimal("0.00"),
        "by_source": {},
        "clients": 0,
        "client_months": 0,
        "services": {},
        "monthly": {},
    }
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL.format(filters=filters), params)
        for kind, key, count, amount in cursor.fetchall():
            if kind == "source":
                result["by_source"][key] = amount
                result["total"] += amount
            elif kind == "service":
                result["services"][int(key)] = (count, amount)
            elif kind == "month":
                result["monthly"][dt.date.fromisoformat(key)] = amount
            else:
                result[kind] = count
    return result


# --- measuring --------------------------------------------------------------------------------


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = function()  # warm-up
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return times, result


def query_count(engine: str, arguments: dict[str, Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run_report(engine, arguments)
    return len(captured.captured_queries)


def peak_memory(url: str, engine: str, index: int) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh process that sets Django up and runs one report, and of one
    that only sets Django up (the baseline)."""
    env = {**os.environ, "DATABASE_URL": url}
    output = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", engine, str(index), "--database-url", url],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    values = json.loads(output.strip().splitlines()[-1])
    return values["after_setup"], values["peak"]


def child(url: str, engine: str, index: int) -> None:
    setup_django(url)
    from django.db import connection

    connection.ensure_connection()
    after_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label, arguments = cases()[index]
    run_report(engine, arguments)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"label": label, "after_setup": after_setup, "peak": peak}))


def vacuum() -> None:
    """Freshly loaded tables have no visibility map and no hint bits yet: the first reads
    would pay for writing them. Vacuum first, as autovacuum would have done on a live server."""
    from django.db import connection

    from atbalsts.billing.models import ClientMonths, MonthlySpend, ServiceMonths, SpendSummary

    tables = [m._meta.db_table for m in (MonthlySpend, SpendSummary, ServiceMonths, ClientMonths)]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--clients", type=int, default=40_000)
    parser.add_argument("--sessions", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--raw-runs", type=int, default=3, help="runs of the raw SQL aggregate")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--engines",
        default="report,evaluated,ledger",
        help="comma-separated: report, evaluated, ledger (the slow MonthlySpend design)",
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the peak memory of a fresh process"
    )
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url, args.child[0], int(args.child[1]))
        return

    url = args.database_url
    small_url = _with_db(url, urlparse(url).path.lstrip("/") + "_small")
    small = (max(args.clients // 100, 50), max(args.sessions // 100, 5000))
    prepare(
        url,
        clients=args.clients,
        sessions=args.sessions,
        seed=args.seed,
        regenerate=args.regenerate,
    )
    prepare(
        small_url, clients=small[0], sessions=small[1], seed=args.seed, regenerate=args.regenerate
    )

    setup_django(url)
    from django.db import connection

    from atbalsts.billing import ledger
    from atbalsts.reporting.policies import SYSTEM_READER

    began = time.perf_counter()
    ledger.rebuild()
    print(f"Roll-ups rebuilt from MonthlySpend in {time.perf_counter() - began:.1f} s")
    vacuum()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM people_client), (SELECT COUNT(*) FROM delivery_session),"
            " (SELECT COUNT(*) FROM billing_monthlyspend), (SELECT COUNT(*) FROM billing_invoice),"
            " (SELECT COUNT(*) FROM billing_invoiceline),"
            " (SELECT COUNT(*) FROM billing_spendsummary),"
            " (SELECT COUNT(*) FROM billing_servicemonths),"
            " (SELECT COUNT(*) FROM billing_clientmonths),"
            " pg_size_pretty(pg_database_size(current_database())), version()"
        )
        sizes = cursor.fetchone()
    print()
    print(
        f"Data: {sizes[0]:,} clients, {sizes[1]:,} sessions, {sizes[2]:,} MonthlySpend rows, "
        f"{sizes[3]:,} invoices, {sizes[4]:,} invoice lines; roll-ups {sizes[5]:,} + "
        f"{sizes[6]:,} + {sizes[7]:,} rows; database {sizes[8]}".replace(",", " ")
    )
    print(
        f"Server: {sizes[9].split(',')[0]}; {os.cpu_count()} CPUs; runs: {args.runs} (+1 warm-up)"
    )

    chosen = [e for e in args.engines.split(",") if e]
    if unknown := set(chosen) - set(engines()):
        raise SystemExit(f"unknown engines: {sorted(unknown)}")
    report_cases = cases()
    rows: list[tuple[Any, ...]] = []
    failures = []
    for index, (label, arguments) in enumerate(report_cases):
        raw_times, raw = timed(partial(raw_figures, arguments), args.raw_runs)
        for engine in chosen:
            times, report = timed(partial(run_report, engine, arguments), args.runs)
            agree = figures(report) == raw
            if not agree:
                failures.append((label, engine, figures(report), raw))
            if engine == "evaluated":
                needed = ledger_needed(
                    user=SYSTEM_READER, date_from=START, date_to=END, **arguments
                )
                if needed_figures(report) != needed:
                    agree = False
                    failures.append(
                        (label, "budget needed", {"n": needed_figures(report)}, {"n": needed})
                    )
            queries = query_count(engine, arguments)
            peak = None if args.no_memory else peak_memory(url, engine, index)[1]
            rows.append(
                (
                    label,
                    engine,
                    statistics.median(times),
                    max(times),
                    queries,
                    peak,
                    agree,
                    report.total,
                    report.clients,
                )
            )
        rows.append(
            (
                label,
                "raw SQL",
                statistics.median(raw_times),
                max(raw_times),
                1,
                None,
                True,
                raw["total"],
                raw["clients"],
            )
        )

    print()
    print(
        f"{'report':28} {'engine':13} {'median ms':>9} {'max ms':>9} {'queries':>7} "
        f"{'peak MB':>7} {'agrees':>6} {'total €':>16} {'clients':>8}"
    )
    for label, engine, median, worst, queries, peak, agree, total, clients in rows:
        peak_text = f"{peak:7.0f}" if peak is not None else "      -"
        print(
            f"{label:28} {engine:13} {ms(median)} {ms(worst)} {queries:7d} {peak_text} "
            f"{'yes' if agree else 'NO':>6} {total:16,.2f} {clients:8d}"
        )

    if not args.no_memory:
        baseline, _peak = peak_memory(url, "report", 0)
        print(f"\nA fresh process after django.setup() and connecting: {baseline:.0f} MB peak RSS")

    # The same reports on a country a hundred times smaller: the query counts must not change.
    connection.close()
    connection.settings_dict["NAME"] = urlparse(small_url).path.lstrip("/")
    vacuum()
    print(f"\nQuery counts at two data sizes ({small[0]} / {args.clients} clients):")
    for index, (_label, arguments) in enumerate(cases()):
        label = report_cases[index][0]
        parts = []
        for engine in chosen:
            big = next(r[4] for r in rows if r[0] == label and r[1] == engine)
            parts.append(f"{engine}: {query_count(engine, arguments)} / {big}")
        print(f"  {label:28} " + "  ".join(parts))
    if failures:
        for label, engine, mine, raw in failures:
            print(f"\nDISAGREEMENT in {label} ({engine}):")
            for key in raw:
                if mine[key] != raw[key]:
                    print(f"  {key}: report {mine[key]!r}\n  {' ' * len(key)}  raw    {raw[key]!r}")
        raise SystemExit(1)
    print(
        "\nAll reports agree with the raw session aggregate to the cent; the budget needed per"
        " band agrees with the ledger rows."
    )


if __name__ == "__main__":
    main()
