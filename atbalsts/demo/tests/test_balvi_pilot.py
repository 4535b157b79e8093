"""Balvi's 2019–2021 pilots, generated as an import bundle: the records are plausible and add
up to Balvi's published tables. (The pilot report over them once imported, which gives those
tables and headline figures exactly, is tested in test_demo_load.py: the import takes minutes
and demo_load's test makes it anyway.)"""

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from atbalsts.catalog.models import ServiceType
from atbalsts.core.money import round_money
from atbalsts.demo import balvi as pilot
from atbalsts.people.models import TargetGroup
from atbalsts.people.personal_code import parse_personal_code
from atbalsts.plans.models import FundingSource

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "reporting" / "data"
GROUPS = (
    # table, target group, last day, months, total, per person-month
    ("balvi_children.csv", TargetGroup.CHILD_FT, dt.date(2020, 10, 31), 12, "63236.60", "526.97"),
    ("balvi_adults.csv", TargetGroup.ADULT_GRT, dt.date(2021, 1, 31), 15, "110258.19", "735.05"),
)


def published(name: str) -> set[tuple[str, int, Decimal]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return {
            (r["service"], int(r["persons"]), Decimal(r["spent_eur"])) for r in csv.DictReader(f)
        }


def rows(sheets: Any, sheet: str) -> list[dict[str, str]]:
    header, *data = sheets[sheet]
    return [dict(zip(header, (str(v) for v in row), strict=True)) for row in data]


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007 - a calendar date


def test_the_generated_bundle_is_plausible_and_adds_up():
    sheets = pilot.pilot_sheets()
    assert sheets == pilot.pilot_sheets(), "the same seed gives the same bundle"
    types = {t.code: t for t in ServiceType.objects.all()}
    clients = {r["personal_code"]: r for r in rows(sheets, "clients")}

    # people: valid new-form personal codes (never a living-demo code, which all have the old
    # form with the date of birth); children under 18 and adults 18+ when the pilot starts
    assert len(clients) == 20
    for code, client in clients.items():
        assert parse_personal_code(code).is_new_form
        born = day(client["date_of_birth"])
        age = (pilot.PILOT_START - born).days // 365
        assert age < 18 if client["target_group"] == TargetGroup.CHILD_FT else age >= 18

    # sessions on working days (care also on weekends), in daytime, at the line's price
    # near the catalogue's; per invoice line the sessions add up to its quantity and amount
    daily = {
        t.code
        for t in types.values()
        if t.name_lv in pilot.STYLES and pilot.STYLES[t.name_lv].daily
    }
    totals: dict[tuple[str, ...], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for s in rows(sheets, "sessions"):
        when = day(s["date"])
        assert (when.weekday() < 5 and when not in pilot.HOLIDAYS) or s["service_type"] in daily
        assert "08:00" <= s["start_time"] <= "16:30"
        service_type = types[s["service_type"]]
        price = Decimal(s["unit_price"])
        assert abs(price / service_type.default_unit_price - 1) < Decimal("0.16")
        units = Decimal(s["km"] or (int(s["duration_minutes"] or 60) // 60))
        if service_type.unit in ("session", "day", "course"):
            units = Decimal(1)
        key = (s["provider_registration_number"], f"{when:%m.%Y}", s["client_personal_code"],
               s["service_type"], s["recipient"])  # fmt: skip
        totals[key][0] += units
        totals[key][1] += round_money(units * price)
    lines = rows(sheets, "invoice_lines")
    assert len(lines) == len(totals)
    for line in lines:
        key = (line["provider_registration_number"], line["month"], line["client_personal_code"],
               line["service_type"], line["recipient"])  # fmt: skip
        assert totals[key] == [Decimal(line["quantity"]), Decimal(line["amount"])]

    # the invoice lines add up to the published table, service by service
    by_service: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        group = clients[line["client_personal_code"]]["target_group"]
        by_service[(group, types[line["service_type"]].name_lv)] += Decimal(line["amount"])
    for table, group, *_rest in GROUPS:
        assert {name: amount for (g, name), amount in by_service.items() if g == group} == {
            name: spent for name, _persons, spent in published(table)
        }

    # the workflow's days: received after the month, then confirmed, approved and paid
    for invoice in rows(sheets, "invoices"):
        month = day(f"01.{invoice['month']}")
        steps = [day(invoice[c]) for c in ("submitted_on", "confirmed_on", "approved_on")]
        steps.append(day(invoice["paid_on"]))
        assert month < steps[0] <= steps[1] <= steps[2] <= steps[3] <= dt.date(2021, 3, 31)
        assert all(d.weekday() < 5 for d in steps)

    # the state-paid assistant never from the individual budget; other sources as planned
    sources = {(r["service_type"], r["funding_source"]) for r in rows(sheets, "plan_lines")}
    state = next(t.code for t in types.values() if not t.ib_fundable)
    assert {f for c, f in sources if c == state} == {FundingSource.STATE}
    assert {f for _c, f in sources} == {
        FundingSource.STATE,
        FundingSource.INDIVIDUAL_BUDGET,
        FundingSource.MUNICIPAL,
    }
