"""The pilots' records as the sheets of an import bundle, row by row."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from typing import Any

from atbalsts.assessment.dates import add_months, period_end
from atbalsts.bundle.example import Sheets
from atbalsts.catalog.models import ServiceType, ServiceUnit
from atbalsts.core.dates import dmy, my
from atbalsts.core.money import round_money
from atbalsts.demo.people import STREETS
from atbalsts.demo.world import company_number, lv_iban
from atbalsts.people.models import TargetGroup

from .budgets import band_of, fund, plan_lines
from .deliveries import Delivery, days_of, spread
from .people import CONCLUSIONS, Person
from .tables import (
    HOLIDAYS,
    MUNICIPALITY,
    PILOT_START,
    REMOTE_FROM,
    REMOTE_TO,
    SELECTED_ON,
    TARIFFS_FROM,
    Pilot,
    ProviderSpec,
    provider_specs,
)

# Who approved the pilots' invoices' payment, as the municipality's records name her: imported
# as history (the accountant `gramatvede` is the matching user, a reference only).
APPROVER = "Rita Skaitle"

HEADERS: dict[str, list[str]] = {
    "providers": ["municipality", "registration_number", "kind", "name", "contact_person",
                  "phone", "email", "address", "seat_municipality", "iban", "active"],
    "registrations": ["provider_municipality", "provider_registration_number", "register",
                      "number", "service_types", "valid_from", "valid_to", "verified_on"],
    "locations": ["provider_municipality", "provider_registration_number", "kind",
                  "municipality", "address", "active"],
    "tariffs": ["provider_municipality", "provider_registration_number", "service_type",
                "unit_price", "session_minutes", "remote_allowed", "valid_from", "valid_to"],
    "clients": ["personal_code", "first_name", "last_name", "target_group", "start_date",
                "date_of_birth", "disability_group", "disability_valid_until", "legal_capacity",
                "address", "phone", "languages"],
    "representatives": ["client_personal_code", "kind", "first_name", "last_name", "valid_from",
                        "authority", "phone"],
    "support_circle": ["client_personal_code", "first_name", "relation", "last_name", "phone",
                       "notes"],
    "consents": ["client_personal_code", "purpose", "given_on", "given_by"],
    "assessments": ["client_personal_code", "assessed_on", "scores", "goals", "conclusions",
                    "anamnesis", "family_description", "completed_on"],
    "budgets": ["client_personal_code", "start", "months", "assessed_on", "band",
                "monthly_amount"],
    "plans": ["client_personal_code", "plan_ref", "start", "end", "status", "signed_on",
              "sign_method", "signer", "agreed_on", "notes"],
    "goals": ["client_personal_code", "plan_ref", "goal_ref", "term", "domain", "text",
              "decision_domain", "progress_measure"],
    "plan_lines": ["client_personal_code", "plan_ref", "service_type",
                   "provider_registration_number", "quantity", "start", "months",
                   "funding_source", "session_minutes", "goal_ref", "priority", "recipient"],
    "sessions": ["client_personal_code", "provider_registration_number", "service_type", "date",
                 "start_time", "duration_minutes", "status", "mode", "signed_by", "km",
                 "unit_price", "evidence_protocol", "recipient"],
    "invoices": ["provider_registration_number", "month", "number", "status", "submitted_on",
                 "confirmed_on", "approved_by", "approved_on", "paid_on",
                 "payment_reference"],
    "invoice_lines": ["provider_registration_number", "month", "client_personal_code",
                      "service_type", "quantity", "unit_price", "amount", "recipient"],
}  # fmt: skip


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _working_day(day: dt.date, forward: int = 0) -> dt.date:
    """The first working day on or after `day`, then `forward` working days more."""
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += dt.timedelta(days=1)
    for _ in range(forward):
        day += dt.timedelta(days=1)
        while day.weekday() >= 5 or day in HOLIDAYS:
            day += dt.timedelta(days=1)
    return day


class SheetsBuilder:
    """Adds the rows of each sheet; the order of its calls is the order of the random draws."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = random.Random(f"balvi-pilot-{seed}")
        self.sheets: Sheets = {name: [header] for name, header in HEADERS.items()}
        # (pilot, service name) → the provider's spec and registration number
        self.providers: dict[tuple[str, str], tuple[ProviderSpec, str]] = {}
        self.sessions: dict[tuple[str, dt.date], list[tuple[Delivery, Decimal, Decimal]]] = {}

    def add(self, sheet: str, *row: Any) -> None:
        self.sheets[sheet].append(["" if v is None else v for v in row])

    def providers_and_tariffs(self, deliveries: list[Delivery], change: dict[str, dt.date]) -> None:
        rng = random.Random(f"balvi-pilot-providers-{self.seed}")
        prices: dict[tuple[str, str], dict[Decimal, dt.date]] = {}
        for d in deliveries:
            for month, price in d.prices.items():
                runs = prices.setdefault((d.service.pilot, d.service.name), {})
                runs[price] = min(runs.get(price, month), month)
        for spec in provider_specs():
            number = company_number(rng, spec.prefix)
            offered = [("children", s) for s in spec.children] + [
                ("adults", s) for s in spec.adults
            ]
            offered = [key for key in offered if key in prices]
            if not offered:
                continue
            names = [name for _pilot, name in offered]
            types = {t.name_lv: t for t in ServiceType.objects.filter(name_lv__in=names)}
            self.add("providers", MUNICIPALITY, number, "legal", spec.name, spec.contact,
                     f"64{rng.randint(100000, 999999)}",
                     f"info@{spec.invoice_prefix.lower()}-balvi.lv",
                     f"{spec.street}, Balvi", MUNICIPALITY, lv_iban(rng), "yes")  # fmt: skip
            if spec.register is not None:
                prefix = "SP" if spec.register == "social_service_providers" else "ĀPR"
                self.add("registrations", MUNICIPALITY, number, spec.register,
                         f"{prefix}-{rng.randint(1000, 9999)}",
                         ";".join(types[s].code for s in names),
                         dmy(dt.date(rng.randint(2010, 2017), rng.randint(1, 12), 1)), "",
                         dmy(_working_day(dt.date(2019, 9, 2), rng.randint(0, 15))))  # fmt: skip
            self.add("locations", MUNICIPALITY, number, "premises", MUNICIPALITY,
                     f"{spec.street}, Balvi", "yes")  # fmt: skip
            for key in offered:
                service_type = types[key[1]]
                self.providers[key] = (spec, number)
                minutes = (
                    service_type.default_session_minutes or 45
                    if service_type.unit == ServiceUnit.SESSION
                    else None
                )
                in_force = sorted(prices[key].items(), key=lambda kv: kv[1])
                for i, (price, _first) in enumerate(in_force):
                    valid_from = TARIFFS_FROM if i == 0 else change[key[0]]
                    last = i == len(in_force) - 1
                    valid_to = None if last else change[key[0]] - dt.timedelta(days=1)
                    self.add("tariffs", MUNICIPALITY, number, service_type.code, _money(price),
                             minutes or "", "", dmy(valid_from),
                             dmy(valid_to) if valid_to else "")  # fmt: skip

    def person(self, pilot: Pilot, person: Person) -> None:
        child = pilot.target_group == TargetGroup.CHILD_FT
        rng = self.rng
        self.add("clients", person.code, person.first, person.last, pilot.target_group,
                 dmy(PILOT_START), dmy(person.born), person.disability_group,
                 dmy(dt.date(2021, 12, 31) if not child else dt.date(2022, 6, 30)),
                 person.legal_capacity,
                 f"{rng.choice(STREETS)} {rng.randint(1, 60)}, Balvi",
                 f"2{rng.randint(0, 9999999):07d}", "latviešu")  # fmt: skip
        if child:
            self.add("representatives", person.code, "parent", person.parent_first,
                     person.parent_last, dmy(person.born), "vecāka tiesības",
                     f"2{rng.randint(0, 9999999):07d}")  # fmt: skip
        elif person.legal_capacity == "limited":
            self.add("representatives", person.code, "guardian", person.parent_first,
                     person.parent_last, dmy(dt.date(2015, rng.randint(1, 12), 1)),
                     "aizgādnība (bāriņtiesas lēmums)",
                     f"2{rng.randint(0, 9999999):07d}")  # fmt: skip
        self.add("support_circle", person.code, person.parent_first, "parent", person.parent_last,
                 "", "")  # fmt: skip
        # every participant agreed, when selected, to the pilot's pseudonymised evaluation: a
        # child through the parent, an adult under guardianship through the guardian
        given_by = (
            f"{person.parent_first} {person.parent_last}"
            if child or person.legal_capacity == "limited"
            else ""
        )
        self.add("consents", person.code, "pseudonymised_evaluation", dmy(SELECTED_ON),
                 given_by)  # fmt: skip
        assessments = [dt.date(2019, 10, 8)]
        if child:
            assessments.append(dt.date(2020, 4, 7))
        for start in assessments:
            day = _working_day(start, rng.randint(0, 6))
            scores = person.scores  # the re-assessment found the same needs
            goals = " | ".join(text for _d, text, _dd in person.goals)
            conclusions = ""
            if child:
                roles = rng.sample(list(CONCLUSIONS), 3)
                conclusions = " | ".join(f"{role.value}: {CONCLUSIONS[role]}" for role in roles)
            self.add("assessments", person.code, dmy(day),
                     "; ".join(f"{d}={i}" for d, i in scores.items()), goals, conclusions,
                     "" if child else rng.choice((
                         "Vieglas garīgās attīstības traucējumi kopš bērnības.",
                         "Šizofrēnija, stabila remisija; regulāri lieto zāles.",
                         "Vidēji smagi garīgās attīstības traucējumi; epilepsija kontrolēta.")),
                     "" if child else rng.choice((
                         "Dzīvo kopā ar māti pensionāri.",
                         "Dzīvo viens; māsa apciemo reizi nedēļā.",
                         "Dzīvo pie vecākiem laukos, 20 km no Balviem.")),
                     dmy(_working_day(day, 2)))  # fmt: skip
        band, monthly = band_of(pilot, person)
        start = PILOT_START
        for k, months in enumerate(pilot.budget_months):
            assessed = self.sheets["assessments"][-len(assessments) + k][1]
            self.add("budgets", person.code, dmy(start), months, assessed, band, _money(monthly))
            start = add_months(start, months)

    def plan(self, pilot: Pilot, person: Person, deliveries: list[Delivery]) -> None:
        child = pilot.target_group == TargetGroup.CHILD_FT
        rng = self.rng
        ref = f"IBM-{pilot.key[0].upper()}{person.index + 1:02d}"
        signed = _working_day(dt.date(2019, 10, 21), rng.randint(0, 6))
        signer = person.parent if child or person.legal_capacity == "limited" else ""
        end = period_end(PILOT_START, pilot.months)
        self.add("plans", person.code, ref, dmy(PILOT_START), dmy(end), "active", dmy(signed),
                 rng.choice(("paper", "in_person")), signer, dmy(signed),
                 "Individuālā budžeta pilotprojekts")  # fmt: skip
        for k, (domain, text, decision) in enumerate(person.goals, start=1):
            self.add("goals", person.code, ref, f"M{k}", "long" if k == 1 else "short", domain,
                     text, decision, "Pārrunājam ar ģimeni ik pēc trim mēnešiem.")  # fmt: skip
        lines = [line for d in deliveries for line in plan_lines(d)]
        fund(pilot, person, lines)
        for line in lines:
            service = line.delivery.service
            _spec, number = self.providers[(service.pilot, service.name)]
            goal = 1 + (line.priority % len(person.goals))
            self.add("plan_lines", person.code, ref, service.type.code, number,
                     _money(line.quantity), dmy(line.start), line.months, line.funding,
                     "", f"M{goal}", line.priority, line.delivery.recipient)  # fmt: skip

    def session_rows(self, pilot: Pilot, delivery: Delivery) -> None:
        child = pilot.target_group == TargetGroup.CHILD_FT
        service = delivery.service
        rng = random.Random(f"{self.seed}-{delivery.person.code}-{service.name}")
        _spec, number = self.providers[(service.pilot, service.name)]
        style = service.style
        start = rng.choice(style.starts)
        unit = service.type.unit
        for month, units in sorted(delivery.units.items()):
            price = delivery.prices[month]
            days = days_of(month, daily=style.daily)
            if unit == ServiceUnit.KM:
                amounts = delivery.trips[month]
            elif unit == ServiceUnit.HOUR:
                lo, hi = style.hours
                typical = math.ceil(units / Decimal(lo + hi) * 2)
                count = min(max(math.ceil(units / hi), typical), len(days), int(units))
                hours = spread(int(units), [1.0] * count, [hi] * count)
                assert hours is not None  # noqa: S101
                amounts = [Decimal(h) for h in hours]
            else:
                amounts = [Decimal(1)] * int(units)
            chosen = sorted(rng.sample(days, len(amounts)))
            total = Decimal(0)
            for day, amount in zip(chosen, amounts, strict=True):
                remote = (
                    service.type.remote_allowed
                    and service.type.category == "psychology"
                    and REMOTE_FROM <= day <= REMOTE_TO
                )
                km = _money(amount) if unit == ServiceUnit.KM else ""
                minutes = int(amount * 60) if unit == ServiceUnit.HOUR else ""
                self.add("sessions", delivery.person.code, number, service.type.code, dmy(day),
                         start, minutes, "held", "remote" if remote else "in_person",
                         "representative" if child else "client", km, _money(price),
                         f"Videozvans {dmy(day)} plkst. {start}; piedalījās klients un "
                         "speciālists." if remote else "", delivery.recipient)  # fmt: skip
                total += round_money(amount * price)
            self.sessions.setdefault((number, month), []).append((delivery, units, total))

    def invoices(self) -> None:
        rng = self.rng
        for (number, month), items in sorted(self.sessions.items()):
            spec = next(s for s, n in self.providers.values() if n == number)
            next_month = add_months(month, 1)
            submitted = _working_day(next_month.replace(day=3), rng.randint(0, 4))
            confirmed = _working_day(submitted, rng.randint(1, 4))
            approved = _working_day(confirmed, rng.randint(1, 3))
            paid = _working_day(approved, rng.randint(1, 5))
            self.add("invoices", number, my(month), f"{spec.invoice_prefix}-{month:%Y/%m}",
                     "paid", dmy(submitted), dmy(confirmed), APPROVER, dmy(approved), dmy(paid),
                     f"MU-{month:%Y%m}-{spec.invoice_prefix}")  # fmt: skip
            for delivery, units, total in items:
                self.add("invoice_lines", number, my(month), delivery.person.code,
                         delivery.service.type.code, _money(units),
                         _money(delivery.prices[month]), _money(total),
                         delivery.recipient)  # fmt: skip
