"""Bounded load test of the web pages under gunicorn + PostgreSQL (docs/performance.md, "Load
test"). Not a test: a measurement, run by hand.

    .venv/bin/python bench/load.py                       # 4 000 clients, 1 M sessions
    .venv/bin/python bench/load.py --clients 40000 --sessions 10000000 \
        --database-url postgres://postgres@127.0.0.1:5432/atbalsts_bench

Bounded and loopback only: gunicorn listens on 127.0.0.1, the script refuses any other host,
and it makes a fixed number of requests (--users signed-in users, each --rounds times through
its role's pages, after one warm-up pass that is not counted).

1. Creates and fills the database with the synthetic country (`manage.py country_generate`,
   through bench/national_report.py's `prepare`) unless a country of that size is there, and a
   country ten times smaller in `<database>_small` for the query counts.
2. In a subprocess with the production settings: picks the municipality with the most
   clients, its social workers, head and accountant, an analyst and an auditor (made if
   missing), signs each virtual user in (a session row, as a sign-in would write), and
   counts the SQL queries of every page on both countries.
3. `ANALYZE` on both databases (planner statistics, as autovacuum keeps them on a live
   server), `collectstatic`, then `gunicorn config.wsgi -w WORKERS --timeout 60` on a free loopback
   port with the production settings (HTTPS taken as given through X-Forwarded-Proto).
4. --users threads, each with its own keep-alive connection, go through their pages (with
   --think S, starting within 0–2 × S seconds of each other after the warm-up and pausing
   0.5–1.5 × S seconds after each page as a person reading it; without, all at once and no
   pause: the worst case, where the latency is the queue in front of the workers); prints
   p50/p95/p99/max per page and the queries on the small and the large country.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atbalsts_load"
LOOPBACK = "127.0.0.1"
ROLES = ["social_worker", "head", "accountant", "analyst", "auditor"]
# The report exports build a whole file per request: measured, but not held to the target.
EXPORTS = {"pilot report xlsx", "pilot report csv"}
TARGET_P95_MS = 100.0


def _with_db(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def production_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": url,
            "SECRET_KEY": os.environ.get("LOAD_SECRET_KEY", "load-test-" + "k" * 50),
            "PSEUDONYM_KEY": "load-test-pseudonym-key",
            "ALLOWED_HOSTS": LOOPBACK,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


# --- step 2, run inside Django (a subprocess with the production settings) --------------------


def _pages_for(user: Any) -> list[tuple[str, str]]:
    period = "group=adult_grt&date_from=2023-01-01&date_to=2025-12-31"
    return [
        (f"start ({user.role})", "/"),
        ("client list", "/people/clients/"),
        ("invoice list", "/billing/invoices/"),
        ("pilot report", f"/reports/pilot/?{period}"),
        ("caseload", "/reports/caseload/"),
        ("pilot report xlsx", f"/reports/pilot/xlsx/?{period}"),
        ("pilot report csv", f"/reports/pilot/csv/?table=services&{period}"),
    ]


def _client_pages(client: Any) -> list[tuple[str, str]]:
    from atbalsts.plans.models import PlanVersion

    pages = [
        ("client page", f"/people/clients/{client.pk}/"),
        ("ledger", f"/api/billing/clients/{client.pk}/ledger"),
    ]
    version = PlanVersion.objects.filter(plan__client=client).order_by("-pk").first()
    if version is not None:
        pages.append(("plan", f"/plans/versions/{version.pk}/"))
    return pages


def setup_inside(count: int) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from atbalsts.core.roles import Role
    from atbalsts.people.models import Client as Person
    from atbalsts.people.models import Municipality

    User = get_user_model()
    town = Municipality.objects.annotate(n=Count("clients")).order_by("-n", "code").first()
    if town is None:
        raise SystemExit("no municipality: generate the country first")
    staff = {
        "social_worker": list(User.objects.filter(municipality=town, role=Role.SOCIAL_WORKER)),
        "head": list(User.objects.filter(municipality=town, role=Role.HEAD)),
        "accountant": list(User.objects.filter(municipality=town, role=Role.ACCOUNTANT)),
    }
    for role in ("analyst", "auditor"):
        user, _ = User.objects.get_or_create(
            username=f"load-{role}", defaults={"role": role, "municipality": None}
        )
        staff[role] = [user]
    candidates = list(
        Person.objects.filter(municipality=town, support_plans__isnull=False)
        .distinct()
        .order_by("pk")[:40]
    )
    users: list[dict[str, Any]] = []
    for n in range(count):
        role = ROLES[n % len(ROLES)]
        user = staff[role][(n // len(ROLES)) % len(staff[role])]
        browser = Client()
        browser.force_login(user)
        pages: dict[str, dict[str, Any]] = {}

        def probe(
            name: str, url: str, browser: Client = browser, pages: dict[str, Any] = pages
        ) -> bool:
            with CaptureQueriesContext(connection) as queries:
                response = browser.get(url, secure=True, headers={"host": LOOPBACK})
            if response.status_code == 200:
                pages[name] = {"url": url, "queries": len(queries)}
            return response.status_code == 200

        for name, url in _pages_for(user):
            probe(name, url)
        # The client pages of the first candidate this user may open (a social worker's own
        # case, any client of the municipality for the others).
        for client in candidates:
            first, *rest = _client_pages(client)
            if probe(*first):
                for name, url in rest:
                    probe(name, url)
                break
        session = browser.cookies[settings.SESSION_COOKIE_NAME].value
        users.append(
            {
                "role": role,
                "username": user.username,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                "pages": pages,
            }
        )
    print(json.dumps({"municipality": town.code, "users": users}))


def setup(url: str, count: int) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - this script, arguments from its options
        [sys.executable, __file__, "--inside-setup", str(count)],
        env=production_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"setup failed:\n{result.stderr[-4000:]}")
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


# --- steps 3 and 4 ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def analyze(url: str) -> None:
    """Fresh planner statistics for every table (ANALYZE), as autovacuum gives a live server a
    while after a bulk load: the country generator analyses only the tables it copies into
    last, and with none the planner took the people and case tables for empty (a social
    worker's start page read every client of the municipality once per case: 160 ms)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def collectstatic(url: str) -> None:
    """The production settings serve hashed file names from a manifest collectstatic writes."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=production_env(url),
        cwd=ROOT,
        check=True,
    )


def start_gunicorn(url: str, workers: int, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = production_env(url)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "config.wsgi", "-w", str(workers), "--timeout", "60"]
    command += ["-b", f"{LOOPBACK}:{port}"]
    server = subprocess.Popen(  # noqa: S603
        command, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": LOOPBACK})
            if conn.getresponse().status in (200, 503):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer; see {log}")


def run_user(
    port: int,
    user: dict[str, Any],
    rounds: int,
    out: list[tuple[str, float, int]],
    think: float = 0.0,
) -> None:
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    headers = {"Host": LOOPBACK, "Cookie": user["cookie"], "X-Forwarded-Proto": "https"}
    pages = list(user["pages"].items())
    for n in range(rounds + 1):
        if n == 1 and think:
            # People do not all sign in at the same instant: after the warm-up pass each user
            # starts within one page's reading time (0–2 × think), as a ramp-up would.
            time.sleep(think * 2 * random.random())  # noqa: S311 - not security
        for name, page in pages:
            started = time.perf_counter()
            conn.request("GET", page["url"], headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if n > 0:  # the first pass warms the workers up
                out.append((name, elapsed, response.status))
                if think:  # a person reads the page before the next click (0.5–1.5 × think)
                    time.sleep(think * (0.5 + random.random()))  # noqa: S311 - not security


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(
    results: list[tuple[str, float, int]], queries: dict[str, tuple[set[int], set[int]]]
) -> bool:
    by_page: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for name, ms, status in results:
        by_page[name].append(ms)
        errors[name] += status != 200
    header = f"{'page':28} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'err':>4}"
    print(f"{header}  queries small → large")
    ok = True
    for name in sorted(by_page):
        values = by_page[name]
        p95 = percentile(values, 95)
        small, large = queries.get(name, (set(), set()))
        mark = ""
        if name not in EXPORTS and p95 >= TARGET_P95_MS:
            mark, ok = "  over target", False
        print(
            f"{name:28} {len(values):5} {percentile(values, 50):7.1f} {p95:7.1f} "
            f"{percentile(values, 99):7.1f} {max(values):7.1f} {errors[name]:4}  "
            f"{'/'.join(map(str, sorted(small)))} → {'/'.join(map(str, sorted(large)))}{mark}"
        )
    return ok and not any(errors.values())


def query_counts(found: dict[str, Any]) -> dict[str, set[int]]:
    counts: dict[str, set[int]] = defaultdict(set)
    for user in found["users"]:
        for name, page in user["pages"].items():
            counts[name].add(page["queries"])
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--clients", type=int, default=4000)
    parser.add_argument("--sessions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a user reads each page before the next (0: no pause, the worst case)",
    )
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--inside-setup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside_setup is not None:
        setup_inside(args.inside_setup)
        return
    if not 1 <= args.users <= 100 or not 1 <= args.rounds <= 100 or not 0 <= args.think <= 60:
        raise SystemExit("--users and --rounds are bounded: 1 to 100 each; --think 0 to 60 s.")
    host = urlparse(args.database_url).hostname
    if host not in (LOOPBACK, "localhost"):
        raise SystemExit("the load test runs against a loopback database only")

    from national_report import prepare

    small_url = _with_db(args.database_url, urlparse(args.database_url).path.lstrip("/") + "_small")
    prepare(
        args.database_url,
        clients=args.clients,
        sessions=args.sessions,
        seed=args.seed,
        regenerate=args.regenerate,
    )
    prepare(
        small_url,
        clients=max(args.clients // 10, 50),
        sessions=max(args.sessions // 10, 10_000),
        seed=args.seed,
        regenerate=args.regenerate,
    )
    analyze(args.database_url)
    analyze(small_url)
    collectstatic(args.database_url)
    small = query_counts(setup(small_url, len(ROLES)))
    found = setup(args.database_url, args.users)
    large = query_counts(found)
    queries = {name: (small.get(name, set()), large[name]) for name in large}
    print(
        f"{args.users} users of {found['municipality']} and the ministry, {args.rounds} rounds, "
        f"gunicorn -w {args.workers} on {LOOPBACK}"
    )

    port = free_port()
    log = ROOT / "var" / f"load-gunicorn-{secrets.token_hex(3)}.log"
    log.parent.mkdir(exist_ok=True)
    server = start_gunicorn(args.database_url, args.workers, port, log)
    try:
        results: list[tuple[str, float, int]] = []
        lock = threading.Lock()

        def one(user: dict[str, Any]) -> None:
            mine: list[tuple[str, float, int]] = []
            run_user(port, user, args.rounds, mine, args.think)
            with lock:
                results.extend(mine)

        # Unloaded: one user of each role alone, one after the other (after a warm-up pass).
        baseline: list[tuple[str, float, int]] = []
        for user in found["users"][: len(ROLES)]:
            run_user(port, user, 3, baseline)
        print("one user at a time (service time):")
        report(baseline, queries)
        threads = [threading.Thread(target=one, args=(user,)) for user in found["users"]]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"{args.users} users at once (think {args.think:g} s): {len(results)} timed requests "
        f"in {wall:.1f} s ({len(results) / wall:.0f}/s)"
    )
    ok = report(results, queries)
    print(
        "every page but the exports under the p95 target"
        if ok
        else f"NOT all pages under p95 {TARGET_P95_MS:.0f} ms (or errors)"
    )


if __name__ == "__main__":
    main()
